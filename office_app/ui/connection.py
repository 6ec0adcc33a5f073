"""Dialogs for the database connection at start-up: the server cannot be reached, the schema
is older or newer than the program, and the connection settings themselves.

None of these dialogs touches the settings file or starts the application; they report the
user's choice and the shell (ui/app.py) acts on it."""
from __future__ import annotations

import enum
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import qtawesome as qta
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from office_app.config import (
    ENV_DB_URL,
    ConnectionParts,
    compose_url,
    display_url,
    parse_url,
)
from office_app.db import Database, SchemaState, SchemaStatus, schema_status, upgrade
from office_app.errors import N_, DomainError, FieldError, PermissionDenied, ValidationError
from office_app.i18n import _, tr_error
from office_app.services import users
from office_app.services.permissions import Permission
from office_app.ui.forms import ERROR_STYLE, BaseDialog, grow_to_fit
from office_app.ui.operations import OperationRunner

HINT_STYLE = "color: palette(placeholder-text);"
OK_STYLE = "color: #1b5e20;"


class Choice(enum.IntEnum):
    """What the user chose in a start-up problem dialog (Escape means QUIT)."""

    QUIT = 0
    RETRY = 1
    CHANGE = 2
    UPGRADE = 3


def describe_error(exc: BaseException) -> str:
    """One readable line for a failure to open a database, never a traceback."""
    text = tr_error(exc) if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".:;!?" else line + "." for line in lines)[:300]


