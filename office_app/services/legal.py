"""The litigation register (001 Član 7; 000): court cases against customers who did not pay.

Guarantees:

- Only the legal office and supervisors read or change the register (``MANAGE_LEGAL``; on
  PostgreSQL the grants refuse every other role as well).
- A case is opened only for a customer who owes money; a case number is unique per court.
- Opening a case sets the customer's status ``T`` (sued) through the customer-status service,
  naming the case as its origin; closing the last open case clears it the same way.
- The court fee and other costs the customer owes, and a write-off decided at the end, are
  posted to the financial card through ``services.ledger`` (numbered documents of their own).
- A closing outcome must agree with the ledger: ``paid`` only when nothing is owed any more,
  ``written_off`` only when something is left to write off.
- Attachments are PDFs or images (PNG, JPEG, TIFF) of at most ``MAX_ATTACHMENT`` bytes.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import Customer, MeteringPoint, PointHolding
from office_app.models.base import utcnow
from office_app.models.ledger import LedgerEntry
from office_app.models.legal import (
    CASE_STAGES,
    CLOSING_STAGES,
    EVENT_KINDS,
    CaseAttachment,
    CaseEvent,
    LegalCase,
)
from office_app.services import ledger
from office_app.services.customer_status import StatusOrigin, clear_status, set_status
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

ZERO = Decimal("0.00")
#: Largest attachment kept in the database.
MAX_ATTACHMENT = 10 * 1024 * 1024
#: Accepted attachments by their first bytes (the file name's extension is not trusted).
MEDIA_TYPES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"\xff\xd8\xff", "image/jpeg"), (b"II*\x00", "image/tiff"),
               (b"MM\x00*", "image/tiff"))

STAGE_LABELS = {
    "proposal_filed": N_("Proposal filed"),
    "decision": N_("Court decision"),
    "enforcement": N_("With the enforcement officer"),
    "appeal": N_("Appeal"),
    "settled": N_("Settled"),
    "paid": N_("Paid"),
    "written_off": N_("Written off"),
}
EVENT_LABELS = {
    "hearing": N_("Hearing"),
    "decision": N_("Decision"),
    "appeal": N_("Appeal"),
    "appeal_answer": N_("Answer to an appeal"),
    "enforcement_delivery": N_("Delivered to the enforcement officer"),
    "other": N_("Other"),
}


@dataclass(frozen=True)
class CaseRecord:
    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    case_number: str
    court: str
    filed_on: date
    amount_sued: Decimal
    court_fee: Decimal
    other_costs: Decimal
    stage: str
    outcome: str
    closed_on: date | None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


@dataclass(frozen=True)
class EventRecord:
    id: int
    case_id: int
    case_number: str
    customer_code: str
    kind: str
    event_date: date
    deadline: date | None
    note: str
    done_on: date | None


@dataclass(frozen=True)
class AttachmentRecord:
    id: int
    case_id: int
    file_name: str
    media_type: str
    size: int
    created_by: str


@dataclass(frozen=True)
class Deadlines:
    """Open deadlines of case events: the missed ones and those due within the horizon."""

    missed: list[EventRecord]
    upcoming: list[EventRecord]


# --- reading ----------------------------------------------------------------------------------

def _address(c: Customer) -> str:
    return ", ".join(p for p in (c.billing_address or c.address, c.billing_place or c.place)
                     if p)


def _record(case: LegalCase, customer: Customer) -> CaseRecord:
    return CaseRecord(case.id, customer.id, customer.code, customer.name, _address(customer),
                      case.case_number, case.court, case.filed_on, case.amount_sued,
                      case.court_fee, case.other_costs, case.stage, case.outcome, case.closed_on)


def list_cases(db: Database, operator: Operator, open_only: bool = False,
               customer_id: int | None = None) -> list[CaseRecord]:
    """The register, newest filing first."""
    operator.require(Permission.MANAGE_LEGAL)
    stmt = (select(LegalCase, Customer).join(Customer, Customer.id == LegalCase.customer_id)
            .order_by(LegalCase.filed_on.desc(), LegalCase.id.desc()))
    if open_only:
        stmt = stmt.where(LegalCase.closed_on.is_(None))
    if customer_id is not None:
        stmt = stmt.where(LegalCase.customer_id == customer_id)
    with db.unit_of_work() as s:
        return [_record(case, customer) for case, customer in s.execute(stmt)]


def get_case(db: Database, operator: Operator, case_id: int) -> CaseRecord:
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        customer = s.get(Customer, case.customer_id)
        assert customer is not None
        return _record(case, customer)


def _case(s: Session, case_id: int) -> LegalCase:
    case = s.get(LegalCase, case_id)
    if case is None:
        raise NotFound(N_("Case {id} does not exist."), id=case_id)
    return case


# --- validation -------------------------------------------------------------------------------

def money_value(value: Decimal | str, field: str, allow_zero: bool = True) -> Decimal:
    """A non-negative amount in euros and cents, or a ValidationError naming ``field``."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".") or "0")
    except InvalidOperation:
        amount = Decimal(-1)
    if (not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero)
            or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12")):
        raise ValidationError([FieldError(field, N_(
            "Amount: a positive amount in euros and cents."))])
    return amount.quantize(Decimal("0.01"))


