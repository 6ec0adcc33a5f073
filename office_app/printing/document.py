"""The page frame and building blocks every office document shares.

``render_pdf`` lays out a story of flowables on A4 pages and prints around it, on every page,
the office header (name, address, phone, e-mail, tax number, bank account), the document title
and reference, and a footer with the print date, the operator code and "page n of m". Reading
books, invoices and extracts build their story from ``section``, ``field_grid``,
``data_table`` and ``note_box`` so they look alike. Text passed in is plain text (customer
data may contain ``&`` or ``<``); it is escaped here.

Data text (the office's and the customer's names and addresses, zone and reader names) goes
through ``doc_text`` so that a Cyrillic document prints it in Cyrillic. Table headers never
break inside a word: ``fit_words`` shrinks a header's type until its longest word fits, and
``data_table`` sizes columns so that codes, numbers and dates stay on one line.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from office_app.i18n import Translator, to_cyrillic
from office_app.printing.fonts import BOLD, REGULAR, register_fonts

if TYPE_CHECKING:
    from office_app.services.office import OfficeInfo

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
HEADER_HEIGHT = 24 * mm
FOOTER_HEIGHT = 12 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
#: Printed where a field is empty, so the reader sees the field exists and holds nothing.
EMPTY = "—"
#: Left and right padding of a table cell.
CELL_PAD = 3
#: The smallest type a header shrinks to so that its longest word fits its column.
MIN_HEAD_SIZE = 5.5
#: The type size a header's longest word is measured in when columns are sized.
HEAD_FIT_SIZE = 6.5

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5a6470")
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#9aa5b1")
BAND = colors.HexColor("#e6ecf2")
SHADE = colors.HexColor("#f3f5f7")


@dataclass(frozen=True)
class PageFrame:
    """What is printed around the content of every page. ``title`` and ``reference`` are
    already translated (``reference`` names the subject, e.g. "Customer 0001234")."""

    office: OfficeInfo
    title: str
    operator_code: str
    printed_at: datetime
    reference: str = ""


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    section: ParagraphStyle
    subsection: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle
    note: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5, textColor=INK,
                          alignment=TA_LEFT)

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return Styles(
        body=base,
        small=derive("small", fontSize=7.5, leading=9, textColor=MUTED),
        label=derive("label", fontSize=7.5, leading=9.5, textColor=MUTED),
        value=derive("value", fontSize=9, leading=11),
        title=derive("title", fontName=BOLD, fontSize=16, leading=20, textColor=ACCENT,
                     spaceAfter=1 * mm),
        subtitle=derive("subtitle", fontSize=10, leading=13),
        section=derive("section", fontName=BOLD, fontSize=10, leading=12, textColor=ACCENT),
        subsection=derive("subsection", fontName=BOLD, fontSize=9, leading=11.5,
                          spaceBefore=2 * mm, spaceAfter=1 * mm),
        cell=derive("cell", fontSize=8, leading=10),
        head_cell=derive("head_cell", fontName=BOLD, fontSize=7.5, leading=9.5),
        note=derive("note", fontSize=8.5, leading=11.5, spaceAfter=1.5 * mm),
    )


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    markup = escape(text or "").replace("\n", "<br/>")
    return Paragraph(markup, style or styles().body)


def doc_text(t: Translator, text: str | None) -> str:
    """Data text as the document's script prints it: names and addresses keyed in Latin are
    transliterated on a Cyrillic document (codes, numbers, e-mail addresses and units are
    not data text: leave them out of this). Every document uses this for such text."""
    if not text:
        return ""
    return to_cyrillic(text) if t.language == "sr_Cyrl" else text


def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    if size >= style.fontSize:
        return style
    size = round(size, 1)
    return _sized_style(style, size)


@cache
def _sized_style(style: ParagraphStyle, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}@{size}", parent=style, fontSize=size,
                          leading=style.leading * size / style.fontSize)


def widest_word(text: str, font: str, size: float) -> float:
    return max((stringWidth(w, font, size) for w in (text or "").split()), default=0.0)


def fit_words(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A paragraph whose type is made smaller (down to MIN_HEAD_SIZE) until its longest word
    fits ``width``, so a header wraps between words and never inside one (never "Datum oč /
    itavanja")."""
    widest = widest_word(text, style.fontName, style.fontSize)
    size = style.fontSize
    if widest > width:
        size = max(MIN_HEAD_SIZE, style.fontSize * width / widest * 0.98)
    return para(text, _sized(style, size))


