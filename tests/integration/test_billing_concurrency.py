"""Faults and concurrency on PostgreSQL: desks billing points while a run works, a second
run refused, and a run whose connection is killed mid-batch, then run again: exactly one
invoice per point, numbers unique and gapless."""
from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from office_app.db import Database
from office_app.errors import Conflict, DatabaseUnavailable
from office_app.models import BillingRun, Invoice, LedgerEntry
from office_app.services import network, periods
from office_app.services.billing import corrections, issue, tariffs
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import PointInput, create_point
from office_app.services.permissions import Operator

PERIOD = "2024-05"


def _flat_rate_office(db: Database, supervisor: Operator, clerk: Operator, n: int) -> list[int]:
    """``n`` unmetered connections paying a flat rate (no readings needed)."""
    zone = network.save_zone(db, supervisor, "Z1", "Topolica")
    reader = network.save_reader(db, supervisor, "R1", "Ana Čitač")
    ids = []
    for i in range(n):
        customer = create_customer(db, clerk, CustomerInput(
            surname=f"Kupac{i}", given_name="Test", address=f"Ulica {i}", place="Bar"))
        ids.append(create_point(db, clerk, customer.id, PointInput(
            number=f"F-{i:04d}", address=f"Ulica {i}", place="Bar", zone_id=zone.id,
            reader_id=reader.id, reading_code=i + 1), date(2020, 1, 1)).id)
    tariffs.add_tariff(db, supervisor, "household", "flat", "flat_rate", "9.50",
                       date(2024, 1, 1))
    tariffs.add_rate(db, supervisor, "vat", "21", date(2020, 1, 1))
    periods.open_period(db, supervisor, periods.default_order(PERIOD))
    return ids


def _numbers(db: Database) -> list[int]:
    with db.unit_of_work() as s:
        return sorted(s.scalars(select(Invoice.sequence)))


def _points_billed_once(db: Database, point_ids: list[int]) -> bool:
    with db.unit_of_work() as s:
        rows = s.execute(select(Invoice.point_id, func.count()).group_by(Invoice.point_id)).all()
        entries = s.scalar(select(func.count()).select_from(LedgerEntry)
                           .where(LedgerEntry.document_type == "invoice"))
    return sorted(p for p, c in rows if c == 1) == sorted(point_ids) and entries == len(
        point_ids)


@pytest.fixture
def pg(db: Database) -> Database:
    if not db.is_postgres:
        pytest.skip("concurrency and killed connections are a PostgreSQL matter")
    return db


def test_a_run_beside_desks_billing_points_gives_gapless_numbers(
        pg: Database, supervisor: Operator, clerk: Operator) -> None:
    point_ids = _flat_rate_office(pg, supervisor, clerk, 60)
    rng = random.Random(5)
    desk_points = rng.sample(point_ids, 24)
    start = threading.Barrier(5)

    def run() -> Any:
        start.wait()
        return billing.run_billing(pg, supervisor, PERIOD, batch_size=4)

    def desk(chunk: list[int]) -> Any:
        start.wait()
        return [billing.bill_points(pg, supervisor, PERIOD, [p]) for p in chunk]

    with ThreadPoolExecutor(max_workers=5) as pool:
        futures = [pool.submit(run)] + [pool.submit(desk, desk_points[i::4]) for i in range(4)]
        results = [f.result() for f in futures]
    assert results[0].status == "completed"
    assert _numbers(pg) == list(range(1, 61))
    assert _points_billed_once(pg, point_ids)


def test_desks_issuing_notes_during_a_run_keep_both_series_gapless(
        pg: Database, supervisor: Operator, clerk: Operator) -> None:
    point_ids = _flat_rate_office(pg, supervisor, clerk, 30)
    first = billing.bill_points(pg, supervisor, PERIOD, point_ids[:6])
    start = threading.Barrier(4)

    def run() -> Any:
        start.wait()
        return billing.run_billing(pg, supervisor, PERIOD, batch_size=3)

    def notes(invoice_id: int) -> list[str]:
        start.wait()
        return [corrections.issue_note(pg, supervisor, invoice_id, "credit", "0.50",
                                       "correction").number for _ in range(4)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(run)] + [pool.submit(notes, i.id) for i in first[:3]]
        numbers = [n for f in futures[1:] for n in f.result()]
        futures[0].result()
    assert _numbers(pg) == list(range(1, 31))
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 13))


def test_a_second_concurrent_run_is_refused(pg: Database, supervisor: Operator,
                                            clerk: Operator) -> None:
    _flat_rate_office(pg, supervisor, clerk, 12)
    inside = threading.Event()
    release = threading.Event()

    def slow_progress(done: int, total: int) -> None:
        if done == 4:
            inside.set()
            release.wait(10)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(billing.run_billing, pg, supervisor, PERIOD, "hold", slow_progress,
                            None, 4)
        assert inside.wait(10)
        with pytest.raises(Conflict) as caught:
            billing.run_billing(pg, supervisor, PERIOD)
        assert caught.value.params.get("operator") == "SUP1"
        release.set()
        assert first.result().invoices_made == 12
    assert _numbers(pg) == list(range(1, 13))