def _text(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError([FieldError(field, N_("This field is required."))])
    if len(value) > limit:
        raise ValidationError([FieldError(field, N_(
            "Too long: at most {limit} characters."), {"limit": limit})])
    return value


# --- the status letter T ----------------------------------------------------------------------

def _origin(case: LegalCase, kind: str) -> StatusOrigin:
    return StatusOrigin(kind, case.id, f"{case.case_number}"[:30])


def open_case_count(s: Session, customer_id: int) -> int:
    return int(s.scalar(select(func.count()).select_from(LegalCase).where(
        LegalCase.customer_id == customer_id, LegalCase.closed_on.is_(None))) or 0)


# --- opening a case ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseInput:
    customer_id: int
    case_number: str
    court: str
    filed_on: date
    amount_sued: Decimal | str
    court_fee: Decimal | str = ZERO
    other_costs: Decimal | str = ZERO


def open_case(db: Database, operator: Operator, data: CaseInput) -> CaseRecord:
    """Enter a case: the customer becomes ``T`` and the court fee and costs go onto the card.
    Refused for a customer who owes nothing, or a case number already used at that court."""
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        return open_in(s, operator, data)


def open_in(s: Session, operator: Operator, data: CaseInput) -> CaseRecord:
    number = _text(data.case_number, "case_number", 40)
    court = _text(data.court, "court", 80)
    fee = money_value(data.court_fee, "court_fee")
    costs = money_value(data.other_costs, "other_costs")
    customer = s.get(Customer, data.customer_id)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=data.customer_id)
    owed = ledger.balance(s, customer.id, data.filed_on)
    if owed <= 0:
        raise Conflict(N_("Customer {code} owes nothing on {day}: there is nothing to sue "
                          "for."), "customer_id", code=customer.code,
                       day=data.filed_on.isoformat())
    sued = money_value(data.amount_sued, "amount_sued", allow_zero=False)
    if s.scalar(select(LegalCase.id).where(LegalCase.court == court,
                                           LegalCase.case_number == number)) is not None:
        raise Conflict(N_("Case number: {number} is already in the register at {court}."),
                       "case_number", number=number, court=court)
    case = LegalCase(customer_id=customer.id, case_number=number, court=court,
                     filed_on=data.filed_on, amount_sued=sued, court_fee=fee, other_costs=costs,
                     stage="proposal_filed", outcome="", created_by=operator.code)
    s.add(case)
    s.flush()
    if fee + costs > 0:
        _post_costs(s, operator, case, fee + costs, data.filed_on,
                    f"{court} {number}: court fee and costs")
    if open_case_count(s, customer.id) == 1:       # the first open case makes them T
        set_status(s, operator, customer.id, "T", data.filed_on, _origin(case, "lawsuit"),
                   f"{court} {number}")
    return _record(case, customer)


