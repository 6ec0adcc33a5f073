"""Log-in and the first administrator of a new database.

Both dialogs end with ``result_value`` set to the ``users.LoggedIn`` session of the person (on
PostgreSQL their own connection, as their login role). Wrong passwords and locked accounts are
reported by ``services.users.log_in``; the dialog shows its message next to the field it names.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from office_app.db import Database
from office_app.errors import N_, FieldError
from office_app.i18n import LANGUAGES, _, current, set_language
from office_app.services import users
from office_app.ui.connection import HINT_STYLE, column, fit_width, heading, sqlite_boundary_note
from office_app.ui.forms import BaseDialog, InputError
from office_app.ui.operations import OperationRunner

LAST_LOGIN_KEY = "login/last"
LoginResult = users.LoggedIn


def line_edit(max_length: int, text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def check_repeated(password: str, repeated: str, field: str = "repeat") -> None:
    """Raise InputError when a new password and its repetition differ."""
    if password != repeated:
        raise InputError(FieldError(field, N_("The two passwords differ; type them again.")))


def language_combo(selected: str) -> QComboBox:
    """The four UI languages, each in its own name."""
    combo = QComboBox()
    for code, name in LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(max(combo.findData(selected), 0))
    return combo


def where_text(db: Database) -> str:
    """The connection details under the log-in title, with who guards the data there."""
    if db.is_postgres:
        return _("{url} — the server checks your password and what your role may do.",
                 url=db.display_url)
    return f"{db.display_url}\n{sqlite_boundary_note()}"


class LoginDialog(BaseDialog):
    """Login, password and the UI language. Choosing a language retranslates the dialog at
    once; ``chosen_language`` tells whether the user picked one (it then overrides the
    language stored for the user)."""

    def __init__(self, db: Database, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Log in"), runner, parent)
        self.db = db
        self.chosen_language: str | None = None
        self.title = heading(_("Commercial office"))
        self.where = QLabel(where_text(db))
        self.where.setStyleSheet(HINT_STYLE)
        self.where.setWordWrap(True)
        column(self).insertWidget(0, self.title)
        column(self).insertWidget(1, self.where)
        self.add_row("login", _("&Login"), line_edit(40))
        self.add_row("password", _("&Password"), password_edit())
        self.add_row("language", _("L&anguage"), language_combo(current().language))
        self.field("language").currentIndexChanged.connect(self._on_language_changed)
        # Picking the language already shown is a choice too: it must win over the stored one.
        self.field("language").activated.connect(self._on_language_changed)
        self._captions = {"login": N_("&Login"), "password": N_("&Password"),
                          "language": N_("L&anguage")}
        self._prefill()
        fit_width(self, 400)

    def _prefill(self) -> None:
        last = QSettings().value(LAST_LOGIN_KEY)
        if isinstance(last, str) and last:
            self.field("login").setText(last)
            self.field("password").setFocus()
        else:
            self.field("login").setFocus()

    def save(self) -> Callable[[], Any]:
        db, login = self.db, self.field("login").text()
        password = self.field("password").text()
        return lambda: users.log_in(db, login, password)

    def _saved(self, result: Any) -> None:
        QSettings().setValue(LAST_LOGIN_KEY, result.info.login)
        super()._saved(result)

    def _failed(self, exc: BaseException) -> None:
        self.field("password").clear()
        super()._failed(exc)

    def _on_language_changed(self, _index: int) -> None:
        self.chosen_language = self.field("language").currentData()
        set_language(self.chosen_language or "")
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Log in"))
        self.title.setText(_("Commercial office"))
        for name, msg_id in self._captions.items():
            caption = self.form.labelForField(self.field(name).parentWidget())
            if isinstance(caption, QLabel):
                caption.setText(_(msg_id))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.clear_errors()


class FirstAdminDialog(BaseDialog):
    """The administrator of a new, empty database; logs that administrator in."""

    def __init__(self, db: Database, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("First start: the administrator"), runner, parent)
        self.db = db
        intro = QLabel(_("The database {url} is new. Set up the administrator's account; the "
                         "administrator then adds the other users. Keep the password safe.",
                         url=db.display_url))
        intro.setWordWrap(True)
        column(self).insertWidget(0, heading(_("Welcome")))
        column(self).insertWidget(1, intro)
        column(self).insertSpacing(2, 8)
        self.add_row("full_name", _("Full &name"), line_edit(120))
        self.add_row("login", _("&Login"), line_edit(40, "admin"))
        self.add_row("password", _("&Password"), password_edit())
        self.add_row("repeat", _("&Repeat password"), password_edit())
        self.field("full_name").setFocus()
        fit_width(self, 460)

    def save(self) -> Callable[[], Any]:
        password = self.field("password").text()
        check_repeated(password, self.field("repeat").text())
        db, login = self.db, self.field("login").text()
        full_name, language = self.field("full_name").text(), current().language

        def work() -> LoginResult:
            users.create_first_admin(db, login, password, full_name, language)
            return users.log_in(db, login, password)

        return work
