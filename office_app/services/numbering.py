"""The one numbering service: every number the office issues comes from here."""
from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from office_app.models import Counter


def _take(session: Session, series: str, count: int) -> int:
    """Add ``count`` to the series and return its new last number. On PostgreSQL no role may
    write the counter table: the owner's office_take_numbers() only moves it forward."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text("SELECT office_take_numbers(:series, :count)"),
                                   {"series": series, "count": count}).scalar_one())
    session.execute(sqlite.insert(Counter).values(series=series, last_number=0)
                    .on_conflict_do_nothing(index_elements=["series"]))
    session.execute(update(Counter).where(Counter.series == series)
                    .values(last_number=Counter.last_number + count))
    return session.execute(
        select(Counter.last_number).where(Counter.series == series)).scalar_one()


def next_number(session: Session, series: str) -> int:
    """Take the next number of ``series`` inside the caller's transaction.

    The UPDATE locks the counter row until the caller commits (SQLite locks the whole database
    for the writer), so concurrent desks never get the same number; and because the increment
    commits or rolls back with the document, no number is skipped.
    """
    return _take(session, series, 1)


def next_numbers(session: Session, series: str, count: int) -> range:
    """Take ``count`` consecutive numbers of ``series`` at once, inside the caller's transaction
    (same guarantees as ``next_number``: the row stays locked until the caller commits, and a
    rollback gives the whole block back). For batch work that issues many documents in one
    transaction, e.g. a billing run's batch of invoices."""
    if count < 1:
        return range(0)
    last = _take(session, series, count)
    return range(last - count + 1, last + 1)
