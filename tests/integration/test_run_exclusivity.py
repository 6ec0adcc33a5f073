"""Run exclusivity (issue 9), each case on the database it concerns: on SQLite two runs started
together are not both admitted, a run that died says when it can be resumed and an
administrator may take it over, and a run taken over stops; on PostgreSQL a run whose lock
connection is cut stops before its next batch, and the next run finishes the work once."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text, update

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied
from office_app.i18n import tr_error
from office_app.models import BillingRun, Invoice
from office_app.models.base import utcnow
from office_app.services import runs
from office_app.services.billing import run as billing
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office


class _NoProcessLock:
    """Stands in for the in-process lock, so that two Database objects in two threads behave
    like two desks (two processes) on the same SQLite file."""

    def acquire(self, blocking: bool = True) -> bool:
        return True

    def release(self) -> None:
        pass


def _invoices(db: Database) -> list[tuple[int, int]]:
    with db.unit_of_work() as s:
        return sorted((p, q) for p, q in s.execute(select(Invoice.point_id, Invoice.sequence)))


def _runs(db: Database) -> list[tuple[str, int]]:
    with db.unit_of_work() as s:
        return [(r.status, r.documents_made)
                for r in s.scalars(select(BillingRun).order_by(BillingRun.id))]


def test_sqlite_two_runs_started_together_admit_one(
        sqlite_db: Database, supervisor: Operator, clerk: Operator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    build_office(sqlite_db, supervisor, clerk)
    monkeypatch.setattr(runs, "_process_lock", _NoProcessLock())
    plan = billing.make_plan

    def slow_plan(*args: Any, **kwargs: Any) -> Any:
        result = plan(*args, **kwargs)
        time.sleep(1.0)           # both desks have looked for a running run by now
        return result

    monkeypatch.setattr(billing, "make_plan", slow_plan)
    start = threading.Barrier(2)

    def desk() -> Any:
        db = Database(sqlite_db.url)
        start.wait()
        try:
            return billing.run_billing(db, supervisor, PERIOD, batch_size=1)
        except Conflict as exc:
            return exc
        finally:
            db.dispose()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [f.result() for f in [pool.submit(desk), pool.submit(desk)]]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    done = [o for o in outcomes if not isinstance(o, Conflict)]
    # Never two runs at once: either the second desk is refused while the first works, or
    # (when SQLite's busy wait lets the first finish before the second gets the lock) the
    # second looks after the first has finished and finds nothing left to bill.
    assert sum(d.invoices_made for d in done) == 3
    if refused:
        assert len(refused) == 1
        assert "is in progress, started by SUP1" in tr_error(refused[0], "en")
    else:
        assert sorted(d.invoices_made for d in done) == [0, 3]
        assert any(d.already_billed == 3 for d in done)
    assert [seq for _p, seq in _invoices(sqlite_db)] == [1, 2, 3]
    assert ("completed", 3) in _runs(sqlite_db)


def test_sqlite_a_dead_run_says_when_it_can_be_resumed_and_an_admin_takes_it_over(
        sqlite_db: Database, supervisor: Operator, clerk: Operator, admin: Operator) -> None:
    build_office(sqlite_db, supervisor, clerk)
    with sqlite_db.unit_of_work() as s:
        s.add(BillingRun(kind="billing", period=PERIOD, started_by="DESK2",
                         heartbeat_at=utcnow() - timedelta(seconds=70)))
    with pytest.raises(Conflict) as caught:
        billing.run_billing(sqlite_db, supervisor, PERIOD)
    message = tr_error(caught.value, "en")
    assert message.startswith(f"The run billing {PERIOD} started by DESK2 has given no sign "
                              "of life since ")
    assert "it may have died. It can be resumed from " in message
    assert message.endswith(", or an administrator can take it over now.")
    with pytest.raises(PermissionDenied):
        billing.run_billing(sqlite_db, supervisor, PERIOD, take_over=True)
    result = billing.run_billing(sqlite_db, admin, PERIOD, take_over=True)
    assert (result.status, result.invoices_made) == ("completed", 3)
    assert _runs(sqlite_db) == [("completed", 3)]           # the dead run's record, resumed


def test_sqlite_a_run_taken_over_stops_before_its_next_batch(
        sqlite_db: Database, supervisor: Operator, clerk: Operator) -> None:
    build_office(sqlite_db, supervisor, clerk)

    def taken_over(done: int, total: int) -> None:
        if done == 1:             # another desk's administrator takes the run over
            with sqlite_db.unit_of_work() as s:
                s.execute(update(BillingRun).values(heartbeat_at=utcnow(), started_by="ADM2"))

    with pytest.raises(runs.RunLost) as caught:
        billing.run_billing(sqlite_db, supervisor, PERIOD, batch_size=1, progress=taken_over)
    assert tr_error(caught.value, "en") == ("Another run took this run over; this one "
                                            "stopped, and what it committed stays.")
    assert len(_invoices(sqlite_db)) == 1
    assert _runs(sqlite_db) == [("running", 1)]       # left to the run that took it over


def test_postgres_a_run_whose_lock_connection_is_cut_stops_and_the_next_finishes(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    if not db.is_postgres:
        pytest.skip("the advisory lock is PostgreSQL's")
    office = build_office(db, supervisor, clerk)
    admin_engine = create_engine(db.engine.url.render_as_string(hide_password=False))

    def cut_lock_connection(done: int, total: int) -> None:
        if done == 1:
            with admin_engine.connect() as conn:
                killed = conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = "
                    "'advisory' AND objid = :k AND granted AND database = (SELECT oid FROM "
                    "pg_database WHERE datname = current_database())"),
                    {"k": runs.RUN_LOCK_KEY}).all()
                assert killed == [(True,)]
                conn.commit()

    with pytest.raises(runs.RunLost) as caught:
        billing.run_billing(db, supervisor, PERIOD, batch_size=1, progress=cut_lock_connection)
    assert "lost its lock on the database" in tr_error(caught.value, "en")
    made_before = len(_invoices(db))
    assert 1 <= made_before < 3
    again = billing.run_billing(db, supervisor, PERIOD, batch_size=1)
    assert (again.status, again.invoices_made, again.already_billed) == (
        "completed", 3 - made_before, made_before)
    invoices = _invoices(db)
    assert sorted(p for p, _s in invoices) == sorted(office.points.values())
    assert [seq for _p, seq in sorted(invoices, key=lambda x: x[1])] == [1, 2, 3]
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(BillingRun)) == 1
    assert _runs(db) == [("completed", 3)]
    admin_engine.dispose()


def test_postgres_a_second_run_is_refused_while_the_lock_is_held(
        db: Database, supervisor: Operator, clerk: Operator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not db.is_postgres:
        pytest.skip("the advisory lock is PostgreSQL's")
    build_office(db, supervisor, clerk)
    monkeypatch.setattr(runs, "_process_lock", _NoProcessLock())
    with runs.exclusive_run(db, supervisor), pytest.raises(Conflict):
        billing.run_billing(Database(db.url), supervisor, PERIOD)
    assert billing.run_billing(db, supervisor, PERIOD).invoices_made == 3
