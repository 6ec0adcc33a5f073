"""`office-app users add|role|disable|enable|password`: the user row and, on PostgreSQL, the
login role change together."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from office_app import privileges
from office_app.cli import main
from office_app.db import Database
from office_app.services import users
from office_app.services.permissions import Role


def _role_state(db: Database, login: str) -> tuple[bool, list[str]] | None:
    """(may log in, group roles) of the user's login role; None on SQLite."""
    if not db.is_postgres:
        return None
    names = privileges.names_for(db.engine.url.database or "")
    with db.engine.connect() as conn:
        can = conn.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"),
                          {"r": names.login(login)})
        groups = [g for g in names.groups if conn.scalar(
            text("SELECT pg_has_role(:r, :g, 'MEMBER')"), {"r": names.login(login), "g": g})]
    return bool(can), groups


def _run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_users_commands_manage_the_row_and_the_login_role(
        db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = db.url
    for login, role in (("boss", "admin"), ("ana", "clerk")):
        assert _run(["users", "add", login, "--role", role, "--password-stdin", "--db", url],
                    monkeypatch, "secret1\n") == 0
    assert "Added ana (clerk, operator code ANA)" in capsys.readouterr().out
    names = privileges.names_for(db.engine.url.database or "")
    if db.is_postgres:
        assert _role_state(db, "ana") == (True, [names.group(Role.CLERK)])

    assert _run(["users", "role", "ana", "supervisor", "--db", url], monkeypatch) == 0
    assert _run(["users", "disable", "ana", "--db", url], monkeypatch) == 0
    assert _run(["users", "list", "--db", url], monkeypatch) == 0
    listing = capsys.readouterr().out
    assert "Role supervisor given to ana" in listing and "Disabled ana" in listing
    assert any(line.split()[:4] == ["ana", "ANA", "supervisor", "disabled"]
               for line in listing.splitlines())
    if db.is_postgres:
        assert _role_state(db, "ana") == (False, [names.group(Role.SUPERVISOR)])

    assert _run(["users", "enable", "ana", "--db", url], monkeypatch) == 0
    assert _run(["users", "password", "ana", "--password-stdin", "--db", url],
                monkeypatch, "novalozinka\n") == 0
    assert users.authenticate(db, "ana", "novalozinka")[0].role is Role.SUPERVISOR
    if db.is_postgres:
        assert _role_state(db, "ana") == (True, [names.group(Role.SUPERVISOR)])

    assert _run(["users", "role", "boss", "clerk", "--db", url], monkeypatch) == 1
    assert "boss is the last active administrator" in capsys.readouterr().err
