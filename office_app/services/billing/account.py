"""The customer's account as an invoice states it on its issue date (003 II к, л; 004 §31.1 i):
balance on the previous invoice, payments since, interest charged since, other entries, this
invoice, the closing balance, older unpaid debt, and the base late interest runs on.

Pure: computed from the customer's ledger entries (plain data), so a billing batch can compute
it for each invoice before anything is written, including earlier invoices of the same batch.

A year of entries per customer makes reading and allocating every card for every invoice the
run's largest cost, and most customers owe nothing older on the issue date. So a batch first
sums the cards in one query (``card_totals``); only customers who may owe something older
(``CardTotals.needs_card``) have their card read and allocated (``snapshot``); the others'
snapshot comes from the sums (``totals_snapshot``), with the same figures.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from office_app.models.ledger import LedgerEntry
from office_app.services.bulk_insert import one_of
from office_app.services.ledger import CENT, ZERO, EntryData, allocate

_CHUNK = 2000


@dataclass(frozen=True)
class AccountSnapshot:
    previous_invoice_date: date | None
    balance_before: Decimal
    payments_since: Decimal
    interest_since: Decimal
    other_since: Decimal
    this_invoice: Decimal
    closing_balance: Decimal
    older_debt: Decimal
    older_debt_count: int
    interest_rate: Decimal
    interest_base: Decimal

    def to_pay(self, first_of_day: bool) -> Decimal:
        """What this invoice's own reference settles (``amount_to_pay``)."""
        return amount_to_pay(self.closing_balance, self.this_invoice, first_of_day)


def amount_to_pay(closing_balance: Decimal, total: Decimal, first_of_day: bool) -> Decimal:
    """What an invoice asks to be paid with its own reference, slip and barcode
    (docs/payments.md).

    A payment quoting an invoice settles that invoice first, then the oldest open documents.
    So the customer's first invoice of an issue date asks for the whole closing balance on it
    (older debt, interest and itself, less any advance); every later invoice of the same day
    asks only for what is still open of itself once the advance left over is used:
    ``max(0, min(total, closing balance))``. The slips of one day therefore add up to exactly
    what the customer owes after the last of them, and no invoice counts another invoice of
    the same day into its own amount."""
    if first_of_day:
        return max(closing_balance, ZERO)
    return max(min(total, closing_balance), ZERO)


def previous_invoice_date(card: Sequence[EntryData], period: str) -> date | None:
    dates = [e.document_date for e in card
             if e.document_type == "invoice" and e.period is not None and e.period < period]
    return max(dates) if dates else None


def snapshot(card: Sequence[EntryData], this: EntryData, period: str,
             interest_rate: Decimal) -> AccountSnapshot:
    """The account on ``this`` invoice's date; ``card`` holds the customer's entries dated up
    to that day (``this`` may or may not be among them)."""
    issue = this.document_date
    others = [e for e in card if e.id != this.id and e.document_date <= issue]
    previous = previous_invoice_date(others, period)
    before = [e for e in others if previous is not None and e.document_date <= previous]
    window = [e for e in others if previous is None or e.document_date > previous]
    payments = sum((e.credit for e in window if e.document_type == "payment"), ZERO)
    interest = sum((e.amount for e in window if e.document_type == "interest"), ZERO)
    other = sum((e.amount for e in window
                 if e.document_type not in ("interest", "payment")), ZERO)
    opening = sum((e.amount for e in before), ZERO)
    closing = opening - payments + interest + other + this.amount
    items = allocate([*others, this]).items
    older = [i for i in items if i.entry_id != this.id
             and (i.due_date or i.document_date) < issue and i.open_on(issue) > 0]
    base = sum((i.open_on(issue) for i in older if i.bears_interest), ZERO)
    return AccountSnapshot(
        previous, opening, payments, interest, other, this.amount, closing,
        sum((i.open_on(issue) for i in older), ZERO), len(older), interest_rate, base)


