"""The demo office's year of billing on both databases: eleven billed periods with a price
change prorated in the middle, payments (on time, late, partial, none), monthly interest shown
on the next invoices, a few credit notes; every invoice is on its card and every card adds up."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from office_app.db import Database
from office_app.demo import DemoContext, build_demo
from office_app.models import Invoice, InvoiceLine, LedgerEntry
from office_app.services import ledger

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo(db: Database) -> DemoContext:
    return build_demo(db, 120, seed=5, today=TODAY)


def test_a_year_of_billing_traced_on_the_cards(db: Database, demo: DemoContext) -> None:
    with db.unit_of_work() as s:
        periods = dict(s.execute(select(Invoice.period, func.count())
                                 .group_by(Invoice.period)).all())
        kinds = Counter(dict(s.execute(select(LedgerEntry.document_type, func.count())
                                        .group_by(LedgerEntry.document_type)).all()))
        invoices_total = s.scalar(select(func.sum(Invoice.total)))
        posted = s.scalar(select(func.sum(LedgerEntry.debit))
                          .where(LedgerEntry.document_type == "invoice"))
        prorated = s.scalar(select(func.count()).select_from(InvoiceLine).where(
            InvoiceLine.element.in_(("energy", "energy_vt")), InvoiceLine.valid_from.is_not(None)))
        with_interest = s.scalar(select(func.count()).select_from(Invoice)
                                 .where(Invoice.interest_since > 0))
        customers = list(s.scalars(select(Invoice.customer_id).distinct()))
        balances = ledger.balances(s, customers)
        cards = ledger.entries(s, customers)
    assert sorted(periods) == [f"2025-{m}" for m in ("11", "12")] + [
        f"2026-{m:02d}" for m in range(1, 10)]
    assert kinds["invoice"] == sum(periods.values()) and invoices_total == posted
    assert kinds["payment"] > kinds["invoice"] * 0.7 and kinds["interest"] > 0
    assert kinds["credit_note"] == 3 + 2      # the billing step; two justified complaints
    assert prorated > 0 and with_interest > 0
    for customer_id, entries in cards.items():
        assert balances[customer_id] == sum((e.debit - e.credit for e in entries), Decimal(0))


def test_billing_any_demo_period_again_changes_nothing(db: Database,
                                                       demo: DemoContext) -> None:
    """Issue 8: a second run of a billed period issued more invoices (the same kWh to the old
    and the new holder of a transferred point). Every billed period, run again: nothing new,
    and the audit of billed intervals is clean."""
    from office_app.models import BilledInterval, Reading
    from office_app.services.billing import run as billing
    from office_app.services.integrity import CHECKS, Scope

    def counts() -> tuple[int, int, int]:
        with db.unit_of_work() as s:
            return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)
                         for m in (Invoice, LedgerEntry, BilledInterval))  # type: ignore[return-value]

    with db.unit_of_work() as s:
        billed = sorted(s.scalars(select(Invoice.period).distinct()))
        connections = s.scalar(select(func.count()).select_from(Reading).where(
            Reading.kind == "initial"))
        first_bills = s.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.previous_date == Invoice.service_start))
    before = counts()
    for period in billed:
        result = billing.run_billing(db, demo.operator, period)
        assert result.invoices_made == 0, period
    assert counts() == before
    with db.unit_of_work() as s:
        assert list(CHECKS["billed_intervals"](s, Scope())) == []
    assert connections and first_bills       # new connections billed from their initial reading
