"""The "Audit log" page of the detail view (roles with Permission.VIEW_AUDIT only): who changed
what on the customer, its points and meters, with old and new values."""
from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import audit
from office_app.services.audit import AuditRecord
from office_app.services.fields import LABELS
from office_app.ui.context import AppContext
from office_app.ui.customers.labels import (
    ACTION_LABELS,
    ENTITY_LABELS,
    FIELD_LABELS,
    local_datetime,
    yes_no,
)
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLEAN_FIELDS = {"socially_vulnerable", "two_rate", "active"}


def field_label(name: str | None) -> str:
    if not name:
        return ""
    return _(FIELD_LABELS.get(name) or LABELS.get(name) or name)


def value_text(field: str | None, value: str | None) -> str:
    """Stored audit values are plain text; dates and yes/no read as the office writes them."""
    if value is None:
        return ""
    if field in _BOOLEAN_FIELDS and value in ("0", "1"):
        return yes_no(value == "1")
    if _ISO_DATE.match(value):
        return current().date(date.fromisoformat(value))
    return value


AUDIT_COLUMNS = [
    Column(N_("When"), lambda a: local_datetime(a.at), width=18),
    Column(N_("Operator"), lambda a: a.operator_code, width=8),
    Column(N_("Record"), lambda a: f"{_(ENTITY_LABELS.get(a.entity, a.entity))} {a.entity_id}",
           width=18),
    Column(N_("Action"), lambda a: _(ACTION_LABELS.get(a.action, a.action)), width=14),
    Column(N_("Field"), lambda a: field_label(a.field), width=20),
    Column(N_("Old value"), lambda a: value_text(a.field, a.old_value), width=22,
           tooltip=lambda a: a.old_value or ""),
    Column(N_("New value"), lambda a: value_text(a.field, a.new_value), width=22,
           tooltip=lambda a: a.new_value or ""),
]


class AuditLogWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id: int | None = None
        self.model = ListTableModel(AUDIT_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        configure_view(self.table, self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def load(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        if customer_id is None:
            self.model.set_rows([])
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: audit.customer_history(db, operator, customer_id),
                                lambda rows: self._loaded(customer_id, rows),
                                lambda exc: show_error(self, exc))

    def _loaded(self, customer_id: int, rows: list[AuditRecord]) -> None:
        if customer_id == self.customer_id:
            self.model.set_rows(rows)
