"""The one numbering service: every number the office issues comes from here."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from office_app.models import Counter


def next_number(session: Session, series: str) -> int:
    """Take the next number of ``series`` inside the caller's transaction.

    The UPDATE locks the counter row until the caller commits (SQLite locks the whole database
    for the writer), so concurrent desks never get the same number; and because the increment
    commits or rolls back with the document, no number is skipped.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(Counter).values(series=series, last_number=0)
                    .on_conflict_do_nothing(index_elements=["series"]))
    session.execute(update(Counter).where(Counter.series == series)
                    .values(last_number=Counter.last_number + 1))
    return session.execute(
        select(Counter.last_number).where(Counter.series == series)).scalar_one()


def next_numbers(session: Session, series: str, count: int) -> range:
    """Take ``count`` consecutive numbers of ``series`` at once, inside the caller's transaction
    (same guarantees as ``next_number``: the row stays locked until the caller commits, and a
    rollback gives the whole block back). For batch work that issues many documents in one
    transaction, e.g. a billing run's batch of invoices."""
    if count < 1:
        return range(0)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(Counter).values(series=series, last_number=0)
                    .on_conflict_do_nothing(index_elements=["series"]))
    session.execute(update(Counter).where(Counter.series == series)
                    .values(last_number=Counter.last_number + count))
    last = session.execute(
        select(Counter.last_number).where(Counter.series == series)).scalar_one()
    return range(last - count + 1, last + 1)
