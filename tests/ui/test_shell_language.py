"""The language at login and Qt's own texts: a language picked in the login dialog applies to
the session even when it is the one already shown; Qt's standard buttons and file dialog speak
the UI language."""
from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from office_app import i18n
from office_app.db import Database
from office_app.services import users
from office_app.services.permissions import Role
from office_app.ui.app import Shell
from office_app.ui.login import LoginDialog
from office_app.ui.operations import SyncRunner
from office_app.ui.qt_translations import install_qt_translator
from tests.ui.test_shell import PASSWORD, add_user, close_shell, fake_exec, log_in
from tests.ui.test_shell import specs as specs  # noqa: F401 - the stubbed tab list fixture


def test_picking_the_language_already_shown_wins_over_the_stored_one(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database,
        specs: Any) -> None:  # noqa: F811
    i18n.set_language("en")
    add_user(sqlite_db, Role.CLERK, "mara")
    users.set_language(sqlite_db, users.authenticate(sqlite_db, "mara", PASSWORD)[0], "sq")

    def keep_english(dialog: LoginDialog) -> None:
        combo = dialog.field("language")
        assert combo.currentData() == "en"
        combo.activated.emit(combo.currentIndex())   # the clerk picks English, as shown
        log_in(dialog, "mara", PASSWORD)

    fake_exec(monkeypatch, LoginDialog, keep_english)
    shell = Shell(sqlite_db.url, SyncRunner())
    shell.start()
    assert i18n.current().language == "en"
    assert shell.window is not None and shell.window.windowTitle().endswith("Commercial office")
    assert users.authenticate(sqlite_db, "mara", PASSWORD)[1].language == "en"
    close_shell(shell)


@pytest.mark.parametrize(("language", "yes", "file_name"), [
    ("sr_Latn", "&Da", "&Naziv datoteke:"), ("sr_Cyrl", "&Да", "&Назив датотеке:"),
    ("sq", "&Po", "&Emri i skedarit:"), ("en", "&Yes", "File &name:")])
def test_qt_standard_buttons_and_file_dialog_speak_the_ui_language(
        qapp: Any, qtbot: Any, language: str, yes: str, file_name: str) -> None:
    install_qt_translator(qapp)
    i18n.set_language(language)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes
                           | QDialogButtonBox.StandardButton.No)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Yes).text() == yes
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    assert file_name in [label.text() for label in dialog.findChildren(QLabel)]