def _post_costs(s: Session, operator: Operator, case: LegalCase, amount: Decimal, day: date,
                description: str) -> str:
    office = office_in(s)
    _seq, number = ledger.issue_number(s, "court_costs", office.code, day.year)
    ledger.post(s, operator, ledger.Posting(
        case.customer_id, "court_costs", number, day, description[:160], debit=amount,
        due_date=day))
    return number


def post_costs(db: Database, operator: Operator, case_id: int, amount: Decimal | str,
               on: date, description: str) -> str:
    """Costs a court decision awards the office (or further fees): a debit on the customer's
    card; returns the document number."""
    operator.require(Permission.MANAGE_LEGAL)
    value = money_value(amount, "amount", allow_zero=False)
    text = _text(description, "description", 120)
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        _refuse_closed(case)
        return _post_costs(s, operator, case, value, on, f"{case.case_number}: {text}")


def _refuse_closed(case: LegalCase) -> None:
    if case.closed_on is not None:
        raise Conflict(N_("Case {number} is closed."), "case_id", number=case.case_number)


# --- stages, events, closing ------------------------------------------------------------------

def set_stage(db: Database, operator: Operator, case_id: int, stage: str) -> CaseRecord:
    """Move an open case to a stage that does not close it (use ``close_case`` for those)."""
    operator.require(Permission.MANAGE_LEGAL)
    if stage not in CASE_STAGES or stage in CLOSING_STAGES:
        raise ValidationError([FieldError("stage", N_("Stage: choose one from the list."))])
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        _refuse_closed(case)
        case.stage, case.updated_at, case.updated_by = stage, utcnow(), operator.code
        customer = s.get(Customer, case.customer_id)
        assert customer is not None
        return _record(case, customer)


def close_case(db: Database, operator: Operator, case_id: int, stage: str, outcome: str,
               on: date) -> CaseRecord:
    """Close a case as settled, paid or written off; clears ``T`` when no other case is open.

    ``paid`` is refused while the customer still owes money; ``written_off`` posts a credit
    of what is owed (and is refused when nothing is)."""
    operator.require(Permission.MANAGE_LEGAL)
    if stage not in CLOSING_STAGES:
        raise ValidationError([FieldError("stage", N_(
            "Outcome: settled, paid or written off."))])
    text = _text(outcome, "outcome", 200)
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        _refuse_closed(case)
        customer = s.get(Customer, case.customer_id)
        assert customer is not None
        owed = ledger.balance(s, customer.id, on)
        _check_outcome(s, operator, case, customer, stage, owed, on)
        case.stage, case.outcome, case.closed_on = stage, text, on
        case.updated_at, case.updated_by = utcnow(), operator.code
        s.flush()
        if open_case_count(s, customer.id) == 0:
            clear_status(s, operator, customer.id, "T", on, _origin(case, "lawsuit_closed"),
                         f"{case.court} {case.case_number}: {stage}")
        return _record(case, customer)


def _check_outcome(s: Session, operator: Operator, case: LegalCase, customer: Customer,
                   stage: str, owed: Decimal, on: date) -> None:
    if stage == "paid" and owed > 0:
        raise Conflict(N_("Outcome: the card of {code} still shows {amount} owed; a case "
                          "cannot close as paid."), "stage", code=customer.code,
                       amount=f"{owed:.2f}")
    if stage == "written_off":
        if owed <= 0:
            raise Conflict(N_("Outcome: customer {code} owes nothing; there is nothing to "
                              "write off."), "stage", code=customer.code)
        office = office_in(s)
        _seq, number = ledger.issue_number(s, "write_off", office.code, on.year)
        ledger.post(s, operator, ledger.Posting(
            customer.id, "write_off", number, on,
            f"{case.court} {case.case_number}: written off"[:160], credit=owed))