class ChoiceDialog(QDialog):
    """An explanation and a row of choices; ``exec()`` returns the chosen ``Choice``."""

    def __init__(self, title: str, message: str, url: str, detail: str,
                 choices: Sequence[tuple[Choice, str]], icon: str = "mdi6.database-alert",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.message, self.detail = message, detail
        self.where = _("Database: {url}", url=display_url(url))
        self.choices = [choice for choice, _label in choices]
        self.choice_buttons: dict[Choice, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setSpacing(16)
        picture = QLabel()
        picture.setPixmap(qta.icon(icon, color="#b26a00").pixmap(48, 48))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(picture)
        layout.addLayout(self._texts(title, message, self.where, detail, choices), 1)
        fit_width(self, 520)

    def _texts(self, title: str, message: str, where: str, detail: str,
               choices: Sequence[tuple[Choice, str]]) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(heading(title))
        body = QLabel(message)
        body.setWordWrap(True)
        column.addWidget(body)
        column.addSpacing(4)
        column.addWidget(_selectable(where))
        if detail:
            extra = _selectable(detail)
            extra.setStyleSheet(HINT_STYLE)
            extra.setObjectName("detail")
            column.addWidget(extra)
        column.addStretch(1)
        column.addSpacing(8)
        column.addWidget(self._buttons(choices))
        return column

    def _buttons(self, choices: Sequence[tuple[Choice, str]]) -> QDialogButtonBox:
        box = QDialogButtonBox()
        for number, (choice, label) in enumerate(choices):
            role = (QDialogButtonBox.ButtonRole.RejectRole if choice is Choice.QUIT
                    else QDialogButtonBox.ButtonRole.ActionRole)
            button = box.addButton(label, role)
            button.clicked.connect(lambda _checked=False, c=choice: self.done(int(c)))
            self.choice_buttons[choice] = button
            if number == 0:
                button.setDefault(True)
                button.setFocus()
        return box

    def reject(self) -> None:
        self.done(int(Choice.QUIT))


def fit_width(dialog: QDialog, width: int) -> None:
    """Give a dialog at least ``width`` and the height its wrapped texts need at that width
    (Qt otherwise sizes wrapped labels for a narrower width and leaves a gap); a geometry the
    user saved (BaseDialog) wins."""
    dialog.setMinimumWidth(width)
    if isinstance(dialog, BaseDialog) and QSettings().contains(dialog._settings_key()):
        return
    width = max(width, dialog.sizeHint().width())
    height = dialog.heightForWidth(width)
    dialog.resize(width, height if height > 0 else dialog.sizeHint().height())


def heading(text: str) -> QLabel:
    """A dialog's bold title line."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return label


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def unreachable_dialog(url: str, detail: str, parent: QWidget | None = None) -> ChoiceDialog:
    return ChoiceDialog(
        _("The database cannot be reached"),
        _("The program could not open the database. Check that the server is switched on and "
          "that this computer is connected to the office network, then try again."),
        url, detail,
        [(Choice.RETRY, _("&Retry")), (Choice.CHANGE, _("&Change connection…")),
         (Choice.QUIT, _("&Quit"))],
        icon="mdi6.lan-disconnect", parent=parent)


def older_schema_dialog(url: str, status: SchemaStatus,
                        parent: QWidget | None = None) -> ChoiceDialog:
    return ChoiceDialog(
        _("The database needs an upgrade"),
        _("The database was made by an older version of the program. An administrator can "
          "upgrade it now; make a backup first. After the upgrade, desks with the older "
          "program will have to be updated too."),
        url,
        _("Database revision: {database}; this program: {program}.",
          database=status.database_revision or _("none"), program=status.program_revision),
        [(Choice.UPGRADE, _("&Upgrade…")), (Choice.CHANGE, _("&Change connection…")),
         (Choice.QUIT, _("&Quit"))],
        icon="mdi6.database-arrow-up", parent=parent)


def newer_schema_dialog(url: str, status: SchemaStatus,
                        parent: QWidget | None = None) -> ChoiceDialog:
    return ChoiceDialog(
        _("A newer program is needed"),
        _("The database has been upgraded by a newer version of the program. Ask the IT "
          "service to install the newer version on this computer."),
        url,
        _("Database revision: {database}; this program: {program}.",
          database=status.database_revision or _("none"), program=status.program_revision),
        [(Choice.CHANGE, _("&Change connection…")), (Choice.QUIT, _("&Quit"))],
        parent=parent)


def describe_status(status: SchemaStatus) -> str:
    texts = {
        SchemaState.EMPTY: _("The connection works; the database is empty and will be set up."),
        SchemaState.CURRENT: _("The connection works; the database is ready."),
        SchemaState.OLDER: _("The connection works; the database needs an upgrade."),
        SchemaState.NEWER: _("The connection works, but the database needs a newer program."),
    }
    return texts[status.state]


def check_connection(url: str) -> SchemaStatus:
    """Open the database once and read its schema state (raises DatabaseUnavailable)."""
    db = Database(url)
    try:
        return schema_status(db)
    finally:
        db.dispose()


class ConnectionDialog(BaseDialog):
    """Edit the database connection: a PostgreSQL server or an SQLite file. On success
    ``result_value`` is the new URL; saving it is the caller's business."""

    KINDS = ("postgresql", "sqlite")

    def __init__(self, url: str, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(_("Database connection"), runner, parent)
        self.kind = QComboBox()
        self.kind.addItem(_("PostgreSQL server (office network)"), "postgresql")
        self.kind.addItem(_("SQLite file (this computer only)"), "sqlite")
        self.add_row("kind", _("&Database"), self.kind)
        self._add_server_rows()
        self._add_file_rows()
        self._add_footer()
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.set_url(url)
        fit_width(self, 480)

    def _add_server_rows(self) -> None:
        host = QLineEdit()
        host.setPlaceholderText("192.168.1.10")
        self.add_row("host", _("&Server"), host)
        port = QSpinBox()
        port.setRange(1, 65535)
        port.setValue(5432)
        self.add_row("port", _("P&ort"), port)
        self.add_row("database", _("Database &name"), QLineEdit())
        user = QLineEdit()
        user.setPlaceholderText(_("empty: each person logs in as themselves"))
        self.add_row("user", _("&User"), user)
        password = QLineEdit()
        password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_row("password", _("Pass&word"), password)
        self.add_row("remember", "", QCheckBox(
            _("&Remember the password in this computer's keyring")))
        self.server_note = QLabel(_(
            "Leave the user empty at a desk: everyone then connects with their own login and "
            "password, and the server decides what their role may do. A user and password "
            "here are for the IT service's own connection."))
        self.server_note.setWordWrap(True)
        self.server_note.setStyleSheet(HINT_STYLE)
        self.form.addRow("", self.server_note)

    def _add_file_rows(self) -> None:
        self.add_row("path", _("&File"), QLineEdit())
        self.file_note = QLabel(sqlite_boundary_note())
        self.file_note.setWordWrap(True)
        self.file_note.setStyleSheet(HINT_STYLE)
        self.form.addRow("", self.file_note)
        self.browse = QPushButton(_("C&hoose file…"))
        self.browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.browse)
        row.addStretch(1)
        self._browse_row = QWidget()
        self._browse_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("", self._browse_row)

    def _add_footer(self) -> None:
        self.test_button = QPushButton(_("&Test connection"))
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setObjectName("test_result")
        row = QHBoxLayout()
        row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.test_result, 1)
        column(self).insertLayout(2, row)  # between the form and the buttons
        if os.environ.get(ENV_DB_URL):
            note = QLabel(_("Note: {variable} is set on this computer and takes precedence "
                            "over these settings at the next start.", variable=ENV_DB_URL))
            note.setWordWrap(True)
            note.setStyleSheet(HINT_STYLE)
            column(self).insertWidget(3, note)

    # -- values ------------------------------------------------------------------------------
    def set_url(self, url: str) -> None:
        parts = parse_url(url)
        if parts.kind == "sqlite":
            self.kind.setCurrentIndex(1)
            self.field("path").setText(parts.path)
        else:
            self.kind.setCurrentIndex(0)
            self.field("host").setText(parts.host)
            self.field("port").setValue(parts.port)
            self.field("database").setText(parts.database)
            self.field("user").setText(parts.user)
            self.field("password").setText(parts.password)
        self._on_kind_changed()

    def url(self) -> str:
        """The URL the fields describe; raises ValidationError naming the empty fields."""
        if self.kind.currentData() == "sqlite":
            path = self.field("path").text().strip()
            _require([("path", path, N_("File: enter the path of the database file."))])
            return compose_url(ConnectionParts(kind="sqlite", path=path))
        host = self.field("host").text().strip()
        name = self.field("database").text().strip()
        user = self.field("user").text().strip()
        _require([("host", host, N_("Server: enter the server's name or address.")),
                  ("database", name, N_("Database name: enter the database's name."))])
        return compose_url(ConnectionParts("postgresql", host, self.field("port").value(), name,
                                           user, self.field("password").text()))

    def save(self) -> Callable[[], Any]:
        return self.url

    @property
    def remember_password(self) -> bool:
        """Whether the password goes to the keyring (it never goes to the settings file)."""
        return self.kind.currentData() != "sqlite" and self.field("remember").isChecked()

    # -- slots -------------------------------------------------------------------------------
    def _on_kind_changed(self, _index: int = 0) -> None:
        server = self.kind.currentData() != "sqlite"
        for name in ("host", "port", "database", "user", "password", "remember"):
            self.form.setRowVisible(self.field(name).parentWidget(), server)
        self.form.setRowVisible(self.server_note, server)
        self.form.setRowVisible(self.file_note, not server)
        self.form.setRowVisible(self.field("path").parentWidget(), not server)
        self.form.setRowVisible(self._browse_row, not server)
        self.clear_errors()
        self.test_result.clear()
        height = self.heightForWidth(self.width())
        self.resize(self.width(), height if height > 0 else self.sizeHint().height())

    def _on_browse_clicked(self) -> None:
        start = self.field("path").text() or str(Path.home())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Database file"), start, _("SQLite databases (*.sqlite3 *.sqlite *.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.field("path").setText(path)

    def _on_test_clicked(self) -> None:
        self.clear_errors()
        try:
            url = self.url()
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.test_result.setStyleSheet("")
        self.test_result.setText(_("Connecting…"))
        self.test_button.setEnabled(False)
        self.runner.run(lambda: check_connection(url), self._on_test_done, self._on_test_failed,
                        parent=self, label=_("Connecting…"))

    def _on_test_done(self, status: SchemaStatus) -> None:
        self._show_test_result(describe_status(status), OK_STYLE)

    def _on_test_failed(self, exc: BaseException) -> None:
        self._show_test_result(describe_error(exc), ERROR_STYLE)

    def _show_test_result(self, text: str, style: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setStyleSheet(style)
        self.test_result.setText(text)
        grow_to_fit(self)


def sqlite_boundary_note() -> str:
    return _("An SQLite file is for a single desk or a demo: this computer's user account is "
             "what protects it, and whoever can open the file can read and change everything "
             "in it. An office with several desks uses the PostgreSQL server.")


def column(dialog: QDialog) -> QVBoxLayout:
    """A BaseDialog's top-level layout: error line, form, buttons."""
    return cast(QVBoxLayout, dialog.layout())


def _require(checks: list[tuple[str, str, str]]) -> None:
    errors = [FieldError(name, msg_id) for name, value, msg_id in checks if not value]
    if errors:
        raise ValidationError(errors)


class UpgradeDialog(BaseDialog):
    """An administrator's login and password, then the schema upgrade. A database without
    any user yet has nobody to ask, so it is upgraded without a log-in."""

    def __init__(self, db: Database, status: SchemaStatus, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Upgrade the database"), runner, parent)
        self.db = db
        intro = QLabel(_("An administrator's login is needed to upgrade the database from "
                         "revision {database} to {program}. Make a backup first.",
                         database=status.database_revision or _("none"),
                         program=status.program_revision))
        intro.setWordWrap(True)
        column(self).insertWidget(0, intro)
        self.add_row("login", _("&Login"), QLineEdit())
        password = QLineEdit()
        password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_row("password", _("&Password"), password)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Upgrade"))
        fit_width(self, 420)

    def save(self) -> Callable[[], Any]:
        db, login, password = self.db, self.field("login").text(), self.field("password").text()

        def work() -> None:
            authorise_upgrade(db, login, password)
            upgrade(db)

        return work

    def submit(self) -> None:
        self.buttons.setEnabled(False)
        self.runner.run(self.save(), self._saved, self._failed, parent=self,
                        label=_("Upgrading the database…"))


def authorise_upgrade(db: Database, login: str, password: str) -> None:
    """Raise unless ``login`` is an administrator allowed to upgrade the schema."""
    if not users.has_users(db):
        return
    operator, _info = users.authenticate(db, login, password)
    if not operator.can(Permission.UPGRADE_SCHEMA):
        raise PermissionDenied(N_("Only an administrator can upgrade the database."), "login")
