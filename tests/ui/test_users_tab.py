"""The Users tab: list, add, disable/enable, new password and unlock."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from office_app import i18n
from office_app.errors import AuthenticationError
from office_app.services import users
from office_app.services.cashdesk import drawers
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.users import MAX_FAILED_ATTEMPTS
from office_app.ui.context import AppContext
from office_app.ui.users import UsersWidget, create_tab
from office_app.ui.users.dialogs import AddUserDialog, ResetPasswordDialog
from office_app.ui.users.model import UsersTableModel
from tests.conftest import TEST_OFFICE

pytestmark = pytest.mark.ui


@pytest.fixture(autouse=True)
def english() -> None:
    """These tests read the English msgids (the conftest restores the default afterwards)."""
    i18n.set_language("en")
PASSWORD = "secret-1"


@pytest.fixture
def tab(qtbot: Any, app_context: AppContext) -> UsersWidget:
    widget = create_tab(app_context)
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


def on_exec(monkeypatch: pytest.MonkeyPatch, cls: type[QDialog],
            act: Callable[[Any], None]) -> list[Any]:
    seen: list[Any] = []

    def exec_(dialog: Any) -> int:
        seen.append(dialog)
        act(dialog)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def column_texts(tab: UsersWidget, column: str) -> list[str]:
    index = [name for name, _label in UsersTableModel.COLUMNS].index(column)
    return [tab.model.index(row, index).data() for row in range(tab.model.rowCount())]


def fill_new_user(dialog: AddUserDialog, login: str, role: Role, repeat: str = PASSWORD) -> None:
    dialog.field("full_name").setText("Jelena Đukić")
    dialog.field("login").setText(login)
    dialog.field("role").setCurrentIndex(dialog.field("role").findData(role.value))
    dialog.field("password").setText(PASSWORD)
    dialog.field("repeat").setText(repeat)
    dialog.submit()


def test_model_passes_the_model_tester(qtmodeltester: Any, make_user: Callable[..., Any],
                                       sqlite_db: Any, app_context: AppContext) -> None:
    make_user(Role.CASHIER, "kasa")
    model = UsersTableModel()
    model.set_users(users.list_users(sqlite_db, app_context.operator))
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_lists_users_with_translated_roles(tab: UsersWidget,
                                           make_user: Callable[..., Any]) -> None:
    make_user(Role.CASHIER, "kasa")
    tab.refresh()
    assert column_texts(tab, "login") == ["admin", "kasa"]
    assert column_texts(tab, "role") == ["Administrator", "Cashier"]
    assert column_texts(tab, "state") == ["Active", "Active"]


def test_adds_a_user_through_the_dialog(tab: UsersWidget,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: AddUserDialog) -> None:
        fill_new_user(dialog, "jelena", Role.CLERK, repeat="other-1")
        assert dialog.error_text("repeat") == "The two passwords differ; type them again."
        fill_new_user(dialog, "Admin", Role.CLERK)  # normalised to "admin", which is taken
        assert "admin is taken" in dialog.error_text("login")
        fill_new_user(dialog, "jelena", Role.CLERK)

    seen = on_exec(monkeypatch, AddUserDialog, fill)
    tab.add_user()
    assert len(seen) == 1 and seen[0].result() == QDialog.DialogCode.Accepted
    assert column_texts(tab, "login") == ["admin", "jelena"]
    assert tab.selected_user() is not None and tab.selected_user().login == "jelena"
    assert tab.selected_user().full_name == "Jelena Đukić"
    assert tab.selected_user().code == "JELENA"
    assert tab.selected_user().role is Role.CLERK


def test_disables_and_enables_a_user(tab: UsersWidget, make_user: Callable[..., Any],
                                     sqlite_db: Any, message_boxes: Any) -> None:
    make_user(Role.CASHIER, "kasa")
    cashier = users.authenticate(sqlite_db, "kasa", PASSWORD)[0]
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    drawers.open_drawer(sqlite_db, cashier, "K1", "50.00")
    tab.refresh(select="kasa")
    assert tab.active_button.text() == "&Disable"
    message_boxes.answer = QMessageBox.StandardButton.No
    tab.active_button.click()
    assert column_texts(tab, "state") == ["Active", "Active"]  # the user said no
    # asked once, with what it leaves: nobody else in the role, the drawer still open
    [question] = message_boxes.texts("question")
    assert "Active users left in the role Cashier: 0." in question
    assert "Open cash drawers of this user: 1" in question
    message_boxes.answer = QMessageBox.StandardButton.Yes
    tab.active_button.click()
    assert len(message_boxes.texts("question")) == 2
    assert column_texts(tab, "state") == ["Active", "Disabled"]
    assert tab.selected_user() is not None and tab.selected_user().login == "kasa"
    with pytest.raises(AuthenticationError):
        users.authenticate(sqlite_db, "kasa", PASSWORD)
    assert tab.active_button.text() == "&Enable"
    tab.active_button.click()
    assert column_texts(tab, "state") == ["Active", "Active"]
    assert users.authenticate(sqlite_db, "kasa", PASSWORD)[0].login == "kasa"


def test_cannot_disable_ones_own_account(tab: UsersWidget) -> None:
    tab.select_login("admin")
    assert not tab.active_button.isEnabled()
    assert tab.reset_button.isEnabled()


def test_new_password_unlocks_a_locked_account(tab: UsersWidget, make_user: Callable[..., Any],
                                               sqlite_db: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(Role.CLERK, "mara")
    for _attempt in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            users.authenticate(sqlite_db, "mara", "wrong-one")
    tab.refresh(select="mara")
    assert column_texts(tab, "state")[1].startswith("Locked until ")

    def new_password(dialog: ResetPasswordDialog) -> None:
        dialog.field("password").setText("abc")
        dialog.field("repeat").setText("abc")
        dialog.submit()
        assert dialog.error_text("password") == "Password: use at least 6 characters."
        dialog.field("password").setText("fresh-pass")
        dialog.field("repeat").setText("fresh-pass")
        dialog.submit()

    seen = on_exec(monkeypatch, ResetPasswordDialog, new_password)
    tab.reset_button.click()
    assert len(seen) == 1 and seen[0].user.login == "mara"
    assert column_texts(tab, "state") == ["Active", "Active"]
    assert users.authenticate(sqlite_db, "mara", "fresh-pass")[0].login == "mara"


def test_errors_from_the_service_are_shown(qtbot: Any, message_boxes: Any,
                                           login_as: Callable[..., AppContext]) -> None:
    # A supervisor's context (no MANAGE_USERS) reaching the tab anyway is refused by the
    # service, and the refusal is shown, not raised.
    widget = create_tab(login_as(Role.SUPERVISOR))
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.model.rowCount() == 0
    assert message_boxes.texts("warning") == [
        "Your role (Supervisor) does not allow this."]
