"""The installment agreement for signature (reprogram; 003 III.2): the debt it covers, the
terms, the schedule and the conditions, printed twice in one PDF — a copy for the customer
and a copy for the office — in the customer's language and script (``doc_text`` prints names
and addresses in Cyrillic on a Cyrillic agreement)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    note_box,
    para,
    render_pdf,
    section,
    styles,
    title_block,
)

if TYPE_CHECKING:
    from office_app.services.plans import AgreementData

#: The two copies, in print order.
COPIES = (N_("Copy for the customer"), N_("Copy for the office"))


def plan_agreement_pdf(data: AgreementData, language: str | None = None) -> bytes:
    """Both copies of the agreement as PDF bytes, in ``language`` (the customer's by
    default)."""
    t = translator(language or data.language)
    title = t("Installment agreement {number}", number=data.number)
    frame = PageFrame(data.office, title, data.operator_code, data.printed_at,
                      t("Customer {code}", code=data.customer_code))
    story: list[Flowable] = []
    for n, copy in enumerate(COPIES):
        if n:
            story.append(PageBreak())
        story += _copy(data, t, title, t(copy))
    return render_pdf(story, frame, t)


def _copy(data: AgreementData, t: Translator, title: str, copy: str) -> list[Flowable]:
    story = title_block(title, [copy, t("Agreed on {date}", date=t.date(data.agreed_on))])
    story.append(field_grid([
        (t("Office"), doc_text(t, data.office.name)), (t("Customer code"), data.customer_code),
        (t("Customer"), doc_text(t, data.customer_name)),
        (t("Address"), doc_text(t, data.customer_address))]))
    story += _covered(data, t) + _terms(data, t) + _schedule(data, t)
    story.append(note_box(_conditions(data, t), t("Conditions")))
    story.append(_signatures(t))
    return story


def _covered(data: AgreementData, t: Translator) -> list[Flowable]:
    rows = [[c.document_number, t.date(c.due_date), t.money(c.amount)] for c in data.covered]
    rows.append([t("Total"), "", t.money(data.debt)])
    return [section(t("Overdue debt rescheduled")),
            data_table([t("Document"), t("Due date"), t("Open amount")], rows,
                       nowrap=(0, 1, 2), right=(2,))]


def _terms(data: AgreementData, t: Translator) -> list[Flowable]:
    return [section(t("Terms")), field_grid([
        (t("Debt rescheduled"), t.money(data.debt)),
        (t("Down payment"), t.money(data.down_payment)),
        (t("Number of installments"), str(data.installment_count)),
        (t("Interest rate"), t("{rate} % a year", rate=t.number(data.interest_rate))),
        (t("Interest"), t.money(data.interest)),
        (t("Total to pay"), t.money(data.total)),
        (t("Minimum installment"), t.money(data.minimum_installment)),
        (t("Grace period"), t("{days} days", days=data.grace_days))])]


def _schedule(data: AgreementData, t: Translator) -> list[Flowable]:
    count = data.installment_count
    rows = [[t("Down payment") if line.sequence == 0 else
             t("{n} of {count}", n=line.sequence, count=count),
             t.date(line.due_date), t.money(line.principal), t.money(line.interest),
             t.money(line.amount)] for line in data.lines]
    rows.append([t("Total"), "", t.money(data.debt), t.money(data.interest),
                 t.money(data.total)])
    return [section(t("Schedule")),
            data_table([t("Installment"), t("Due date"), t("Principal"), t("Interest"),
                        t("Amount")], rows, nowrap=(1, 2, 3, 4), right=(2, 3, 4))]


def _conditions(data: AgreementData, t: Translator) -> list[str]:
    return [
        t("The customer pays each installment by its due date, at the office's cash desk or to "
          "its account, quoting the customer code {code}. Payments settle the oldest debt "
          "first.", code=data.customer_code),
        t("Interest is simple interest at the agreed yearly rate: each installment carries one "
          "month of interest on the principal still owed before it."),
        t("If an installment is still unpaid {days} days after its due date, this agreement "
          "is broken: everything still owed under it falls due at once and bears statutory "
          "late-payment interest from then, and the office may proceed with collection.",
          days=data.grace_days),
        t("While the agreement is kept, the office sends no warning for the debt it covers. "
          "New invoices are paid as usual."),
    ]


def _signatures(t: Translator) -> Flowable:
    st = styles()
    line = "_" * 34
    table = Table([[para(line, st.value), para(line, st.value)],
                   [para(t("For the office"), st.label), para(t("Customer"), st.label)]],
                  colWidths=[85 * mm, 85 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return KeepTogether([Spacer(1, 14 * mm), table])
