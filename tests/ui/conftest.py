"""Shared GUI fixtures.

Every GUI test here gets, without asking:
- its own settings file (OFFICE_SETTINGS) and QSettings directory, so no test reads or writes
  the developer's real settings, and the UI language reset to the default afterwards;
- ``message_boxes``: QMessageBox's static functions replaced by a recorder (no modal box can
  block a test); set ``message_boxes.answer`` for question() and read ``message_boxes.calls``.

On request:
- ``login_as(role, login=None) -> AppContext``: a user of that role on ``sqlite_db``, logged
  in through ``services.users.authenticate``, with a SyncRunner;
- ``app_context``: the same for an administrator;
- ``make_user(role, login=None, password=PASSWORD) -> UserInfo`` to add users without logging in.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from office_app.db import Database
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.services import users
from office_app.services.permissions import SYSTEM, Role
from office_app.ui.context import AppContext
from office_app.ui.operations import SyncRunner

#: The password of every user the fixtures create.
PASSWORD = "secret-1"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      qapp: Any) -> Iterator[Path]:
    """A settings file and a QSettings directory of the test's own."""
    settings_file = tmp_path / "settings" / "settings.json"
    monkeypatch.setenv("OFFICE_SETTINGS", str(settings_file))
    monkeypatch.delenv("OFFICE_DB_URL", raising=False)
    qapp.setOrganizationName("office-app-tests")
    qapp.setApplicationName("office-app-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "qsettings"))
    set_language(DEFAULT_LANGUAGE)
    yield settings_file
    set_language(DEFAULT_LANGUAGE)


@dataclass
class MessageBoxes:
    """What the code under test tried to show; ``answer`` is returned by question()."""

    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.calls if kind is None or k == kind]

    def _record(self, kind: str) -> Callable[..., QMessageBox.StandardButton]:
        def record(_parent: Any, title: str, text: str, *_args: Any,
                   **_kwargs: Any) -> QMessageBox.StandardButton:
            self.calls.append((kind, title, text))
            return self.answer if kind == "question" else QMessageBox.StandardButton.Ok
        return record


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()
    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, boxes._record(kind))
    return boxes


def _make_user(db: Database, role: Role, login: str | None = None,
               password: str = PASSWORD) -> users.UserInfo:
    login = login or f"{role.value}{_counter()}"
    return users.add_user(db, SYSTEM, login, role, password, full_name=login.title())


_seq = iter(range(1, 1_000_000))


def _counter() -> int:
    return next(_seq)


@pytest.fixture
def make_user(sqlite_db: Database) -> Callable[..., users.UserInfo]:
    return lambda role, login=None, password=PASSWORD: _make_user(sqlite_db, role, login,
                                                                  password)


@pytest.fixture
def login_as(sqlite_db: Database) -> Callable[..., AppContext]:
    """``login_as(Role.CASHIER)`` -> an AppContext of a new cashier, with a SyncRunner."""

    def log_in(role: Role, login: str | None = None) -> AppContext:
        info = _make_user(sqlite_db, role, login)
        operator, user = users.authenticate(sqlite_db, info.login, PASSWORD)
        return AppContext(sqlite_db, operator, user, SyncRunner())

    return log_in


@pytest.fixture
def app_context(login_as: Callable[..., AppContext]) -> AppContext:
    """An administrator logged in on an empty migrated SQLite database."""
    return login_as(Role.ADMIN, "admin")
