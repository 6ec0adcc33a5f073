"""A desk of a PostgreSQL office: its URL names no user, it connects as the gate before the
log-in, and the person's session runs on their own login role. (Named test_shell_*: like
test_shell.py, these start a Shell, which leaves the focus elsewhere; they run after the tabs.)"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from office_app import privileges
from office_app.db import Database
from office_app.services.permissions import Role
from office_app.ui.app import Shell
from office_app.ui.connection import Choice
from office_app.ui.login import LoginDialog
from office_app.ui.operations import SyncRunner
from tests.conftest import _postgres
from tests.ui.test_shell import (  # noqa: F401 - specs is a fixture
    PASSWORD,
    add_user,
    choose,
    close_shell,
    fake_exec,
    log_in,
    specs,
)


@pytest.fixture
def pg_db(request: pytest.FixtureRequest) -> Database:
    return _postgres(request.getfixturevalue("pg_url"))


@pytest.mark.usefixtures("specs")
def test_a_desk_logs_in_as_the_person(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                      pg_db: Database) -> None:
    add_user(pg_db, Role.CASHIER, "mara")
    names = privileges.names_for(pg_db.engine.url.database or "")
    desk = pg_db.engine.url._replace(username=None, password=None)
    dialogs = fake_exec(monkeypatch, LoginDialog, lambda d: log_in(d, "mara", PASSWORD))
    shell = Shell(desk.render_as_string(hide_password=False), SyncRunner())
    shell.start()
    assert shell.db is not None and shell.db.engine.url.username == names.gate
    where = dialogs[0].where.text()  # in the default language, Montenegrin
    assert "server provjerava vašu lozinku" in where and names.gate not in where
    assert shell.context is not None and shell.window is not None
    with shell.context.db.engine.connect() as conn:
        assert conn.scalar(text("SELECT session_user")) == names.login("mara")
    close_shell(shell)


def test_a_desk_does_not_upgrade_the_schema_itself(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                                    pg_db: Database) -> None:
    seen = choose(monkeypatch, Choice.QUIT)
    with pg_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    try:
        desk = pg_db.engine.url._replace(username=None, password=None)
        shell = Shell(desk.render_as_string(hide_password=False), SyncRunner())
        shell.start()
        assert "office-app db upgrade" in seen[0].detail and shell.window is None
    finally:
        with pg_db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"),
                         {"v": _head()})


def _head() -> str:
    from alembic.script import ScriptDirectory

    from office_app.db import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""
