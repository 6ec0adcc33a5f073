"""The invoice (003 II а–н; 004 §31): one A4 page per invoice, in the customer's language and
script, built for batch printing of a whole period, with a pre-filled payment slip (opšta
uplatnica / nalog za uplatu, PAYMENTS.md) to cut off at its foot.

What the page asks for is what the invoice's own reference settles (``InvoiceDoc.to_pay``):
the "total to pay", the slip's amount and the barcode all name this invoice; the customer's
whole position (balance before, payments, interest, other entries, this invoice, closing
balance) is shown beside it in "Your account". When the customer got several invoices the
same day, the page lists them all with what each slip asks for and their sum
(docs/payments.md).

Every printed unit price carries as many decimals as the tariff has, so quantity × printed
price (× days share) = printed amount on every line.

Speed: everything that is the same on every page of a language — the office header, frames,
labels, the paragraphs on paying, complaints and late interest, the slip's form — is drawn
once into a PDF form XObject and stamped onto each page; only the invoice's own text, numbers
and barcode are drawn per page. Numbers, money and dates go through the document language's
``Translator``.

Barcode: Code128 of the invoice number (what the cash desk's scanner types), bars 0.33 mm
wide, 12 mm high, with quiet zones of ten modules on both sides.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from office_app.errors import N_
from office_app.i18n import Translator, to_cyrillic, translator
from office_app.printing.document import ACCENT, BAND, INK, MUTED, RULE, SHADE, local_time
from office_app.printing.fonts import BOLD, REGULAR, register_fonts
from office_app.services.billing.elements import (
    CATEGORY_LABELS,
    COMMON_SHARE,
    ELEMENTS,
    GROUP_LABELS,
    UNIT_LABELS,
)
from office_app.services.billing.references import MODEL, check_digits
from office_app.services.billing.references import printed as model97
from office_app.services.epc import payment_qr

if TYPE_CHECKING:
    from office_app.services.billing.invoices import InvoiceDoc, LineDoc
    from office_app.services.billing.register_rows import RegisterDoc
    from office_app.services.office import OfficeInfo

PAGE_W, PAGE_H = A4
LEFT = 14 * mm
RIGHT = PAGE_W - 14 * mm
MID = 108 * mm
BAR_WIDTH = 0.33 * mm
BAR_HEIGHT = 12 * mm
WARN = colors.HexColor("#9c1c1c")
MAX_LINES = 8
#: Šifra plaćanja printed on the slip (PAYMENTS.md's published electricity bill uses 189);
#: an office whose bank agreement says otherwise changes it here.
PAYMENT_CODE = "189"
CURRENCY = "EUR"
#: Where the payment slip starts (mm from the top); the cut line is just above it.
SLIP_TOP = 246.5
#: The EPC payment QR code in the payment box: its side, right edge and top (mm from the top).
QR_SIZE = 15 * mm
QR_RIGHT = 164 * mm
QR_TOP = 184.6

_PDF_LANG = {"sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl", "sq": "sq", "en": "en"}


def Y(top_mm: float) -> float:  # noqa: N802 - a coordinate, read like one
    """A distance from the top of the page (mm) as reportlab's y."""
    return PAGE_H - top_mm * mm


# --- formatting -------------------------------------------------------------------------------

class Fmt:
    """Numbers, money and dates in one document language (the language's ``Translator``)."""

    def __init__(self, language: str) -> None:
        self.t = translator(language)

    def number(self, value: Decimal | None, places: int = 2) -> str:
        return "" if value is None else self.t.number(value, places)

    def quantity(self, value: Decimal | None) -> str:
        """Up to three decimals, trailing zeros dropped (350; 48,5; 140,322)."""
        if value is None:
            return ""
        return self.number(value, decimals_of(value, 0, 3))

    def money(self, value: Decimal | None) -> str:
        return "" if value is None else self.t.money(value)

    def date(self, value: date | None) -> str:
        return "" if value is None else self.t.date(value)


def decimals_of(value: Decimal, least: int, most: int) -> int:
    """The decimals ``value`` needs (trailing zeros dropped), between ``least`` and ``most``."""
    exponent = value.normalize().as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(least, min(most, needed))


def price_places(line: LineDoc) -> int:
    """A unit price prints with every decimal the tariff has: 0,09120 per kWh (energy prices
    keep five), 7,168 per kW, 2,50 per month."""
    return decimals_of(line.unit_price, 5 if line.unit in ("kWh", "m3") else 2, 5)


def in_script(text: str, language: str) -> str:
    """Names and addresses as a document in ``language`` prints them: transliterated for a
    Cyrillic document (the register keeps them as entered)."""
    return to_cyrillic(text) if language == "sr_Cyrl" and text else text


def is_water(office: OfficeInfo | None) -> bool:
    return office is not None and office.utility == "water"


# --- the fixed layout (drawn once per language) -------------------------------------------------

def _office_lines(office: OfficeInfo, t: Translator) -> list[str]:
    phone = t("Phone {phone}", phone=office.phone) if office.phone else ""
    first = " · ".join(p for p in (in_script(office.address, t.language), phone,
                                   office.email) if p)
    second = " · ".join(p for p in (
        t("PIB {number}", number=office.tax_number) if office.tax_number else "",
        t("Account {account}", account=office.bank_account) if office.bank_account else "")
        if p)
    return [first, second]


