"""A statement of account (004 §35): the customer's open documents (invoices, debit notes,
posted late interest, ...) with what remains of each, late interest accrued since the last
interest run shown apart and labelled as not yet charged, and the total to pay, which equals
the financial card's balance plus that accrual; with the payee account and the reference to
pay it with. Document numbers never wrap: their column is as wide as the longest number."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from office_app.i18n import Translator, translator
from office_app.printing.document import (
    ACCENT,
    CONTENT_WIDTH,
    RULE,
    PageFrame,
    data_table,
    field_grid,
    note_box,
    para,
    render_pdf,
    section,
    styles,
    title_block,
)
from office_app.printing.fonts import BOLD, REGULAR
from office_app.printing.invoice import in_script
from office_app.services.billing.references import printed as model97
from office_app.services.ledger import DOCUMENT_TYPE_LABELS

if TYPE_CHECKING:
    from office_app.services.billing.invoices import Statement

#: Table cells' left and right padding (reportlab's default) plus a little air.
_PADDING = 13


def _width(values: list[str], header: str) -> float:
    """Wide enough for the longest value on one line (cells print at 8 pt) and for the
    header's longest word."""
    longest = max([stringWidth(v, REGULAR, 8) for v in values] +
                  [stringWidth(w, BOLD, 7.5) for w in header.split()])
    return longest + _PADDING


def _documents(data: Statement, t: Translator) -> Flowable:
    rows = [[t(DOCUMENT_TYPE_LABELS.get(ln.document_type, ln.document_type)), ln.number,
             ln.point_number or ln.period, t.date(ln.document_date), t.date(ln.due_date),
             t.money(ln.amount), t.money(ln.open_amount)] for ln in data.lines]
    heads = [t("Document"), t("Number"), t("Metering point"), t("Date"), t("Due date"),
             t("Amount"), t("Still to pay")]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(heads)
    widths = [0.0] + [_width(list(values), head)
                      for values, head in zip(columns[1:], heads[1:], strict=True)]
    widths[0] = max(CONTENT_WIDTH - sum(widths), 25 * mm)
    return data_table(heads, rows, widths, t("There are no open documents."))


def _summary(data: Statement, t: Translator) -> Flowable:
    st = styles()
    rows: list[tuple[str, Decimal]] = [(t("Open documents"), data.open_total)]
    if data.advance > 0:
        rows.append((t("Paid in advance, not yet used"), -data.advance))
    rows.append((t("Balance on the financial card on {date}", date=t.date(data.on)),
                 data.balance))
    if data.accrued_from is None:
        rows.append((t("Late-payment interest accrued up to {end}, not yet charged",
                       end=t.date(data.on)), data.accrued_interest))
    elif data.accrued_from <= data.on:
        rows.append((t("Late-payment interest accrued from {start} to {end}, not yet charged",
                       start=t.date(data.accrued_from), end=t.date(data.on)),
                     data.accrued_interest))
    rows.append((t("Total to pay"), max(data.total, Decimal("0.00"))))
    styled = [st.cell] * (len(rows) - 1) + [st.head_cell]
    body = [[para(label, style), para(t.money(value), ParagraphStyle(
        "amount", parent=style, alignment=TA_RIGHT))]
            for (label, value), style in zip(rows, styled, strict=True)]
    table = Table(body, colWidths=[CONTENT_WIDTH - 30 * mm, 30 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
    ]))
    return table


def _payment(data: Statement, t: Translator) -> list[str]:
    office = data.office
    lines = [t("Pay to account {account} ({payee}), model 97, reference {reference}.",
               account=office.bank_account or "—", payee=in_script(office.name, t.language),
               reference=model97(data.payment_reference).replace(" ", "\u00a0")),
             t("A payment quoting this reference settles the documents above in the order "
               "listed (oldest due date first), unless you tell us otherwise.")]
    if data.accrued_interest > 0:
        lines.append(t("The accrued interest is charged by the next monthly interest run; "
                       "paying it now with this reference settles that charge."))
    if data.total < 0:
        lines.append(t("You have a credit of {amount}.", amount=t.money(-data.total)))
    return lines


def statement_pdf(data: Statement, language: str) -> bytes:
    t = translator(language)
    frame = PageFrame(data.office, t("Statement of account"), data.operator_code,
                      data.printed_at, t("Customer {code}", code=data.customer_code))
    name = in_script(data.customer_name, language)
    story: list[Flowable] = title_block(t("Statement of account"), [
        f"{data.customer_code} · {name}",
        t("Open documents on {date}.", date=t.date(data.on))])
    story.append(field_grid([(t("Customer code"), data.customer_code),
                             (t("Name"), name),
                             (t("Address"), in_script(data.customer_address, language)),
                             (t("Date"), t.date(data.on))]))
    story.append(section(t("Open documents")))
    story.append(_documents(data, t))
    story.append(section(t("Total to pay")))
    story.append(_summary(data, t))
    story.append(note_box(_payment(data, t), t("How to pay")))
    return render_pdf(story, frame, t)
