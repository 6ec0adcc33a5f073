"""One machinery for exclusive batch runs (billing, interest; issue 11 builds every batch run
on it): at most one run works at a time per office, and a run that loses its right to work
stops before its next batch.

How a run holds its right, per database:

- PostgreSQL: a session advisory lock on a connection of its own, taken before the run starts
  (a second run is refused at once). Before each batch the batch's own transaction checks
  that this lock is still held by that connection; if the connection was cut (the lock went
  with it, and another run may have started), the run stops with ``RunLost`` and writes
  nothing more. A process that dies closes its connection, which releases the lock: nothing
  to wait for.
- SQLite (one desk): the claim is written in a transaction started with ``BEGIN IMMEDIATE``,
  SQLite's write lock, so two runs started together cannot both see "no run" and both start:
  the second waits for the first's claim and is refused. A running run proves it is alive by
  its heartbeat (written before each batch). A run whose heartbeat is older than STALE_AFTER
  is taken to have died and is resumed by the next run; until then the refusal says when
  that will be, and an administrator may take the run over at once (``take_over``). A run
  taken over finds a heartbeat it did not write at its next batch and stops (``RunLost``).

Usage::

    with exclusive_run(db, operator) as claim:
        with claim.session() as s:            # BEGIN IMMEDIATE on SQLite
            ... read what the run will do ...
            run = claim.claim(s, "billing", period)
        for batch in batches:
            with db.unit_of_work() as s:
                claim.check(s)                 # RunLost when the run lost its right
                ... write the batch ...
        claim.finish("completed")
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, DomainError, PermissionDenied
from office_app.models import BillingRun
from office_app.models.base import utcnow
from office_app.services.permissions import Operator, Role

#: Key of the PostgreSQL advisory lock that makes batch runs exclusive.
RUN_LOCK_KEY = 5_310_001
#: A run on SQLite whose heartbeat is older than this is taken to have died.
STALE_AFTER = timedelta(minutes=2)
#: A heartbeat older than this already suggests the run has stopped (a batch takes seconds).
QUIET_AFTER = timedelta(seconds=30)

_process_lock = threading.Lock()


class RunLost(Conflict):
    """The run lost its right to work (its lock connection was cut, or it was taken over)
    and stopped; what it committed before stays."""


def _naive(value: datetime) -> datetime:
    """UTC without the zone: SQLite gives stored datetimes back without it."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def running_run(s: Session) -> BillingRun | None:
    """The run marked as working, if any (the latest heartbeat first)."""
    return s.scalar(select(BillingRun).where(BillingRun.status == "running")
                    .order_by(BillingRun.heartbeat_at.desc()).limit(1))


