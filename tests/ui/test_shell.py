"""The application shell: start-up against unreachable, empty, older and newer databases, log-in,
the main window's tabs per role, language switching, the status bar and About."""
from __future__ import annotations

import importlib.machinery
import json
import sys
import types
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from office_app import __version__, i18n
from office_app.db import Database, SchemaState, SchemaStatus, schema_status
from office_app.services import users
from office_app.services.permissions import SYSTEM, Role
from office_app.ui import app as app_module
from office_app.ui import tabs
from office_app.ui.about import AboutDialog
from office_app.ui.app import Shell
from office_app.ui.connection import Choice, ChoiceDialog, ConnectionDialog, UpgradeDialog
from office_app.ui.context import AppContext
from office_app.ui.login import FirstAdminDialog, LoginDialog
from office_app.ui.main_window import MainWindow
from office_app.ui.operations import SyncRunner

pytestmark = pytest.mark.ui


@pytest.fixture(autouse=True)
def english() -> None:
    """These tests read the English msgids (the conftest restores the default afterwards)."""
    i18n.set_language("en")

UNREACHABLE = "postgresql+psycopg2://postgres@127.0.0.1:1/x"
PASSWORD = "secret-1"
FAKE_TAB_MODULE = "tests_ui_fake_tab"


class FakeTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


@pytest.fixture
def specs(monkeypatch: pytest.MonkeyPatch) -> list[tabs.TabSpec]:
    """The real tab list, with every tab but Users replaced by a stub (the shell's tests must
    not depend on the other tabs' packages)."""
    module = types.ModuleType(FAKE_TAB_MODULE)
    module.create_tab = lambda _context: FakeTab()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, FAKE_TAB_MODULE, module)
    stubbed = [spec if spec.key == "users" else replace(spec, module=FAKE_TAB_MODULE)
               for spec in tabs.TAB_SPECS]
    monkeypatch.setattr(tabs, "TAB_SPECS", stubbed)
    return stubbed


def add_user(db: Database, role: Role, login: str, password: str = PASSWORD) -> users.UserInfo:
    return users.add_user(db, SYSTEM, login, role, password, full_name=f"{login.title()} Test",
                          language="en")


def log_in(dialog: LoginDialog | UpgradeDialog, login: str, password: str) -> None:
    dialog.field("login").setText(login)
    dialog.field("password").setText(password)
    dialog.submit()


def fake_exec(monkeypatch: pytest.MonkeyPatch, cls: type[QDialog],
              act: Callable[[Any], None]) -> list[Any]:
    """Replace ``cls.exec`` by ``act(dialog)``; returns the list of dialogs seen."""
    seen: list[Any] = []

    def exec_(dialog: Any) -> int:
        seen.append(dialog)
        act(dialog)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def choose(monkeypatch: pytest.MonkeyPatch, *choices: Choice) -> list[ChoiceDialog]:
    """Answer the start-up problem dialogs with ``choices`` in turn."""
    answers = list(choices)
    seen: list[ChoiceDialog] = []

    def exec_(dialog: ChoiceDialog) -> int:
        seen.append(dialog)
        return int(answers.pop(0))

    monkeypatch.setattr(ChoiceDialog, "exec", exec_)
    return seen


def logged_in_shell(monkeypatch: pytest.MonkeyPatch, db: Database, login: str) -> Shell:
    fake_exec(monkeypatch, LoginDialog, lambda d: log_in(d, login, PASSWORD))
    shell = Shell(db.url, SyncRunner())
    shell.start()
    assert shell.window is not None
    return shell


def close_shell(shell: Shell) -> None:
    shell.quit(0)


# -- log-in -----------------------------------------------------------------------------------

