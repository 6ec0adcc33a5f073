"""Engines, the unit of work, and the schema's migration state.

One unit of work per user action: a Session is opened, the service works, and the transaction
commits or rolls back on exit. The session factory is what services receive, so the same code
runs on SQLite (single desk, demo) and PostgreSQL (the office LAN).
"""
from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from office_app.db_url import check_url
from office_app.errors import N_, AuthenticationError, DatabaseUnavailable, PermissionDenied
from office_app.paths import ROOT


def normalise_url(url: str) -> str:
    """Plain postgresql:// URLs use psycopg2, the driver this project installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, **kwargs)


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def desk_url(url: str) -> str:
    """A PostgreSQL URL that names no user is a desk's: until someone logs in, the desk
    connects as the office's gate role, which may only count log-in attempts and read the
    schema's revision (office_app.privileges). Any other URL is returned as it is."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from office_app import privileges

    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return url
    if parsed.get_backend_name() != "postgresql" or parsed.username:
        return url
    names = privileges.names_for(parsed.database or "")
    return parsed.set(username=names.gate, password=names.gate_password).render_as_string(
        hide_password=False)


class Database:
    """An engine and its session factory; the thing services are given."""

    def __init__(self, url: str, create: bool = True, **engine_kwargs: Any) -> None:
        """DatabaseUrlError (office_app.db_url) for an unusable URL; ``create`` False refuses
        an SQLite file that does not exist yet instead of creating it."""
        self.url = normalise_url(url)
        check_url(self.url, create)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def display_url(self) -> str:
        """The URL for people to read: no password, and no gate role (a desk's own URL)."""
        from office_app import privileges

        url = self.engine.url
        if self.is_postgres and url.username == privileges.names_for(url.database or "").gate:
            url = url._replace(username=None, password=None)
        return url.render_as_string(hide_password=True)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A Session for one user action: committed on success, rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if "is not permitted to log in" in str(exc.orig):
                raise AuthenticationError(N_(
                    "Your account is disabled or locked: the database refused the connection. "
                    "Log in again or ask an administrator."), "login") from exc
            raise DatabaseUnavailable(N_("The database cannot be reached: {detail}"),
                                      detail=str(exc.orig)[:200]) from exc
        except ProgrammingError as exc:
            session.rollback()
            if getattr(exc.orig, "pgcode", None) == "42501":  # insufficient_privilege
                raise PermissionDenied(N_(
                    "The database refused this: your role does not allow it.")) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


# --- migrations -------------------------------------------------------------------------------

class SchemaState(enum.Enum):
    EMPTY = "empty"
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    database_revision: str | None
    program_revision: str


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "office_app" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def schema_status(db: Database) -> SchemaStatus:
    """Compare the database's schema revision with the program's; raises DatabaseUnavailable."""
    script = ScriptDirectory.from_config(alembic_config(db.url))
    head = script.get_current_head() or ""
    try:
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            has_tables = bool(inspect(conn).get_table_names())
    except OperationalError as exc:
        raise DatabaseUnavailable(N_("The database cannot be reached: {detail}"),
                                  detail=str(exc.orig)[:200]) from exc
    if current is None:
        state = SchemaState.EMPTY if not has_tables else SchemaState.OLDER
    elif current == head:
        state = SchemaState.CURRENT
    else:
        known = {rev.revision for rev in script.walk_revisions()}
        state = SchemaState.OLDER if current in known else SchemaState.NEWER
    return SchemaStatus(state, current, head)


def upgrade(db: Database) -> None:
    """Create or migrate the schema to the program's revision.

    On PostgreSQL the migrations run as the database's owner role, and then the roles, grants,
    functions and triggers of office_app.privileges are applied, all in one transaction. This
    needs the IT service's connection (a superuser, or a CREATEROLE member of the owner)."""
    from office_app import privileges

    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        names = privileges.names_for(db.engine.url.database or "") if db.is_postgres else None
        if names is not None:
            privileges.prepare(conn, names)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if names is not None:
            privileges.apply(conn, names)
            privileges.finish(conn, names)