class RunClaim:
    """A run's right to work: see the module's docstring."""

    def __init__(self, db: Database, operator: Operator | None, take_over: bool,
                 record: type[Any] = BillingRun) -> None:
        self.db, self.operator, self.take_over = db, operator, take_over
        #: The table of the run's record: billing_run, or dunning_run (warnings, orders),
        #: which has the same columns.
        self.record = record
        self.run_id: int | None = None
        self.lost = False
        self._conn: Connection | None = None
        self._pid: int | None = None
        self._beats: deque[datetime] = deque(maxlen=3)

    # -- taking and releasing the lock ------------------------------------------------------
    def _acquire(self) -> None:
        if not self.db.is_postgres:
            return
        conn = self.db.engine.connect()
        self._conn = conn
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": RUN_LOCK_KEY}).scalar()
        self._pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        conn.commit()
        if not got:
            raise busy(self.db)

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": RUN_LOCK_KEY})
            conn.commit()
        except Exception:  # noqa: BLE001 - a dead connection has released the lock already
            pass
        finally:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

    # -- claiming the run's record ----------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work for planning and claiming the run: on SQLite it holds the write
        lock from its first statement, so the check for another run and the claim are one
        step."""
        with self.db.unit_of_work() as s:
            if not self.db.is_postgres:
                s.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield s

    def claim(self, s: Session, kind: str, period: str) -> tuple[Any, bool]:
        """Mark the run of ``kind`` and ``period`` as working: the unfinished one of the same
        kind and period is resumed (its accounting order kept), else a new one is made.
        Returns the run and whether it was resumed. Conflict while another run works."""
        for other in s.scalars(select(self.record).where(self.record.status == "running")):
            if not self._may_replace(other):
                raise _alive(other)
            other.status = "interrupted"
        s.flush()
        run = s.scalar(select(self.record).where(
            self.record.kind == kind, self.record.period == period,
            self.record.status.in_(("interrupted", "cancelled"))).order_by(self.record.id.desc()))
        resumed = run is not None
        if run is None:
            run = self.record(kind=kind, period=period,
                             started_by=self.operator.code if self.operator else "")
            s.add(run)
        beat = utcnow()
        run.status, run.heartbeat_at, run.finished_at = "running", beat, None
        s.flush()
        self.run_id = run.id
        self._beats.append(_naive(beat))
        return run, resumed

    def _may_replace(self, other: Any) -> bool:
        """Whether a run marked as working may be set aside: on PostgreSQL always (this run
        holds the lock, so that one has lost it); on SQLite when its heartbeat is stale, or
        an administrator takes it over."""
        if self.db.is_postgres or self.take_over:
            return True
        return datetime.now(UTC).replace(tzinfo=None) - _naive(other.heartbeat_at) \
            >= STALE_AFTER

    # -- while working ----------------------------------------------------------------------
    def check(self, s: Session) -> None:
        """In a batch's transaction, before it writes: RunLost if the run lost its right to
        work; else the heartbeat is written (committed with the batch)."""
        if self.lost:
            raise self._lost_error()
        if self.db.is_postgres:
            held = s.execute(text(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = 0 AND objid = :k AND objsubid = 1 AND pid = :pid "
                "AND granted AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()))"),
                {"k": RUN_LOCK_KEY, "pid": self._pid}).scalar()
            if not held:
                self.lost = True
                raise self._lost_error()
            s.execute(update(self.record).where(self.record.id == self.run_id)
                      .values(heartbeat_at=utcnow()))
            return
        row = s.execute(select(self.record.status, self.record.heartbeat_at)
                        .where(self.record.id == self.run_id)).one_or_none()
        if row is None or row.status != "running" or _naive(row.heartbeat_at) not in self._beats:
            self.lost = True
            raise self._lost_error()
        beat = utcnow()
        s.execute(update(self.record).where(self.record.id == self.run_id)
                  .values(heartbeat_at=beat))
        self._beats.append(_naive(beat))

    def _lost_error(self) -> RunLost:
        if self.db.is_postgres:
            return RunLost(N_("The run lost its lock on the database (its connection was cut) "
                              "and stopped; what it committed stays. Run it again to carry "
                              "on."))
        return RunLost(N_("Another run took this run over; this one stopped, and what it "
                          "committed stays."))

    def finish(self, status: str) -> None:
        """Record how the run ended; nothing when it lost its right (its record is another
        run's now). A database that failed is not an error here: the next run resumes."""
        if self.lost or self.run_id is None:
            return
        try:
            with self.db.unit_of_work() as s:
                s.execute(update(self.record).where(self.record.id == self.run_id).values(
                    status=status, finished_at=utcnow(), heartbeat_at=utcnow()))
        except Exception:  # noqa: BLE001 - the database may be what failed
            pass


@contextmanager
def exclusive_run(db: Database, operator: Operator | None = None,
                  take_over: bool = False, record: type[Any] = BillingRun) -> Iterator[RunClaim]:
    """Hold the office's run lock for the duration; Conflict if another run holds it.
    ``take_over`` (administrators only) sets aside a run on SQLite that still looks alive."""
    if take_over and (operator is None or operator.role is not Role.ADMIN):
        raise PermissionDenied(N_("Only an administrator can take over a run."))
    if not _process_lock.acquire(blocking=False):
        raise busy(db)
    claim = RunClaim(db, operator, take_over, record)
    try:
        claim._acquire()
        yield claim
    finally:
        claim._release()
        _process_lock.release()


def _clock(value: datetime) -> str:
    """A UTC time as the office's local wall clock reads it, to the minute."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%d.%m.%Y %H:%M")


def _alive(run: BillingRun) -> Conflict:
    beat = run.heartbeat_at if run.heartbeat_at.tzinfo else run.heartbeat_at.replace(tzinfo=UTC)
    params = {"kind": run.kind, "period": run.period, "operator": run.started_by,
              "last": _clock(beat), "resume": _clock(beat + STALE_AFTER)}
    if datetime.now(UTC) - beat >= QUIET_AFTER:
        return Conflict(N_("The run {kind} {period} started by {operator} has given no sign of "
                           "life since {last}; it may have died. It can be resumed from "
                           "{resume}, or an administrator can take it over now."), **params)
    return Conflict(N_("Another run ({kind} {period}) is in progress, started by {operator} "
                       "(last sign of life {last}); wait until it ends."), **params)


def busy(db: Database) -> Conflict:
    """The refusal when another run holds the lock, naming it when it can be read."""
    try:
        with db.unit_of_work() as s:
            run = running_run(s)
            if run is not None:
                return Conflict(N_("Another run ({kind} {period}) is in progress, started by "
                                   "{operator}; wait until it ends."), kind=run.kind,
                                period=run.period, operator=run.started_by)
    except DomainError:
        pass
    return Conflict(N_("Another billing run is in progress; wait until it ends."))
