"""The complaint book (001 Član 8; 003 III.1; 004 §10l): written or electronic complaints of
customers, decided justified or not, answered within the legal deadline.

Customer care is the data-entry clerks' work (the office has no role of its own for it):
clerks and supervisors hold ``MANAGE_COMPLAINTS``; on PostgreSQL no other role reads the book.

Guarantees:

- Each complaint gets the next number of its series (``RK-<office>-<year>-000001``, gapless).
- Its deadline is ``ANSWER_DAYS`` working days after it was received (services.calendar: the
  office's country's public holidays and its closed days do not count); an unanswered
  complaint past its deadline is overdue (``overdue``).
- An answer needs a decision (justified or rejected) and its reason.
- A justified complaint is corrected by a credit or debit note (billing/corrections.py) that
  names the complaint; the complaint keeps the note's id, so each leads to the other.
- While a complaint is open its disputed amount is not demanded: the warning and order runs
  ask ``disputed_amounts`` (hooks.DEDUCTIONS) and demand only the rest.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import CorrectionNote, Customer, Invoice
from office_app.models.base import utcnow
from office_app.models.legal import (
    COMPLAINT_CHANNELS,
    COMPLAINT_DECISIONS,
    COMPLAINT_SUBJECTS,
    Complaint,
    ComplaintInvoice,
)
from office_app.services import ledger
from office_app.services.billing import corrections
from office_app.services.calendar import OfficeCalendar, add_working_days, calendar_in
from office_app.services.collection import hooks
from office_app.services.legal import money_value
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission

#: Working days the office has to answer (003 III.1).
ANSWER_DAYS = 10
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

CHANNEL_LABELS = {"written": N_("Written"), "electronic": N_("Electronic")}
SUBJECT_LABELS = {
    "bill_amount": N_("Bill amount"),
    "reading": N_("Meter reading"),
    "meter": N_("Meter"),
    "quality": N_("Quality of supply"),
    "ownership": N_("Ownership"),
    "payment": N_("Payment"),
}
DECISION_LABELS = {"justified": N_("Justified"), "rejected": N_("Not justified")}


@dataclass(frozen=True)
class ComplaintRecord:
    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    customer_email: str
    customer_language: str
    received_on: date
    channel: str
    subject: str
    description: str
    disputed_amount: Decimal
    deadline: date
    decision: str | None
    reason: str
    answered_on: date | None
    correction_note_id: int | None
    correction_number: str
    invoice_numbers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_open(self) -> bool:
        return self.answered_on is None

    def is_overdue(self, on: date) -> bool:
        return self.answered_on is None and self.deadline < on


@dataclass(frozen=True)
class ComplaintInput:
    customer_id: int
    received_on: date
    channel: str
    subject: str
    description: str
    disputed_amount: Decimal | str = ZERO
    invoice_ids: Sequence[int] = ()


def answer_deadline(received_on: date, office: OfficeCalendar) -> date:
    """The last day to answer: the ``ANSWER_DAYS``-th working day of the office (weekends,
    public holidays of its country and its own closed days left out) after receipt."""
    return add_working_days(received_on, ANSWER_DAYS, office)


# --- reading ----------------------------------------------------------------------------------

def _record(s: Session, c: Complaint) -> ComplaintRecord:
    customer = s.get(Customer, c.customer_id)
    assert customer is not None
    invoices = tuple(s.scalars(select(Invoice.number).join(
        ComplaintInvoice, ComplaintInvoice.invoice_id == Invoice.id)
        .where(ComplaintInvoice.complaint_id == c.id).order_by(Invoice.number)))
    note = (s.get(CorrectionNote, c.correction_note_id)
            if c.correction_note_id else None)
    address = ", ".join(p for p in (customer.billing_address or customer.address,
                                    customer.billing_place or customer.place) if p)
    return ComplaintRecord(
        c.id, c.number, customer.id, customer.code, customer.name, address, customer.email,
        customer.language, c.received_on, c.channel, c.subject, c.description,
        c.disputed_amount, c.deadline, c.decision, c.reason, c.answered_on,
        c.correction_note_id, note.number if note else "", invoices)


def list_complaints(db: Database, operator: Operator, open_only: bool = False,
                    customer_id: int | None = None) -> list[ComplaintRecord]:
    """The book, newest first."""
    operator.require(Permission.MANAGE_COMPLAINTS)
    stmt = select(Complaint).order_by(Complaint.received_on.desc(), Complaint.id.desc())
    if open_only:
        stmt = stmt.where(Complaint.answered_on.is_(None))
    if customer_id is not None:
        stmt = stmt.where(Complaint.customer_id == customer_id)
    with db.unit_of_work() as s:
        return [_record(s, c) for c in s.scalars(stmt)]


def get_complaint(db: Database, operator: Operator, complaint_id: int) -> ComplaintRecord:
    operator.require(Permission.MANAGE_COMPLAINTS)
    with db.unit_of_work() as s:
        return _record(s, _complaint(s, complaint_id))


def overdue(db: Database, operator: Operator, on: date) -> list[ComplaintRecord]:
    """Unanswered complaints whose deadline passed before ``on``, oldest deadline first."""
    operator.require(Permission.MANAGE_COMPLAINTS)
    with db.unit_of_work() as s:
        rows = s.scalars(select(Complaint).where(
            Complaint.answered_on.is_(None), Complaint.deadline < on)
            .order_by(Complaint.deadline, Complaint.id))
        return [_record(s, c) for c in rows]


def complaint_of_note(db: Database, operator: Operator, note_id: int) -> ComplaintRecord | None:
    """The complaint a credit or debit note corrected, if it came from one."""
    operator.require(Permission.MANAGE_COMPLAINTS)
    with db.unit_of_work() as s:
        row = s.scalar(select(Complaint).where(Complaint.correction_note_id == note_id))
        return _record(s, row) if row is not None else None


def _complaint(s: Session, complaint_id: int) -> Complaint:
    row = s.get(Complaint, complaint_id)
    if row is None:
        raise NotFound(N_("Complaint {id} does not exist."), id=complaint_id)
    return row


# --- the hook of the warning run --------------------------------------------------------------

def disputed_amounts(session: Session, customer_ids: Iterable[int],
                     on: date) -> dict[int, Decimal]:
    """The amount each customer disputes in complaints open on ``on`` (received by then and
    not yet answered by then). Customers without one are left out. Runs in the caller's
    session (the warning run), so it checks no permission."""
    ids = sorted(set(customer_ids))
    found: dict[int, Decimal] = {}
    for start in range(0, len(ids), 2000):
        rows = session.execute(
            select(Complaint.customer_id, func.sum(Complaint.disputed_amount))
            .where(Complaint.customer_id.in_(ids[start:start + 2000]),
                   Complaint.received_on <= on,
                   (Complaint.answered_on.is_(None)) | (Complaint.answered_on > on))
            .group_by(Complaint.customer_id))
        for customer_id, amount in rows:
            if amount:
                found[customer_id] = Decimal(amount).quantize(Decimal("0.01"))
    return found


def disputed_by_invoice(session: Session, customer_id: int, on: date) -> dict[int, Decimal]:
    """The disputed part of each invoice of the customer in complaints open on ``on`` (003
    III.1g: it may be left unpaid at the counter). A complaint's disputed amount is spread
    over the invoices it concerns, oldest first, each up to its total; a complaint that names
    no invoice disputes no invoice in particular and is left out."""
    if session.get_bind().dialect.name == "postgresql":
        # the book is customer care's: the counter reads the amounts through the owner's
        # office_open_disputes() (office_app/privileges.py)
        rows = session.execute(text("SELECT * FROM office_open_disputes(:customer, :on)"),
                               {"customer": customer_id, "on": on}).all()
    else:
        rows = session.execute(
            select(Complaint.id, Complaint.disputed_amount, Invoice.id, Invoice.total)
            .join(ComplaintInvoice, ComplaintInvoice.complaint_id == Complaint.id)
            .join(Invoice, Invoice.id == ComplaintInvoice.invoice_id)
            .where(Complaint.customer_id == customer_id, Complaint.received_on <= on,
                   (Complaint.answered_on.is_(None)) | (Complaint.answered_on > on),
                   Complaint.disputed_amount > 0)
            .order_by(Complaint.id, Invoice.issue_date, Invoice.id)).all()
    left: dict[int, Decimal] = {}
    found: dict[int, Decimal] = {}
    for complaint_id, disputed, invoice_id, total in rows:
        rest = left.setdefault(complaint_id, Decimal(disputed).quantize(CENT))
        part = min(rest, Decimal(total).quantize(CENT))
        if part > 0:
            found[invoice_id] = found.get(invoice_id, ZERO) + part
            left[complaint_id] = rest - part
    return found


# --- writing ----------------------------------------------------------------------------------

def register(db: Database, operator: Operator, data: ComplaintInput) -> ComplaintRecord:
    """Enter a complaint in the book with its number and answer deadline."""
    operator.require(Permission.MANAGE_COMPLAINTS)
    errors = _check(data)
    disputed = money_value(data.disputed_amount, "disputed_amount")
    if errors:
        raise ValidationError(errors)
    with db.unit_of_work() as s:
        customer = s.get(Customer, data.customer_id)
        if customer is None:
            raise NotFound(N_("Customer {id} does not exist."), id=data.customer_id)
        invoices = _invoices(s, customer, data.invoice_ids, disputed)
        office = office_in(s)
        _seq, number = ledger.issue_number(s, "complaint", office.code, data.received_on.year)
        row = Complaint(number=number, customer_id=customer.id, received_on=data.received_on,
                        channel=data.channel, subject=data.subject,
                        description=data.description.strip(), disputed_amount=disputed,
                        deadline=answer_deadline(data.received_on, calendar_in(s)), reason="",
                        created_by=operator.code)
        s.add(row)
        s.flush()
        s.add_all([ComplaintInvoice(complaint_id=row.id, invoice_id=i.id) for i in invoices])
        s.flush()
        return _record(s, row)


def _check(data: ComplaintInput) -> list[FieldError]:
    errors = []
    if data.channel not in COMPLAINT_CHANNELS:
        errors.append(FieldError("channel", N_("Channel: written or electronic.")))
    if data.subject not in COMPLAINT_SUBJECTS:
        errors.append(FieldError("subject", N_("Subject: choose one from the list.")))
    if not data.description.strip():
        errors.append(FieldError("description", N_(
            "Description: write what the customer complains about.")))
    return errors


def _invoices(s: Session, customer: Customer, invoice_ids: Sequence[int],
              disputed: Decimal) -> list[Invoice]:
    invoices = [s.get(Invoice, i) for i in dict.fromkeys(invoice_ids)]
    for wanted, invoice in zip(dict.fromkeys(invoice_ids), invoices, strict=True):
        if invoice is None or invoice.customer_id != customer.id:
            raise ValidationError([FieldError("invoice_ids", N_(
                "Invoices: invoice {id} is not an invoice of customer {code}."),
                {"id": wanted, "code": customer.code})])
    found = [i for i in invoices if i is not None]
    if found and disputed > sum((i.total for i in found), ZERO):
        raise ValidationError([FieldError("disputed_amount", N_(
            "Disputed amount: more than the invoices concerned ({amount})."),
            {"amount": f"{sum((i.total for i in found), ZERO):.2f}"})])
    return found


def answer(db: Database, operator: Operator, complaint_id: int, decision: str | None,
           reason: str, answered_on: date) -> ComplaintRecord:
    """Decide the complaint and record the answer's date. Refused without a decision or a
    reason, before the complaint was received, or when it was already answered."""
    operator.require(Permission.MANAGE_COMPLAINTS)
    if decision not in COMPLAINT_DECISIONS:
        raise ValidationError([FieldError("decision", N_(
            "Decision: choose justified or not justified before answering."))])
    if not reason.strip():
        raise ValidationError([FieldError("reason", N_(
            "Reason: say why the complaint is or is not justified."))])
    with db.unit_of_work() as s:
        row = _complaint(s, complaint_id)
        if row.answered_on is not None:
            raise Conflict(N_("Complaint {number} was already answered on {day}."),
                           "decision", number=row.number, day=row.answered_on.isoformat())
        if answered_on < row.received_on:
            raise ValidationError([FieldError("answered_on", N_(
                "Answer date: it cannot be before the complaint was received."))])
        row.decision, row.reason, row.answered_on = decision, reason.strip()[:400], answered_on
        row.updated_at, row.updated_by = utcnow(), operator.code
        s.flush()
        return _record(s, row)


def correct(db: Database, operator: Operator, complaint_id: int, invoice_id: int, kind: str,
            net_amount: Decimal | str, on: date) -> ComplaintRecord:
    """Issue the credit or debit note a justified complaint calls for and link the two.
    Needs the right to correct invoices as well (a supervisor)."""
    operator.require(Permission.MANAGE_COMPLAINTS)
    operator.require(Permission.CORRECT_INVOICES)
    with db.unit_of_work() as s:
        row = _complaint(s, complaint_id)
        if row.decision != "justified":
            raise Conflict(N_("Complaint {number} is not decided justified; there is "
                              "nothing to correct."), "decision", number=row.number)
        if row.correction_note_id is not None:
            raise Conflict(N_("Complaint {number} was already corrected."), "invoice_id",
                           number=row.number)
        invoice = s.get(Invoice, invoice_id)
        if invoice is None or invoice.customer_id != row.customer_id:
            raise ValidationError([FieldError("invoice_id", N_(
                "Invoice: choose an invoice of the customer who complained."))])
        note = corrections.issue_note_in(s, operator, invoice_id, kind, net_amount,
                                         f"{row.number} {row.reason}", on)
        row.correction_note_id = note.id
        row.updated_at, row.updated_by = utcnow(), operator.code
        s.flush()
        return _record(s, row)


# --- documents --------------------------------------------------------------------------------

def _kept(s: Session, complaint_id: int) -> Complaint:
    """A complaint whose text is still kept: an archived one (retention, 004 §25) has lost
    it, so no document or e-mail is made of it any more."""
    row = _complaint(s, complaint_id)
    if row.archived_on is not None:
        raise Conflict(N_("Complaint {number} was archived on {day}: its text is no longer "
                          "kept, so no document is made of it."), "number", number=row.number,
                       day=row.archived_on.isoformat())
    return row


def complaint_document(db: Database, operator: Operator, complaint_id: int) -> bytes:
    """The complaint as entered, two copies (customer, complaint book), in the customer's
    language."""
    from office_app.printing.complaint import complaint_pdf

    operator.require(Permission.MANAGE_COMPLAINTS)
    with db.unit_of_work() as s:
        record, office = _record(s, _kept(s, complaint_id)), office_in(s)
    return complaint_pdf(record, office, record.customer_language, operator.code, utcnow())


def answer_letter(db: Database, operator: Operator, complaint_id: int) -> bytes:
    """The answer letter; refused before the complaint is answered."""
    record, office = _answered(db, operator, complaint_id)
    return _letter(record, office, operator)


def _answered(db: Database, operator: Operator,
              complaint_id: int) -> tuple[ComplaintRecord, OfficeInfo]:
    operator.require(Permission.MANAGE_COMPLAINTS)
    with db.unit_of_work() as s:
        record, office = _record(s, _kept(s, complaint_id)), office_in(s)
    if record.answered_on is None:
        raise Conflict(N_("Complaint {number} is not answered yet: record the decision "
                          "first."), "decision", number=record.number)
    return record, office


def _letter(record: ComplaintRecord, office: OfficeInfo, operator: Operator) -> bytes:
    from office_app.printing.complaint import answer_letter_pdf

    return answer_letter_pdf(record, office, record.customer_language, operator.code,
                             utcnow())


def answer_email(db: Database, operator: Operator, complaint_id: int) -> bytes:
    """An e-mail draft (.eml, marked unsent) to the customer with the answer letter attached,
    for a mail program to send. Refused when the customer gave no e-mail address."""
    from email.message import EmailMessage
    from email.utils import formataddr

    from office_app.i18n import translator

    record, office = _answered(db, operator, complaint_id)
    if not record.customer_email:
        raise Conflict(N_("Customer {code} gave no e-mail address; print the answer letter "
                          "instead."), "email", code=record.customer_code)
    t = translator(record.customer_language)
    message = EmailMessage()
    message["X-Unsent"] = "1"
    message["From"] = formataddr((office.name, office.email)) if office.email else office.name
    message["To"] = formataddr((record.customer_name, record.customer_email))
    message["Subject"] = t("Answer to your complaint {number}", number=record.number)
    message.set_content(t(
        "Dear customer,\n\nplease find attached our answer to your complaint {number} of "
        "{date}.\n\n{office}\n{phone}", number=record.number, date=t.date(record.received_on),
        office=office.name, phone=office.phone))
    message.add_attachment(_letter(record, office, operator), maintype="application",
                           subtype="pdf", filename=f"{record.number}.pdf")
    return bytes(message)


# --- the warning and order runs do not demand the disputed amount ----------------------------

#: Why the warning and order runs leave a customer out (shown in their preview).
DISPUTED = N_("an open complaint disputes the debt")

hooks.DEDUCTIONS.append((disputed_amounts, DISPUTED))
