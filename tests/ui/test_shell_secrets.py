"""No password on disk: a remembered connection password goes to the keyring, the settings file
holds the URL without it and is readable by its owner only. (Named test_shell_*: like
test_shell.py, these start a Shell, which leaves the focus elsewhere; they run after the tabs.)"""
from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from office_app.config import KEYRING_SERVICE, Settings, resolve_db_url, save_settings
from office_app.ui.app import Shell
from office_app.ui.connection import Choice, ConnectionDialog
from office_app.ui.operations import SyncRunner
from tests.conftest import MemoryKeyring
from tests.ui.test_shell import UNREACHABLE, choose, fake_exec

SERVER = "postgresql+psycopg2://it@127.0.0.1:1/office"


def test_a_remembered_password_goes_to_the_keyring_not_the_settings_file(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, isolated_settings: Path,
        memory_keyring: MemoryKeyring) -> None:
    seen = choose(monkeypatch, Choice.CHANGE, Choice.QUIT)

    def to_server(dialog: ConnectionDialog) -> None:
        dialog.set_url(SERVER)
        dialog.field("password").setText("s3cret-Pass")
        dialog.field("remember").setChecked(True)
        dialog.submit()

    fake_exec(monkeypatch, ConnectionDialog, to_server)
    shell = Shell(UNREACHABLE, SyncRunner())
    shell.start()
    assert len(seen) == 2 and shell.exit_code == 0
    saved = isolated_settings.read_text()
    assert "s3cret" not in saved
    assert json.loads(saved)["db_url"] == SERVER
    assert stat.S_IMODE(isolated_settings.stat().st_mode) == 0o600
    assert memory_keyring.items == {(KEYRING_SERVICE, SERVER): "s3cret-Pass"}
    assert resolve_db_url() == SERVER.replace("it@", "it:s3cret-Pass@")


def test_without_remember_the_password_is_kept_nowhere(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, isolated_settings: Path,
        memory_keyring: MemoryKeyring) -> None:
    memory_keyring.items[(KEYRING_SERVICE, SERVER)] = "old"
    choose(monkeypatch, Choice.CHANGE, Choice.QUIT)
    fake_exec(monkeypatch, ConnectionDialog, lambda d: (
        d.set_url(SERVER), d.field("password").setText("s3cret-Pass"), d.submit()))
    Shell(UNREACHABLE, SyncRunner()).start()
    assert "s3cret" not in isolated_settings.read_text()
    assert memory_keyring.items == {}  # the old remembered one is forgotten too
    assert resolve_db_url() == SERVER


def test_an_old_world_readable_settings_file_is_tightened(isolated_settings: Path) -> None:
    isolated_settings.parent.mkdir(parents=True, exist_ok=True)
    isolated_settings.write_text("{}")
    isolated_settings.chmod(0o644)
    save_settings(Settings(db_url="postgresql://it:pw@server/office"))
    assert stat.S_IMODE(isolated_settings.stat().st_mode) == 0o600
    assert "pw" not in json.loads(isolated_settings.read_text())["db_url"]


def test_a_desk_url_names_no_user_and_the_dialog_allows_it(qtbot: Any) -> None:
    dialog = ConnectionDialog("postgresql+psycopg2://192.168.1.10:5432/office", SyncRunner())
    qtbot.addWidget(dialog)
    assert dialog.field("user").text() == ""
    assert dialog.url() == "postgresql+psycopg2://192.168.1.10:5432/office"
