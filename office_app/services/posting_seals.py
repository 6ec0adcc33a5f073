"""Posting seals (``posting_seal``): written when documents are posted, recomputed by the audit.

A seal covers the rows a table gained since its previous seal, in chunks of ``CHUNK`` ids (so a
broken seal points at a few hundred rows, not at a year), with their count and an MD5 of their
content: every column except the time stamps, rendered as text, columns joined by U+001F and
rows (in id order) by U+001E, NULL as ``\\N``. PostgreSQL computes it in SQL (``md5`` over
``string_agg``), SQLite in Python; both give the same digest for the same rows.

Sealing happens in its own short transaction after the posting committed. On PostgreSQL it
first takes SHARE locks on the sealed tables (in the order every writer inserts into them, so
it cannot deadlock with one), which waits for transactions still inserting: a row with a lower
id can never commit after the seal that should have covered it. A seal that cannot be written
(lock timeout, lost connection) is skipped: the next seal covers those rows, and documents stay
posted either way.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    cast,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.models import (
    CorrectionNote,
    InterestCharge,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    PostingSeal,
)
from office_app.models.ledger import table_of

log = logging.getLogger(__name__)

#: Sealed tables in the order writers insert into them (invoice, its lines, then the card;
#: a note, then the card; an interest entry, then its lines): the order seals lock them in.
SEALED: tuple[type, ...] = (Invoice, InvoiceLine, CorrectionNote, LedgerEntry, InterestCharge)
#: Rows per seal.
CHUNK = 500
COLUMN_SEPARATOR, ROW_SEPARATOR, NULL = "\x1f", "\x1e", "\\N"
LOCK_TIMEOUT = "15s"
#: The digest of no rows.
EMPTY = hashlib.md5(b"").hexdigest()


def sealed_columns(table: Table) -> list[Column[Any]]:
    """The columns a seal hashes: all but the time stamps (their text differs by driver)."""
    return [c for c in table.columns if not isinstance(c.type, DateTime)]


# --- the digest: SQL on PostgreSQL, Python on SQLite -----------------------------------------

def _sql_text(column: Column[Any]) -> Any:
    """The column as text in SQL, as ``_py_text`` renders it (casts and COALESCE only where
    they are needed: a seal reads every row of a year)."""
    kind = column.type
    value: Any = column
    if isinstance(kind, Boolean):
        value = cast(cast(column, Integer), Text)
    elif isinstance(kind, Date):
        value = cast(column, Text)       # ISO: the read-only audit and sealing set DateStyle
    elif not isinstance(kind, String):
        value = cast(column, Text)
    return func.coalesce(value, NULL) if column.nullable else value


def _py_text(column: Column[Any], value: Any) -> str:
    if value is None:
        return NULL
    kind = column.type
    if isinstance(kind, Boolean):
        return "1" if value else "0"
    if isinstance(kind, Numeric) and not isinstance(kind, Integer):
        scale = kind.scale or 0
        return f"{value:.{scale}f}" if value else f"{0:.{scale}f}"
    if isinstance(kind, Date):
        return str(value.isoformat())
    return str(value)


def row_text(columns: Sequence[Column[Any]], row: Sequence[Any]) -> str:
    return COLUMN_SEPARATOR.join(_py_text(c, v) for c, v in zip(columns, row, strict=True))


def digest_rows(columns: Sequence[Column[Any]], rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """Row count and MD5 of ``rows`` (in id order), computed in Python."""
    texts = [row_text(columns, r) for r in rows]
    return len(texts), hashlib.md5(ROW_SEPARATOR.join(texts).encode()).hexdigest()


def _python_digests(s: Session, table: Table, ranges: Sequence[tuple[int, int]]
                    ) -> dict[tuple[int, int], tuple[int, str]]:
    columns = sealed_columns(table)
    found: dict[tuple[int, int], tuple[int, str]] = {}
    for first, last in ranges:
        rows = s.connection().execute(select(*columns).where(
            table.c.id >= first, table.c.id <= last).order_by(table.c.id))
        found[(first, last)] = digest_rows(columns, rows)
    return found


def _sql_digest(table: Table) -> Any:
    parts = [_sql_text(c) for c in sealed_columns(table)]
    row = func.concat_ws(COLUMN_SEPARATOR, *parts)
    return func.md5(func.coalesce(
        func.string_agg(row, aggregate_order_by_id(table)), ""))


def aggregate_order_by_id(table: Table) -> Any:
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    return aggregate_order_by(literal(ROW_SEPARATOR), table.c.id)


def _pg_digests(s: Session, table: Table, ranges: Sequence[tuple[int, int]]
                ) -> dict[tuple[int, int], tuple[int, str]]:
    """One pass over the table for many ranges: each row is put in its range's bucket by
    ``width_bucket`` over the ranges' bounds (a join on BETWEEN would scan once per range)."""
    bounds = sorted({a for a, _b in ranges} | {b + 1 for _a, b in ranges})
    position = {v: n for n, v in enumerate(bounds, start=1)}
    bucket_of = {position[a]: (a, b) for a, b in ranges}
    bucket = func.width_bucket(table.c.id, cast(bounds, ARRAY(Integer)))
    stmt = (select(bucket, func.count(), _sql_digest(table))
            .where(table.c.id >= bounds[0], table.c.id < bounds[-1]).group_by(bucket))
    found = {r: (0, EMPTY) for r in ranges}
    for b, n, d in s.connection().execute(stmt):
        if b in bucket_of:
            found[bucket_of[b]] = (int(n), str(d))
    return found


