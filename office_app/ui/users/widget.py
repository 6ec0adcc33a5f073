"""The Users tab's widget: the list of users and the actions on the selected one."""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.i18n import _
from office_app.services import users
from office_app.services.permissions import ROLE_LABELS
from office_app.services.users import UserInfo
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error
from office_app.ui.icons import icon as icon_of
from office_app.ui.users.dialogs import AddUserDialog, ResetPasswordDialog
from office_app.ui.users.model import UsersTableModel, is_locked

COLUMN_PADDING = 24


class UsersWidget(QWidget):
    sig_users_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = UsersTableModel()
        self.table = self._make_table()
        layout = QVBoxLayout(self)
        layout.addLayout(self._make_buttons())
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        table.doubleClicked.connect(lambda _index: self.reset_password())
        return table

    def _make_buttons(self) -> QHBoxLayout:
        self.add_button = self._button(_("&Add user…"), "user_add", self.add_user)
        self.active_button = self._button(_("&Disable"), "user_off", self.toggle_active)
        self.reset_button = self._button(_("&New password / unlock…"), "password",
                                         self.reset_password)
        self.add_button.setToolTip(_("Add a user (Insert)"))
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, self.add_user,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        row = QHBoxLayout()
        for button in (self.add_button, self.active_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    @staticmethod
    def _button(text: str, icon: str, slot: object) -> QPushButton:
        button = QPushButton(icon_of(icon), text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    # -- data --------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """Reload the users; keep (or move) the selection to login ``select``."""
        current = self.selected_user()
        keep = select or (current.login if current is not None else None)
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: users.list_users(db, operator),
                                lambda result: self._on_users_loaded(result, keep),
                                self._on_error)

    def _on_users_loaded(self, result: list[UserInfo], select: str | None) -> None:
        self.model.set_users(result)
        self._fit_columns()
        row = self.model.row_of(select) if select else -1
        self.table.selectRow(row if row >= 0 else 0)
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Columns as wide as their contents plus some air (an office has few users)."""
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount() - 1):
            self.table.setColumnWidth(column, self.table.columnWidth(column) + COLUMN_PADDING)

    def selected_user(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.user_at(rows[0].row()) if rows else None

    def select_login(self, login: str) -> None:
        row = self.model.row_of(login)
        if row >= 0:
            self.table.selectRow(row)

    # -- actions -----------------------------------------------------------------------------
    def add_user(self) -> None:
        dialog = AddUserDialog(self.context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed(dialog.result_value.login)

    def toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        db, operator = self.context.db, self.context.operator
        if not user.active:
            self._set_active(user.login, True)
            return
        self.context.runner.run(lambda: users.disable_impact(db, operator, user.login),
                                self._confirm_disable, self._on_error)

    def _confirm_disable(self, impact: users.DisableImpact) -> None:
        """Ask once, with what it leaves: the others still in the role, the open drawers."""
        user = impact.user
        text = _("Disable {name} ({login})? The account stays on record but can no longer "
                 "log in.", name=user.full_name, login=user.login)
        text += "\n\n" + _("Active users left in the role {role}: {count}.",
                            role=_(ROLE_LABELS[user.role]),
                            count=impact.others_in_role)
        if impact.open_drawers:
            text += "\n" + _("Open cash drawers of this user: {count} (a supervisor closes "
                             "them).", count=impact.open_drawers)
        if QMessageBox.question(self, _("Disable user"), text) == \
                QMessageBox.StandardButton.Yes:
            self._set_active(user.login, False)

    def _set_active(self, login: str, active: bool) -> None:
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: users.set_active(db, operator, login, active),
                                lambda info: self._changed(info.login), self._on_error)

    def reset_password(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        dialog = ResetPasswordDialog(self.context, user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed(user.login)

    def _changed(self, login: str) -> None:
        self.refresh(select=login)
        self.sig_users_changed.emit()

    def _on_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    # -- state -------------------------------------------------------------------------------
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.active_button.setEnabled(user is not None
                                      and user.login != self.context.operator.login)
        self.reset_button.setEnabled(user is not None)
        enable = user is not None and not user.active
        self.active_button.setText(_("&Enable") if enable else _("&Disable"))
        self.active_button.setIcon(icon_of("user_on" if enable else "user_off"))
        if user is not None and is_locked(user):
            self.reset_button.setToolTip(_("The account is locked; a new password unlocks it."))
        else:
            self.reset_button.setToolTip("")
