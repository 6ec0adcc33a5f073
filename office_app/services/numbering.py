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
