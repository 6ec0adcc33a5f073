"""GUI start-up and the session: open the database, deal with an unreachable server or a schema
of another version, log in, show the main window; switch user, language and connection.

The ``Shell`` drives this as a chain of callbacks on the operation runner, so the GUI never
freezes on a slow server; with ``SyncRunner`` (tests) the whole chain runs at once. A failure to
open the database always ends in a dialog with Retry / Change connection / Quit, never in a
traceback."""
from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget

from office_app import paths
from office_app.config import (
    forget_password,
    load_settings,
    password_of,
    remember_password,
    resolve_db_url,
    save_settings,
)
from office_app.db import Database, SchemaState, SchemaStatus, desk_url, schema_status, upgrade
from office_app.i18n import _, current, set_language
from office_app.services import users
from office_app.services.permissions import Operator
from office_app.ui.connection import (
    Choice,
    ConnectionDialog,
    UpgradeDialog,
    describe_error,
    newer_schema_dialog,
    older_schema_dialog,
    unreachable_dialog,
)
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error
from office_app.ui.icons import app_icon
from office_app.ui.login import FirstAdminDialog, LoginDialog
from office_app.ui.main_window import MainWindow
from office_app.ui.operations import OperationRunner
from office_app.ui.qt_translations import install_qt_translator
from office_app.ui.tabs import TabSpec

ORGANIZATION = paths.APP_NAME
APPLICATION = paths.APP_NAME
BUSY_DELAY_MS = 500


def run_gui(db_url: str | None, language: str | None) -> int:
    """Open the GUI on ``db_url`` (or the configured database); returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    configure_application(app)
    settings = load_settings()
    set_language(language or settings.language)
    shell = Shell(resolve_db_url(db_url))
    shell.start()
    if shell.exit_code is not None:  # the user quit before the event loop started
        return shell.exit_code
    code = app.exec()
    return shell.exit_code if shell.exit_code is not None else code


def configure_application(app: QApplication) -> None:
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(app_icon())
    install_qt_translator(app)  # Qt's buttons and file dialogs in the UI language
    # The shell decides when to quit: dialogs close between start-up steps.
    app.setQuitOnLastWindowClosed(False)


def remember(**changes: Any) -> None:
    """Store settings (db_url, language) in the settings file; a failure is not fatal."""
    settings = load_settings()
    for name, value in changes.items():
        setattr(settings, name, value)
    try:
        save_settings(settings)
    except OSError as exc:
        show_error(QApplication.activeWindow(), exc)


def remember_connection(url: str, keep_password: bool) -> None:
    """Save the connection in the settings file (never its password); the password goes to the
    operating system's keyring when the user asked for it."""
    remember(db_url=url)
    password = password_of(url)
    if not keep_password or not password:
        forget_password(url)
        return
    try:
        remember_password(url, str(password))
    except Exception as exc:  # noqa: BLE001 - keyring backends raise their own errors
        QMessageBox.warning(QApplication.activeWindow(), _("Database connection"), _(
            "The password could not be kept in this computer's keyring ({detail}); you will "
            "be asked for it again.", detail=str(exc)[:200]))


