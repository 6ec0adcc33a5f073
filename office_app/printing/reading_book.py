"""The reading book (čitačka knjiga) a reader takes to the field, with exactly the columns of
001 Član 2: households — customer code, name, metering point number, reader code, zone, VT,
MT, reader's remarks, reading date; businesses — reading code, subscriber number (metering
point code), name and address, meter number, reader code, VT, MT, peak load, remarks, date.

Blank columns are left blank for the reader's pen; rows are tall enough to write in. Each
book starts on a new page with its period, zone, reader and the dates of the billing order.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from office_app.i18n import Translator, translator
from office_app.printing.document import (
    CONTENT_WIDTH,
    RULE,
    SHADE,
    PageFrame,
    field_grid,
    para,
    render_pdf,
    section,
    styles,
    title_block,
)
from office_app.services.readings import REMARKS

if TYPE_CHECKING:
    from office_app.services.books import BookRow, ReadingBook

ROW_HEIGHT = 8.5 * mm
#: (header msgid, width in mm) per column; the widths add up to the content width.
HOUSEHOLD_COLUMNS = [("Customer code", 16), ("Name", 34), ("Metering point number", 19),
                     ("Reader code", 14), ("Zone", 11), ("VT", 21), ("MT", 21),
                     ("Reader's remarks", 22), ("Reading date", 16)]
BUSINESS_COLUMNS = [("Reading code", 15), ("Subscriber number (point code)", 19),
                    ("Name and address", 31), ("Meter number", 17), ("Reader code", 14),
                    ("VT", 18), ("MT", 18), ("Peak load", 13), ("Reader's remarks", 14),
                    ("Reading date", 15)]


def _ruled(body: list[list[Any]], widths: Sequence[float]) -> Table:
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT",
                  rowHeights=[None] + [ROW_HEIGHT] * (len(body) - 1))
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _header(t: Translator, columns: list[tuple[str, int]]) -> list[Any]:
    return [para(t(name), styles().head_cell) for name, _w in columns]


def _household(t: Translator, book: ReadingBook, row: BookRow) -> list[Any]:
    cell = styles().cell
    return [para(row.customer_code, cell), para(row.customer_name, cell),
            para(row.point_number, cell), para(book.reader_code, cell),
            para(book.zone_code, cell), "", "" if row.two_rate else "—", "", ""]


def _business(t: Translator, book: ReadingBook, row: BookRow) -> list[Any]:
    cell = styles().cell
    return [para(str(row.reading_code), cell), para(row.point_number, cell),
            para(f"{row.customer_name}\n{row.address}", cell), para(row.meter_number, cell),
            para(book.reader_code, cell), "", "" if row.two_rate else "—",
            "" if row.has_peak else "—", "", ""]


def _book_story(t: Translator, book: ReadingBook) -> list[Flowable]:
    p = book.period
    story = title_block(t("Reading book"), [
        t("Period {period} · zone {zone} {zone_name} · reader {reader} {reader_name}",
          period=p.period, zone=book.zone_code, zone_name=book.zone_name,
          reader=book.reader_code, reader_name=book.reader_name)])
    story.append(field_grid([
        (t("Books made on"), t.date(p.books_made_on)),
        (t("Books handed to the field on"), t.date(p.handed_out_on)),
        (t("Last reading day"), t.date(p.last_reading_on)),
        (t("Metering points"), str(len(book.rows)))]))
    households = [r for r in book.rows if not r.business]
    businesses = [r for r in book.rows if r.business]
    if households:
        story.append(section(t("Households")))
        story.append(_ruled([_header(t, HOUSEHOLD_COLUMNS)]
                            + [_household(t, book, r) for r in households],
                            [w for _n, w in HOUSEHOLD_COLUMNS]))
    if businesses:
        story.append(section(t("Businesses")))
        story.append(_ruled([_header(t, BUSINESS_COLUMNS)]
                            + [_business(t, book, r) for r in businesses],
                            [w for _n, w in BUSINESS_COLUMNS]))
    story.append(section(t("Remark codes")))
    story.append(para(" · ".join(f"{code} – {t(text)}" for code, text in REMARKS.items()),
                      styles().small))
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


__all__ = ["reading_books_pdf", "signatures"]
