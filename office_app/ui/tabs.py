"""The main window's tabs. A tab is listed here only when its register really works; it is shown
to a user whose role has its permission. Each tab package exposes ``create_tab(context)``
returning a QWidget with a ``refresh()`` method."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from office_app.errors import N_
from office_app.services.permissions import Permission
from office_app.ui.context import AppContext


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: str          # msgid, translated when the window is built
    module: str         # package with create_tab(context)
    permission: Permission

    def factory(self) -> Callable[[AppContext], QWidget]:
        return importlib.import_module(self.module).create_tab  # type: ignore[no-any-return]


TAB_SPECS: list[TabSpec] = [
    # First: the tab a cashier works in all day.
    TabSpec("cashdesk", N_("Cash desk"), "office_app.ui.cashdesk", Permission.POST_PAYMENTS),
    TabSpec("customers", N_("Customers"), "office_app.ui.customers", Permission.VIEW_CUSTOMERS),
    TabSpec("readings", N_("Reading books"), "office_app.ui.readings", Permission.KEY_READINGS),
    TabSpec("billing", N_("Billing"), "office_app.ui.billing", Permission.VIEW_LEDGER),
    TabSpec("collection", N_("Collection"), "office_app.ui.collection", Permission.VIEW_LEDGER),
    TabSpec("legal", N_("Litigation"), "office_app.ui.legal", Permission.MANAGE_LEGAL),
    TabSpec("complaints", N_("Complaint book"), "office_app.ui.complaints",
            Permission.MANAGE_COMPLAINTS),
    TabSpec("plans", N_("Installment plans"), "office_app.ui.plans", Permission.VIEW_LEDGER),
    TabSpec("statements", N_("Statements"), "office_app.ui.statements",
            Permission.POST_PAYMENTS),
    TabSpec("network", N_("Zones and readers"), "office_app.ui.network", Permission.EDIT_NETWORK),
    TabSpec("users", N_("Users"), "office_app.ui.users", Permission.MANAGE_USERS),
    TabSpec("audit", N_("Audit"), "office_app.ui.audit", Permission.VIEW_AUDIT),
    TabSpec("retention", N_("Retention"), "office_app.ui.retention",
            Permission.ARCHIVE_RECORDS),
]
