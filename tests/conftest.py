"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, operators for each role.

PostgreSQL runs on 127.0.0.1:5432 with trust authentication (OFFICE_TEST_PG_URL overrides the
server URL). Each test process makes its own database and drops it at the end. When CI is set,
a PostgreSQL that cannot be reached fails the run instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.models import Base  # noqa: E402
from office_app.privileges import drop_roles, names_for  # noqa: E402
from office_app.services.office import OfficeInfo, save_office  # noqa: E402
from office_app.services.permissions import Operator, Role  # noqa: E402

TEST_OFFICE = OfficeInfo("01", "Test office", "electricity", "Njegoševa 1, Bar", "+382 30 000 000",
                         "office@example.me", "02005123", "510-0000000012345-59", "ME")
PG_SERVER = os.environ.get("OFFICE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")


def _pg_available() -> str | None:
    try:
        engine = create_engine(f"{PG_SERVER}/postgres", connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but cannot be reached: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    name = f"office_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{PG_SERVER}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        drop_roles(conn, names_for(name))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (cheaper than migrating, and it needs no
    DELETE on append-only tables)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


_migrated: dict[str, Database] = {}


def _postgres(url: str) -> Database:
    """The session's PostgreSQL database, migrated once and emptied before each test."""
    db = _migrated.get(url)
    if db is None:
        db = Database(url)
        upgrade(db)
        _migrated[url] = db
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        # Posted tables refuse TRUNCATE (a trigger); the superuser's replica mode skips it.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                          + " RESTART IDENTITY CASCADE"))
    return db


def _fresh(request: pytest.FixtureRequest, backend: str) -> Iterator[Database]:
    if backend == "postgresql":
        yield _postgres(request.getfixturevalue("pg_url"))
        return
    database = Database(request.getfixturevalue("sqlite_url"))
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty, migrated database with the test office's header row; both backends."""
    for database in _fresh(request, request.param):
        with database.unit_of_work() as s:
            save_office(s, TEST_OFFICE)
        yield database


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty migrated SQLite database (GUI tests, quick checks)."""
    yield from _fresh(request, "sqlite")


def make_operator(role: Role, code: str | None = None) -> Operator:
    return Operator(user_id=1, code=code or role.value[:3].upper() + "1", login=role.value,
                    full_name=role.value.title(), role=role)


@pytest.fixture
def admin() -> Operator:
    return make_operator(Role.ADMIN, "ADM1")


@pytest.fixture
def clerk() -> Operator:
    return make_operator(Role.CLERK, "CLK1")


@pytest.fixture
def supervisor() -> Operator:
    return make_operator(Role.SUPERVISOR, "SUP1")


@pytest.fixture
def cashier() -> Operator:
    return make_operator(Role.CASHIER, "CSH1")


class MemoryKeyring(KeyringBackend):
    """The operating system's keyring, in memory: no test touches the real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for db in _migrated.values():
        db.dispose()


ROOT = Path(__file__).resolve().parent.parent