def add_event(db: Database, operator: Operator, case_id: int, kind: str, event_date: date,
              deadline: date | None = None, note: str = "") -> EventRecord:
    """Record a hearing, decision, appeal, answer or delivery, with its deadline if any."""
    operator.require(Permission.MANAGE_LEGAL)
    if kind not in EVENT_KINDS:
        raise ValidationError([FieldError("kind", N_("Event: choose one from the list."))])
    if deadline is not None and deadline < event_date:
        raise ValidationError([FieldError("deadline", N_(
            "Deadline: it cannot be before the event's date."))])
    if len(note) > 200:
        raise ValidationError([FieldError("note", N_(
            "Too long: at most {limit} characters."), {"limit": 200})])
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        event = CaseEvent(case_id=case.id, kind=kind, event_date=event_date, deadline=deadline,
                          note=note.strip(), created_by=operator.code)
        s.add(event)
        s.flush()
        return _event(event, case, _code(s, case.customer_id))


def _code(s: Session, customer_id: int) -> str:
    return s.scalar(select(Customer.code).where(Customer.id == customer_id)) or ""


def _event(e: CaseEvent, case: LegalCase, code: str) -> EventRecord:
    return EventRecord(e.id, e.case_id, case.case_number, code, e.kind, e.event_date,
                       e.deadline, e.note, e.done_on)


def mark_done(db: Database, operator: Operator, event_id: int, on: date) -> None:
    """The deadline of an event was met (the appeal was filed, the hearing held)."""
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        event = s.get(CaseEvent, event_id)
        if event is None:
            raise NotFound(N_("Event {id} does not exist."), id=event_id)
        event.done_on = on


def events(db: Database, operator: Operator, case_id: int) -> list[EventRecord]:
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        code = _code(s, case.customer_id)
        rows = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                         .order_by(CaseEvent.event_date, CaseEvent.id))
        return [_event(e, case, code) for e in rows]


def deadlines(db: Database, operator: Operator, on: date, days_ahead: int = 14) -> Deadlines:
    """Open deadlines: missed (before ``on``) and upcoming (``on`` … ``on + days_ahead``)."""
    operator.require(Permission.MANAGE_LEGAL)
    horizon = on + timedelta(days=days_ahead)
    with db.unit_of_work() as s:
        rows = s.execute(
            select(CaseEvent, LegalCase, Customer.code)
            .join(LegalCase, LegalCase.id == CaseEvent.case_id)
            .join(Customer, Customer.id == LegalCase.customer_id)
            .where(CaseEvent.deadline.is_not(None), CaseEvent.done_on.is_(None),
                   CaseEvent.deadline <= horizon)
            .order_by(CaseEvent.deadline, CaseEvent.id)).all()
        found = [_event(e, case, code) for e, case, code in rows]
    return Deadlines([e for e in found if e.deadline is not None and e.deadline < on],
                     [e for e in found if e.deadline is not None and e.deadline >= on])


# --- attachments ------------------------------------------------------------------------------

def media_type_of(content: bytes) -> str | None:
    return next((kind for magic, kind in MEDIA_TYPES if content.startswith(magic)), None)