def _line_width(text: str, font: str, size: float) -> float:
    return max((stringWidth(line, font, size) for line in (text or "").split("\n")),
               default=0.0)


def fit_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total: float,
               nowrap: Collection[int] = ()) -> list[float]:
    """Column widths that add up to ``total``: a ``nowrap`` column is as wide as its longest
    line (numbers, codes, dates never wrap), the others at least as wide as their longest
    word and, where room is left, as wide as their longest line; what is left over is
    shared out. Where even that does not fit, every column shrinks in proportion."""
    st = styles()
    pad = 2 * CELL_PAD + 0.5
    cells = list(zip(*rows, strict=True)) if rows else [()] * len(headers)
    minimum, desired = [], []
    for i, head in enumerate(headers):
        # A header may shrink a little (fit_words) before it claims more width.
        head_w = widest_word(head, st.head_cell.fontName, HEAD_FIT_SIZE)
        line = max((_line_width(c, st.cell.fontName, st.cell.fontSize) for c in cells[i]),
                   default=0.0)
        word = max((widest_word(c, st.cell.fontName, st.cell.fontSize) for c in cells[i]),
                   default=0.0)
        low = max(head_w, line if i in nowrap else word) + pad
        full_head = widest_word(head, st.head_cell.fontName, st.head_cell.fontSize) + pad
        minimum.append(low)
        desired.append(max(low, line + pad, full_head))
    return _share(minimum, desired, total)


def _share(minimum: list[float], desired: list[float], total: float) -> list[float]:
    low = sum(minimum)
    if low >= total:
        return [w * total / low for w in minimum]
    wish = sum(desired) - low
    room = total - low
    if wish >= room:
        return [m + (d - m) * room / wish for m, d in zip(minimum, desired, strict=True)]
    extra = (room - wish) / len(desired)
    return [d + extra for d in desired]


def local_time(value: datetime) -> datetime:
    """Stored times are UTC (SQLite hands them back naive); print them in local time."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone()


def or_empty(value: str | None) -> str:
    return value if value else EMPTY


# --- building blocks --------------------------------------------------------------------------

def title_block(title: str, lines: Sequence[str] = ()) -> list[Flowable]:
    st = styles()
    return [para(title, st.title), *(para(line, st.subtitle) for line in lines),
            Spacer(1, 4 * mm)]


def section(title: str) -> Table:
    """A shaded band with the section's title, accent bar on the left."""
    band = Table([[para(title.upper(), styles().section)]], colWidths=[CONTENT_WIDTH])
    band.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), BAND),
        ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
    ]))
    band.spaceBefore = 5 * mm
    band.spaceAfter = 2 * mm
    return band


def subsection(title: str) -> Paragraph:
    return para(title, styles().subsection)