def _label(c: Canvas, x: float, top: float, text: str, size: float = 6.8,
           color: Any = MUTED, font: str = REGULAR) -> None:
    c.setFont(font, size)
    c.setFillColor(color)
    c.drawString(x, Y(top), text)


def _label_fit(c: Canvas, x: float, top: float, text: str, width: float,
               size: float = 6.8) -> None:
    """A label in the usual small type, smaller still when a translation is long."""
    while size > 4.6 and stringWidth(text, REGULAR, size) > width:
        size -= 0.2
    _label(c, x, top, text, size)


def _box(c: Canvas, x0: float, top: float, x1: float, bottom: float, title: str,
         shade: bool = False) -> None:
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    if shade:
        c.setFillColor(SHADE)
        c.rect(x0, Y(bottom), x1 - x0, (bottom - top) * mm, stroke=1, fill=1)
    else:
        c.rect(x0, Y(bottom), x1 - x0, (bottom - top) * mm, stroke=1, fill=0)
    c.setFillColor(BAND)
    c.rect(x0, Y(top + 4.6), x1 - x0, 4.6 * mm, stroke=0, fill=1)
    c.setFillColor(ACCENT)
    c.setFont(BOLD, 7.5)
    c.drawString(x0 + 2 * mm, Y(top + 3.4), title.upper())


def _paragraph(c: Canvas, x: float, top: float, width: float, text: str, size: float = 6.6,
               leading: float = 2.9, color: Any = INK) -> float:
    """Wrapped text from ``top`` (mm); returns where it ended (mm)."""
    c.setFont(REGULAR, size)
    c.setFillColor(color)
    for line in simpleSplit(text, REGULAR, size, width):
        c.drawString(x, Y(top), line)
        top += leading
    return top


def _rich(c: Canvas, x: float, top: float, width: float, parts: Sequence[tuple[str, str]],
          size: float = 5.9) -> float:
    """A paragraph of (bold heading, text) runs from ``top`` (mm); returns its end (mm)."""
    markup = " ".join(f'<font name="{BOLD}" color="#1f4e79">{escape(h)}</font> {escape(b)}'
                      for h, b in parts if b)
    style = ParagraphStyle("notes", fontName=REGULAR, fontSize=size, leading=size * 1.18,
                           textColor=INK)
    paragraph = Paragraph(markup, style)
    _w, height = paragraph.wrap(width, PAGE_H)
    paragraph.drawOn(c, x, Y(top) - height + size * 0.9)
    return top + height / mm


def _draw_header(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    c.setFillColor(ACCENT)
    c.setFont(BOLD, 12)
    c.drawString(LEFT, Y(17), in_script(office.name, t.language))
    for i, line in enumerate(_office_lines(office, t)):
        _label(c, LEFT, 21.5 + 3.4 * i, line, 7.2)
    c.setFillColor(ACCENT)
    c.setFont(BOLD, 17)
    c.drawRightString(RIGHT, Y(17.5), t("INVOICE").upper())
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.8)
    c.line(LEFT, Y(45), RIGHT, Y(45))


CUSTOMER_LABELS = (N_("Customer code"), N_("Name"), N_("Address"), N_("Category"),
                   N_("Tax number (PIB)"))
POINT_LABELS = (N_("Number"), N_("Address"), N_("Zone / reading code"), N_("Tariff group"),
                N_("Meter"))
WATER_POINT_LABELS = (N_("Number"), N_("Address"), N_("Reading area / reading code"),
                      N_("Tariff group"), N_("Water meter"))
#: Rows of the customer and point boxes (mm from the top); the address takes two lines.
BOX_ROWS = (56.5, 60.6, 64.7, 72.0, 76.0)
DATE_LABELS = (N_("Billing period"), N_("Issue date"), N_("Due date"), N_("Previous invoice"))
READING_HEADS = (N_("Register"), N_("Previous reading"), N_("Date"), N_("Current reading"),
                 N_("Date"), N_("Constant"), N_("Consumption"))
WATER_READING_HEADS = (N_("Water meter"), N_("Previous reading"), N_("Date"),
                       N_("Current reading"), N_("Date"), "", N_("Consumption"))
READING_X = (16, 62, 84, 104, 126, 150, 194)
CHARGE_HEADS = (N_("Tariff element"), N_("Days"), N_("Quantity"), N_("Unit price"),
                N_("Amount"))
CHARGE_X = (16, 110, 141, 170, 194)
CHARGE_TOP = 136.8
CHARGE_STEP = 3.6
ACCOUNT_LABELS = (N_("Balance on the previous invoice"), N_("Payments since then"),
                  N_("Late-payment interest charged"),
                  N_("Other entries (other invoices, corrections)"), N_("This invoice"))
ACCOUNT_ROWS = (188.6, 192.1, 195.6, 199.1, 202.6)


