"""Dialogs open with the focus on their first field; Enter accepts only a valid form and keeps
what was typed when it refuses; Escape cancels. The reset-password/unlock dialog opened with
the focus on OK, typing went nowhere, and Enter on Cancel left the clerk locked."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language
from office_app.services import users
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.ui.billing.widget import BillingWidget
from office_app.ui.context import AppContext
from office_app.ui.users.dialogs import AddUserDialog, ResetPasswordDialog
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, make_operator


def _open(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def test_reset_password_dialog_types_into_the_first_field_and_enter_unlocks(
        qtbot: QtBot, app_context: AppContext, make_user: Callable[..., users.UserInfo]) -> None:
    clerk = make_user(Role.CLERK, "locked1")
    dialog = _open(qtbot, ResetPasswordDialog(app_context, clerk))
    assert dialog.focusWidget() is dialog.field("password")
    qtbot.keyClicks(dialog.focusWidget(), "brand-new-1")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.field("repeat")
    qtbot.keyClicks(dialog.field("repeat"), "brand-new-2")
    qtbot.keyClick(dialog.field("repeat"), Qt.Key.Key_Return)
    # refused: still open, the message next to the field, nothing typed is lost
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_text("repeat")
    assert dialog.field("password").text() == "brand-new-1"
    dialog.field("repeat").setText("brand-new-1")
    qtbot.keyClick(dialog.field("repeat"), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    users.authenticate(app_context.db, "locked1", "brand-new-1")  # the new password works


@pytest.mark.parametrize("make", [
    lambda ctx, user: ResetPasswordDialog(ctx, user),
    lambda ctx, user: AddUserDialog(ctx),
])
def test_escape_cancels_and_saves_nothing(
        qtbot: QtBot, app_context: AppContext, make_user: Callable[..., users.UserInfo],
        make: Callable[..., QDialog]) -> None:
    clerk = make_user(Role.CLERK)
    dialog = _open(qtbot, make(app_context, clerk))
    first = dialog.focusWidget()
    assert first is not None and first is dialog.first_field()  # type: ignore[attr-defined]
    qtbot.keyClicks(first, "x")
    qtbot.keyClick(first, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert len(users.list_users(app_context.db, app_context.operator)) == 2


def test_billing_run_says_what_it_will_post_and_asks_once(
        qtbot: QtBot, login_as: Callable[..., AppContext], sqlite_db: Database,
        message_boxes: Any) -> None:
    set_language("en")
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    build_office(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"),
                 make_operator(Role.CLERK, "CLK1"))
    page = BillingWidget(login_as(Role.SUPERVISOR)).run_page
    assert page is not None
    qtbot.addWidget(page)
    page.period.setText(PERIOD)
    message_boxes.answer = QMessageBox.StandardButton.No
    page.run_billing()
    [question] = message_boxes.texts("question")
    assert f"Period {PERIOD}: 3 invoices will be made and 0 points held back" in question
    assert page.runs_model.rowCount() == 0  # declined: nothing ran
    message_boxes.answer = QMessageBox.StandardButton.Yes
    page.run_billing()
    assert len(message_boxes.texts("question")) == 2  # asked once per run
    assert page.runs_model.rowCount() == 1
    assert "3 invoices made" in page.status.text()


def test_a_form_opens_as_tall_as_its_content_after_a_tall_session(
        qtbot: QtBot, app_context: AppContext) -> None:
    """After a lockout the login dialog grew for its messages and saved that height; the next
    start opened tall and gappy."""
    from office_app.ui.login import LoginDialog

    first = LoginDialog(app_context.db, app_context.runner)
    qtbot.addWidget(first)
    first.show()
    natural = first.height()
    first.resize(first.width() + 40, natural + 400)   # grown for error messages
    first.reject()                                     # geometry saved on close
    again = _open(qtbot, LoginDialog(app_context.db, app_context.runner))
    assert again.height() <= natural + 2
    assert again.width() == first.width()              # the user's width is kept