def attach(db: Database, operator: Operator, case_id: int, file_name: str,
           content: bytes) -> AttachmentRecord:
    """Keep a scan or PDF with the case. Refused when it is not a PDF or an image, is empty
    or is larger than ``MAX_ATTACHMENT``."""
    operator.require(Permission.MANAGE_LEGAL)
    name = _text(file_name.replace("\\", "/").rsplit("/", 1)[-1], "file_name", 120)
    if not content:
        raise ValidationError([FieldError("file_name", N_("Attachment: the file is empty."))])
    if len(content) > MAX_ATTACHMENT:
        raise ValidationError([FieldError("file_name", N_(
            "Attachment: {name} is {size} MB; at most {limit} MB are kept."),
            {"name": name, "size": f"{len(content) / 1048576:.1f}",
             "limit": MAX_ATTACHMENT // 1048576})])
    kind = media_type_of(content)
    if kind is None:
        raise ValidationError([FieldError("file_name", N_(
            "Attachment: {name} is not a PDF or an image (PNG, JPEG, TIFF)."),
            {"name": name})])
    with db.unit_of_work() as s:
        case = _case(s, case_id)
        row = CaseAttachment(case_id=case.id, file_name=name, media_type=kind,
                             size=len(content), content=content, created_by=operator.code)
        s.add(row)
        s.flush()
        return AttachmentRecord(row.id, case.id, name, kind, len(content), operator.code)


def attachments(db: Database, operator: Operator, case_id: int) -> list[AttachmentRecord]:
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        rows = s.execute(select(CaseAttachment.id, CaseAttachment.case_id,
                                CaseAttachment.file_name, CaseAttachment.media_type,
                                CaseAttachment.size, CaseAttachment.created_by)
                         .where(CaseAttachment.case_id == case_id).order_by(CaseAttachment.id))
        return [AttachmentRecord(*row) for row in rows]


def attachment_content(db: Database, operator: Operator, attachment_id: int) -> bytes:
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        row = s.get(CaseAttachment, attachment_id)
        if row is None:
            raise NotFound(N_("Attachment {id} does not exist."), id=attachment_id)
        if row.erased_on is not None:
            raise Conflict(N_("Attachment {id} was erased with its archived case on {day}."),
                           "file_name", id=attachment_id, day=row.erased_on.isoformat())
        return bytes(row.content)


# --- candidates for enforcement ---------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    customer_id: int
    code: str
    name: str
    address: str
    status: str | None
    debt: Decimal
    oldest_due: date
    days_overdue: int


def candidates(db: Database, operator: Operator, min_debt: Decimal | str, older_than: int,
               on: date, zone_id: int | None = None) -> list[Candidate]:
    """Customers to sue: owing at least ``min_debt`` with a debt overdue for more than
    ``older_than`` days on ``on``, not already sued (no open case), contract not ended
    (``N``). Disconnected customers
    (``I``: warnings and disconnection did not bring payment) come first, then by debt."""
    operator.require(Permission.MANAGE_LEGAL)
    floor = money_value(min_debt, "min_debt")
    if older_than < 0:
        raise ValidationError([FieldError("older_than", N_(
            "Days: a whole number of days, zero or more."))])
    with db.unit_of_work() as s:
        owing = _owing(s, floor, zone_id)
        cards = ledger.entries(s, owing, on)
        found = [c for c in (_candidate(s, cid, cards[cid], on, older_than) for cid in owing)
                 if c is not None and c.debt >= floor]
    return sorted(found, key=lambda c: (c.status != "I", -c.debt, c.code))


def _owing(s: Session, floor: Decimal, zone_id: int | None) -> list[int]:
    balance = func.sum(LedgerEntry.debit - LedgerEntry.credit)
    stmt = (select(LedgerEntry.customer_id).group_by(LedgerEntry.customer_id)
            .having(balance >= floor).having(balance > 0))
    ids = set(s.scalars(stmt))
    sued = set(s.scalars(select(LegalCase.customer_id).where(LegalCase.closed_on.is_(None))))
    ids -= sued
    # A contract that ended (N) keeps its status for good: a case could not set T on it.
    ids -= set(s.scalars(select(Customer.id).where(Customer.status == "N")))
    if zone_id is not None:
        ids &= set(s.scalars(select(PointHolding.customer_id)
                             .join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
                             .where(MeteringPoint.zone_id == zone_id)))
    return sorted(ids)


def _candidate(s: Session, customer_id: int, card: Iterable[ledger.EntryData], on: date,
               older_than: int) -> Candidate | None:
    items = [i for i in ledger.allocate(list(card)).items if i.open_on(on) > 0]
    if not items:
        return None
    debt = sum((i.open_on(on) for i in items), ZERO)
    oldest = min(i.due_date or i.document_date for i in items)
    if (on - oldest).days <= older_than:
        return None
    customer = s.get(Customer, customer_id)
    assert customer is not None
    return Candidate(customer.id, customer.code, customer.name, _address(customer),
                     customer.status, debt, oldest, (on - oldest).days)
