"""The contract termination notice (001 Član 9), two copies: customer and archive."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    note_box,
    para,
    render_copies,
    section,
    title_block,
)

if TYPE_CHECKING:
    from office_app.services.termination import TerminationNotice

NOTICE_COPIES = (N_("Copy for the customer"), N_("Copy for the archive"))


def termination_notice_pdf(data: TerminationNotice, operator_code: str,
                           printed_at: datetime) -> bytes:
    t = translator(data.language)
    frame = PageFrame(data.office, t("Contract termination notice"), operator_code,
                      printed_at, t("Customer {code}", code=data.customer_code))
    return render_copies(lambda: _notice(data, t), frame, t, [t(c) for c in NOTICE_COPIES])


def _notice(data: TerminationNotice, t: Translator) -> list[Flowable]:
    story: list[Flowable] = [
        para(doc_text(t, data.customer_name)), para(doc_text(t, data.customer_address)),
        Spacer(1, 6 * mm),
        *title_block(t("Contract termination notice"), [
            t("The contract ended on {date}.", date=t.date(data.ended_on))]),
        field_grid([(t("Customer code"), data.customer_code),
                    (t("Date of termination"), t.date(data.ended_on)),
                    (t("Reason"), doc_text(t, data.reason)),
                    (t("Papers kept until"), t.date(data.papers_kept_until))])]
    story.append(section(t("Final readings")))
    rows = [[r.point_number, doc_text(t, r.point_address), t.date(r.read_on),
             t.number(r.vt, 0), t.number(r.mt, 0) if r.mt is not None else ""]
            for r in data.readings]
    story.append(data_table([t("Metering point"), t("Address"), t("Date"), t("VT"), t("MT")],
                            rows, None, t("No metered points."), nowrap={0, 2, 3, 4},
                            right={3, 4}))
    if data.balance > 0:
        money = t("Still to pay: {amount}. Please pay it by the due date of the final "
                  "invoice.", amount=t.money(data.balance))
    elif data.balance < 0:
        money = t("Overpaid: {amount}, refunded to you on request.",
                  amount=t.money(-data.balance))
    else:
        money = t("Your account is settled.")
    story.append(note_box([money, t(
        "From this date you are no longer our customer at the points above; the status of "
        "your record is N (inactive). Your contract papers are kept for five years.")]))
    story += [Spacer(1, 12 * mm), para(t("For the office: ____________________"))]
    return story
