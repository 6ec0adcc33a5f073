"""The customer's account as an invoice states it on its issue date (003 II к, л; 004 §31.1 i):
balance on the previous invoice, payments since, interest charged since, other entries, this
invoice, the closing balance, older unpaid debt, and the base late interest runs on.

Pure: computed from the customer's ledger entries (plain data), so a billing batch can compute
it for each invoice before anything is written, including earlier invoices of the same batch.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from office_app.services.ledger import ZERO, EntryData, allocate


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

    @property
    def to_pay(self) -> Decimal:
        """What the customer is asked to pay by the due date: the closing balance if owed."""
        return max(self.closing_balance, ZERO)


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
