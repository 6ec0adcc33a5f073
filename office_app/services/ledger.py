"""THE ledger service: every money movement of a customer is posted here, and the financial
card (001 Član 3.1) is read from here. Invoices (billing run), payments (cash desk, bank and
post statements), interest, credit and debit notes, subsidies and compensations all become
``LedgerEntry`` rows through ``post`` / ``post_many``.

Guarantees:

- Entries are append-only (ORM hooks and database triggers refuse changes); corrections are
  new entries that reference the invoice they correct.
- A document type and number identify one entry (unique index); numbers the office issues
  come from the numbering service, so they are gapless per series, office and year.
- The balance is never stored: it is the sum of debits minus credits, so the card's running
  balance always equals the sum of its entries.
- Payments settle open debits oldest-first (by due date) unless they name the invoice they
  pay (004 §35.2); credit notes settle the invoice they correct. ``allocate`` computes that
  from the entries alone, deterministically, whenever it is needed (open items, older debt,
  late interest).

``post`` and friends work inside the caller's Session (the caller's service checks the
operator's permission and owns the unit of work); ``card`` and ``post_payment`` are complete
services of their own.
"""
from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import Customer
from office_app.models.ledger import DOCUMENT_TYPES, LedgerEntry, table_of
from office_app.services.bulk_insert import insert_tuples, one_of
from office_app.services.numbering import (
    SERIES_FORMATS,
    format_number,
    issue_number,
    issue_numbers,
    series_name,
)
from office_app.services.permissions import Operator, Permission

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

DOCUMENT_TYPE_LABELS = {
    "invoice": N_("Invoice"),
    "payment": N_("Payment"),
    "subsidy": N_("Subsidy"),
    "interest": N_("Late-payment interest"),
    "credit_note": N_("Credit note (correction)"),
    "debit_note": N_("Debit note (correction)"),
    "compensation": N_("Compensation"),
    "opening_balance": N_("Opening balance"),
    "payment_reversal": N_("Payment reversal"),
    "court_costs": N_("Court fee and costs"),
    "write_off": N_("Debt written off"),
    "reschedule": N_("Rescheduled into installments"),
    "installment": N_("Installment (plan)"),
}
#: Debits that bear late interest when overdue (interest itself never does).
INTEREST_BEARING = frozenset({"invoice", "debit_note", "opening_balance", "payment_reversal",
                              "installment"})

# Document numbers: the numbering service owns every series and its format; these names stay
# importable from here for the services that issue documents through the ledger.
__all__ = ["SERIES_FORMATS", "format_number", "issue_number", "issue_numbers", "series_name"]


# --- posting ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Posting:
    """One entry to post. Exactly one of debit and credit is non-zero (an invoice of zero may
    post 0/0 so that every invoice is on the card)."""

    customer_id: int
    document_type: str
    document_number: str
    document_date: date
    description: str = ""
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    due_date: date | None = None
    invoice_id: int | None = None
    period: str | None = None
    order_number: str = ""
    order_date: date | None = None
    #: The entry this one settles, corrects or reverses.
    origin_entry_id: int | None = None
    #: Where the money came from (``desk:KASA1/12``, ``statement:…``); "" for billing.
    source: str = ""
    #: Chosen by the client before it first sends the posting: posted once, however often sent.
    idempotency_key: str | None = None


def _check(posting: Posting) -> None:
    errors = []
    if posting.document_type not in DOCUMENT_TYPES:
        errors.append(FieldError("document_type", N_("Document type: choose one from the list.")))
    if not posting.document_number.strip():
        errors.append(FieldError("document_number", N_("Document number: required.")))
    for name in ("debit", "credit"):
        value = getattr(posting, name)
        if value < 0 or value != value.quantize(CENT):
            errors.append(FieldError(name, N_(
                "Amount: a positive amount in euros and cents.")))
    if posting.debit and posting.credit:
        errors.append(FieldError("credit", N_("An entry is either a debit or a credit.")))
    if not posting.debit and not posting.credit and posting.document_type != "invoice":
        errors.append(FieldError("debit", N_("Amount: must not be zero.")))
    if errors:
        raise ValidationError(errors)


