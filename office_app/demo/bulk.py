"""Fast inserts of many rows for the demo steps: COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the order of the columns given, with explicit primary keys (take them
from ``Loader.next_id``). Columns left out get their Python-side default (``created_at`` and the
like) or NULL, so a column another feature adds later does not break an existing step. After
loading, ``Loader.finish`` moves PostgreSQL's id sequences past the new ids and refreshes the
planner's statistics; without it the next ORM insert would collide with a demo id.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select, text

from office_app.db import Database

_SQLITE_BATCH = 5000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def table_of(model: type) -> Table:
    """The Table behind a mapped class."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


@contextmanager
def loading(db: Database) -> Iterator[Loader]:
    """One transaction for a step's bulk work: committed on success, rolled back on error."""
    with db.engine.begin() as conn:
        yield Loader(conn)


def vacuum_analyze(db: Database, tables: Iterable[Table]) -> None:
    """After a large load on PostgreSQL: set hint bits and the visibility map now (index-only
    scans, no write storm on the first reads) and refresh statistics. Outside a transaction,
    as VACUUM requires; does nothing on SQLite."""
    if not db.is_postgres:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.execute(text(f'VACUUM (ANALYZE) "{table.name}"'))


class Loader:
    """Bulk writer over one connection (and its transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def next_id(self, table: Table) -> int:
        """The first free primary key: demo rows are numbered from here."""
        return int(self.conn.scalar(select(func.max(table.c.id))) or 0) + 1

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert ``rows`` (tuples in ``columns`` order); returns how many were written."""
        defaults = _defaults(table, columns)
        names = [*columns, *defaults]
        if defaults:
            extra = tuple(defaults.values())
            rows = (tuple(row) + extra for row in rows)
        if self.postgres:
            return self._copy(table, names, rows)
        return self._executemany(table, names, rows)

    def _copy(self, table: Table, names: list[str], rows: Iterable[Sequence[Any]]) -> int:
        stream = _CopyStream(rows)
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.copy_expert(f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN', stream,
                               size=1 << 16)
        finally:
            cursor.close()
        return stream.count

    def _executemany(self, table: Table, names: list[str], rows: Iterable[Sequence[Any]]) -> int:
        processors = [(i, p) for i, name in enumerate(names)
                      if (p := table.c[name].type._cached_bind_processor(self.conn.dialect))]
        sql = (f'INSERT INTO "{table.name}" ({", ".join(names)}) '
               f'VALUES ({", ".join("?" * len(names))})')
        count = 0
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, _SQLITE_BATCH)):
            if processors:
                batch = [_processed(row, processors) for row in batch]
            self.conn.exec_driver_sql(sql, batch)  # type: ignore[arg-type]
            count += len(batch)
        return count

    def finish(self, tables: Iterable[Table]) -> None:
        """Move id sequences past the loaded ids and analyse the tables (PostgreSQL)."""
        if not self.postgres:
            return
        for table in tables:
            if "id" in table.c:
                self.conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"GREATEST((SELECT max(id) FROM \"{table.name}\"), 1))"))
            self.conn.execute(text(f'ANALYZE "{table.name}"'))

    @contextmanager
    def checks_deferred(self, tables: Sequence[Table]) -> Iterator[None]:
        """On PostgreSQL, drop the tables' plain indexes (not those behind primary keys and
        unique constraints) and foreign keys while loading, then build and validate them again:
        building an index once, and checking a key with one join, is many times faster than
        doing it row by row. Transactional like the rest of the load: on an error nothing
        changes. On SQLite it does nothing."""
        if not self.postgres:
            yield
            return
        names = {"names": [t.name for t in tables]}
        indexes = self.conn.execute(text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(:names) AND t.relkind = 'r' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"),
            names).all()
        keys = self.conn.execute(text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND t.relname = ANY(:names)"), names).all()
        for table, name, _definition in keys:
            self.conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, _definition in indexes:
            self.conn.execute(text(f"DROP INDEX {name}"))
        yield
        self.conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _name, definition in indexes:
            self.conn.execute(text(definition))
        for table, name, definition in keys:
            self.conn.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def _defaults(table: Table, columns: Sequence[str]) -> dict[str, Any]:
    """Python-side defaults of the columns the caller leaves out, evaluated once."""
    out: dict[str, Any] = {}
    for column in table.c:
        default = column.default
        if column.name in columns or default is None:
            continue
        if getattr(default, "is_scalar", False):
            out[column.name] = default.arg  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            out[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return out


def _processed(row: Sequence[Any], processors: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(row)
    for i, process in processors:
        values[i] = process(values[i])
    return tuple(values)


def _escaped(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


#: How each type is written in COPY's text format.
_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    str: _escaped, int: str, Decimal: str, type(None): lambda _v: "\\N",
    bool: lambda v: "t" if v else "f", date: date.isoformat, datetime: datetime.isoformat,
}


def _copy_line(row: Sequence[Any]) -> str:
    text_of = _COPY_TEXT
    return "\t".join([text_of.get(v.__class__, _other_text)(v) for v in row]) + "\n"


def _other_text(value: Any) -> str:
    return _escaped(str(value))


class _CopyStream:
    """A read-only file over rows, encoded as COPY text lines as psycopg2 asks for them, so a
    load of millions of rows never sits in memory at once."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = iter(rows)
        self._buffer = ""
        self.count = 0

    def read(self, size: int = -1) -> str:
        want = size if size > 0 else 1 << 62
        parts = [self._buffer]
        have = len(self._buffer)
        for row in self._rows:
            line = _copy_line(row)
            parts.append(line)
            have += len(line)
            self.count += 1
            if have >= want:
                break
        data = "".join(parts)
        self._buffer = data[want:] if have > want else ""
        return data[:want] if have > want else data

    def readline(self, size: int = -1) -> str:
        return self.read(size)
