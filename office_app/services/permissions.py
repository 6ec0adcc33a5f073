"""Roles and what they may do. The GUI hides tabs by these, and every service checks them
again, so a cashier calling a register-editing service is refused even without the GUI."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from office_app.errors import N_, PermissionDenied


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CASHIER = "cashier"
    CLERK = "clerk"
    LEGAL = "legal"
    AUDITOR = "auditor"


ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.CASHIER: N_("Cashier"),
    Role.CLERK: N_("Data-entry clerk"),
    Role.LEGAL: N_("Legal office"),
    Role.AUDITOR: N_("Auditor (read only)"),
}


class Permission(enum.StrEnum):
    VIEW_CUSTOMERS = "view_customers"
    EDIT_CUSTOMERS = "edit_customers"
    SET_CUSTOMER_STATUS = "set_customer_status"
    EDIT_NETWORK = "edit_network"          # zones and meter readers
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    UPGRADE_SCHEMA = "upgrade_schema"
    KEY_READINGS = "key_readings"          # key books, import, field records, meter events
    MANAGE_PERIODS = "manage_periods"      # billing orders: open, close, plausibility rules
    VIEW_LEDGER = "view_ledger"            # invoices and financial cards
    PRINT_INVOICES = "print_invoices"      # batch print, copies, statements, card copies
    MANAGE_TARIFFS = "manage_tariffs"      # tariffs, VAT and statutory interest rates
    RUN_BILLING = "run_billing"            # billing run, monthly interest run
    CORRECT_INVOICES = "correct_invoices"  # credit and debit notes
    POST_PAYMENTS = "post_payments"        # payments, subsidies, compensations on the card
    MANAGE_LEGAL = "manage_legal"          # litigation register: cases, proposals, court costs
    MANAGE_COMPLAINTS = "manage_complaints"  # complaint book (customer care)
    COLLECT_DEBT = "collect_debt"          # warnings, disconnection and reconnection orders
    SUPERVISE_CASH = "supervise_cash"      # storno, slip reprints, closing a forgotten drawer
    ARCHIVE_RECORDS = "archive_records"    # retention: archive records past their keeping period


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: frozenset({
        Permission.VIEW_CUSTOMERS, Permission.EDIT_CUSTOMERS, Permission.SET_CUSTOMER_STATUS,
        Permission.EDIT_NETWORK, Permission.VIEW_AUDIT, Permission.KEY_READINGS,
        Permission.MANAGE_PERIODS, Permission.VIEW_LEDGER, Permission.PRINT_INVOICES,
        Permission.MANAGE_TARIFFS, Permission.RUN_BILLING, Permission.CORRECT_INVOICES,
        Permission.POST_PAYMENTS, Permission.COLLECT_DEBT, Permission.MANAGE_LEGAL,
        Permission.MANAGE_COMPLAINTS, Permission.SUPERVISE_CASH, Permission.ARCHIVE_RECORDS}),
    Role.CLERK: frozenset({Permission.VIEW_CUSTOMERS, Permission.EDIT_CUSTOMERS,
                           Permission.KEY_READINGS, Permission.VIEW_LEDGER,
                           Permission.PRINT_INVOICES, Permission.MANAGE_COMPLAINTS}),
    Role.CASHIER: frozenset({Permission.VIEW_CUSTOMERS, Permission.VIEW_LEDGER,
                             Permission.PRINT_INVOICES, Permission.POST_PAYMENTS}),
    Role.LEGAL: frozenset({Permission.VIEW_CUSTOMERS, Permission.VIEW_LEDGER,
                           Permission.PRINT_INVOICES, Permission.MANAGE_LEGAL}),
    Role.AUDITOR: frozenset({Permission.VIEW_CUSTOMERS, Permission.VIEW_AUDIT,
                             Permission.VIEW_LEDGER}),
}


@dataclass(frozen=True)
class Operator:
    """The logged-in user on whose behalf a service runs."""

    user_id: int
    code: str
    login: str
    full_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            # The role is passed as its label msgid, which the UI translates.
            raise PermissionDenied(N_("Your role ({role}) does not allow this."),
                                   role=ROLE_LABELS[self.role])


#: The operator used by batch commands run by the IT service on the server.
SYSTEM = Operator(user_id=0, code="SYSTEM", login="system", full_name="System", role=Role.ADMIN)
