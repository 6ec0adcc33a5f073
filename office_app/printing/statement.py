"""A statement for several invoices (004 §35): one page listing each invoice with what is
still to pay on it, and the total; a payment for them is allocated in the order listed."""
from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from office_app.i18n import translator
from office_app.printing.document import (
    CONTENT_WIDTH,
    PageFrame,
    data_table,
    field_grid,
    note_box,
    render_pdf,
    section,
    title_block,
)

if TYPE_CHECKING:
    from office_app.services.billing.invoices import Statement


def statement_pdf(data: Statement, language: str) -> bytes:
    t = translator(language)
    money = lambda v: t.money(v)  # noqa: E731 - short local formatter
    frame = PageFrame(data.office, t("Statement of invoices"), data.operator_code,
                      data.printed_at, t("Customer {code}", code=data.customer_code))
    story: list[Flowable] = title_block(t("Statement of invoices"), [
        f"{data.customer_code} · {data.customer_name}",
        t("Invoices open on {date}.", date=t.date(data.on))])
    story.append(field_grid([(t("Customer code"), data.customer_code),
                             (t("Name"), data.customer_name),
                             (t("Address"), data.customer_address),
                             (t("Date"), t.date(data.on))]))
    story.append(section(t("Invoices")))
    rows = [[ln.number, ln.period, ln.point_number, t.date(ln.issue_date), t.date(ln.due_date),
             money(ln.total), money(ln.open_amount)] for ln in data.lines]
    rows.append(["", "", "", "", "", t("Total to pay"), money(data.total)])
    widths = [31 * mm, 19 * mm, 21 * mm, 22 * mm, 22 * mm, 27 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    story.append(data_table([t("Invoice number"), t("Period"), t("Metering point"),
                             t("Issue date"), t("Due date"), t("Invoice total"),
                             t("Still to pay")], rows, widths))
    notes = [t("A payment for these invoices is allocated to them in the order listed, "
               "unless you tell us otherwise.")]
    if data.interest > 0:
        notes.append(t("Late-payment interest accrued on overdue invoices up to {date}: "
                       "{amount} (charged by the monthly interest run).",
                       date=t.date(data.on), amount=money(data.interest)))
    story.append(note_box(notes))
    return render_pdf(story, frame, t)