def test_login_with_right_password(qtbot: Any, sqlite_db: Database) -> None:
    add_user(sqlite_db, Role.CLERK, "mara")
    dialog = LoginDialog(sqlite_db, SyncRunner())
    qtbot.addWidget(dialog)
    log_in(dialog, "mara", PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    session = dialog.result_value
    operator, user = session.operator, session.info
    assert (operator.login, operator.role, user.full_name) == ("mara", Role.CLERK, "Mara Test")
    assert session.db is sqlite_db  # SQLite: no connection of the person's own
    assert "this computer's user account is what protects it" in dialog.where.text()


def test_wrong_password_is_shown_next_to_the_password_and_enter_submits(
        qtbot: Any, sqlite_db: Database) -> None:
    add_user(sqlite_db, Role.CLERK, "mara")
    dialog = LoginDialog(sqlite_db, SyncRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.field("login"), "mara")
    qtbot.keyClicks(dialog.field("password"), "wrong-one")
    qtbot.keyClick(dialog.field("password"), Qt.Key.Key_Return)
    assert dialog.error_text("password") == "Wrong login or password."
    assert dialog.error_text("login") == ""
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.field("password").text() == ""  # ready for the next attempt


def test_tab_moves_through_the_login_form_in_reading_order(qtbot: Any,
                                                          sqlite_db: Database) -> None:
    dialog = LoginDialog(sqlite_db, SyncRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.field("login").setFocus()
    order = []
    for _step in range(4):
        order.append(dialog.focusWidget())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert order[:3] == [dialog.field("login"), dialog.field("password"),
                         dialog.field("language")]
    assert order[3] is dialog.buttons.button(dialog.buttons.StandardButton.Ok)


def test_five_failures_lock_the_account(qtbot: Any, sqlite_db: Database) -> None:
    add_user(sqlite_db, Role.CLERK, "mara")
    dialog = LoginDialog(sqlite_db, SyncRunner())
    qtbot.addWidget(dialog)
    for _attempt in range(4):
        log_in(dialog, "mara", "wrong-one")
        assert dialog.error_text("password") == "Wrong login or password."
    log_in(dialog, "mara", "wrong-one")
    assert "locked for 15 minutes" in dialog.error_text("password")
    log_in(dialog, "mara", PASSWORD)  # the right password no longer helps
    assert "locked" in dialog.error_text("login")
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_escape_cancels_the_login(qtbot: Any, sqlite_db: Database) -> None:
    dialog = LoginDialog(sqlite_db, SyncRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.field("login"), Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


def test_users_stored_language_is_applied_after_login(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database,
        specs: list[tabs.TabSpec]) -> None:
    add_user(sqlite_db, Role.CLERK, "mara")
    users.set_language(sqlite_db, users.authenticate(sqlite_db, "mara", PASSWORD)[0], "sq")
    shell = logged_in_shell(monkeypatch, sqlite_db, "mara")
    assert i18n.current().language == "sq"
    close_shell(shell)


def test_language_picked_at_login_wins_and_is_stored(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database,
        specs: list[tabs.TabSpec], isolated_settings: Path) -> None:
    add_user(sqlite_db, Role.CLERK, "mara")

    def pick_albanian(dialog: LoginDialog) -> None:
        dialog.field("language").setCurrentIndex(dialog.field("language").findData("sq"))
        assert dialog.windowTitle() == i18n.translator("sq")("Log in")
        log_in(dialog, "mara", PASSWORD)

    fake_exec(monkeypatch, LoginDialog, pick_albanian)
    shell = Shell(sqlite_db.url, SyncRunner())
    shell.start()
    assert i18n.current().language == "sq"
    assert users.authenticate(sqlite_db, "mara", PASSWORD)[1].language == "sq"
    assert json.loads(isolated_settings.read_text())["language"] == "sq"
    close_shell(shell)


# -- start-up ---------------------------------------------------------------------------------

def test_first_start_creates_the_schema_and_the_administrator(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        specs: list[tabs.TabSpec]) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'office.sqlite3'}"

    def fill(dialog: FirstAdminDialog) -> None:
        dialog.field("full_name").setText("Ana Admin")
        dialog.field("password").setText("admin-pass")
        dialog.field("repeat").setText("admin-pasS")
        dialog.submit()
        assert dialog.error_text("repeat") == "The two passwords differ; type them again."
        dialog.field("repeat").setText("admin-pass")
        dialog.submit()

    seen = fake_exec(monkeypatch, FirstAdminDialog, fill)
    shell = Shell(url, SyncRunner())
    shell.start()
    assert len(seen) == 1 and shell.window is not None
    assert shell.window.context.operator.role is Role.ADMIN
    assert shell.window.context.user.full_name == "Ana Admin"
    db = Database(url)
    assert schema_status(db).state is SchemaState.CURRENT
    assert [u.login for u in users.list_users(db, SYSTEM)] == ["admin"]
    db.dispose()
    close_shell(shell)


def test_cancelling_the_first_administrator_quits(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database) -> None:
    fake_exec(monkeypatch, FirstAdminDialog, lambda d: d.reject())
    shell = Shell(sqlite_db.url, SyncRunner())
    shell.start()
    assert shell.exit_code == 0 and shell.window is None


def test_unreachable_database_shows_the_connection_dialog_not_a_traceback(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = choose(monkeypatch, Choice.RETRY, Choice.QUIT)
    shell = Shell(UNREACHABLE, SyncRunner())
    shell.start()
    assert len(seen) == 2  # retried once, then quit
    assert "127.0.0.1:1/x" in seen[0].where
    assert "cannot be reached" in seen[0].detail
    assert seen[0].choices == [Choice.RETRY, Choice.CHANGE, Choice.QUIT]
    assert shell.exit_code == 0 and shell.window is None


def test_a_malformed_url_also_gets_the_dialog(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = choose(monkeypatch, Choice.QUIT)
    shell = Shell("no-such-driver://x", SyncRunner())
    shell.start()
    assert len(seen) == 1 and seen[0].detail
    assert shell.exit_code == 0


def test_change_connection_saves_the_url_and_retries(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        isolated_settings: Path, specs: list[tabs.TabSpec]) -> None:
    choose(monkeypatch, Choice.CHANGE)
    path = tmp_path / "desk.sqlite3"

    def to_sqlite(dialog: ConnectionDialog) -> None:
        assert dialog.field("host").text() == "127.0.0.1"
        assert dialog.field("port").value() == 1
        dialog.kind.setCurrentIndex(dialog.kind.findData("sqlite"))
        dialog.submit()
        assert dialog.error_text("path").startswith("File:")
        dialog.field("path").setText(str(path))
        dialog.submit()

    fake_exec(monkeypatch, ConnectionDialog, to_sqlite)
    admins = fake_exec(monkeypatch, FirstAdminDialog, lambda d: (
        d.field("password").setText("admin-pass"), d.field("repeat").setText("admin-pass"),
        d.submit()))
    shell = Shell(UNREACHABLE, SyncRunner())
    shell.start()
    assert json.loads(isolated_settings.read_text())["db_url"] == f"sqlite:///{path}"
    assert len(admins) == 1 and shell.window is not None
    assert path.exists()
    close_shell(shell)


def test_run_gui_on_an_unreachable_server_returns_instead_of_raising(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = choose(monkeypatch, Choice.QUIT)
    assert app_module.run_gui(UNREACHABLE, "en") == 0
    assert len(seen) == 1


def test_older_schema_is_upgraded_by_an_administrator_only(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database,
        specs: list[tabs.TabSpec]) -> None:
    add_user(sqlite_db, Role.ADMIN, "boss")
    add_user(sqlite_db, Role.CASHIER, "kasa")
    head = schema_status(sqlite_db).program_revision
    statuses = [SchemaStatus(SchemaState.OLDER, "0000", head)]
    real = app_module.schema_status
    monkeypatch.setattr(app_module, "schema_status",
                        lambda db: statuses.pop(0) if statuses else real(db))
    seen = choose(monkeypatch, Choice.UPGRADE)

    def upgrade_as(dialog: UpgradeDialog) -> None:
        log_in(dialog, "kasa", PASSWORD)
        assert dialog.error_text("login") == "Only an administrator can upgrade the database."
        log_in(dialog, "boss", PASSWORD)

    upgrades = fake_exec(monkeypatch, UpgradeDialog, upgrade_as)
    logins = fake_exec(monkeypatch, LoginDialog, lambda d: log_in(d, "boss", PASSWORD))
    shell = Shell(sqlite_db.url, SyncRunner())
    shell.start()
    assert seen[0].choices == [Choice.UPGRADE, Choice.CHANGE, Choice.QUIT]
    assert "0000" in seen[0].detail
    assert len(upgrades) == 1 and len(logins) == 1 and shell.window is not None
    close_shell(shell)


def test_newer_schema_asks_for_the_newer_program(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database) -> None:
    monkeypatch.setattr(app_module, "schema_status",
                        lambda db: SchemaStatus(SchemaState.NEWER, "9999", "0001"))
    seen = choose(monkeypatch, Choice.QUIT)
    shell = Shell(sqlite_db.url, SyncRunner())
    shell.start()
    assert seen[0].choices == [Choice.CHANGE, Choice.QUIT]
    assert "newer version" in seen[0].message
    assert shell.exit_code == 0


# -- the main window --------------------------------------------------------------------------

def test_tabs_follow_the_role(qtbot: Any, login_as: Callable[..., AppContext],
                              specs: list[tabs.TabSpec]) -> None:
    cashier = MainWindow(login_as(Role.CASHIER))
    admin = MainWindow(login_as(Role.ADMIN))
    qtbot.addWidget(cashier)
    qtbot.addWidget(admin)
    assert "customers" in cashier.tab_keys()
    assert not {"users", "network"} & set(cashier.tab_keys())
    assert "Users" not in cashier.tab_titles()
    assert "Zones and readers" not in cashier.tab_titles()
    assert admin.tab_keys() == [spec.key for spec in specs]  # an administrator sees them all
    assert {"Users", "Zones and readers"} <= set(admin.tab_titles())


def test_a_tab_is_refreshed_when_first_shown(qtbot: Any, app_context: AppContext,
                                             specs: list[tabs.TabSpec]) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    first_key = window.tab_keys()[0]  # the cash desk for roles that take payments
    first, network = window.tab(first_key), window.tab("network")
    assert isinstance(first, FakeTab) and isinstance(network, FakeTab)
    assert (first.refreshed, network.refreshed) == (1, 0)
    window.show_tab("network")
    window.show_tab(first_key)
    window.show_tab("network")
    assert (first.refreshed, network.refreshed) == (1, 1)
    window.action_refresh.trigger()
    assert network.refreshed == 2


def test_menus_have_mnemonics_and_the_four_languages(qtbot: Any, app_context: AppContext,
                                                     specs: list[tabs.TabSpec]) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    titles = [window.file_menu.title(), window.settings_menu.title(), window.help_menu.title()]
    assert all("&" in title for title in titles)
    assert list(window.language_actions) == list(i18n.LANGUAGES)
    assert window.language_actions["en"].isChecked()


def test_switching_language_rebuilds_the_window_in_that_language(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database,
        specs: list[tabs.TabSpec], isolated_settings: Path) -> None:
    monkeypatch.setitem(i18n.translator("sq")._messages, "&File", "&Skedari")
    add_user(sqlite_db, Role.ADMIN, "boss")
    shell = logged_in_shell(monkeypatch, sqlite_db, "boss")
    old = shell.window
    assert old is not None and old.file_menu.title() == "&File"
    old.show_tab("users")
    old.language_actions["sq"].trigger()
    new = shell.window
    assert new is not None and new is not old
    assert new.file_menu.title() == "&Skedari"
    assert new.language_actions["sq"].isChecked()
    assert new.current_tab_key() == "users"
    assert shell.exit_code is None  # rebuilding is not quitting
    assert users.authenticate(sqlite_db, "boss", PASSWORD)[1].language == "sq"
    assert json.loads(isolated_settings.read_text())["language"] == "sq"
    close_shell(shell)


def test_switch_user_logs_in_again(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                   sqlite_db: Database, specs: list[tabs.TabSpec]) -> None:
    add_user(sqlite_db, Role.ADMIN, "boss")
    add_user(sqlite_db, Role.CASHIER, "kasa")
    shell = logged_in_shell(monkeypatch, sqlite_db, "boss")
    assert shell.window is not None
    fake_exec(monkeypatch, LoginDialog, lambda d: log_in(d, "kasa", PASSWORD))
    shell.window.action_switch_user.trigger()
    assert shell.window is not None
    assert shell.window.context.operator.login == "kasa"
    assert "users" not in shell.window.tab_keys()
    close_shell(shell)


def test_changing_the_connection_from_the_menu_reconnects(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database, tmp_path: Path,
        specs: list[tabs.TabSpec], isolated_settings: Path, message_boxes: Any) -> None:
    add_user(sqlite_db, Role.ADMIN, "boss")
    shell = logged_in_shell(monkeypatch, sqlite_db, "boss")
    other = tmp_path / "other.sqlite3"

    def to_other(dialog: ConnectionDialog) -> None:
        dialog.field("path").setText(str(other))
        dialog.submit()

    fake_exec(monkeypatch, ConnectionDialog, to_other)
    admins = fake_exec(monkeypatch, FirstAdminDialog, lambda d: (
        d.field("password").setText("admin-pass"), d.field("repeat").setText("admin-pass"),
        d.submit()))
    assert shell.window is not None
    shell.window.action_connection.trigger()
    assert message_boxes.texts("question")  # asked before dropping the session
    assert json.loads(isolated_settings.read_text())["db_url"] == f"sqlite:///{other}"
    assert len(admins) == 1 and shell.window is not None
    assert shell.window.context.db.url == f"sqlite:///{other}"
    close_shell(shell)


def test_closing_the_main_window_quits(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                       sqlite_db: Database, specs: list[tabs.TabSpec]) -> None:
    add_user(sqlite_db, Role.CLERK, "mara")
    shell = logged_in_shell(monkeypatch, sqlite_db, "mara")
    assert shell.window is not None
    shell.window.close()
    assert shell.exit_code == 0 and shell.window is None


def test_quitting_before_the_event_loop_leaves_later_event_loops_working(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database,
        specs: list[tabs.TabSpec]) -> None:
    # The user quits during start-up (before app.exec()); a modal dialog or a wait opened
    # afterwards in the same process must still run its event loop instead of returning at once.
    add_user(sqlite_db, Role.CLERK, "mara")
    shell = logged_in_shell(monkeypatch, sqlite_db, "mara")
    close_shell(shell)
    assert shell.exit_code == 0
    fired: list[int] = []
    loop = QEventLoop()
    QTimer.singleShot(0, lambda: fired.append(1))
    QTimer.singleShot(50, loop.quit)
    loop.exec()
    assert fired == [1]


def test_status_bar_shows_user_role_database_and_period(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, login_as: Callable[..., AppContext],
        specs: list[tabs.TabSpec]) -> None:
    periods = types.ModuleType("office_app.services.periods")
    periods.__spec__ = importlib.machinery.ModuleSpec(periods.__name__, None)
    periods.current_period_label = lambda db: "11/2026"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, periods.__name__, periods)
    context = login_as(Role.CASHIER, "kasa")
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.user_label.text() == "Kasa (KASA)"
    assert window.role_label.text() == "Cashier"
    assert window.database_label.toolTip() == context.db.display_url
    assert window.period_label.text() == "Billing period: 11/2026"
    window.set_period_text("")
    assert window.period_label.isHidden()


def test_about_shows_version_database_and_schema_revision(
        qtbot: Any, app_context: AppContext) -> None:
    dialog = AboutDialog(app_context)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert __version__ in texts
    assert app_context.db.display_url in texts
    assert schema_status(app_context.db).database_revision in texts


def test_connection_dialog_round_trips_a_server_url(qtbot: Any) -> None:
    url = "postgresql+psycopg2://office:p%40ss@db.local:5433/office"
    dialog = ConnectionDialog(url, SyncRunner())
    qtbot.addWidget(dialog)
    assert dialog.field("password").text() == "p@ss"
    assert dialog.url() == url
    dialog.field("host").setText("")
    dialog.submit()
    assert dialog.error_text("host").startswith("Server:")


def test_connection_dialog_tests_the_connection(qtbot: Any, sqlite_db: Database) -> None:
    dialog = ConnectionDialog(sqlite_db.url, SyncRunner())
    qtbot.addWidget(dialog)
    dialog.test_button.click()
    assert dialog.test_result.text() == "The connection works; the database is ready."
    dialog.set_url(UNREACHABLE)
    dialog.test_button.click()
    assert "cannot be reached" in dialog.test_result.text()