def field_grid(fields: Sequence[tuple[str, str]], columns: int = 2) -> Table:
    """Label/value pairs in ``columns`` columns, filled row by row; empty values print EMPTY."""
    st = styles()
    label_w = 34 * mm if columns <= 2 else 26 * mm
    value_w = CONTENT_WIDTH / columns - label_w
    rows: list[list[Any]] = []
    for start in range(0, len(fields), columns):
        row: list[Any] = []
        for label, value in fields[start:start + columns]:
            row += [para(label, st.label), para(or_empty(value), st.value)]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[label_w, value_w] * columns, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, BAND),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def data_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
               widths: Sequence[float] | None = None, empty_text: str = "", *,
               nowrap: Collection[int] = (), right: Collection[int] = ()) -> Flowable:
    """A ruled table whose header row repeats on every page. With no rows, ``empty_text``.

    Without ``widths`` the columns are sized to what they hold (``fit_widths``; ``nowrap``
    columns never wrap); ``right`` columns (amounts, readings) are right-aligned. Headers wrap
    between words only; long text (addresses) wraps, it is never cut."""
    st = styles()
    if not rows:
        return para(empty_text, st.small)
    if widths is None:
        widths = fit_widths(headers, rows, CONTENT_WIDTH, nowrap)
    number, number_head = _right_cell(), _right_head()
    body: list[list[Any]] = [[fit_words(h, number_head if i in right else st.head_cell,
                                        w - 2 * CELL_PAD)
                              for i, (h, w) in enumerate(zip(headers, widths, strict=True))]]
    body += [[para(or_empty(c), number if i in right else st.cell) for i, c in enumerate(row)]
             for row in rows]
    table = Table(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, BAND),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]))
    return table


@cache
def _right_cell() -> ParagraphStyle:
    return ParagraphStyle("cell_right", parent=styles().cell, alignment=TA_RIGHT)


@cache
def _right_head() -> ParagraphStyle:
    return ParagraphStyle("head_right", parent=styles().head_cell, alignment=TA_RIGHT)


def note_box(paragraphs: Sequence[str], heading: str = "") -> Flowable:
    """A framed note, e.g. what the customer may do with the document."""
    st = styles()
    content: list[Flowable] = [para(heading, st.subsection)] if heading else []
    content += [para(p, st.note) for p in paragraphs]
    box = Table([[content]], colWidths=[CONTENT_WIDTH])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return KeepTogether([Spacer(1, 5 * mm), box])


# --- the page frame ---------------------------------------------------------------------------

def _office_lines(office: OfficeInfo, t: Translator) -> list[str]:
    contact = [doc_text(t, office.address)]
    if office.phone:
        contact.append(t("Phone {phone}", phone=office.phone))
    if office.email:
        contact.append(office.email)
    ids = []
    if office.tax_number:
        ids.append(t("PIB {number}", number=office.tax_number))
    if office.bank_account:
        ids.append(t("Account {account}", account=office.bank_account))
    return [" · ".join(p for p in contact if p), " · ".join(ids)]


def _draw_header(c: Canvas, frame: PageFrame, t: Translator) -> None:
    top = PAGE_HEIGHT - MARGIN + 4 * mm
    right = PAGE_WIDTH - MARGIN
    room = CONTENT_WIDTH - max(stringWidth(frame.title, BOLD, 8),
                               stringWidth(frame.reference, REGULAR, 7.5)) - 6 * mm
    c.setFillColor(ACCENT)
    _draw_fitted(c, doc_text(t, frame.office.name), BOLD, 11.5, top - 4 * mm, room)
    c.setFillColor(MUTED)
    for i, line in enumerate(_office_lines(frame.office, t)):
        _draw_fitted(c, line, REGULAR, 7.5, top - (8.5 + 3.6 * i) * mm, room)
    c.setFont(BOLD, 8)
    c.setFillColor(INK)
    c.drawRightString(right, top - 4 * mm, frame.title)
    c.setFont(REGULAR, 7.5)
    c.setFillColor(MUTED)
    c.drawRightString(right, top - 8.5 * mm, frame.reference)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.8)
    c.line(MARGIN, top - 17 * mm, right, top - 17 * mm)


def _draw_fitted(c: Canvas, text: str, font: str, size: float, y: float, room: float) -> None:
    """One header line in full: a long office name or address is set smaller, never cut."""
    width = stringWidth(text, font, size)
    c.setFont(font, size * min(1.0, room / width) if width else size)
    c.drawString(MARGIN, y, text)


