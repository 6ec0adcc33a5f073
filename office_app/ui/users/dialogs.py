"""Add a user; set a new password (which also unlocks the account)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from office_app.i18n import _, current
from office_app.services import users
from office_app.services.permissions import ROLE_LABELS, Role
from office_app.services.users import MIN_PASSWORD_LENGTH, UserInfo
from office_app.ui.connection import HINT_STYLE, column, fit_width
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog
from office_app.ui.login import check_repeated, language_combo, line_edit, password_edit


def role_combo(selected: Role = Role.CLERK) -> QComboBox:
    combo = QComboBox()
    for role, label in ROLE_LABELS.items():
        combo.addItem(_(label), role.value)
    combo.setCurrentIndex(max(combo.findData(selected.value), 0))
    return combo


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


class AddUserDialog(BaseDialog):
    """A new user account; ``result_value`` is its UserInfo."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add user"), context.runner, parent)
        self.context = context
        self.add_row("full_name", _("Full &name"), line_edit(120))
        self.add_row("login", _("&Login"), line_edit(40))
        self.add_row("code", _("Operator &code"),
                     line_edit(20, placeholder=_("the login, in capitals")))
        self.add_row("role", _("&Role"), role_combo())
        self.add_row("language", _("L&anguage"), language_combo(current().language))
        self.add_row("password", _("&Password"), password_edit())
        self.add_row("repeat", _("R&epeat password"), password_edit())
        column(self).insertWidget(2, hint(_(
            "The password has at least {count} characters. Give it to the user in person; "
            "they can keep it or ask an administrator for a new one.",
            count=MIN_PASSWORD_LENGTH)))
        fit_width(self, 460)

    def save(self) -> Callable[[], Any]:
        password = self.field("password").text()
        check_repeated(password, self.field("repeat").text())
        db, operator = self.context.db, self.context.operator
        values = {name: self.field(name).text()
                  for name in ("login", "full_name", "code")}
        role = self.field("role").currentData()
        language = self.field("language").currentData()
        return lambda: users.add_user(db, operator, values["login"], role, password,
                                      values["full_name"], values["code"], language)


class ResetPasswordDialog(BaseDialog):
    """A new password for ``user``; lifts the lock after failed log-ins too."""

    def __init__(self, context: AppContext, user: UserInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New password for {login}", login=user.login), context.runner,
                         parent)
        self.context, self.user = context, user
        column(self).insertWidget(0, hint(_(
            "{name} ({login}) gets a new password; a lock after failed log-ins is lifted.",
            name=user.full_name, login=user.login)))
        self.add_row("password", _("New &password"), password_edit())
        self.add_row("repeat", _("&Repeat password"), password_edit())
        fit_width(self, 420)

    def save(self) -> Callable[[], Any]:
        password = self.field("password").text()
        check_repeated(password, self.field("repeat").text())
        db, operator, login = self.context.db, self.context.operator, self.user.login
        return lambda: users.reset_password(db, operator, login, password)
