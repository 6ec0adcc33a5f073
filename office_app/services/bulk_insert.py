"""Inserting many rows of posted documents inside the caller's transaction, fast.

On PostgreSQL the rows go in with COPY (several times faster than INSERT ... VALUES), with
their ids reserved from the table's sequence first so that related rows can point at them;
constraints, foreign keys and triggers apply as for any insert. On SQLite (one desk, the
demo) it is a plain executemany with RETURNING. Either way the rows commit or roll back with
the caller's transaction.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Integer, Table, any_, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

#: What COPY reads as NULL (no value of ours is a lone backslash and N).
NULL = "\\N"


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def one_of(session: Session, column: Any, values: Sequence[int]) -> Any:
    """``column IN values`` for many integer ids: one array parameter on PostgreSQL (a long
    IN list costs more to compile and send than the query costs to run), a plain IN
    elsewhere (keep ``values`` under SQLite's parameter limit)."""
    if is_postgres(session):
        return column == any_(bindparam(None, list(values), type_=ARRAY(Integer)))
    return column.in_(values)


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` new ids from the table's sequence (PostgreSQL)."""
    if count == 0:
        return []
    rows = session.execute(text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": count})
    return [int(r[0]) for r in rows]


def copy_rows(session: Session, table: Table, columns: Sequence[str],
              rows: Sequence[Sequence[Any]]) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table`` on the session's connection.
    CSV through the csv module (C); None is written as the NULL marker \\N."""
    if not rows:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    null = NULL
    writer.writerows([null if v is None else v for v in row] for row in rows)
    buffer.seek(0)
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table.name}" ({names}) FROM STDIN WITH (FORMAT csv, NULL \'{NULL}\')'
    cursor = raw.cursor()
    try:
        cursor.copy_expert(sql, buffer, size=1 << 18)
    except Exception as exc:
        _raise_as_sqlalchemy(connection, raw, sql, exc)
        raise
    finally:
        if not raw.closed:
            cursor.close()


def _raise_as_sqlalchemy(connection: Connection, raw: Any, sql: str, exc: Exception) -> None:
    """Errors of the driver become SQLAlchemy's, as on any statement: a lost connection is an
    OperationalError (the unit of work reports the database unreachable) and the pooled
    connection is thrown away rather than reused."""
    dbapi = connection.dialect.loaded_dbapi
    if not isinstance(exc, dbapi.Error):
        return
    lost = isinstance(exc, dbapi.OperationalError) or bool(raw.closed)
    if lost:
        connection.invalidate(exc)
    raise DBAPIError.instance(sql, None, exc, dbapi.Error,
                              connection_invalidated=lost) from exc


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]],
                want_ids: bool = True) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) and return their ids in order (when asked)."""
    if not rows:
        return []
    columns = list(rows[0])
    return insert_tuples(session, table, columns, [tuple(r[c] for c in columns) for r in rows],
                         want_ids)


def insert_tuples(session: Session, table: Table, columns: Sequence[str],
                  rows: Sequence[Sequence[Any]], want_ids: bool = True) -> list[int]:
    """``insert_rows`` for rows already built as tuples in ``columns`` order: a billing batch
    writes hundreds of thousands of values, and a dict per row costs more than the COPY."""
    if not rows:
        return []
    if is_postgres(session):
        if not want_ids:
            copy_rows(session, table, columns, rows)
            return []
        ids = reserve_ids(session, table, len(rows))
        copy_rows(session, table, ["id", *columns],
                  [(i, *r) for i, r in zip(ids, rows, strict=True)])
        return ids
    dicts = [dict(zip(columns, r, strict=True)) for r in rows]
    if not want_ids:
        session.execute(table.insert(), dicts)
        return []
    result = session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                             dicts)
    return [int(i) for i in result.scalars()]