#: The columns ``_values`` gives, in order (``post_many`` writes plain tuples).
ENTRY_COLUMNS = ("customer_id", "document_date", "document_type", "document_number",
                 "description", "debit", "credit", "due_date", "invoice_id", "period",
                 "order_number", "order_date", "operator_code", "posted_at",
                 "origin_entry_id", "source", "idempotency_key")


def _values(posting: Posting, operator_code: str, now: datetime) -> tuple:
    return (posting.customer_id, posting.document_date, posting.document_type,
            posting.document_number.strip(), posting.description[:160], posting.debit,
            posting.credit, posting.due_date, posting.invoice_id, posting.period,
            posting.order_number, posting.order_date, operator_code, now,
            posting.origin_entry_id, posting.source[:60], posting.idempotency_key)


def _row(posting: Posting, operator_code: str, now: datetime) -> dict:
    return dict(zip(ENTRY_COLUMNS, _values(posting, operator_code, now), strict=True))


def post(session: Session, operator: Operator, posting: Posting) -> int:
    """Post one entry in the caller's transaction; returns its id. Raises ValidationError, or
    Conflict when the document is already on a card. A posting whose idempotency key is
    already on the ledger is not posted again: the first posting's id is returned."""
    _check(posting)
    if posting.idempotency_key is not None:
        first = by_idempotency_key(session, posting.idempotency_key)
        if first is not None:
            return first
    taken = session.scalar(select(LedgerEntry.id).where(
        LedgerEntry.document_type == posting.document_type,
        LedgerEntry.document_number == posting.document_number.strip()))
    if taken is not None:
        raise Conflict(N_("Document {number} is already posted."), "document_number",
                       number=posting.document_number)
    return int(session.execute(insert(LedgerEntry).returning(LedgerEntry.id),
                               [_row(posting, operator.code, _now())]).scalar_one())


def post_issued(session: Session, operator_code: str, postings: Sequence[Posting]) -> list[int]:
    """Post entries whose numbers the caller has just issued from their series (and whose
    idempotency keys it has checked under the series' lock) with one INSERT, in the caller's
    transaction; ids in the order given. The unique indexes still refuse a document or a key
    posted twice (IntegrityError). The counter posts a payment this way: fewer round trips
    than ``post`` per entry."""
    for posting in postings:
        _check(posting)
    now = _now()
    result = session.execute(
        insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True),
        [_row(p, operator_code, now) for p in postings])
    return [int(i) for i in result.scalars()]


def by_idempotency_key(session: Session, key: str) -> int | None:
    """The entry posted under ``key``, if any."""
    return session.scalar(select(LedgerEntry.id).where(LedgerEntry.idempotency_key == key))


def reverse(session: Session, operator: Operator, entry_id: int, reason: str, day: date,
            document_number: str) -> int:
    """Storno: a new debit that undoes a posted payment, linked to it, with the reason; the
    payment itself is never changed. Only a supervisor may; a payment is reversed once."""
    operator.require(Permission.SUPERVISE_CASH)
    if not reason.strip():
        raise ValidationError([FieldError("reason", N_(
            "Reason: say why the payment is reversed."))])
    entry = session.get(LedgerEntry, entry_id)
    if entry is None or entry.document_type != "payment":
        raise NotFound(N_("There is no payment {id} to reverse."), id=entry_id)
    if session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.origin_entry_id == entry_id,
            LedgerEntry.document_type == "payment_reversal")) is not None:
        raise Conflict(N_("Payment {number} is already reversed."), "reason",
                       number=entry.document_number)
    return post(session, operator, Posting(
        entry.customer_id, "payment_reversal", document_number, day,
        f"{entry.document_number}: {reason.strip()}", debit=entry.credit,
        invoice_id=entry.invoice_id, origin_entry_id=entry.id, source=entry.source))