class Shell(QObject):
    """One desk's session: database, logged-in operator and main window."""

    def __init__(self, db_url: str, runner: OperationRunner | None = None,
                 specs: Sequence[TabSpec] | None = None) -> None:
        super().__init__()
        self.url = db_url
        self.runner = runner or OperationRunner()
        if self.runner.default_error is None:
            self.runner.default_error = lambda exc: show_error(QApplication.activeWindow(), exc)
        self.specs = specs
        self.db: Database | None = None
        #: On a desk of a PostgreSQL office: the logged-in person's own connection.
        self.person_db: Database | None = None
        self.context: AppContext | None = None
        self.window: MainWindow | None = None
        self.exit_code: int | None = None
        self._busy: QProgressDialog | None = None

    def start(self) -> None:
        self._connect()

    def quit(self, code: int = 0) -> None:
        self.exit_code = code
        self._set_idle()
        window, self.window = self.window, None
        if window is not None:
            window.discard()
        self.runner.wait(5000)
        self._close_database()
        # Before app.exec() (the user quit during start-up) run() returns exit_code itself.
        # QApplication.exit() outside exec() would leave Qt's "quit now" flag set, and every
        # later QEventLoop.exec() in the process (modal dialogs, waits) would return at once.
        if QThread.currentThread().loopLevel() > 0:
            QApplication.exit(code)

    # -- connecting --------------------------------------------------------------------------
    def _connect(self) -> None:
        self._close_database()
        try:
            db = Database(desk_url(self.url))
        except Exception as exc:  # noqa: BLE001 - a bad URL or missing driver: ask the user
            self._on_unreachable(exc)
            return
        self.db = db
        self._set_busy(_("Connecting to the database…"))
        self.runner.run(lambda: schema_status(db), self._on_schema, self._on_unreachable)

    def _on_unreachable(self, exc: BaseException) -> None:
        self._set_idle()
        choice = unreachable_dialog(self.url, describe_error(exc)).exec()
        self._follow(choice)

    def _follow(self, choice: int) -> None:
        if choice == Choice.RETRY:
            self._connect()
        elif choice == Choice.CHANGE:
            self._change_connection()
        else:
            self.quit(0)

    def _change_connection(self) -> None:
        """Edit the connection, save it in the settings file, and try again (also on
        Cancel: the start-up cannot go on without a database)."""
        dialog = ConnectionDialog(self.url, self.runner)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.url = dialog.result_value
            remember_connection(self.url, dialog.remember_password)
        self._connect()

    def _on_schema(self, status: SchemaStatus) -> None:
        self._set_idle()
        if status.state is SchemaState.EMPTY:
            self._create_schema()
        elif status.state is SchemaState.CURRENT:
            self._check_users()
        elif status.state is SchemaState.OLDER:
            self._on_older(status)
        else:
            self._follow(newer_schema_dialog(self.url, status).exec())

    @property
    def at_desk(self) -> bool:
        """Connected as a PostgreSQL desk (the gate role until someone logs in)."""
        return self.db is not None and self.db.url != self.url and self.db.is_postgres

    def _upgrade_by_it(self) -> None:
        self._follow(unreachable_dialog(self.url, _(
            "The database's schema must be created or upgraded by the IT service on the "
            "server (office-app db upgrade, see the server guide); a desk cannot do it.")).exec())

    def _create_schema(self) -> None:
        if self.at_desk:
            self._upgrade_by_it()
            return
        db = self._database()
        self._set_busy(_("Setting up the new database…"))
        self.runner.run(lambda: upgrade(db), lambda _result: self._check_users(),
                        self._on_unreachable)

    def _on_older(self, status: SchemaStatus) -> None:
        if self.at_desk:
            self._upgrade_by_it()
            return
        choice = older_schema_dialog(self.url, status).exec()
        if choice != Choice.UPGRADE:
            self._follow(choice)
        elif (UpgradeDialog(self._database(), status, self.runner).exec()
              == QDialog.DialogCode.Accepted):
            self._check_users()
        else:
            self._on_older(status)

    def _check_users(self) -> None:
        if self.at_desk:  # the gate cannot read users; the IT service adds the first one
            self.show_login()
            return
        db = self._database()
        self.runner.run(lambda: users.has_users(db), self._on_users_checked,
                        self._on_unreachable)

    def _on_users_checked(self, any_user: bool) -> None:
        if any_user:
            self.show_login()
        else:
            self._ask_first_admin()

    def _database(self) -> Database:
        assert self.db is not None, "no database open"
        return self.db

    def _close_database(self) -> None:
        self._close_person()
        if self.db is not None:
            self.db.dispose()
            self.db = None

    def _close_person(self) -> None:
        if self.person_db is not None:
            self.person_db.dispose()
            self.person_db = None

    # -- logging in --------------------------------------------------------------------------
    def _ask_first_admin(self) -> None:
        dialog = FirstAdminDialog(self._database(), self.runner)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._logged_in(dialog.result_value)
            self._open_window()
        else:
            self.quit(0)

    def show_login(self) -> None:
        dialog = LoginDialog(self._database(), self.runner)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.quit(0)
            return
        session: users.LoggedIn = dialog.result_value
        if dialog.chosen_language:
            session = replace(session, info=replace(session.info,
                                                    language=dialog.chosen_language))
        self._logged_in(session)
        if dialog.chosen_language:
            self._store_language(session.operator, session.info.language)
        set_language(session.info.language)
        remember(language=session.info.language)
        self._open_window()

    def _logged_in(self, session: users.LoggedIn) -> None:
        self._close_person()
        if session.db is not self.db:
            self.person_db = session.db
        self.context = AppContext(session.db, session.operator, session.info, self.runner)

    def _store_language(self, operator: Operator, language: str) -> None:
        db = self.context.db if self.context is not None else self._database()
        self.runner.run(lambda: users.set_language(db, operator, language))

    # -- the main window ---------------------------------------------------------------------
    def _open_window(self) -> None:
        assert self.context is not None
        previous, self.window = self.window, None
        window = MainWindow(self.context, self.specs)
        window.sig_switch_user.connect(self.switch_user)
        window.sig_change_connection.connect(self.change_connection_from_window)
        window.sig_language_chosen.connect(self.change_language)
        window.sig_quit_requested.connect(lambda: self.quit(0))
        if previous is not None:
            window.restoreGeometry(previous.saveGeometry())
            window.show_tab(previous.current_tab_key() or "")
            previous.discard()
        self.window = window
        window.show()

    def _discard_window(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            window.discard()

    def switch_user(self) -> None:
        self._discard_window()
        self.context = None
        self._close_person()
        self.show_login()

    def change_language(self, language: str) -> None:
        """Apply a language from the menu: store it for the user and the desk, and rebuild
        the window so every text is in the new language."""
        assert self.context is not None
        set_language(language)
        remember(language=current().language)
        self._store_language(self.context.operator, current().language)
        self.context.user = replace(self.context.user, language=current().language)
        self._open_window()

    def change_connection_from_window(self) -> None:
        """Edit the connection; reconnect now (and log in again) if the user wants."""
        dialog = ConnectionDialog(self.url, self.runner, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        remember(db_url=dialog.result_value)
        if dialog.result_value == self.url:
            return
        answer = QMessageBox.question(
            self.window, _("Database connection"),
            _("The new connection is saved. Connect to it now? You will log in again."))
        if answer == QMessageBox.StandardButton.Yes:
            self.url = dialog.result_value
            self._discard_window()
            self.context = None
            self._connect()

    # -- busy indicator ----------------------------------------------------------------------
    def _set_busy(self, text: str) -> None:
        """A small progress window, shown only if the work lasts more than half a second."""
        self._set_idle()
        busy = QProgressDialog(text, "", 0, 0, self._parent_window())
        busy.setCancelButton(None)  # type: ignore[arg-type]
        busy.setWindowTitle(_("Commercial office"))
        busy.setMinimumDuration(BUSY_DELAY_MS)
        busy.setValue(0)
        self._busy = busy

    def _set_idle(self) -> None:
        busy, self._busy = self._busy, None
        if busy is not None:
            busy.reset()
            busy.deleteLater()

    def _parent_window(self) -> QWidget | None:
        return self.window

