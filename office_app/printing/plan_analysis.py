"""Collection of installment plans on a date (issue 11): plans by status, money expected and
paid, installments paid on time, late or missed, and every plan on one line."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from office_app.i18n import translator
from office_app.printing.document import (
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    render_pdf,
    section,
    title_block,
)
from office_app.services.office import OfficeInfo
from office_app.services.plans import STATE_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from office_app.services.plans import CollectionSummary, PlanState


def plan_analysis_pdf(states: Sequence[PlanState], summary: CollectionSummary,
                      office: OfficeInfo, language: str, operator_code: str,
                      printed_at: datetime) -> bytes:
    t = translator(language)
    title = t("Installment plans: collection on {date}", date=t.date(summary.as_of))
    frame = PageFrame(office, title, operator_code, printed_at)
    story: list[Flowable] = title_block(title)
    counts = [(t(label), str(summary.by_status[key])) for key, label in STATUS_LABELS.items()]
    story.append(field_grid([
        (t("Plans"), str(summary.plans)), *counts,
        (t("Expected by then"), t.money(summary.expected)), (t("Paid"), t.money(summary.paid)),
        (t("Collected"), f"{t.number(summary.rate, 1)} %")]))
    story.append(section(t("Installments")))
    story.append(field_grid([(t(label), str(summary.by_state[key]))
                             for key, label in STATE_LABELS.items()]))
    story.append(section(t("Plans")))
    rows = [[p.number, f"{p.customer_code} {doc_text(t, p.customer_name)}",
             t.date(p.agreed_on), t(STATUS_LABELS[p.status]), t.money(p.total),
             t.money(p.expected), t.money(p.paid), str(p.count("paid_on_time")),
             str(p.count("paid_late")), str(p.count("missed"))] for p in states]
    story.append(data_table(
        [t("Plan"), t("Customer"), t("Agreed on"), t("Status"), t("Total to pay"),
         t("Expected"), t("Paid"), t("On time"), t("Late"), t("Missed")], rows,
        empty_text=t("No installment plans."), nowrap=(0, 2, 4, 5, 6),
        right=(4, 5, 6, 7, 8, 9)))
    return render_pdf(story, frame, t)