def post_many(session: Session, operator_code: str, postings: Sequence[Posting],
              want_ids: bool = True) -> list[int]:
    """Post many entries at once (a billing or interest batch) in the caller's transaction;
    ids in the order given (none when not ``want_ids``). The unique index refuses a document
    posted twice."""
    if not postings:
        return []
    for posting in postings:
        _check(posting)
    now = _now()
    rows = [_values(p, operator_code, now) for p in postings]
    return insert_tuples(session, table_of(LedgerEntry), ENTRY_COLUMNS, rows, want_ids)


def _now() -> datetime:
    from office_app.models.base import utcnow

    return utcnow()


def post_payment(db: Database, operator: Operator, customer_id: int, amount: Decimal,
                 paid_on: date, document_number: str, description: str = "",
                 invoice_id: int | None = None, order_number: str = "",
                 order_date: date | None = None, document_type: str = "payment") -> int:
    """Post a payment (or a subsidy or compensation) credit: its own unit of work. The cash
    desk and the bank-statement import call this (or ``post`` inside their own transaction).
    Without ``invoice_id`` the payment settles the oldest open debts first (004 §35.2)."""
    operator.require(Permission.POST_PAYMENTS)
    if document_type not in ("payment", "subsidy", "compensation"):
        raise ValidationError([FieldError("document_type", N_(
            "Document type: choose one from the list."))])
    with db.unit_of_work() as s:
        _customer(s, customer_id)
        return post(s, operator, Posting(
            customer_id, document_type, document_number, paid_on,
            description, credit=amount,
            invoice_id=invoice_id, order_number=order_number, order_date=order_date))


def _customer(s: Session, customer_id: int) -> Customer:
    row = s.get(Customer, customer_id)
    if row is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    return row


# --- reading ----------------------------------------------------------------------------------

class EntryData(NamedTuple):
    """A posted entry as plain data (a named tuple: cards are read in bulk)."""

    id: int
    customer_id: int
    document_date: date
    document_type: str
    document_number: str
    description: str
    debit: Decimal
    credit: Decimal
    due_date: date | None
    invoice_id: int | None
    period: str | None
    order_number: str
    order_date: date | None
    operator_code: str
    #: The debit a credit was posted to settle (the counter's allocation names it), or the
    #: payment a storno reverses; None for most entries.
    origin_entry_id: int | None = None

    @property
    def amount(self) -> Decimal:
        return self.debit - self.credit


_COLUMNS = (LedgerEntry.id, LedgerEntry.customer_id, LedgerEntry.document_date,
            LedgerEntry.document_type, LedgerEntry.document_number, LedgerEntry.description,
            LedgerEntry.debit, LedgerEntry.credit, LedgerEntry.due_date, LedgerEntry.invoice_id,
            LedgerEntry.period, LedgerEntry.order_number, LedgerEntry.order_date,
            LedgerEntry.operator_code, LedgerEntry.origin_entry_id)


def entries(session: Session, customer_ids: Iterable[int],
            until: date | None = None) -> dict[int, list[EntryData]]:
    """Every entry of the customers (up to ``until``), in card order: date, then posting."""
    ids = sorted(set(customer_ids))
    found: dict[int, list[EntryData]] = {i: [] for i in ids}
    for start in range(0, len(ids), 2000):
        stmt = select(*_COLUMNS).where(
            one_of(session, LedgerEntry.customer_id, ids[start:start + 2000]))
        if until is not None:
            stmt = stmt.where(LedgerEntry.document_date <= until)
        rows = session.connection().execute(
            stmt.order_by(LedgerEntry.document_date, LedgerEntry.id))
        for row in rows:
            found[row[1]].append(EntryData._make(row))
    return found


