"""The complaint book's documents: the complaint as entered, in two copies (customer, book),
and the answer letter telling the customer the decision and its reason."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    PageFrame,
    doc_text,
    field_grid,
    note_box,
    para,
    render_copies,
    render_pdf,
    section,
    title_block,
)

if TYPE_CHECKING:
    from office_app.services.complaints import ComplaintRecord
    from office_app.services.office import OfficeInfo

COMPLAINT_COPIES = (N_("Copy for the customer"), N_("Copy for the complaint book"))


def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from office_app.services.complaints import CHANNEL_LABELS, DECISION_LABELS, SUBJECT_LABELS

    return CHANNEL_LABELS, SUBJECT_LABELS, DECISION_LABELS


def complaint_pdf(c: ComplaintRecord, office: OfficeInfo, language: str, operator_code: str,
                  printed_at: datetime) -> bytes:
    t = translator(language)
    frame = PageFrame(office, t("Complaint"), operator_code, printed_at,
                      t("Complaint {number}", number=c.number))
    return render_copies(lambda: _complaint(c, t), frame, t, [t(x) for x in COMPLAINT_COPIES])


def _complaint(c: ComplaintRecord, t: Translator) -> list[Flowable]:
    channels, subjects, _decisions = _labels()
    story: list[Flowable] = title_block(t("Complaint {number}", number=c.number), [
        t("Received {date} · answer due by {deadline}", date=t.date(c.received_on),
          deadline=t.date(c.deadline))])
    story.append(section(t("Customer")))
    story.append(field_grid([(t("Customer code"), c.customer_code),
                             (t("Name"), doc_text(t, c.customer_name)),
                             (t("Address"), doc_text(t, c.customer_address)),
                             (t("E-mail"), c.customer_email)]))
    story.append(section(t("Complaint")))
    story.append(field_grid([
        (t("Channel"), t(channels[c.channel])), (t("Subject"), t(subjects[c.subject])),
        (t("Invoices concerned"), ", ".join(c.invoice_numbers)),
        (t("Disputed amount"), t.money(c.disputed_amount))]))
    story.append(para(doc_text(t, c.description)))
    story.append(note_box([t(
        "The office answers in writing{email} within {days} working days, by {deadline}. "
        "While the complaint is being decided, the disputed amount is not demanded.",
        email=t(" or by e-mail") if c.customer_email else "", days=10,
        deadline=t.date(c.deadline))]))
    story += [Spacer(1, 12 * mm), para(t(
        "Customer: ____________________     Received by: ____________________"))]
    return story


def answer_letter_pdf(c: ComplaintRecord, office: OfficeInfo, language: str,
                      operator_code: str, printed_at: datetime) -> bytes:
    t = translator(language)
    _channels, subjects, decisions = _labels()
    frame = PageFrame(office, t("Answer to a complaint"), operator_code, printed_at,
                      t("Complaint {number}", number=c.number))
    assert c.decision is not None and c.answered_on is not None
    story: list[Flowable] = [
        para(doc_text(t, c.customer_name)), para(doc_text(t, c.customer_address)),
        Spacer(1, 8 * mm),
        *title_block(t("Answer to your complaint {number}", number=c.number), [
            t("Dated {date}", date=t.date(c.answered_on))]),
        para(t("On {date} you complained about: {subject}.", date=t.date(c.received_on),
               subject=t(subjects[c.subject]))),
        Spacer(1, 3 * mm),
        field_grid([(t("Decision"), t(decisions[c.decision])),
                    (t("Disputed amount"), t.money(c.disputed_amount))], columns=2),
        section(t("Reason")), para(doc_text(t, c.reason))]
    if c.correction_number:
        story.append(note_box([t(
            "Your bill was corrected by note {number}; the correction is on your financial "
            "card.", number=c.correction_number)]))
    story += [Spacer(1, 12 * mm), para(t("For the office: ____________________"))]
    return render_pdf(story, frame, t)
