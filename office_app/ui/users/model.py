"""The users as a small table model (an office has dozens of users, not thousands)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from office_app.errors import N_
from office_app.i18n import LANGUAGES, _, current
from office_app.services.permissions import ROLE_LABELS
from office_app.services.users import UserInfo

Index = QModelIndex | QPersistentModelIndex
INACTIVE = QColor("#8a8a8a")
LOCKED = QColor("#b00020")


def is_locked(user: UserInfo, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or datetime.now(UTC))


def state_text(user: UserInfo) -> str:
    if not user.active:
        return _("Disabled")
    if is_locked(user) and user.locked_until is not None:
        return _("Locked until {time}",
                 time=current().datetime(user.locked_until.astimezone().replace(tzinfo=None)))
    return _("Active")


class UsersTableModel(QAbstractTableModel):
    COLUMNS = (
        ("login", N_("Login")),
        ("full_name", N_("Full name")),
        ("code", N_("Operator code")),
        ("role", N_("Role")),
        ("state", N_("State")),
        ("language", N_("Language")),
    )

    def __init__(self) -> None:
        super().__init__()
        self._users: list[UserInfo] = []

    def set_users(self, users: list[UserInfo]) -> None:
        self.beginResetModel()
        self._users = list(users)
        self.endResetModel()

    def user_at(self, row: int) -> UserInfo | None:
        return self._users[row] if 0 <= row < len(self._users) else None

    def row_of(self, login: str) -> int:
        return next((i for i, u in enumerate(self._users) if u.login == login), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return _(self.COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        user = self.user_at(index.row()) if index.isValid() else None
        if user is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(user, self.COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            if not user.active:
                return QBrush(INACTIVE)
            if is_locked(user) and self.COLUMNS[index.column()][0] == "state":
                return QBrush(LOCKED)
        if role == Qt.ItemDataRole.UserRole:
            return user
        return None

    @staticmethod
    def _text(user: UserInfo, column: str) -> str:
        if column == "role":
            return _(ROLE_LABELS[user.role])
        if column == "language":
            return LANGUAGES.get(user.language, user.language)
        if column == "state":
            return state_text(user)
        return str(getattr(user, column))
