"""The reading book (čitačka knjiga) a reader takes to the field, with exactly the columns of
001 Član 2: households — customer code, name, metering point number, reader code, zone, VT,
MT, reader's remarks, reading date; businesses — reading code, subscriber number (metering
point code), name and address, meter number, reader code, VT, MT, peak load, remarks, date.

Blank columns are left blank for the reader's pen; rows are tall enough to write in and grow
to hold a long name or address, so nothing prints over anything else. Headers wrap between
words only. Each book starts on a new page with its period, zone, reader, the dates of the
billing order and the legend of the remark codes the reader writes.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    BAND,
    CONTENT_WIDTH,
    HEAD_FIT_SIZE,
    PAGE_HEIGHT,
    RULE,
    SHADE,
    PageFrame,
    doc_text,
    field_grid,
    fit_words,
    para,
    render_pdf,
    section,
    styles,
    title_block,
    widest_word,
)
from office_app.services.readings import REMARKS

if TYPE_CHECKING:
    from office_app.services.books import BookRow, ReadingBook

#: The least height of a row: room to write a reading by hand.
ROW_HEIGHT = 8.5 * mm
PAD_X, PAD_Y = 2, 1.5
#: (header msgid, width in mm) per column; the widths add up to the content width.
HOUSEHOLD_COLUMNS = [(N_("Customer code"), 16), (N_("Name"), 38),
                     (N_("Metering point number"), 20), (N_("Reader code"), 13),
                     (N_("Zone"), 12), (N_("VT"), 20), (N_("MT"), 20), (N_("Reader's remarks"), 18),
                     (N_("Reading date"), 17)]
BUSINESS_COLUMNS = [(N_("Reading code"), 13), (N_("Subscriber number (point code)"), 19),
                    (N_("Name and address"), 36), (N_("Meter number"), 17),
                    (N_("Reader code"), 12), (N_("VT"), 16), (N_("MT"), 16), (N_("Peak load"), 17),
                    (N_("Reader's remarks"), 13), (N_("Reading date"), 15)]


def _row_height(cells: Sequence[Any], widths: Sequence[float]) -> float:
    """ROW_HEIGHT, or more where a wrapped name or address needs it."""
    need = ROW_HEIGHT
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, Paragraph):
            _w, height = cell.wrap(width - 2 * PAD_X, PAGE_HEIGHT)
            need = max(need, height + 2 * PAD_Y + 1)
    return need


def column_widths(t: Translator, columns: list[tuple[str, int]],
                  pad: float = PAD_X) -> list[float]:
    """The columns' widths in points: each at least as wide as its header's longest word
    set in HEAD_FIT_SIZE (Albanian and Cyrillic headers run longer), what that takes given
    up by the widest column (the name)."""
    font = styles().head_cell.fontName
    widths = [w * mm for _n, w in columns]
    need = [widest_word(t(n), font, HEAD_FIT_SIZE) + 2 * pad + 1 for n, _w in columns]
    grown = [max(w, n) for w, n in zip(widths, need, strict=True)]
    name = widths.index(max(widths))
    grown[name] -= sum(grown) - sum(widths)
    return grown


def _ruled(body: list[list[Any]], widths: Sequence[float]) -> Table:
    heights = [None] + [_row_height(row, widths) for row in body[1:]]
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT", rowHeights=heights)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
    ]))
    return table


def _header(t: Translator, columns: list[tuple[str, int]],
            widths: Sequence[float]) -> list[Any]:
    return [fit_words(t(name), styles().head_cell, width - 2 * PAD_X)
            for (name, _w), width in zip(columns, widths, strict=True)]


def _household(t: Translator, book: ReadingBook, row: BookRow) -> list[Any]:
    cell = styles().cell
    return [para(row.customer_code, cell), para(doc_text(t, row.customer_name), cell),
            para(row.point_number, cell), para(book.reader_code, cell),
            para(book.zone_code, cell), "", "" if row.two_rate else "—", "", ""]


def _business(t: Translator, book: ReadingBook, row: BookRow) -> list[Any]:
    cell = styles().cell
    name = doc_text(t, f"{row.customer_name}\n{row.address}")
    return [para(str(row.reading_code), cell), para(row.point_number, cell),
            para(name, cell), para(row.meter_number, cell),
            para(book.reader_code, cell), "", "" if row.two_rate else "—",
            "" if row.has_peak else "—", "", ""]


def remark_legend(t: Translator) -> Table:
    """The reader's remark codes (N/S/O/P/Z/X) and what each means, three to a row."""
    st = styles()
    cells = [[para(code, st.head_cell), para(t(text), st.small)]
             for code, text in REMARKS.items()]
    per_row = 3
    rows = [sum(cells[i:i + per_row], []) for i in range(0, len(cells), per_row)]
    for row in rows:
        row += [""] * (2 * per_row - len(row))
    code_w = 6 * mm
    table = Table(rows, colWidths=[code_w, CONTENT_WIDTH / per_row - code_w] * per_row,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, BAND),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _book_story(t: Translator, book: ReadingBook) -> list[Flowable]:
    p = book.period
    story = title_block(t("Reading book"), [
        t("Period {period} · zone {zone} {zone_name} · reader {reader} {reader_name}",
          period=p.period, zone=book.zone_code, zone_name=doc_text(t, book.zone_name),
          reader=book.reader_code, reader_name=doc_text(t, book.reader_name))])
    story.append(field_grid([
        (t("Books made on"), t.date(p.books_made_on)),
        (t("Books handed to the field on"), t.date(p.handed_out_on)),
        (t("Last reading day"), t.date(p.last_reading_on)),
        (t("Metering points"), str(len(book.rows)))]))
    story += [section(t("Remark codes")), remark_legend(t)]
    households = [r for r in book.rows if not r.business]
    businesses = [r for r in book.rows if r.business]
    if households:
        story.append(section(t("Households")))
        widths = column_widths(t, HOUSEHOLD_COLUMNS)
        story.append(_ruled([_header(t, HOUSEHOLD_COLUMNS, widths)]
                            + [_household(t, book, r) for r in households], widths))
    if businesses:
        story.append(section(t("Businesses")))
        widths = column_widths(t, BUSINESS_COLUMNS)
        story.append(_ruled([_header(t, BUSINESS_COLUMNS, widths)]
                            + [_business(t, book, r) for r in businesses], widths))
    story.append(signatures([t("Reader's signature"), t("Date returned"),
                             t("Received by")]))
    return story


def signatures(labels: Sequence[str]) -> Flowable:
    """Lines to sign on, with their captions under them."""
    width = CONTENT_WIDTH / len(labels)
    table = Table([[""] * len(labels), [para(x, styles().small) for x in labels]],
                  colWidths=[width] * len(labels), rowHeights=[14 * mm, None])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 10)]))
    table.spaceBefore = 6 * mm
    return table


def reading_books_pdf(books: Sequence[ReadingBook], language: str) -> bytes:
    """One PDF with every book, each from a new page, in the order given."""
    t = translator(language)
    if not books:
        raise ValueError("no reading books to print")
    first = books[0]
    reference = t("Period {period}", period=first.period.period)
    if len(books) == 1:
        reference = t("Zone {zone} · reader {reader}", zone=first.zone_code,
                      reader=first.reader_code)
    frame = PageFrame(first.office, t("Reading book"), first.operator_code, first.printed_at,
                      reference)
    story: list[Flowable] = []
    for i, book in enumerate(books):
        if i:
            story.append(PageBreak())
        story += _book_story(t, book)
    return render_pdf(story, frame, t)


__all__ = ["column_widths", "reading_books_pdf", "remark_legend", "signatures"]
