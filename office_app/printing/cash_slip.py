"""The cash desk's payment slip (uplatnica, 001 Član 4): one A4 page with three labelled copies —
for the customer, for the archive with the daily report, for the cashier — each with every
element: office code and name, customer code and name, document date and number, the documents
paid, the amount in figures and in words, the means of payment, the operator's code and the
desk. A reprint says DUPLIKAT on every copy. Printed in the customer's language."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from office_app.i18n import Translator, translator
from office_app.printing.amount_words import amount_in_words
from office_app.printing.document import ACCENT, INK, MUTED, RULE, doc_text
from office_app.printing.fonts import BOLD, REGULAR, register_fonts
from office_app.services.cashdesk.counter import Receipt
from office_app.services.office import OfficeInfo

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 14 * mm
RIGHT = PAGE_WIDTH - 14 * mm
PART = PAGE_HEIGHT / 3

#: The three copies, top to bottom (msgids; translated in the slip's language).
COPY_LABELS = ("Copy for the customer", "Copy for the archive (with the daily report)",
               "Copy for the cashier")
MEANS_LABELS = {"cash": "Cash", "card": "Card"}

DrawPart = Callable[[Canvas, float, str], None]


def copies_on_one_page(c: Canvas, labels: Sequence[str], draw: DrawPart) -> None:
    """The print pipeline's copy frame: the page cut in equal parts, each labelled and drawn
    the same way, with a dashed line to tear along."""
    height = PAGE_HEIGHT / len(labels)
    for index, label in enumerate(labels):
        top = PAGE_HEIGHT - index * height
        c.setFillColor(ACCENT)
        c.setFont(BOLD, 8)
        c.drawRightString(RIGHT, top - 9 * mm, label)
        draw(c, top, label)
        if index:
            c.setStrokeColor(RULE)
            c.setDash(3, 3)
            c.line(6 * mm, top, PAGE_WIDTH - 6 * mm, top)
            c.setDash()


def slip_pdf(receipt: Receipt, office: OfficeInfo, language: str | None = None) -> bytes:
    """The slip as PDF bytes (three copies on one page)."""
    register_fonts()
    t = translator(language or receipt.language)
    out = BytesIO()
    c = Canvas(out, pagesize=A4)
    title = t("Payment slip {number}", number=receipt.number)
    c.setTitle(title)
    c.setAuthor(doc_text(t, office.name))
    labels = [t(label) for label in COPY_LABELS]
    copies_on_one_page(c, labels, lambda cv, top, _label: _part(cv, top, receipt, office, t))
    c.showPage()
    c.save()
    return out.getvalue()


def _part(c: Canvas, top: float, r: Receipt, office: OfficeInfo, t: Translator) -> None:
    y = top - 10 * mm
    c.setFillColor(INK)
    c.setFont(BOLD, 10)
    c.drawString(LEFT, y, f"{office.code}  {doc_text(t, office.name)}")
    y -= 7 * mm
    c.setFont(BOLD, 13)
    c.drawString(LEFT, y, t("Payment slip {number}", number=r.number))
    if r.duplicate:
        c.setFillColor(ACCENT)
        c.drawRightString(RIGHT, y, "DUPLIKAT")
        c.setFillColor(INK)
    y -= 7 * mm
    fields = [
        (t("Customer"), f"{r.customer_code}  {doc_text(t, r.customer_name)}"),
        (t("Document date"), t.date(r.document_date)),
        (t("Means of payment"), t(MEANS_LABELS[r.means])),
        (t("Operator"), r.operator_code),
        (t("Desk"), r.desk),
    ]
    for label, value in fields:
        _field(c, y, label, value)
        y -= 5 * mm
    y = _documents(c, y - 1 * mm, r, t)
    c.setFont(BOLD, 12)
    c.drawString(LEFT, y, t("Amount"))
    c.drawRightString(RIGHT, y, t.money(r.amount))
    y -= 5 * mm
    _words(c, y, t("In words") + ": " + amount_in_words(r.amount, t))
    if r.means == "cash" and r.change:
        c.setFont(REGULAR, 8)
        c.setFillColor(MUTED)
        c.drawString(LEFT, top - PART + 7 * mm, t("Received {received}, change {change}",
                                                  received=t.money(r.received),
                                                  change=t.money(r.change)))
        c.setFillColor(INK)


def _field(c: Canvas, y: float, label: str, value: str) -> None:
    c.setFont(REGULAR, 8)
    c.setFillColor(MUTED)
    c.drawString(LEFT, y, label)
    c.setFillColor(INK)
    c.setFont(REGULAR, 9)
    c.drawString(LEFT + 38 * mm, y, value)


def _documents(c: Canvas, y: float, r: Receipt, t: Translator) -> float:
    c.setFont(REGULAR, 8)
    c.setFillColor(MUTED)
    c.drawString(LEFT, y, t("Documents paid"))
    c.setFillColor(INK)
    lines = list(r.lines)
    shown = lines[:5]
    for line in shown:
        name = line.document_number or t("Credit on the financial card")
        c.setFont(REGULAR, 9)
        c.drawString(LEFT + 38 * mm, y, name)
        c.drawRightString(RIGHT - 60 * mm, y, t.money(line.amount))
        y -= 4.2 * mm
    if len(lines) > len(shown):
        c.drawString(LEFT + 38 * mm, y, t("and {count} more", count=len(lines) - len(shown)))
        y -= 4.2 * mm
    return y - 2 * mm


def _words(c: Canvas, y: float, text: str) -> None:
    """The amount in words, on up to two lines, never cut inside a word."""
    c.setFont(REGULAR, 8.5)
    width = RIGHT - LEFT
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if stringWidth(trial, REGULAR, 8.5) > width and line:
            c.drawString(LEFT, y, line)
            y -= 4 * mm
            line = word
        else:
            line = trial
    c.drawString(LEFT, y, line)
