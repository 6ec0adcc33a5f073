"""Posting seals (``posting_seal``): written when documents are posted, recomputed by the audit.

A seal covers the rows a table gained since its previous seal, in chunks of ``CHUNK`` ids (so a
broken seal points at a few hundred rows, not at a year), with their count and a checksum of their
content: every column except the time stamps rendered as text (columns joined by U+001F, NULL
as ``\\N``), and the sum of the first 60 bits of each row's MD5. PostgreSQL computes it in SQL
(a plain SUM, which it spreads over parallel workers), SQLite in Python; both give the same
checksum for the same rows.

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
    BigInteger,
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
from sqlalchemy.dialects.postgresql import ARRAY, BIT
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.models import (
    BilledInterval,
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
SEALED: tuple[type, ...] = (Invoice, InvoiceLine, CorrectionNote, LedgerEntry, InterestCharge,
                            BilledInterval)
#: Rows per seal.
CHUNK = 500
COLUMN_SEPARATOR, NULL = "\x1f", "\\N"
LOCK_TIMEOUT = "15s"
#: Hex digits of each row's MD5 that go into the checksum (60 bits: a BIGINT in SQL).
HASH_DIGITS = 15


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


def row_hash(text: str) -> int:
    """The row's share of the checksum: the first 60 bits of the MD5 of its text."""
    return int(hashlib.md5(text.encode()).hexdigest()[:HASH_DIGITS], 16)


def checksum(total: int) -> str:
    return f"{total:032x}"


def digest_rows(columns: Sequence[Column[Any]], rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """Row count and checksum of ``rows``, computed in Python."""
    hashes = [row_hash(row_text(columns, r)) for r in rows]
    return len(hashes), checksum(sum(hashes))


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
    """Σ of the rows' 60-bit MD5 prefixes (NUMERIC: no overflow), as ``row_hash`` does: no
    ordering, so PostgreSQL sums in parallel workers and sorts nothing."""
    parts = [_sql_text(c) for c in sealed_columns(table)]
    row = func.concat_ws(COLUMN_SEPARATOR, *parts)
    prefix = literal("x") + func.substr(func.md5(row), 1, HASH_DIGITS)
    return func.coalesce(func.sum(cast(cast(prefix, BIT(4 * HASH_DIGITS)), BigInteger)), 0)


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
    found = {r: (0, checksum(0)) for r in ranges}
    for b, n, d in s.connection().execute(stmt):
        if b in bucket_of:
            found[bucket_of[b]] = (int(n), checksum(int(d)))
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
        # through the owner's function: office roles may not lock posted tables themselves
        s.execute(text("SELECT office_lock_posted()"))
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
