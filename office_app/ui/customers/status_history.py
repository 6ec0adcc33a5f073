"""The "Status history" page of the detail view: every change of the letters I, T and N with
the document it came from (services/customer_status.py), newest first."""
from __future__ import annotations

from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import customer_status
from office_app.services.customer_status import ORIGIN_KINDS, StatusChange
from office_app.ui.context import AppContext
from office_app.ui.customers.labels import STATUS_MEANINGS, local_datetime
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view


def _letter(status: str | None) -> str:
    return status or _("none (active)")


STATUS_HISTORY_COLUMNS = [
    Column(N_("Status"), lambda c: _letter(c.status), width=10,
           tooltip=lambda c: _(STATUS_MEANINGS[c.status]) if c.status else ""),
    Column(N_("Since"), lambda c: current().date(c.status_date) if c.status_date else "",
           width=11),
    Column(N_("Before"), lambda c: _letter(c.previous_status), width=10),
    Column(N_("Document"), lambda c: _(ORIGIN_KINDS.get(c.origin_kind, c.origin_kind))
           if c.origin_kind else "", width=26),
    Column(N_("Number"), lambda c: c.origin_number, width=14),
    Column(N_("Reason"), lambda c: c.reason, width=30, tooltip=lambda c: c.reason),
    Column(N_("Recorded"), lambda c: local_datetime(c.at), width=18),
    Column(N_("Operator"), lambda c: c.operator_code, width=8),
]


class StatusHistoryWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id: int | None = None
        self.model = ListTableModel(STATUS_HISTORY_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("status_history_table")
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
        self.context.runner.run(
            lambda: customer_status.status_history(db, operator, customer_id),
            lambda rows: self._loaded(customer_id, rows), lambda exc: show_error(self, exc))

    def _loaded(self, customer_id: int, rows: list[StatusChange]) -> None:
        if customer_id == self.customer_id:
            self.model.set_rows(rows)