def digests(s: Session, table: Table, ranges: Sequence[tuple[int, int]]
            ) -> dict[tuple[int, int], tuple[int, str]]:
    """Row count and checksum of each id range of ``table``, as the database holds it now."""
    if not ranges:
        return {}
    if s.get_bind().dialect.name == "postgresql":
        return _pg_digests(s, table, ranges)
    return _python_digests(s, table, ranges)


# --- writing seals ------------------------------------------------------------------------------

def _chunks(first: int, last: int) -> Iterator[tuple[int, int]]:
    start = first
    while start <= last:
        yield start, min(start + CHUNK - 1, last)
        start += CHUNK


def seal_in(s: Session, operator_code: str, period: str, source: str) -> int:
    """Seal, in the caller's transaction, every posted row not sealed yet; returns how many
    seals were written."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        s.execute(text("SET LOCAL DateStyle = 'ISO, YMD'"))
        names = ", ".join(table_of(m).name for m in SEALED)
        s.execute(text(f"LOCK TABLE {names} IN SHARE MODE"))
    written = 0
    for model in SEALED:
        table = table_of(model)
        done = s.scalar(select(func.max(PostingSeal.last_id))
                        .where(PostingSeal.table_name == table.name)) or 0
        top = s.scalar(select(func.max(table.c.id))) or 0
        if top <= done:
            continue
        ranges = list(_chunks(done + 1, top))
        found = digests(s, table, ranges)
        s.execute(insert(PostingSeal), [
            {"table_name": table.name, "period": period[:7], "first_id": a, "last_id": b,
             "row_count": found[(a, b)][0], "checksum": found[(a, b)][1], "source": source,
             "sealed_by": operator_code} for a, b in ranges])
        written += len(ranges)
    return written


def seal_posted(db: Database, operator_code: str, period: str, source: str) -> int:
    """Seal what was posted, in a transaction of its own, after the posting committed. Never
    raises: a seal not written now is written by the next posting."""
    try:
        with db.unit_of_work() as s:
            return seal_in(s, operator_code, period, source)
    except Exception:  # noqa: BLE001 - the documents are posted; the next seal covers them
        log.warning("posting seal skipped", exc_info=True)
        return 0
