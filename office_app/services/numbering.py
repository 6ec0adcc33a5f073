"""The one numbering service: every number the office issues comes from here, in its series
(per kind, office and year; receipts also per desk) and in its printed format.

Numbers are gapless and unique with many desks at once: the series' counter row is locked by
the increment until the caller's transaction ends, and rolls back with it."""
from __future__ import annotations

import re

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


# --- series and formats -----------------------------------------------------------------------

#: Number formats of the documents the office issues: prefix and digits of the sequence.
SERIES_FORMATS = {"invoice": ("", 7), "credit_note": ("CN", 6), "debit_note": ("DN", 6),
                  "interest": ("KI", 7), "order": ("NK", 5), "receipt": ("BL", 6),
                  "storno": ("ST", 6), "court_costs": ("SK", 6), "write_off": ("OT", 6),
                  "complaint": ("RK", 6), "proposal": ("PI", 6), "plan": ("RP", 5)}
#: Kinds numbered per desk as well (each desk's cashier slips run 1, 2, 3 … on their own).
PER_DESK = frozenset({"receipt"})
#: A desk id: what fits a receipt number and a file name.
DESK_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,7}$")


def series_name(kind: str, office_code: str, year: int, desk: str | None = None) -> str:
    _check_desk(kind, desk)
    base = f"{kind}:{office_code}:{year}"
    return f"{base}:{desk}" if kind in PER_DESK else base


def format_number(kind: str, office_code: str, year: int, sequence: int,
                  desk: str | None = None) -> str:
    """``01-2024-0000123`` for invoices; other documents carry a prefix (CN-01-2024-000012);
    receipts name their desk (BL-01-2024-KASA1-000042)."""
    _check_desk(kind, desk)
    prefix, digits = SERIES_FORMATS[kind]
    middle = f"{office_code}-{year}-{desk}" if kind in PER_DESK else f"{office_code}-{year}"
    body = f"{middle}-{sequence:0{digits}d}"
    return f"{prefix}-{body}" if prefix else body


def _check_desk(kind: str, desk: str | None) -> None:
    if kind not in SERIES_FORMATS:
        raise ValueError(f"unknown document series {kind!r}")
    if (kind in PER_DESK) != (desk is not None):
        need = "required" if kind in PER_DESK else "not used"
        raise ValueError(f"series {kind!r}: a desk is {need}")
    if desk is not None and not DESK_PATTERN.match(desk):
        raise ValueError(f"desk id {desk!r} does not fit a document number")


def issue_number(session: Session, kind: str, office_code: str, year: int,
                 desk: str | None = None) -> tuple[int, str]:
    """The next number of a document series, in the caller's transaction."""
    sequence = next_number(session, series_name(kind, office_code, year, desk))
    return sequence, format_number(kind, office_code, year, sequence, desk)


def issue_numbers(session: Session, kind: str, office_code: str, year: int,
                  count: int) -> list[tuple[int, str]]:
    """``count`` consecutive numbers of a series at once (a billing batch)."""
    block = next_numbers(session, series_name(kind, office_code, year), count)
    return [(n, format_number(kind, office_code, year, n)) for n in block]