def _draw_boxes(c: Canvas, t: Translator, water: bool) -> None:
    _box(c, LEFT, 48, MID - 2 * mm, 78, t("Customer"))
    for top, label in zip(BOX_ROWS, CUSTOMER_LABELS, strict=True):
        _label_fit(c, LEFT + 2 * mm, top, t(label), 27 * mm)
    _box(c, MID + 2 * mm, 48, RIGHT, 78, t("Metering point"))
    for top, label in zip(BOX_ROWS, WATER_POINT_LABELS if water else POINT_LABELS,
                          strict=True):
        _label_fit(c, MID + 4 * mm, top, t(label), 31 * mm)
    c.setFillColor(SHADE)
    c.rect(LEFT, Y(90), RIGHT - LEFT, 10 * mm, stroke=0, fill=1)
    for i, label in enumerate(DATE_LABELS):
        _label(c, LEFT + (2 + 46 * i) * mm, 84, t(label))


def _draw_tables(c: Canvas, t: Translator, water: bool) -> None:
    _box(c, LEFT, 93, RIGHT, 122, t("Readings"))
    c.setFont(BOLD, 6.6)
    c.setFillColor(INK)
    heads = WATER_READING_HEADS if water else READING_HEADS
    for i, (head, x) in enumerate(zip(heads, READING_X, strict=True)):
        text = t(head) if head else ""
        if i >= 5 or i in (1, 3):
            c.drawRightString(x * mm if i >= 5 else (x + 20) * mm, Y(101.5), text)
        else:
            c.drawString(x * mm, Y(101.5), text)
    _box(c, LEFT, 125, RIGHT, 178, t("Charges"))
    c.setFont(BOLD, 6.6)
    c.setFillColor(INK)
    c.drawString(CHARGE_X[0] * mm, Y(133), t(CHARGE_HEADS[0]))
    for head, x in zip(CHARGE_HEADS[1:], CHARGE_X[1:], strict=True):
        c.drawRightString(x * mm, Y(133), t(head))
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(LEFT, Y(165), RIGHT, Y(165))
    _label(c, 112 * mm, 168.6, t("Total without VAT"), 7.3, INK)
    _label(c, 112 * mm, 176.3, t("INVOICE TOTAL"), 8.3, INK, BOLD)


def _draw_account_frame(c: Canvas, t: Translator) -> None:
    _box(c, LEFT, 180, MID - 2 * mm, 211, t("Your account"))
    for top, label in zip(ACCOUNT_ROWS, ACCOUNT_LABELS, strict=True):
        _label_fit(c, LEFT + 2 * mm, top, t(label), 62 * mm, 6.8)
    c.setStrokeColor(RULE)
    c.line(LEFT + 2 * mm, Y(204.6), MID - 4 * mm, Y(204.6))
    _box(c, MID + 2 * mm, 180, RIGHT, 211, t("Payment"), shade=True)
    _label(c, MID + 4 * mm, 189.5, t("TOTAL TO PAY"), 8, ACCENT, BOLD)
    _label(c, MID + 4 * mm, 201.4, t("Payee account"), 6.4)
    _label(c, MID + 4 * mm, 204.9, t("Reference (model 97)"), 6.4)
    _label(c, MID + 4 * mm, 208.4, t("Invoice number"), 6.4)


def _notes(office: OfficeInfo, t: Translator) -> list[tuple[str, str]]:
    phone = t("Phone {phone}", phone=office.phone) if office.phone else ""
    contact = " · ".join(p for p in (in_script(office.address, t.language), phone,
                                     office.email) if p)
    complaints = " ".join(p for p in (contact + ".", t(
        "A complaint about this invoice is made in writing at the service centre or by e-mail, "
        "until the due date; it is answered within 10 days. Pay the undisputed part by the "
        "due date."), t("Faults and emergencies (24 h): {phone}", phone=office.phone)
        if office.phone else "") if p)
    notes = [(t("Late-payment interest") + ":", t(
        "If you pay after the due date, statutory default interest is charged on the overdue "
        "amount from the due date until the day of payment.")),
        (t("How to pay") + ":", t(
            "At our cash desk (cash; cards for households), at the post office or at any bank, "
            "to the account above, quoting the model 97 reference. At our cash desk the "
            "barcode is scanned.") + " " + t(
            "Difficulty paying? Ask the service centre about paying in installments.")),
        (t("Service centre and complaints") + ":", complaints)]
    if is_water(office):
        notes.append((t("Contract") + ":", t(
            "By receiving this invoice you conclude the contract for the water supply service "
            "with us (004 §31.1 j).")))
    return notes


NOTES_TOP = 226.8


