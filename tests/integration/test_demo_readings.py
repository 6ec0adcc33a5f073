"""The demo office's year of readings on both databases: thirteen billing orders, readings
with seasonality, estimates and their settlement, a meter replacement, implausible values
settled by field records and some still waiting, and an open period left to key."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from office_app.db import Database
from office_app.demo import DemoContext, build_demo
from office_app.models import BillingPeriod, FieldRecord, MeterReplacement, Reading
from office_app.services import books
from office_app.services.consumption import period_consumption, unresolved_implausible
from office_app.services.permissions import SYSTEM

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo(db: Database) -> DemoContext:
    return build_demo(db, 400, seed=3, today=TODAY)


def test_thirteen_orders_the_last_one_open(db: Database, demo: DemoContext) -> None:
    with db.unit_of_work() as s:
        orders = [(p.period, p.status) for p in s.scalars(
            select(BillingPeriod).order_by(BillingPeriod.period))]
    assert orders[0] == ("2025-10", "closed") and orders[-1] == ("2026-10", "open")
    assert len(orders) == 13 and [s for _p, s in orders].count("open") == 1


def test_readings_have_seasons_estimates_and_checks(db: Database, demo: DemoContext) -> None:
    with db.unit_of_work() as s:
        kinds = Counter(s.execute(select(Reading.kind, Reading.source, Reading.check_state)))
        january = period_consumption(s, "2026-01")
        june = period_consumption(s, "2026-06")
        assert unresolved_implausible(s, "2026-10")
        records = s.scalar(select(func.count()).select_from(FieldRecord))
        replacements = s.scalar(select(func.count()).select_from(MeterReplacement))
    assert kinds[("regular", "estimate", "ok")] > 0 and kinds[("regular", "self", "ok")] > 0
    # every replaced meter's final reading has its new meter's initial reading; new
    # connections have an initial reading of their own
    assert kinds[("initial", "reader", "ok")] > kinds[("final", "reader", "ok")] > 0
    assert records and replacements == kinds[("final", "reader", "ok")]

    def median(lines: list) -> Decimal:
        households = sorted(x.vt_quantity + (x.mt_quantity or 0) for x in lines
                            if x.constant == 1)
        return households[len(households) // 2]

    assert median(january) > median(june) * Decimal("1.4")       # winter heating
    assert all(x.vt_quantity >= 0 for x in june if not x.settlement)


def test_open_period_has_books_left_to_key(db: Database, demo: DemoContext) -> None:
    summaries = books.list_books(db, SYSTEM, "2026-10")
    assert any(b.left == b.points for b in summaries)
    assert any(b.keyed == b.points for b in summaries)
    assert sum(b.implausible for b in summaries) > 0