def balance(session: Session, customer_id: int, as_of: date | None = None) -> Decimal:
    """Debits minus credits (positive: the customer owes)."""
    stmt = select(func.coalesce(func.sum(LedgerEntry.debit - LedgerEntry.credit), 0)).where(
        LedgerEntry.customer_id == customer_id)
    if as_of is not None:
        stmt = stmt.where(LedgerEntry.document_date <= as_of)
    return Decimal(session.scalar(stmt) or 0).quantize(CENT)


def balances(session: Session, customer_ids: Iterable[int]) -> dict[int, Decimal]:
    ids = sorted(set(customer_ids))
    found = {i: ZERO for i in ids}
    for start in range(0, len(ids), 2000):
        rows = session.execute(
            select(LedgerEntry.customer_id, func.sum(LedgerEntry.debit - LedgerEntry.credit))
            .where(LedgerEntry.customer_id.in_(ids[start:start + 2000]))
            .group_by(LedgerEntry.customer_id))
        for customer_id, amount in rows:
            found[customer_id] = Decimal(amount).quantize(CENT)
    return found


# --- allocation: which credit settled which debit, and when -----------------------------------

@dataclass
class OpenItem:
    """A debit and how it was settled: ``settlements`` are (date, amount) pairs."""

    entry_id: int
    document_type: str
    document_number: str
    document_date: date
    due_date: date | None
    amount: Decimal
    invoice_id: int | None
    settlements: list[tuple[date, Decimal]] = field(default_factory=list)
    settled: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.amount - self.settled

    def settle(self, day: date, amount: Decimal) -> None:
        self.settlements.append((day, amount))
        self.settled += amount

    def open_on(self, day: date) -> Decimal:
        return self.amount - sum((a for d, a in self.settlements if d <= day), ZERO)

    @property
    def bears_interest(self) -> bool:
        return self.document_type in INTEREST_BEARING and self.due_date is not None

    @property
    def order(self) -> tuple[date, int]:
        """Oldest first: by due date (or document date), then by posting."""
        return (self.due_date or self.document_date, self.entry_id)


@dataclass(frozen=True)
class Allocation:
    items: list[OpenItem]
    #: Credit not yet used for any debit (an advance payment).
    unapplied: Decimal


def allocate(card: Sequence[EntryData]) -> Allocation:
    """Settle debits with credits, in card order. A credit that names a debit (its origin
    entry: the counter's allocation, 004 §35.2) or an invoice settles that one first; the rest
    (and unnamed credits) settle the plan installments due by its date (``settle_order``), then
    the oldest open debits by due date; what is left waits as an
    advance for the next debits, which it settles on their date."""
    items: list[OpenItem] = []
    waiting: list[OpenItem] = []          # open items, oldest first
    invoices: dict[int, OpenItem] = {}
    debits: dict[int, OpenItem] = {}
    advance: list[Decimal] = []
    for entry in sorted(card, key=lambda e: (e.document_date, e.id)):
        if entry.debit > 0:
            item = OpenItem(entry.id, entry.document_type, entry.document_number,
                            entry.document_date, entry.due_date, entry.debit, entry.invoice_id)
            items.append(item)
            debits[entry.id] = item
            if entry.document_type == "invoice" and entry.invoice_id is not None:
                invoices.setdefault(entry.invoice_id, item)
            _apply_advance(item, advance, entry.document_date)
            if item.open > 0:
                insort(waiting, item, key=lambda i: i.order)
        elif entry.credit > 0:
            left = entry.credit
            named = debits.get(entry.origin_entry_id) if entry.origin_entry_id else None
            if named is None and entry.invoice_id is not None:
                named = invoices.get(entry.invoice_id)
            if named is not None:
                left = _settle([named], left, entry.document_date)
            left = _settle(settle_order(waiting, entry.document_date), left,
                           entry.document_date)
            waiting = [i for i in waiting if i.open > 0]
            if left > 0:
                advance.append(left)
    return Allocation(items, sum(advance, ZERO))


#: Debits a credit settles before any other once they are due: the installments of a plan
#: (docs/plans.md, "How payments reach the plan").
SETTLED_FIRST_WHEN_DUE = frozenset({"installment"})