def test_killed_connection_mid_run_then_run_again_gives_one_invoice_per_point(
        pg: Database, supervisor: Operator, clerk: Operator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    point_ids = _flat_rate_office(pg, supervisor, clerk, 20)
    admin = create_engine(pg.engine.url.render_as_string(hide_password=False))
    original = issue.ledger.post_many
    calls = {"n": 0}

    def killing_post_many(session: Any, operator_code: str, postings: Any,
                          **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:      # the third batch: invoices inserted, not yet committed
            with admin.connect() as conn:
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        return original(session, operator_code, postings, **kwargs)

    monkeypatch.setattr(issue.ledger, "post_many", killing_post_many)
    with pytest.raises(DatabaseUnavailable):
        billing.run_billing(pg, supervisor, PERIOD, batch_size=4)
    assert _numbers(pg) == list(range(1, 9))           # two whole batches, nothing else
    monkeypatch.setattr(issue.ledger, "post_many", original)
    again = billing.run_billing(pg, supervisor, PERIOD, batch_size=4)
    assert (again.status, again.invoices_made, again.already_billed) == ("completed", 12, 8)
    assert _numbers(pg) == list(range(1, 21))
    assert _points_billed_once(pg, point_ids)
    with pg.unit_of_work() as s:
        runs = s.scalars(select(BillingRun).order_by(BillingRun.id)).all()
        assert [(r.status, r.documents_made) for r in runs] == [("completed", 20)]
        assert s.scalar(select(func.sum(Invoice.total))) == D("11.50") * 20
    admin.dispose()


def _metered_office(db: Database, supervisor: Operator, clerk: Operator, n: int) -> list[int]:
    """``n`` single-rate meters read on 30.04 and 31.05; every fifth point changed holder on
    15.05 with a reading of that day (two invoices, one interval each)."""
    from office_app.models import Reading
    from office_app.services import metering

    zone = network.save_zone(db, supervisor, "Z1", "Topolica")
    reader = network.save_reader(db, supervisor, "R1", "Ana Čitač")
    ids = []
    for i in range(n):
        customer = create_customer(db, clerk, CustomerInput(
            surname=f"Kupac{i}", given_name="Test", address=f"Ulica {i}", place="Bar"))
        point = create_point(db, clerk, customer.id, PointInput(
            number=f"M-{i:04d}", address=f"Ulica {i}", place="Bar", zone_id=zone.id,
            reader_id=reader.id, reading_code=i + 1), date(2020, 1, 1))
        placed = metering.install_new_meter(db, clerk, point.id, metering.MeterInput(
            number=f"EM-{i:04d}", type="Landis"), date(2020, 1, 1), metering.Registers("0"))
        assert placed.meter is not None
        days = [(date(2024, 4, 30), "2024-04", 1000, "regular"),
                (date(2024, 5, 31), PERIOD, 1200, "regular")]
        if i % 5 == 0:
            buyer = create_customer(db, clerk, CustomerInput(
                surname=f"Novi{i}", given_name="Test", address=f"Ulica {i}", place="Bar"))
            metering.transfer_point(db, clerk, point.id, buyer.id, date(2024, 5, 15))
            days.append((date(2024, 5, 15), PERIOD, 1090, "transfer"))
        with db.unit_of_work() as s:
            for day, period, vt, kind in days:
                s.add(Reading(point_id=point.id, meter_id=placed.meter.id, period=period,
                              read_on=day, vt=D(vt), kind=kind, created_by="T"))
        ids.append(point.id)
    for element, price in (("energy", "0.10"), ("fixed", "2.00")):
        tariffs.add_tariff(db, supervisor, "household", "single" if element == "energy"
                           else "all", element, price, date(2024, 1, 1))
    tariffs.add_rate(db, supervisor, "vat", "21", date(2020, 1, 1))
    periods.open_period(db, supervisor, periods.default_order(PERIOD))
    return ids


def test_killed_run_of_metered_points_bills_every_interval_exactly_once(
        pg: Database, supervisor: Operator, clerk: Operator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 8: after a run killed in the middle of a batch (its invoices and billed
    intervals written, not committed), the next run bills exactly what is left: one invoice
    per point and holder, every reading interval once, the audit clean."""
    from office_app.models import BilledInterval
    from office_app.services.integrity import CHECKS, Scope

    point_ids = _metered_office(pg, supervisor, clerk, 15)
    admin = create_engine(pg.engine.url.render_as_string(hide_password=False))
    original = issue.ledger.post_many
    calls = {"n": 0}

    def killing_post_many(session: Any, operator_code: str, postings: Any,
                          **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            with admin.connect() as conn:
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        return original(session, operator_code, postings, **kwargs)

    monkeypatch.setattr(issue.ledger, "post_many", killing_post_many)
    with pytest.raises(DatabaseUnavailable):
        billing.run_billing(pg, supervisor, PERIOD, batch_size=4)
    monkeypatch.setattr(issue.ledger, "post_many", original)
    again = billing.run_billing(pg, supervisor, PERIOD, batch_size=4)
    assert again.status == "completed" and again.held == ()
    assert billing.run_billing(pg, supervisor, PERIOD).invoices_made == 0
    with pg.unit_of_work() as s:
        per_key = s.execute(select(Invoice.point_id, Invoice.customer_id, func.count())
                            .group_by(Invoice.point_id, Invoice.customer_id)).all()
        intervals = s.execute(select(BilledInterval.point_id, func.sum(BilledInterval.vt),
                                     func.count()).group_by(BilledInterval.point_id)).all()
        assert list(CHECKS["billed_intervals"](s, Scope())) == []
    assert len(per_key) == 15 + 3 and all(c == 1 for _p, _c, c in per_key)
    assert sorted(p for p, _q, _n in intervals) == sorted(point_ids)
    assert all(q == 200 for _p, q, _n in intervals)                # 1000 → 1200, once
    assert sorted(n for _p, _q, n in intervals) == [1] * 12 + [2] * 3
    assert _numbers(pg) == list(range(1, 19))
    admin.dispose()
