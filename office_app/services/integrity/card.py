"""The financial card: every posted document is on its customer's card exactly once with its
amount; the card's balance (the sum of its entries) is what the allocation of payments leaves
open; the statement a customer is given adds up to that balance (plus accrued interest, when
the statement shows it); and the "to pay" of the invoices issued to one customer on one day,
each settled by its own reference, never asks for more than the customer owes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import CorrectionNote, Customer, InterestCharge, Invoice, LedgerEntry
from office_app.services import ledger
from office_app.services.billing.invoices import statement_data
from office_app.services.integrity.base import Scope, Violation, integrity_check
from office_app.services.permissions import SYSTEM

ZERO = Decimal("0.00")
_CHUNK = 2000
#: How many owing customers' cards are allocated and stated (see ``sample``).
SAMPLE = 200


def _differs(s: Session, a: Any, b: Any) -> Any:
    """``a != b`` for money in SQL: exact NUMERIC on PostgreSQL; SQLite keeps NUMERIC as
    binary floating point, where sums of cents are equal to within far less than a cent."""
    if s.get_bind().dialect.name == "postgresql":
        return a != b
    return func.abs(a - b) > Decimal("0.004")


def _codes(s: Session, customer_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), _CHUNK):
        found |= dict(s.execute(select(Customer.id, Customer.code).where(
            Customer.id.in_(ids[start:start + _CHUNK]))).all())
    return found


# --- documents on the card ----------------------------------------------------------------------

def _invoice_entries(s: Session, scope: Scope) -> Iterator[Violation]:
    e, i = LedgerEntry, Invoice
    stmt = (select(i.number, i.customer_code, i.point_number, i.total, e.id, e.debit, e.credit,
                   e.customer_id, i.customer_id, e.invoice_id, i.id)
            .select_from(i).outerjoin(e, and_(e.document_type == "invoice",
                                              e.document_number == i.number))
            .where(or_(e.id.is_(None), _differs(s, e.debit, i.total), e.credit != 0,
                       e.customer_id != i.customer_id, e.invoice_id.is_(None),
                       e.invoice_id != i.id)))
    if scope.period:
        stmt = stmt.where(i.period == scope.period)
    for number, code, point, total, entry, debit, _credit, *_ids in s.execute(stmt):
        if entry is None:
            yield Violation("financial_card", N_("Invoice {number} is not on the customer's "
                                                 "financial card."), {"number": number},
                            code, point, number)
        else:
            yield Violation("financial_card", N_(
                "Invoice {number} of {total} is on the card as {amount} (or on another card)."),
                {"number": number, "total": str(total), "amount": str(debit)}, code, point,
                number)


def _orphan_invoice_entries(s: Session, scope: Scope) -> Iterator[Violation]:
    e = LedgerEntry
    stmt = (select(e.document_number, e.customer_id).where(
        e.document_type == "invoice",
        ~select(Invoice.id).where(Invoice.number == e.document_number).exists()))
    if scope.period:
        stmt = stmt.where(e.period == scope.period)
    rows = list(s.execute(stmt))
    codes = _codes(s, [c for _n, c in rows])
    for number, customer_id in rows:
        yield Violation("financial_card", N_("The card debits invoice {number}, which does "
                                             "not exist."), {"number": number},
                        codes.get(customer_id, ""), "", number)


def _note_entries(s: Session, scope: Scope) -> Iterator[Violation]:
    e, n = LedgerEntry, CorrectionNote
    amount = case((n.kind == "credit", e.credit), else_=e.debit)
    kind = case((n.kind == "credit", "credit_note"), else_="debit_note")
    stmt = (select(n.number, n.total, e.id, amount, n.customer_id)
            .select_from(n).outerjoin(e, and_(e.document_type == kind,
                                              e.document_number == n.number))
            .where(or_(e.id.is_(None), _differs(s, amount, n.total),
                       e.customer_id != n.customer_id)))
    if scope.period:
        stmt = stmt.where(n.invoice_id.in_(select(Invoice.id).where(
            Invoice.period == scope.period)))
    rows = list(s.execute(stmt))
    codes = _codes(s, [r[4] for r in rows])
    for number, total, entry, posted, customer_id in rows:
        yield Violation("financial_card", N_(
            "Correction note {number} of {total} is on the card as {amount}."),
            {"number": number, "total": str(total),
             "amount": "—" if entry is None else str(posted)},
            codes.get(customer_id, ""), "", number)


def _interest_entries(s: Session, scope: Scope) -> Iterator[Violation]:
    e, c = LedgerEntry, InterestCharge
    lines = (select(c.entry_id, func.sum(c.amount).label("amount"))
             .group_by(c.entry_id).subquery())
    stmt = (select(e.document_number, e.debit, lines.c.amount, e.customer_id)
            .select_from(e).outerjoin(lines, lines.c.entry_id == e.id)
            .where(e.document_type == "interest",
                   or_(lines.c.amount.is_(None), _differs(s, lines.c.amount, e.debit))))
    if scope.period:
        stmt = stmt.where(e.period == scope.period)
    rows = list(s.execute(stmt))
    codes = _codes(s, [r[3] for r in rows])
    for number, debit, computed, customer_id in rows:
        yield Violation("financial_card", N_(
            "Interest document {number} debits {amount}; its lines add up to {expected}."),
            {"number": number, "amount": str(debit), "expected": str(computed or ZERO)},
            codes.get(customer_id, ""), "", number)


# --- balances, the statement, "to pay" -----------------------------------------------------------

def _customers(s: Session, scope: Scope) -> Select[Any]:
    if scope.period:
        return select(Invoice.customer_id).where(Invoice.period == scope.period).distinct()
    return select(LedgerEntry.customer_id).distinct()


def sample(s: Session, scope: Scope) -> list[int]:
    """The customers whose cards are read whole, allocated and stated: every customer who
    owes something, up to ``SAMPLE`` of them, those with open documents other than invoices
    (interest, debit notes, opening balances: where a statement can go wrong) first. A
    statement is computed from the card when it is printed, nothing of it is stored: what is
    checked is that the statement service and the card agree, and a couple of hundred cards of
    every kind show that as well as every card would (a statement costs several queries)."""
    e = LedgerEntry
    owing = (select(e.customer_id).where(e.customer_id.in_(_customers(s, scope)))
             .group_by(e.customer_id).having(func.sum(e.debit - e.credit) > 0).subquery())
    special = (select(e.customer_id).distinct().where(e.document_type.in_(
        ("interest", "debit_note", "opening_balance", "payment_reversal")))).subquery()
    first = case((special.c.customer_id.is_(None), 1), else_=0)
    stmt = (select(owing.c.customer_id).outerjoin(
        special, special.c.customer_id == owing.c.customer_id)
        .order_by(first, owing.c.customer_id).limit(SAMPLE))
    return list(s.scalars(stmt))


def _position(card: Sequence[ledger.EntryData]) -> tuple[Decimal, Decimal]:
    """The balance (Σ entries) and what the allocation leaves open minus unapplied credit."""
    balance = sum((e.amount for e in card), ZERO)
    allocation = ledger.allocate(card)
    open_total = sum((i.open for i in allocation.items), ZERO)
    return balance, open_total - allocation.unapplied


def statement_figures(s: Session, customer_id: int, on: date) -> tuple[Decimal, Decimal]:
    """The total the customer's statement prints and the interest accrued but not yet posted
    that it shows beside it (zero when it shows none): the total must be the card's balance
    plus that accrual (004 §35)."""
    data = statement_data(s, customer_id, on, SYSTEM)
    return data.total, data.accrued_interest


def _positions(s: Session, ids: Sequence[int]) -> Iterator[Violation]:
    cards = ledger.entries(s, ids)
    codes = _codes(s, ids)
    for customer_id in ids:
        balance, allocated = _position(cards[customer_id])
        if balance != allocated:
            yield Violation("financial_card", N_(
                "The card's balance is {balance} but its open documents less unapplied "
                "payments add up to {allocated}."),
                {"balance": str(balance), "allocated": str(allocated)},
                codes.get(customer_id, ""))


@integrity_check("financial_card")
def check_financial_card(s: Session, scope: Scope) -> Iterator[Violation]:
    """Every document on its card once, with its amount (all of them, in SQL); balance =
    Σ entries = what the allocation of payments leaves open (the sampled cards)."""
    yield from _invoice_entries(s, scope)
    yield from _orphan_invoice_entries(s, scope)
    yield from _note_entries(s, scope)
    yield from _interest_entries(s, scope)
    customers = sample(s, scope)
    for start in range(0, len(customers), _CHUNK):
        yield from _positions(s, customers[start:start + _CHUNK])


@integrity_check("statement_total")
def check_statements(s: Session, scope: Scope) -> Iterator[Violation]:
    """The statement of each sampled customer who owes something totals the card's balance
    plus the accrued interest it shows."""
    today = date.today()
    customers = sample(s, scope)
    for start in range(0, len(customers), _CHUNK):
        ids = customers[start:start + _CHUNK]
        balances = ledger.balances(s, ids)
        codes = _codes(s, ids)
        for customer_id in ids:
            shown, accrued = statement_figures(s, customer_id, today)
            expected = balances[customer_id] + accrued
            if shown != expected:
                yield Violation("statement_total", N_(
                    "The statement's total is {total}; the card's balance (with accrued "
                    "interest shown on the statement) is {balance}."),
                    {"total": str(shown), "balance": str(expected)},
                    codes.get(customer_id, ""))


# --- "to pay" ---------------------------------------------------------------------------------

Slips = dict[date, list[tuple[str, str, Decimal]]]


def _same_day_invoices(s: Session, scope: Scope) -> dict[int, list[int]]:
    """customer -> ids of the invoices issued to them on a day with more than one."""
    i = Invoice
    days = select(i.customer_id, i.issue_date).group_by(i.customer_id, i.issue_date).having(
        func.count() > 1)
    if scope.period:
        days = days.where(i.period == scope.period)
    pairs = days.subquery()
    found: dict[int, list[int]] = defaultdict(list)
    for invoice_id, customer_id in s.execute(
            select(i.id, i.customer_id).join(pairs, and_(
                pairs.c.customer_id == i.customer_id, pairs.c.issue_date == i.issue_date))
            .order_by(i.id)):
        found[customer_id].append(invoice_id)
    return found


def _to_pay_problems(card: Sequence[ledger.EntryData], slips: Slips
                     ) -> Iterator[tuple[date, Decimal, Decimal, list[tuple[str, str, Decimal]]]]:
    """Days on which the invoices' "to pay" amounts add up to more than was owed that day
    (debits up to the day, credits before it: a payment the same day may come after)."""
    for day, docs in slips.items():
        owed = sum((e.debit for e in card if e.document_date <= day), ZERO) - sum(
            (e.credit for e in card if e.document_date < day), ZERO)
        asked = sum((d[2] for d in docs), ZERO)
        if asked > max(owed, ZERO):
            yield day, asked, owed, docs


def _slips(s: Session, invoice_ids: list[int]) -> dict[int, Slips]:
    from office_app.services.integrity.invoices import load_documents

    owner = dict(s.execute(select(Invoice.id, Invoice.customer_id)
                           .where(Invoice.id.in_(invoice_ids))).all())
    found: dict[int, Slips] = defaultdict(lambda: defaultdict(list))
    for doc in load_documents(s, invoice_ids, lines=False):
        found[owner[doc.id]][doc.issue_date].append((doc.number, doc.point_number, doc.to_pay))
    return found


@integrity_check("invoice_to_pay")
def check_to_pay(s: Session, scope: Scope) -> Iterator[Violation]:
    """Paying every slip of the invoices a customer got on one day never pays more than the
    customer owed that day: no invoice counts another one of the same day into its "to pay".
    (With one invoice a day its "to pay" is its printed closing balance, which the invoice
    arithmetic check adds up.)"""
    by_customer = _same_day_invoices(s, scope)
    customers = sorted(by_customer)
    for start in range(0, len(customers), _CHUNK):
        ids = customers[start:start + _CHUNK]
        cards = ledger.entries(s, ids)
        codes = _codes(s, ids)
        slips = _slips(s, [i for c in ids for i in by_customer[c]])
        for customer_id in ids:
            for day, asked, owed, docs in _to_pay_problems(cards[customer_id],
                                                           slips[customer_id]):
                yield Violation("invoice_to_pay", N_(
                    "The invoices of {date} ask for {asked} in all, but the customer owed "
                    "{owed}: paying every slip pays too much."),
                    {"date": day.strftime("%d.%m.%Y"), "asked": str(asked),
                     "owed": str(max(owed, ZERO))}, codes.get(customer_id, ""), docs[-1][1],
                    ", ".join(d[0] for d in docs))