def settle_order(waiting: list[OpenItem], day: date) -> list[OpenItem]:
    """The open debits (oldest first) in the order a credit of ``day`` settles them: the plan
    installments due by that day first, then the rest oldest first."""
    due = [i for i in waiting if i.document_type in SETTLED_FIRST_WHEN_DUE
           and i.due_date is not None and i.due_date <= day]
    if not due:
        return waiting
    first = {id(i) for i in due}
    return due + [i for i in waiting if id(i) not in first]


def _settle(targets: Iterable[OpenItem], amount: Decimal, day: date) -> Decimal:
    for item in targets:
        if amount <= 0:
            break
        take = min(item.open, amount)
        if take > 0:
            item.settle(day, take)
            amount -= take
    return amount


def _apply_advance(item: OpenItem, advance: list[Decimal], day: date) -> None:
    while advance and item.open > 0:
        take = min(advance[0], item.open)
        item.settle(day, take)
        advance[0] -= take
        if advance[0] == 0:
            advance.pop(0)


def overdue(items: Iterable[OpenItem], on: date) -> list[OpenItem]:
    """Interest-bearing debits past their due date and still (partly) open on ``on``."""
    return [i for i in items if i.bears_interest and i.due_date is not None
            and i.due_date < on and i.open_on(on) > 0]


# --- the financial card -----------------------------------------------------------------------

@dataclass(frozen=True)
class CardRow:
    entry_id: int
    document_date: date
    document_type: str
    document_number: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    order_number: str
    order_date: date | None
    operator_code: str
    due_date: date | None
    invoice_id: int | None


@dataclass(frozen=True)
class FinancialCard:
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    customer_kind: str
    since: date | None
    until: date | None
    opening_balance: Decimal
    rows: tuple[CardRow, ...]
    total_debit: Decimal
    total_credit: Decimal
    closing_balance: Decimal
    open_items: tuple[OpenItem, ...] = ()


def card(db: Database, operator: Operator, customer_id: int, since: date | None = None,
         until: date | None = None) -> FinancialCard:
    """The customer's financial card from ``since`` to ``until`` (inclusive) with the running
    balance; the opening balance carries everything before ``since``."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return card_in(s, customer_id, since, until)


def card_in(s: Session, customer_id: int, since: date | None = None,
            until: date | None = None) -> FinancialCard:
    customer = _customer(s, customer_id)
    everything = entries(s, [customer_id], until)[customer_id]
    before = [e for e in everything if since is not None and e.document_date < since]
    shown = [e for e in everything if since is None or e.document_date >= since]
    running = opening = sum((e.amount for e in before), ZERO)
    rows = []
    for e in shown:
        running += e.amount
        rows.append(CardRow(e.id, e.document_date, e.document_type, e.document_number,
                            e.description, e.debit, e.credit, running, e.order_number,
                            e.order_date, e.operator_code, e.due_date, e.invoice_id))
    address = ", ".join(p for p in (customer.billing_address or customer.address,
                                    customer.billing_place or customer.place) if p)
    open_items = tuple(i for i in allocate(everything).items if i.open > 0)
    return FinancialCard(
        customer.id, customer.code, customer.name, address, customer.kind, since, until,
        opening, tuple(rows), sum((r.debit for r in rows), ZERO),
        sum((r.credit for r in rows), ZERO), running, open_items)


def totals_by_type(session: Session, customer_id: int, after: date | None,
                   until: date) -> dict[str, Decimal]:
    """Debits minus credits per document type with dates in (after, until]."""
    stmt = (select(LedgerEntry.document_type,
                   func.sum(LedgerEntry.debit - LedgerEntry.credit))
            .where(LedgerEntry.customer_id == customer_id, LedgerEntry.document_date <= until)
            .group_by(LedgerEntry.document_type))
    if after is not None:
        stmt = stmt.where(LedgerEntry.document_date > after)
    return {t: Decimal(a).quantize(CENT) for t, a in session.execute(stmt)}
