"""The billing run's account snapshot from a batch's card totals equals the one from the whole
card (allocation) for every customer who owes nothing older, on the demo's year of billing
(payments on time, late, partial and none; interest; credit notes)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from office_app.db import Database
from office_app.demo import build_demo
from office_app.models import Invoice
from office_app.services import ledger
from office_app.services.billing.account import card_totals, snapshot, totals_snapshot

TODAY = date(2026, 11, 20)
PERIOD, ISSUE, DUE = "2026-10", date(2026, 11, 5), date(2026, 11, 25)
RATE = Decimal("10.25")


def _invoice(fake_id: int, customer_id: int, amount: str) -> ledger.EntryData:
    return ledger.EntryData(fake_id, customer_id, ISSUE, "invoice", "", "", Decimal(amount),
                            ledger.ZERO, DUE, None, PERIOD, "", None, "")


def test_totals_give_the_cards_snapshot(db: Database) -> None:
    build_demo(db, 120, seed=5, today=TODAY)
    with db.unit_of_work() as s:
        customers = sorted(set(s.scalars(select(Invoice.customer_id))))
        cards = ledger.entries(s, customers, ISSUE)
        totals = card_totals(s, customers, PERIOD, ISSUE)
    quick = 0
    for customer in customers:
        t, card = totals[customer], cards[customer]
        assert t.balance == sum((e.amount for e in card), ledger.ZERO)
        if t.needs_card(ISSUE, DUE):
            continue
        quick += 1
        # two invoices of the period in one batch: the second sees the first
        for n, amount in enumerate(("12.34", "0.01"), start=1):
            this = _invoice(-n, customer, amount)
            assert totals_snapshot(t, this, RATE) == snapshot(card, this, PERIOD, RATE)
            card, t = [*card, this], t.with_invoice(this.amount)
    assert 0 < quick < len(customers)
