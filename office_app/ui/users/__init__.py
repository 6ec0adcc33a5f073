"""The Users tab: list users, add one, disable or enable, reset a password (which also lifts a
lock after failed log-ins). Shown to roles with Permission.MANAGE_USERS."""
from __future__ import annotations

from office_app.ui.context import AppContext
from office_app.ui.users.widget import UsersWidget


def create_tab(context: AppContext) -> UsersWidget:
    return UsersWidget(context)


__all__ = ["UsersWidget", "create_tab"]
