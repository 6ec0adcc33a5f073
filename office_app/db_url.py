"""Checking a database URL before anything is opened or created.

The program speaks to PostgreSQL through psycopg2 and to SQLite files; a URL naming anything
else, or no URL at all, is refused with one line saying what is wrong and how to write it.
An SQLite file is opened only if it exists and is an SQLite database: a mistyped path must not
quietly create directories and an empty database (which then looks like an office without
data). Only the commands that set a database up (``office-app db upgrade``, ``demo``) and the
GUI's first start pass ``create=True``.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from office_app.errors import N_, DomainError

#: The drivers this program installs, per database.
DRIVERS = {"postgresql": ("psycopg2",), "sqlite": ("pysqlite",)}
SQLITE_HEADER = b"SQLite format 3\x00"
EXAMPLES = "postgresql://user@server/office, sqlite:///path/to/office.sqlite3"


class DatabaseUrlError(DomainError):
    """The database URL is unusable (a usage error: nothing was opened)."""


def check_url(url: str, create: bool = False) -> URL:
    """The parsed URL, or DatabaseUrlError. With ``create`` an SQLite file that does not
    exist yet is accepted and its directory made."""
    parsed = _parse(url)
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in DRIVERS:
        raise DatabaseUrlError(N_("Database URL: {backend} databases are not supported; use "
                                  "PostgreSQL or SQLite, e.g. {examples}."),
                               backend=backend, examples=EXAMPLES)
    if driver not in DRIVERS[backend]:
        raise DatabaseUrlError(N_("Database URL: the driver {driver} is not installed; write "
                                  "{backend}:// without a driver, e.g. {examples}."),
                               driver=driver, backend=backend, examples=EXAMPLES)
    if backend == "sqlite":
        _check_sqlite(parsed.database or "", create)
    return parsed


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
        _ = parsed.port
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(N_("Database URL: {url} is not a database URL; write it like "
                                  "{examples}."), url=_shown(url), examples=EXAMPLES) from None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise DatabaseUrlError(N_("Database URL: port {port} does not exist; a port is a "
                                  "number from 1 to 65535."), port=parsed.port)
    return parsed


def _shown(url: str) -> str:
    text = url if len(url) <= 80 else url[:77] + "..."
    return repr(text)


def _check_sqlite(database: str, create: bool) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if path.is_dir():
        raise DatabaseUrlError(N_("Database URL: {path} is a directory, not an SQLite file; "
                                  "name the file, e.g. {path}/office.sqlite3."), path=str(path))
    if not path.exists():
        if create:
            _make_dir(path)
            return
        raise DatabaseUrlError(N_("Database URL: there is no SQLite file {path}; check the "
                                  "path, or create the database with `office-app db upgrade`."),
                               path=str(path))
    _check_header(path)


def _make_dir(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUrlError(N_("Database URL: the folder {path} cannot be created "
                                  "({reason})."), path=str(path.parent),
                               reason=exc.strerror or str(exc)) from None


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseUrlError(N_("Database URL: {path} cannot be read ({reason})."),
                               path=str(path), reason=exc.strerror or str(exc)) from None
    if head and head != SQLITE_HEADER:
        raise DatabaseUrlError(N_("Database URL: {path} is not an SQLite database; check the "
                                  "path."), path=str(path))