# --- the same figures from a batch's sums ------------------------------------------------------

@dataclass(frozen=True)
class CardTotals:
    """A customer's card up to the issue date, summed around the previous invoice (the
    invoice before this period), as ``snapshot`` groups it."""

    previous_invoice_date: date | None = None
    #: Every entry up to the issue date (positive: the customer owes).
    balance: Decimal = ZERO
    #: Entries up to the previous invoice's date; payments, interest and the rest after it.
    before: Decimal = ZERO
    payments: Decimal = ZERO
    interest: Decimal = ZERO
    other: Decimal = ZERO
    #: Debits dated the issue date itself (the new invoice is allocated before them).
    debits_on_issue: int = 0

    def needs_card(self, issue: date, due: date) -> bool:
        """Whether older debt may be open, so the card must be read and allocated.

        Allocation leaves no debit open while the balance is not positive (credits settle
        open debits before they wait as an advance). The new invoices cannot change that for
        debts due before the issue date: they fall due later, so credits reach them last, and
        they take an advance only after every earlier debit, unless a debit is dated the issue
        date itself, or they fall due before it."""
        return self.balance > 0 or self.debits_on_issue > 0 or due < issue

    def with_invoice(self, amount: Decimal) -> CardTotals:
        """The totals once an invoice of this period (dated the issue date) is on the card."""
        return replace(self, other=self.other + amount)


def totals_snapshot(totals: CardTotals, this: EntryData,
                    interest_rate: Decimal) -> AccountSnapshot:
    """``snapshot`` for a customer who owes nothing older (``not totals.needs_card``)."""
    t = totals
    closing = t.before - t.payments + t.interest + t.other + this.amount
    return AccountSnapshot(t.previous_invoice_date, t.before, t.payments, t.interest, t.other,
                           this.amount, closing, ZERO, 0, interest_rate, ZERO)


def card_totals(session: Session, customer_ids: Collection[int], period: str,
                issue: date) -> dict[int, CardTotals]:
    """The customers' ``CardTotals`` on ``issue`` for an invoice of ``period``: one grouped
    query per chunk instead of every entry of every card."""
    ids = sorted(set(customer_ids))
    found = {i: CardTotals() for i in ids}
    connection = session.connection()
    for start in range(0, len(ids), _CHUNK):
        for row in connection.execute(_totals_query(session, ids[start:start + _CHUNK],
                                                    period, issue)):
            customer, day, balance, before, payments, interest, other, on_issue = row
            found[customer] = CardTotals(day, _cents(balance), _cents(before),
                                         _cents(payments), _cents(interest), _cents(other),
                                         on_issue)
    return found


def _totals_query(session: Session, ids: Sequence[int], period: str, issue: date) -> Any:
    e = LedgerEntry
    previous = (select(e.customer_id, func.max(e.document_date).label("day"))
                .where(one_of(session, e.customer_id, ids), e.document_type == "invoice",
                       e.period < period, e.document_date <= issue)
                .group_by(e.customer_id).subquery())
    before = and_(previous.c.day.is_not(None), e.document_date <= previous.c.day)
    after = not_(before)
    amount = e.debit - e.credit

    def total(value: Any, *where: Any) -> Any:
        return func.coalesce(func.sum(case((and_(*where), value), else_=0)), 0)

    return (select(e.customer_id, previous.c.day, func.sum(amount), total(amount, before),
                   total(e.credit, after, e.document_type == "payment"),
                   total(amount, after, e.document_type == "interest"),
                   total(amount, after, e.document_type.not_in(("interest", "payment"))),
                   func.count(case((and_(e.debit > 0, e.document_date == issue), 1))))
            .outerjoin(previous, previous.c.customer_id == e.customer_id)
            .where(one_of(session, e.customer_id, ids), e.document_date <= issue)
            .group_by(e.customer_id, previous.c.day))


def _cents(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)