def _draw_notes(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    """The paragraphs on interest, paying and complaints, in the largest type that ends
    above the slip's cut line."""
    notes = _notes(office, t)
    size = 5.9
    while size > 4.8 and _notes_end(notes, size) > SLIP_TOP - 6.0:
        size -= 0.1
    _rich(c, LEFT, NOTES_TOP, RIGHT - LEFT, notes, size)


def _notes_end(notes: Sequence[tuple[str, str]], size: float) -> float:
    """Where the notes' last line would stand (mm from the top)."""
    scratch = Canvas(BytesIO())
    return _rich(scratch, LEFT, NOTES_TOP, RIGHT - LEFT, notes, size) - size * 1.18 / mm


SLIP_LABELS = (N_("Payer"), N_("Purpose of payment"), N_("Payee"), N_("Payment code"),
               N_("Currency"), N_("Amount"), N_("Payee account"), N_("Model"),
               N_("Reference number"), N_("Place and date of payment"),
               N_("Signature of the payer"))
#: (label index, x0, top, x1, bottom) of each slip field, mm (from the left, from SLIP_TOP).
SLIP_FIELDS = ((0, 14, 6, 102, 18.2), (1, 14, 19.6, 102, 26.5), (2, 14, 28, 102, 38.5),
               (3, 108, 6, 126, 13), (4, 128, 6, 144, 13), (5, 146, 6, 196, 13),
               (6, 108, 15, 196, 22), (7, 108, 24, 122, 31), (8, 124, 24, 196, 31),
               (9, 108, 33, 150, 40), (10, 152, 33, 196, 40))


def _draw_slip_form(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    """The slip's frames, labels and what is the same on every invoice (payee, account,
    payment code, currency, model)."""
    c.saveState()
    c.setDash(3, 2)
    c.setStrokeColor(MUTED)
    c.setLineWidth(0.5)
    c.line(4 * mm, Y(SLIP_TOP - 2.5), PAGE_W - 4 * mm, Y(SLIP_TOP - 2.5))
    c.restoreState()
    _label(c, LEFT, SLIP_TOP - 3.4, "✂  " + t("Cut here and pay with this slip"), 5.6)
    _label(c, LEFT, SLIP_TOP + 3.2, t("PAYMENT SLIP (general payment order)"), 7.5, ACCENT,
           BOLD)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    for index, x0, top, x1, bottom in SLIP_FIELDS:
        c.rect(x0 * mm, Y(SLIP_TOP + bottom), (x1 - x0) * mm, (bottom - top) * mm)
        _label_fit(c, x0 * mm + 1 * mm, SLIP_TOP + top + 2.2, t(SLIP_LABELS[index]),
                   (x1 - x0 - 2) * mm, 5.4)
    payee = [in_script(office.name, t.language), in_script(office.address, t.language)]
    for i, line in enumerate(payee):
        _text(c, 15 * mm, SLIP_TOP + 33.4 + 3.2 * i, _fit_size(line, 86 * mm, 7.6)[1], 7.6,
              BOLD if i == 0 else REGULAR)
    _text(c, 109 * mm, SLIP_TOP + 11.6, PAYMENT_CODE, 8.5, BOLD)
    _text(c, 129 * mm, SLIP_TOP + 11.6, CURRENCY, 8.5, BOLD)
    _text(c, 109 * mm, SLIP_TOP + 20.6, office.bank_account, 8.5, BOLD)
    _text(c, 109 * mm, SLIP_TOP + 29.6, MODEL, 8.5, BOLD)


def draw_layout(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    """The fixed part of every invoice page in one language."""
    water = is_water(office)
    _draw_header(c, office, t)
    _draw_boxes(c, t, water)
    _draw_tables(c, t, water)
    _draw_account_frame(c, t)
    _draw_notes(c, office, t)
    _draw_slip_form(c, office, t)


# --- the variable part ------------------------------------------------------------------------

@cache
def _labels(language: str) -> dict[str, str]:
    """Element, unit, category and group labels translated once per language."""
    t = translator(language)
    found = {f"element:{k}": t(e.label) for k, e in ELEMENTS.items()}
    found[f"element:{COMMON_SHARE.code}"] = t(COMMON_SHARE.label)
    # kWh, kW and m³ are symbols, the same in every language and script
    found |= {f"unit:{k}": t(v) if k in ("month", "pcs") else v
              for k, v in UNIT_LABELS.items()}
    found |= {f"category:{k}": t(v) for k, v in CATEGORY_LABELS.items()}
    found |= {f"group:{k}": t(v) for k, v in GROUP_LABELS.items()}
    return found


def _text(c: Canvas, x: float, top: float, text: str, size: float = 8, font: str = REGULAR,
          right: bool = False, color: Any = INK) -> None:
    c.setFont(font, size)
    c.setFillColor(color)
    if right:
        c.drawRightString(x, Y(top), text)
    else:
        c.drawString(x, Y(top), text)


def _fit(text: str, width: float, size: float, font: str = REGULAR) -> str:
    """``text`` if it fits ``width`` (kept for callers that need one line); see
    ``_fit_size`` for text that must stay whole."""
    return _fit_size(text, width, size, font)[1]


def _fit_size(text: str, width: float, size: float, font: str = REGULAR) -> tuple[float, str]:
    """The size at which ``text`` fits ``width`` on one line (never cut; down to 4.5 pt)."""
    while size > 4.5 and stringWidth(text, font, size) > width:
        size -= 0.25
    return size, text


def _wrapped(text: str, width: float, size: float, lines: int) -> tuple[float, list[str]]:
    """``text`` on at most ``lines`` lines of ``width``, in a smaller size if it must be;
    never cut."""
    while True:
        split = simpleSplit(text, REGULAR, size, width)
        if len(split) <= lines or size <= 4.5:
            return size, split
        size -= 0.25


def _draw_value(c: Canvas, x: float, top: float, value: str, width: float, bold: bool,
                two_lines: bool) -> None:
    if two_lines:
        size, lines = _wrapped(value, width, 8, 2)
        for n, line in enumerate(lines):
            _text(c, x, top + n * 3.3, line, size)
        return
    font = BOLD if bold else REGULAR
    size, text = _fit_size(value, width, 8, font)
    _text(c, x, top, text, size, font)


def _draw_top(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    _text(c, RIGHT, 23.5, d.number, 11, BOLD, right=True)
    barcode = Code128(d.number, barWidth=BAR_WIDTH, barHeight=BAR_HEIGHT, humanReadable=False,
                      quiet=1)
    barcode.drawOn(c, RIGHT - barcode.width, Y(41))
    lab = _labels(d.language)
    customer = (d.customer_code, in_script(d.customer_name, d.language),
                in_script(d.customer_address, d.language),
                lab.get(f"category:{d.category}", d.category), d.tax_number or "—")
    for i, (top, value) in enumerate(zip(BOX_ROWS, customer, strict=True)):
        _draw_value(c, LEFT + 30 * mm, top, value, 60 * mm, i < 2, i == 2)
    point = (d.point_number, in_script(d.point_address, d.language),
             f"{d.zone_code} / {d.reading_code}",
             lab.get(f"group:{d.tariff_group}", d.tariff_group), d.meter_numbers or "—")
    for i, (top, value) in enumerate(zip(BOX_ROWS, point, strict=True)):
        _draw_value(c, MID + 36 * mm, top, value, 50 * mm, i == 0, i == 1)
    dates = (f"{f.date(d.period_start)} – {f.date(d.period_end)}", f.date(d.issue_date),
             f.date(d.due_date), f.date(d.previous_invoice_date) or "—")
    for i, value in enumerate(dates):
        _text(c, LEFT + (2 + 46 * i) * mm, 88.2, value, 8.5, BOLD)


def _reading_rows(d: InvoiceDoc, t: Translator, f: Fmt) -> list[tuple[str, ...]]:
    water = d.tariff_group in ("metered", "flat")
    unit = "m³" if water else "kWh"
    if d.current_date is None and d.vt_quantity is None:
        return []
    if d.registers:
        rows = [_register_row(r, water, unit, t, f) for r in d.registers]
    else:
        rows = _summary_rows(d, water, unit, t, f)
    if d.peak_load is not None:
        rows.append((t("Peak load"), "", "", "", f.date(d.current_date), "",
                     f"{f.quantity(d.peak_load)} kW"))
    return rows


def _register_row(r: RegisterDoc, water: bool, unit: str, t: Translator,
                  f: Fmt) -> tuple[str, ...]:
    """One meter's register from its previous (or initial) to its current (or final)
    reading: (current − previous) × constant = consumption, checkable from the page."""
    name = {"vt": t("Higher tariff (VT)"), "mt": t("Lower tariff (MT)")}.get(
        r.register, t("Water meter") if water else t("Active energy"))
    label = _fit(f"{r.meter_number} · {name}", 45 * mm, 7.6)
    return (label, f.quantity(r.previous), f.date(r.previous_date), f.quantity(r.current),
            f.date(r.current_date), f.quantity(r.constant), f"{f.quantity(r.quantity)} {unit}")


def _summary_rows(d: InvoiceDoc, water: bool, unit: str, t: Translator,
                  f: Fmt) -> list[tuple[str, ...]]:
    """Invoices issued before billing by intervals: one row per register of the point."""
    rows: list[tuple[str, ...]] = []
    first = t("Water meter") if water else (t("Higher tariff (VT)") if d.mt_quantity is not None
                                            else t("Active energy"))
    rows.append((first, f.quantity(d.previous_vt), f.date(d.previous_date),
                 f.quantity(d.current_vt), f.date(d.current_date), f.quantity(d.constant),
                 f"{f.quantity(d.vt_quantity)} {unit}"))
    if d.mt_quantity is not None:
        rows.append((t("Lower tariff (MT)"), f.quantity(d.previous_mt), f.date(d.previous_date),
                     f.quantity(d.current_mt), f.date(d.current_date), f.quantity(d.constant),
                     f"{f.quantity(d.mt_quantity)} kWh"))
    return rows


def _reading_flags(d: InvoiceDoc, t: Translator) -> str:
    flags = []
    if d.estimated:
        flags.append(t("ESTIMATE: there was no access to the meter; consumption is estimated "
                       "from the previous period and settled by the next reading."))
    if d.self_read:
        flags.append(t("Reading reported by the customer (self-reading)."))
    if d.settlement:
        flags.append(t("This reading settles earlier estimated consumption."))
    if not d.meter_numbers:
        flags.append(t("No meter: charged at the flat rate."))
    return " ".join(flags)


def _draw_readings(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    rows = _reading_rows(d, t, f)
    # three rows fit at the usual size; a replacement's rows (old meter, new meter's VT and
    # MT, peak load) are set closer and a little smaller, above the notes line
    step, size = (4.4, 7.6) if len(rows) <= 3 else (10.5 / (len(rows) - 1), 6.8)
    for r, row in enumerate(rows):
        top = 106.5 + step * r
        _text(c, READING_X[0] * mm, top, row[0], size)
        for i, value in enumerate(row[1:], start=1):
            if i in (2, 4):
                _text(c, READING_X[i] * mm, top, value, size)
            else:
                x = READING_X[i] * mm if i >= 5 else (READING_X[i] + 20) * mm
                _text(c, x, top, value, size, BOLD if i == 6 else REGULAR, right=True)
    flags = _reading_flags(d, t)
    if flags:
        _paragraph(c, LEFT + 2 * mm, 118.5, RIGHT - LEFT - 4 * mm, flags, 6.4, 2.6, WARN)


def _line_label(line: LineDoc, lab: dict[str, str], t: Translator, f: Fmt) -> str:
    label = lab.get(f"element:{line.element}", line.element)
    if line.element == COMMON_SHARE.code:
        return t("Common consumption, point {point}: 1/{flats} of {total}",
                 point=line.params.get("point", ""), flats=line.params.get("flats", ""),
                 total=f.money(Decimal(line.params.get("total", "0"))))
    if line.valid_from and line.valid_to:
        return f"{label} ({_day_month(f.date(line.valid_from))}–" \
               f"{_day_month(f.date(line.valid_to))})"
    if line.valid_from:
        return f"{label} ({f.date(line.valid_from)})"
    return label


def _day_month(text: str) -> str:
    """``01.05.`` of ``01.05.2024`` (a date in the local format), other formats whole."""
    return text[:6] if len(text) == 10 and text[2] == text[5] == "." else text


def common_share_note(line: LineDoc, t: Translator, f: Fmt) -> str:
    """How a building's common consumption was shared: equal shares to the cent, and where
    the cents that do not divide evenly went (pricing.split_cents: the first flats in
    point-number order get one cent more)."""
    total = Decimal(line.params.get("total", "0"))
    flats = int(line.params.get("flats", 1) or 1)
    cents = int(total * 100)
    base, extra = divmod(cents, flats)
    each = f.money(Decimal(base) / 100)
    if not extra:
        return t("Common consumption: {total} shared equally among {flats} flats, {each} "
                 "each.", total=f.money(total), flats=flats, each=each)
    return t("Common consumption: {total} among {flats} flats is {each} each; the {extra} "
             "remaining cent(s) go one each to the first {extra} flats in point-number order, "
             "which pay {more}. Your share: {share}.", total=f.money(total), flats=flats,
             each=each, extra=extra, more=f.money(Decimal(base + 1) / 100),
             share=f.money(line.amount))


def _draw_charges(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    lab = _labels(d.language)
    many = len(d.lines) > MAX_LINES
    step = CHARGE_STEP * MAX_LINES / len(d.lines) if many else CHARGE_STEP
    size = 6.0 if many else 7.4
    for n, line in enumerate(d.lines):
        top = CHARGE_TOP + step * n
        label_size, label = _fit_size(_line_label(line, lab, t, f), 82 * mm, size)
        _text(c, CHARGE_X[0] * mm, top, label, label_size)
        if line.share_days:
            _text(c, CHARGE_X[1] * mm, top, f"{line.share_days}/{line.period_days}", size,
                  right=True)
        unit = lab.get(f"unit:{line.unit}", line.unit)
        _text(c, CHARGE_X[2] * mm, top, f"{f.quantity(line.quantity)} {unit}".strip(), size,
              right=True)
        if line.element != COMMON_SHARE.code:
            _text(c, CHARGE_X[3] * mm, top, f.number(line.unit_price, price_places(line)),
                  size, right=True)
        _text(c, CHARGE_X[4] * mm, top, f.number(line.amount), size, right=True)
    notes = [common_share_note(ln, t, f) for ln in d.lines if ln.element == COMMON_SHARE.code]
    if notes:
        _paragraph(c, LEFT + 2 * mm, 168.4, 92 * mm, " ".join(notes), 5.8, 2.3, MUTED)
    _text(c, RIGHT - 2 * mm, 168.6, f.money(d.net_amount), 7.3, right=True)
    _text(c, 112 * mm, 172.4, t("VAT {rate} %", rate=f.quantity(d.vat_rate)), 7.3)
    _text(c, RIGHT - 2 * mm, 172.4, f.money(d.vat_amount), 7.3, right=True)
    _text(c, RIGHT - 2 * mm, 176.3, f.money(d.total), 8.3, BOLD, right=True)


def amount_asked(d: InvoiceDoc) -> Decimal | None:
    """What the page and the slip ask for: ``to_pay``, or on a copy what is still open of
    the invoice once payments reached it; None when it is paid."""
    if d.paid is None:
        return d.to_pay
    return None if d.paid.fully else min(d.to_pay, d.paid.open)


def _payment_lines(d: InvoiceDoc, t: Translator, f: Fmt) -> tuple[str, str]:
    """The two small lines under the amount to pay: the due date, then why the amount
    differs from this invoice's total."""
    if d.paid is not None:
        if d.paid.fully:
            return t("PAID on {date}", date=f.date(d.paid.on)), t("Do not pay it again.")
        return (t("Partly paid: {paid} by {date}", paid=f.money(d.paid.paid),
                  date=f.date(d.paid.on)), t("Still open of this invoice: {amount}",
                                             amount=f.money(d.paid.open)))
    if d.closing_balance < 0 and d.to_pay == 0:
        return t("You have a credit of {amount}.", amount=f.money(-d.closing_balance)), ""
    due = t("by {date}", date=f.date(d.due_date))
    if d.to_pay > d.total:
        return due, t("this invoice and {amount} still open from before",
                      amount=f.money(d.to_pay - d.total))
    if d.to_pay < d.total:
        return due, t("{amount} of this invoice is covered by your advance",
                      amount=f.money(d.total - d.to_pay))
    return due, ""


def _draw_account(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt,
                  narrow: bool = False) -> None:
    """``narrow``: the EPC QR code sits in the payment box, the due-date lines make room."""
    values = (d.balance_before, -d.payments_since, d.interest_since, d.other_since, d.total)
    x = MID - 4 * mm
    for top, value in zip(ACCOUNT_ROWS, values, strict=True):
        _text(c, x, top, f.money(value), 7.2, right=True)
    closing = t("Balance on {date}", date=f.date(d.issue_date))
    _text(c, LEFT + 2 * mm, 208.6, closing, 7.4, BOLD)
    _text(c, x, 208.6, f.money(d.closing_balance), 7.4, BOLD, right=True)
    asked = amount_asked(d)
    paid = d.paid is not None and d.paid.fully
    _text(c, RIGHT - 2 * mm, 190, t("PAID") if paid else f.money(asked), 13, BOLD, right=True,
          color=WARN if d.paid is not None else ACCENT)
    first, second = _payment_lines(d, t, f)
    width = (RIGHT - QR_RIGHT - 3 * mm) if narrow else 84 * mm
    _text(c, RIGHT - 2 * mm, 194.2, _fit_size(first, width, 7.2)[1],
          _fit_size(first, width, 7.2)[0], BOLD if d.paid else REGULAR,
          right=True, color=WARN if d.paid is not None else INK)
    if second:
        size, text = _fit_size(second, width, 6.2)
        _text(c, RIGHT - 2 * mm, 197.5, text, size, right=True, color=MUTED)
    office = d.office
    _text(c, RIGHT - 2 * mm, 201.4, office.bank_account if office else "", 7.4, BOLD,
          right=True)
    _text(c, RIGHT - 2 * mm, 204.9, model97(d.payment_reference), 7.4, BOLD, right=True)
    _text(c, RIGHT - 2 * mm, 208.4, d.number, 7.4, right=True)


def _same_day_note(d: InvoiceDoc, t: Translator, f: Fmt) -> str:
    listed = "; ".join(t("{number} (point {point}) {amount}", number=s.number,
                         point=s.point_number, amount=f.money(s.to_pay)) for s in d.same_day)
    total = sum((s.to_pay for s in d.same_day), Decimal("0.00"))
    return t("On {date} you received {count} invoices, one per metering point. Pay each with "
             "its own slip and reference: {invoices}. Together {total}; this is everything you "
             "owe, no invoice includes another.", date=f.date(d.issue_date),
             count=len(d.same_day), invoices=listed, total=f.money(total))


def _draw_interest(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    """Interest, older debt and the customer's other invoices of the day (213–225 mm)."""
    parts = [t("Statutory rate {rate} % a year · overdue amount (base) on the issue date "
               "{base} · interest charged since the last invoice {amount}",
               rate=f.quantity(d.interest_rate), base=f.money(d.interest_base),
               amount=f.money(d.interest_since))]
    if d.older_debt > 0:
        older = t("Reminder: {count} earlier document(s) totalling {amount} are still unpaid; "
                  "please pay them. This reminder is not a notice of disconnection.",
                  count=d.older_debt_count, amount=f.money(d.older_debt))
    else:
        older = t("You have no unpaid earlier invoices. Thank you.")
    if d.installment is not None:   # the plan's next installment (services/plans.py)
        n = d.installment
        older = t("Installment plan {plan}: installment {n} of {count}, {amount}, due {date}.",
                  plan=n.plan_number, n=n.sequence, count=n.count, amount=f.money(n.amount),
                  date=f.date(n.due_date)) + " " + older
    width = RIGHT - LEFT
    size = 6.4
    while size > 5.0:
        rows = [simpleSplit(parts[0], REGULAR, size, width),
                simpleSplit(older, REGULAR, size, width),
                simpleSplit(_same_day_note(d, t, f), REGULAR, size, width)
                if d.same_day else []]
        if (sum(len(r) for r in rows) - 1) * size * 0.42 <= 10.2:
            break
        size -= 0.1
    top = 213.4
    leading = size * 0.42
    for block, color in zip(rows, (INK, WARN if d.older_debt > 0 else INK, ACCENT),
                            strict=True):
        for line in block:
            _text(c, LEFT, top, line, size, color=color)
            top += leading


def _slip_purpose(d: InvoiceDoc, t: Translator) -> str:
    if is_water(d.office):
        return t("Water, invoice {number}, point {point}", number=d.number,
                 point=d.point_number)
    return t("Electricity, invoice {number}, point {point}", number=d.number,
             point=d.point_number)


def _draw_slip(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    """The slip's own values: payer, purpose, amount, reference."""
    size, name = _fit_size(in_script(d.customer_name, d.language), 86 * mm, 7.6, BOLD)
    _text(c, 15 * mm, SLIP_TOP + 11.2, name, size, BOLD)
    size, lines = _wrapped(in_script(d.customer_address, d.language), 86 * mm, 7.2, 2)
    for i, line in enumerate(lines):
        _text(c, 15 * mm, SLIP_TOP + 14.2 + 2.8 * i, line, size)
    size, purpose = _fit_size(_slip_purpose(d, t), 86 * mm, 7.6)
    _text(c, 15 * mm, SLIP_TOP + 25.0, purpose, size)
    asked = amount_asked(d)
    amount = "—" if asked is None else f.number(asked)
    _text(c, 195 * mm, SLIP_TOP + 11.6, amount, 9, BOLD, right=True)
    reference = f"{check_digits(d.payment_reference)} {d.payment_reference}"
    _text(c, 125 * mm, SLIP_TOP + 29.6, reference, 8.5, BOLD)
    if asked is None and d.paid is not None:
        _text(c, 195 * mm, SLIP_TOP + 3.2, t("PAID on {date}", date=f.date(d.paid.on)), 9,
              BOLD, right=True, color=WARN)


def _draw_footer(c: Canvas, d: InvoiceDoc, t: Translator) -> None:
    _text(c, LEFT, 290.5, t("Invoice {number} · customer {code} · point {point}",
                            number=d.number, code=d.customer_code, point=d.point_number),
          6.2, color=MUTED)
    if d.copy is None:
        return
    when = t.datetime(local_time(d.copy.printed_at))
    mark = t("COPY — printed {when} by {operator} ({name})", when=when,
             operator=d.copy.operator_code, name=d.copy.operator_name)
    _text(c, RIGHT, 290.5, mark, 6.8, BOLD, right=True, color=WARN)
    _text(c, LEFT, 10.5, t("COPY").upper(), 10, BOLD, color=WARN)
    c.saveState()
    c.setFillColor(WARN, alpha=0.12)
    c.setFont(BOLD, 90)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(35)
    c.drawCentredString(0, 0, t("COPY").upper())
    c.restoreState()


def _draw_payment_qr(c: Canvas, d: InvoiceDoc) -> bool:
    """The EPC payment QR code in the payment box, between the labels and the amounts, when
    the office prints it (services.epc.payment_qr); returns whether it was drawn."""
    qr = payment_qr(d.office, amount_asked(d), d.payment_reference) if d.office else None
    if qr is None:
        return False
    rows = list(qr.matrix_iter(border=2))
    module = QR_SIZE / len(rows)
    left, top = QR_RIGHT - QR_SIZE, PAGE_H - QR_TOP * mm
    c.saveState()
    c.setFillColor(colors.white)
    c.rect(left, top - QR_SIZE, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    c.setFillColor(colors.black)
    path = c.beginPath()
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                path.rect(left + x * module, top - (y + 1) * module, module, module)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
    return True


def draw_invoice(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    """The invoice's own text over the fixed layout."""
    _draw_top(c, d, t, f)
    _draw_readings(c, d, t, f)
    _draw_charges(c, d, t, f)
    _draw_account(c, d, t, f, narrow=_draw_payment_qr(c, d))
    _draw_interest(c, d, t, f)
    _draw_slip(c, d, t, f)
    _draw_footer(c, d, t)


# --- documents ------------------------------------------------------------------------------

class InvoicePrinter:
    """Writes invoices into one PDF as they are added (a whole period in delivery order)."""

    def __init__(self, out: BinaryIO | Path | str, title: str = "",
                 language: str = "sr_Latn") -> None:
        register_fonts()
        self.canvas = Canvas(out if hasattr(out, "write") else str(out), pagesize=A4,
                             pageCompression=1, lang=_PDF_LANG.get(language, "sr"))
        self.canvas.setTitle(title or "Invoices")
        self.canvas.setCreator("office-app")
        self._forms: set[str] = set()
        self._fmt: dict[str, Fmt] = {}
        self.pages = 0

    def _form(self, d: InvoiceDoc) -> str:
        assert d.office is not None
        name = f"layout_{d.language}_{d.office.utility}"
        if name not in self._forms:
            c = self.canvas
            c.beginForm(name)
            draw_layout(c, d.office, translator(d.language))
            c.endForm()
            self._forms.add(name)
        return name

    def add(self, docs: Iterable[InvoiceDoc]) -> None:
        c = self.canvas
        for d in docs:
            c.doForm(self._form(d))
            fmt = self._fmt.get(d.language) or self._fmt.setdefault(d.language, Fmt(d.language))
            draw_invoice(c, d, translator(d.language), fmt)
            c.showPage()
            self.pages += 1

    def finish(self) -> None:
        self.canvas.save()


def render_invoices(docs: Sequence[InvoiceDoc]) -> bytes:
    out = BytesIO()
    printer = InvoicePrinter(out, docs[0].number if len(docs) == 1 else "",
                             docs[0].language if docs else "sr_Latn")
    printer.add(docs)
    printer.finish()
    return out.getvalue()
