"""The invoice (003 II а–н; 004 §31): one A4 page per invoice, in the customer's language and
script, built for batch printing of a whole period.

Speed: everything that is the same on every page of a language — the office header, frames,
labels, the paragraphs on paying, complaints and late interest — is drawn once into a PDF form
XObject and stamped onto each page; only the invoice's own text, numbers and barcode are
drawn per page. Numbers are formatted with the language's separators without going through
Babel for every figure.

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

from babel.numbers import get_decimal_symbol, get_group_symbol
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from office_app.errors import N_
from office_app.i18n import NUMBER_LOCALES, Translator, translator
from office_app.printing.document import ACCENT, BAND, INK, MUTED, RULE, SHADE, local_time
from office_app.printing.fonts import BOLD, REGULAR, register_fonts
from office_app.services.billing.elements import (
    CATEGORY_LABELS,
    COMMON_SHARE,
    ELEMENTS,
    GROUP_LABELS,
    UNIT_LABELS,
)
from office_app.services.billing.references import printed as model97

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
MAX_LINES = 12

_PDF_LANG = {"sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl", "sq": "sq", "en": "en"}


def Y(top_mm: float) -> float:  # noqa: N802 - a coordinate, read like one
    """A distance from the top of the page (mm) as reportlab's y."""
    return PAGE_H - top_mm * mm


# --- formatting -------------------------------------------------------------------------------

class Fmt:
    """Numbers, money and dates in one language, fast."""

    def __init__(self, language: str) -> None:
        locale = NUMBER_LOCALES[language]
        self.group, self.decimal = get_group_symbol(locale), get_decimal_symbol(locale)

    def number(self, value: Decimal | None, places: int = 2) -> str:
        if value is None:
            return ""
        text = f"{value:,.{places}f}"
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)

    def quantity(self, value: Decimal | None) -> str:
        """Up to three decimals, trailing zeros dropped (350; 48,5; 140,322)."""
        if value is None:
            return ""
        places = max(0, min(3, -value.normalize().as_tuple().exponent))  # type: ignore[operator]
        return self.number(value, places)

    def money(self, value: Decimal | None) -> str:
        return "" if value is None else f"{self.number(value, 2)} €"

    @staticmethod
    def date(value: date | None) -> str:
        return "" if value is None else value.strftime("%d.%m.%Y")


# --- the fixed layout (drawn once per language) -------------------------------------------------

def _office_lines(office: OfficeInfo, t: Translator) -> list[str]:
    first = " · ".join(p for p in (office.address, t("Phone {phone}", phone=office.phone)
                                   if office.phone else "", office.email) if p)
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


