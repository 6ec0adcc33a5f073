"""Field records (zapisnik): the readings of a period waiting for a field re-check, and the
form that applies the record's outcome — confirmed as keyed, or corrected with the values the
field found. The dialog stays open so a stack of records can be keyed one after another."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.printing.registers import quantity
from office_app.services.field_records import (
    FieldRecordInput,
    ImplausibleRow,
    apply_field_record,
    implausible_report,
)
from office_app.services.plausibility import FLAG_NAMES
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view, sample_date, select_row
from office_app.ui.readings.book_model import register_text

COLUMNS = [
    Column(N_("Point"), lambda r: r.point_number, width=10),
    Column(N_("Customer"), lambda r: f"{r.customer_code} {r.customer_name}", width=24),
    Column(N_("Meter"), lambda r: r.meter_number, width=10),
    Column(N_("Date"), lambda r: current().date(r.read_on), width=10, sample=sample_date),
    Column("VT", lambda r: register_text(r.vt), width=9, align_right=True),
    Column("MT", lambda r: register_text(r.mt), width=9, align_right=True),
    Column(N_("Use"), lambda r: quantity(current(), r.consumption), width=8, align_right=True),
    Column(N_("Average"), lambda r: quantity(current(), r.monthly_average), width=8,
           align_right=True),
    Column(N_("Finding"), lambda r: ", ".join(_(FLAG_NAMES.get(f, f)) for f in r.flags),
           width=20),
]


class FieldRecordDialog(BaseDialog):
    """Pick a reading in the list, fill in the record, OK applies it and moves on."""

    def __init__(self, context: AppContext, period: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Field records · period {period}", period=period), context.runner,
                         parent)
        self.context, self.period = context, period
        self.applied = 0
        self.model = ListTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("pending")
        configure_view(self.table, self.model)
        self.table.setMinimumSize(900, 180)
        self.empty = QLabel(_("No reading of this period waits for a field re-check."))
        self.form.insertRow(0, self.table)
        self.form.insertRow(1, self.empty)
        self.outcome = QComboBox()
        self.outcome.addItem(_("Confirmed as keyed"), "confirmed")
        self.outcome.addItem(_("Corrected with the values found"), "corrected")
        self.add_row("outcome", _("Outcome"), self.outcome)
        self.add_row("record_number", _("Record number"), QLineEdit())
        self.add_row("checked_on", _("Checked on"), DateField("checked_on", _("Checked on")))
        for name in ("vt", "mt", "peak"):
            self.add_row(name, {"vt": _("Found VT"), "mt": _("Found MT"),
                                "peak": _("Found peak load")}[name], QLineEdit())
        self.add_row("note", _("Note"), QLineEdit())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Apply the record"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        self.outcome.currentIndexChanged.connect(self._on_outcome_changed)
        self._on_outcome_changed()
        self.load()

    def _on_outcome_changed(self) -> None:
        corrected = self.outcome.currentData() == "corrected"
        for name in ("vt", "mt", "peak"):
            self.field(name).setEnabled(corrected)

    def load(self) -> None:
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: implausible_report(db, operator, self.period),
                                self._on_loaded, lambda exc: show_error(self, exc))

    def _on_loaded(self, report: Any) -> None:
        rows = [row for group in report.groups for row in group.rows]
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        if rows:
            select_row(self.table, 0)
        self.table.setFocus()

    def current(self) -> ImplausibleRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def save(self) -> Callable[[], Any]:
        row = self.current()
        data = FieldRecordInput(
            row.reading_id if row else 0, self.outcome.currentData(),
            self.field("checked_on").value(), self.field("record_number").text(),
            self.field("vt").text(), self.field("mt").text(), self.field("peak").text(),
            self.field("note").text())
        db, operator = self.context.db, self.context.operator
        return lambda: apply_field_record(db, operator, data)

    def _saved(self, result: Any) -> None:
        self.buttons.setEnabled(True)
        self.applied += 1
        self.clear_errors()
        for name in ("record_number", "vt", "mt", "peak", "note"):
            self.field(name).clear()
        self.load()