def _draw_copy_label(c: Canvas, label: str) -> None:
    """The copy's label (court, debtor, archive …) boxed under the header's right end."""
    right, y = PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN + 4 * mm - 13.5 * mm
    c.setFont(BOLD, 8)
    width = stringWidth(label, BOLD, 8)
    c.setStrokeColor(ACCENT)
    c.setFillColor(ACCENT)
    c.setLineWidth(0.6)
    c.rect(right - width - 4 * mm, y - 1.2 * mm, width + 4 * mm, 4.4 * mm, stroke=1, fill=0)
    c.drawRightString(right - 2 * mm, y, label)


def _draw_footer(c: Canvas, frame: PageFrame, t: Translator, page: int, pages: int) -> None:
    y = MARGIN - 6 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(MARGIN, y + 3.5 * mm, PAGE_WIDTH - MARGIN, y + 3.5 * mm)
    c.setFont(REGULAR, 7)
    c.setFillColor(MUTED)
    printed = t.datetime(local_time(frame.printed_at))
    c.drawString(MARGIN, y, t("Printed {when} · operator {operator}", when=printed,
                              operator=frame.operator_code))
    c.drawRightString(PAGE_WIDTH - MARGIN, y, t("Page {page} of {pages}", page=page,
                                                pages=pages))


class _FramedCanvas(Canvas):
    """Keeps every page until the end, then draws header and footer knowing the page count."""

    def __init__(self, *args: Any, frame: PageFrame, translator: Translator,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._frame = frame
        self._t = translator
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        # Pages of one copy (CopyMark) are numbered on their own: "page 2 of 3" of each copy.
        copies = [state.get("_office_copy", (0, "")) for state in self._pages]
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            copy = copies[number - 1]
            _draw_header(self, self._frame, self._t)
            if copy[1]:
                _draw_copy_label(self, copy[1])
            _draw_footer(self, self._frame, self._t, copies[:number].count(copy),
                         copies.count(copy))
            super().showPage()
        super().save()


class CopyMark(Flowable):
    """Takes no room; the pages from here on belong to copy ``index`` labelled ``label``."""

    def __init__(self, index: int, label: str) -> None:
        super().__init__()
        self.copy = (index, label)
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv._office_copy = self.copy  # type: ignore[attr-defined]


def render_copies(build: Callable[[], list[Flowable]], frame: PageFrame, t: Translator,
                  labels: Sequence[str]) -> bytes:
    """One PDF with a copy of the document per label, each starting on a new page with its
    label drawn in the header and its own page numbers (the print pipeline's copy labels:
    customer / archive / register, court / debtor …)."""
    story: list[Flowable] = []
    for index, label in enumerate(labels):
        if index:
            story.append(PageBreak())
        story += [CopyMark(index, label), *build()]
    return render_pdf(story, frame, t)


def render_pdf(story: list[Flowable], frame: PageFrame, t: Translator) -> bytes:
    """Lay out ``story`` on A4 pages inside the office frame and return the PDF bytes."""
    styles()  # registers the fonts
    out = BytesIO()
    top = MARGIN + HEADER_HEIGHT - 8 * mm
    bottom = MARGIN + FOOTER_HEIGHT - 6 * mm
    doc = BaseDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=top,
        bottomMargin=bottom, title=frame.title, author=doc_text(t, frame.office.name),
        subject=frame.reference, creator="office-app", lang=_PDF_LANG.get(t.language, "sr"))
    body = Frame(MARGIN, bottom, CONTENT_WIDTH, PAGE_HEIGHT - top - bottom, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [body])])
    doc.build(story, canvasmaker=lambda *a, **kw: _FramedCanvas(
        *a, frame=frame, translator=t, **kw))
    return out.getvalue()


_PDF_LANG = {"sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl", "sq": "sq", "en": "en"}