def _label_fit(c: Canvas, x: float, top: float, text: str, width: float) -> None:
    """A label in the usual small type, smaller still when a translation is long."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = 6.8
    while size > 5.2 and stringWidth(text, REGULAR, size) > width:
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


def _draw_header(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    c.setFillColor(ACCENT)
    c.setFont(BOLD, 12)
    c.drawString(LEFT, Y(17), office.name)
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
DATE_LABELS = (N_("Billing period"), N_("Issue date"), N_("Due date"), N_("Previous invoice"))
READING_HEADS = (N_("Register"), N_("Previous reading"), N_("Date"), N_("Current reading"),
                 N_("Date"), N_("Constant"), N_("Consumption"))
READING_X = (16, 62, 84, 104, 126, 150, 194)
CHARGE_HEADS = (N_("Tariff element"), N_("Days"), N_("Quantity"), N_("Unit price"),
                N_("Amount"))
CHARGE_X = (16, 110, 141, 170, 194)
ACCOUNT_LABELS = (N_("Balance on the previous invoice"), N_("Payments since then"),
                  N_("Late-payment interest charged"),
                  N_("Other entries (other invoices, corrections)"), N_("This invoice"))


def _draw_boxes(c: Canvas, t: Translator) -> None:
    _box(c, LEFT, 48, MID - 2 * mm, 78, t("Customer"))
    for i, label in enumerate(CUSTOMER_LABELS):
        _label_fit(c, LEFT + 2 * mm, 57 + 4.7 * i, t(label), 27 * mm)
    _box(c, MID + 2 * mm, 48, RIGHT, 78, t("Metering point"))
    for i, label in enumerate(POINT_LABELS):
        _label_fit(c, MID + 4 * mm, 57 + 4.7 * i, t(label), 31 * mm)
    c.setFillColor(SHADE)
    c.rect(LEFT, Y(90), RIGHT - LEFT, 10 * mm, stroke=0, fill=1)
    for i, label in enumerate(DATE_LABELS):
        _label(c, LEFT + (2 + 46 * i) * mm, 84, t(label))


def _draw_tables(c: Canvas, t: Translator) -> None:
    _box(c, LEFT, 93, RIGHT, 122, t("Readings"))
    c.setFont(BOLD, 6.6)
    c.setFillColor(INK)
    for i, (head, x) in enumerate(zip(READING_HEADS, READING_X, strict=True)):
        text = t(head)
        if i >= 5 or i in (1, 3):
            c.drawRightString(x * mm if i >= 5 else (x + 20) * mm, Y(101.5), text)
        else:
            c.drawString(x * mm, Y(101.5), text)
    _box(c, LEFT, 125, RIGHT, 201, t("Charges"))
    c.setFont(BOLD, 6.6)
    c.setFillColor(INK)
    c.drawString(CHARGE_X[0] * mm, Y(133.5), t(CHARGE_HEADS[0]))
    for head, x in zip(CHARGE_HEADS[1:], CHARGE_X[1:], strict=True):
        c.drawRightString(x * mm, Y(133.5), t(head))
    c.setStrokeColor(RULE)
    c.setLineWidth(0.4)
    c.line(LEFT, Y(186), RIGHT, Y(186))
    _label(c, 112 * mm, 190.5, t("Total without VAT"), 7.5, INK)
    _label(c, 112 * mm, 199, t("INVOICE TOTAL"), 8.5, INK, BOLD)


def _draw_account_frame(c: Canvas, t: Translator) -> None:
    _box(c, LEFT, 204, MID - 2 * mm, 240, t("Your account"))
    for i, label in enumerate(ACCOUNT_LABELS):
        _label(c, LEFT + 2 * mm, 213 + 4.3 * i, t(label), 7)
    c.setStrokeColor(RULE)
    c.line(LEFT + 2 * mm, Y(233), MID - 4 * mm, Y(233))
    _box(c, MID + 2 * mm, 204, RIGHT, 240, t("Payment"), shade=True)
    _label(c, MID + 4 * mm, 213, t("TOTAL TO PAY"), 8, ACCENT, BOLD)
    _label(c, MID + 4 * mm, 224.5, t("Payee account"), 6.6)
    _label(c, MID + 4 * mm, 230, t("Reference (model 97)"), 6.6)
    _label(c, MID + 4 * mm, 235.5, t("Invoice number"), 6.6)


def _draw_notes(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    _label(c, LEFT, 245, t("Late-payment interest"), 7, ACCENT, BOLD)
    _paragraph(c, LEFT, 248.5, RIGHT - LEFT, t(
        "If you pay after the due date, statutory default interest is charged on the overdue "
        "amount from the due date until the day of payment."), 6.6)
    width = (RIGHT - LEFT) / 2 - 3 * mm
    right = LEFT + width + 6 * mm
    _label(c, LEFT, 267, t("How to pay"), 7, ACCENT, BOLD)
    end = _paragraph(c, LEFT, 270.5, width, t(
        "At our cash desk (cash; cards for households), at the post office or at any bank, "
        "to the account above, quoting the model 97 reference. At our cash desk the barcode "
        "is scanned."))
    _paragraph(c, LEFT, end + 0.6, width, t(
        "Difficulty paying? Ask the service centre about paying in installments."))
    _label(c, right, 267, t("Service centre and complaints"), 7, ACCENT, BOLD)
    end = _paragraph(c, right, 270.5, width, " · ".join(p for p in (
        office.address, t("Phone {phone}", phone=office.phone) if office.phone else "",
        office.email) if p))
    end = _paragraph(c, right, end + 0.4, width, t(
        "A complaint about this invoice is made in writing at the service centre or by e-mail, "
        "until the due date; it is answered within 10 days. Pay the undisputed part by the "
        "due date."))
    if office.phone:
        _paragraph(c, right, end + 0.4, width, t("Faults and emergencies (24 h): {phone}",
                                                 phone=office.phone))


def draw_layout(c: Canvas, office: OfficeInfo, t: Translator) -> None:
    """The fixed part of every invoice page in one language."""
    _draw_header(c, office, t)
    _draw_boxes(c, t)
    _draw_tables(c, t)
    _draw_account_frame(c, t)
    _draw_notes(c, office, t)


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
    """Cut ``text`` to ``width`` (long names and addresses stay on their line)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_top(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    _text(c, RIGHT, 23.5, d.number, 11, BOLD, right=True)
    barcode = Code128(d.number, barWidth=BAR_WIDTH, barHeight=BAR_HEIGHT, humanReadable=False,
                      quiet=1)
    barcode.drawOn(c, RIGHT - barcode.width, Y(41))
    lab = _labels(d.language)
    customer = (d.customer_code, d.customer_name, d.customer_address,
                lab.get(f"category:{d.category}", d.category), d.tax_number or "—")
    for i, value in enumerate(customer):
        _text(c, LEFT + 30 * mm, 57 + 4.7 * i, _fit(value, 60 * mm, 8), 8,
              BOLD if i < 2 else REGULAR)
    point = (d.point_number, d.point_address, f"{d.zone_code} / {d.reading_code}",
             lab.get(f"group:{d.tariff_group}", d.tariff_group), d.meter_numbers or "—")
    for i, value in enumerate(point):
        _text(c, MID + 36 * mm, 57 + 4.7 * i, _fit(value, 50 * mm, 8), 8,
              BOLD if i == 0 else REGULAR)
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
        return f"{label} ({f.date(line.valid_from)[:6]}–{f.date(line.valid_to)[:6]})"
    if line.valid_from:
        return f"{label} ({f.date(line.valid_from)})"
    return label


def _draw_charges(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    lab = _labels(d.language)
    step = 4.4 if len(d.lines) <= MAX_LINES else 4.4 * MAX_LINES / len(d.lines)
    size = 7.6 if len(d.lines) <= MAX_LINES else 6.2
    for n, line in enumerate(d.lines):
        top = 138.5 + step * n
        _text(c, CHARGE_X[0] * mm, top, _fit(_line_label(line, lab, t, f), 82 * mm, size), size)
        if line.share_days:
            _text(c, CHARGE_X[1] * mm, top, f"{line.share_days}/{line.period_days}", size,
                  right=True)
        unit = lab.get(f"unit:{line.unit}", line.unit)
        _text(c, CHARGE_X[2] * mm, top, f"{f.quantity(line.quantity)} {unit}".strip(), size,
              right=True)
        if line.element != COMMON_SHARE.code:
            _text(c, CHARGE_X[3] * mm, top, f.number(line.unit_price, 5 if line.unit in (
                "kWh", "m3") else 2), size, right=True)
        _text(c, CHARGE_X[4] * mm, top, f.number(line.amount), size, right=True)
    _text(c, RIGHT - 2 * mm, 190.5, f.money(d.net_amount), 7.5, right=True)
    _text(c, 112 * mm, 194.7, t("VAT {rate} %", rate=f.quantity(d.vat_rate)), 7.5)
    _text(c, RIGHT - 2 * mm, 194.7, f.money(d.vat_amount), 7.5, right=True)
    _text(c, RIGHT - 2 * mm, 199, f.money(d.total), 8.5, BOLD, right=True)


def _draw_account(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    values = (d.balance_before, -d.payments_since, d.interest_since, d.other_since, d.total)
    x = MID - 4 * mm
    for i, value in enumerate(values):
        _text(c, x, 213 + 4.3 * i, f.money(value), 7.4, right=True)
    closing = t("Balance on {date}", date=f.date(d.issue_date))
    _text(c, LEFT + 2 * mm, 237, closing, 7.6, BOLD)
    _text(c, x, 237, f.money(d.closing_balance), 7.6, BOLD, right=True)
    _text(c, RIGHT - 2 * mm, 213, f.money(d.to_pay), 13, BOLD, right=True, color=ACCENT)
    due = t("by {date}", date=f.date(d.due_date))
    if d.closing_balance < 0:
        due = t("You have a credit of {amount}.", amount=f.money(-d.closing_balance))
    _text(c, RIGHT - 2 * mm, 218.5, due, 7.6, right=True)
    office = d.office
    _text(c, RIGHT - 2 * mm, 224.5, office.bank_account if office else "", 7.6, BOLD, right=True)
    _text(c, RIGHT - 2 * mm, 230, model97(d.payment_reference), 7.6, BOLD, right=True)
    _text(c, RIGHT - 2 * mm, 235.5, d.number, 7.6, right=True)


def _draw_interest(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    _text(c, LEFT, 255, t(
        "Statutory rate {rate} % a year · overdue amount (base) on the issue date {base} · "
        "interest charged since the last invoice {amount}", rate=f.quantity(d.interest_rate),
        base=f.money(d.interest_base), amount=f.money(d.interest_since)), 6.8)
    if d.older_debt > 0:
        text = t("Reminder: {count} earlier document(s) totalling {amount} are still unpaid; "
                 "please pay them. This reminder is not a notice of disconnection.",
                 count=d.older_debt_count, amount=f.money(d.older_debt))
        _paragraph(c, LEFT, 259, RIGHT - LEFT, text, 7, 2.9, WARN)
    else:
        _text(c, LEFT, 259, t("You have no unpaid earlier invoices. Thank you."), 7)


def _draw_footer(c: Canvas, d: InvoiceDoc, t: Translator) -> None:
    _text(c, LEFT, 290, t("Invoice {number} · customer {code} · point {point}",
                          number=d.number, code=d.customer_code, point=d.point_number),
          6.4, color=MUTED)
    if d.copy is None:
        return
    when = local_time(d.copy.printed_at).strftime("%d.%m.%Y %H:%M")
    mark = t("COPY — printed {when} by {operator} ({name})", when=when,
             operator=d.copy.operator_code, name=d.copy.operator_name)
    _text(c, RIGHT, 290, mark, 7, BOLD, right=True, color=WARN)
    _text(c, LEFT, 10.5, t("COPY").upper(), 10, BOLD, color=WARN)
    c.saveState()
    c.setFillColor(WARN, alpha=0.12)
    c.setFont(BOLD, 90)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(35)
    c.drawCentredString(0, 0, t("COPY").upper())
    c.restoreState()


def draw_invoice(c: Canvas, d: InvoiceDoc, t: Translator, f: Fmt) -> None:
    """The invoice's own text over the fixed layout."""
    _draw_top(c, d, t, f)
    _draw_readings(c, d, t, f)
    _draw_charges(c, d, t, f)
    _draw_account(c, d, t, f)
    _draw_interest(c, d, t, f)
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
        name = f"layout_{d.language}"
        if name not in self._forms:
            c = self.canvas
            c.beginForm(name)
            assert d.office is not None
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
