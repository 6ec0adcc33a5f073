"""Retention (DOMAIN.md keeping periods; 004 §25): a day to look on, the count per kind of
record past its period, the records themselves, and Archive for the selected ones. Archiving
runs through the operation runner with progress and Cancel; what was archived before a cancel
stays archived (the service commits in batches)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_, FieldError, ValidationError
from office_app.i18n import _, current, tr_error
from office_app.services import retention
from office_app.services.retention import KEEPING, ArchiveResult, DueRecord
from office_app.ui.context import AppContext
from office_app.ui.forms import INVALID_STYLE, DateField, InputError, show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view
from office_app.ui.operations import JobControl


def _day(value: date) -> str:
    return current().date(value)


@dataclass(frozen=True)
class KindSummary:
    kind: str
    count: int

    @property
    def archived(self) -> bool:
        return KEEPING[self.kind].archived


SUMMARY_COLUMNS = [
    Column(N_("Kind of record"), lambda k: _(KEEPING[k.kind].label), width=36),
    Column(N_("Past the period"), lambda k: str(k.count), width=10, align_right=True),
    Column(N_("On archiving"), lambda k: _("personal data removed") if k.archived
           else _("only reported (no personal data of its own)"), width=34),
]
RECORD_COLUMNS = [
    Column(N_("Kind of record"), lambda r: _(KEEPING[r.kind].label), width=30),
    Column(N_("Reference"), lambda r: r.reference, width=22),
    Column(N_("Customer code"), lambda r: r.customer_code, width=10),
    Column(N_("Period from"), lambda r: _day(r.started_on), width=10),
    Column(N_("Kept until"), lambda r: _day(r.kept_until), width=10),
]


class RetentionWidget(QWidget):
    """``sig_archived`` carries the ArchiveResult after archiving."""

    sig_archived = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.on = DateField("on", _("Date"))
        self.on.setObjectName("on")
        self.on.set_value(date.today())
        self.on.returnPressed.connect(self.refresh)
        self.on_error = QLabel()
        self.on_error.setObjectName("on_error")
        self.on_error.setStyleSheet("color: #b00020;")
        self.on_error.hide()
        self.job: JobControl | None = None
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (("show", _("&Show"), self.refresh),
                                 ("select", _("Select all &archivable"), self.select_archivable),
                                 ("archive", _("A&rchive selected…"), self.archive)):
            button = QPushButton(label)
            button.setObjectName(key)
            button.clicked.connect(slot)
            self.buttons[key] = button
        self.summary = ListTableModel(SUMMARY_COLUMNS, self)
        self.records = ListTableModel(RECORD_COLUMNS, self)
        self.summary_table, self.record_table = QTableView(), QTableView()
        for view, model, name in ((self.summary_table, self.summary, "retention_summary"),
                                  (self.record_table, self.records, "retention_records")):
            configure_view(view, model)
            view.setObjectName(name)
        self.record_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.status = QLabel(_("Records past their keeping period on the day above."))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        label = QLabel(_("Past the keeping period on"))
        label.setBuddy(self.on)
        top.addWidget(label)
        top.addWidget(self.on)
        top.addWidget(self.buttons["show"])
        top.addWidget(self.on_error)
        top.addStretch(1)
        top.addWidget(self.buttons["select"])
        top.addWidget(self.buttons["archive"])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.record_table, 4)
        self.setFocusProxy(self.on)

    # -- loading ---------------------------------------------------------------------------
    def day(self) -> date | None:
        """The day typed, or None after showing what is wrong with it next to the field."""
        self.on_error.hide()
        self.on.setStyleSheet("")
        try:
            day = self.on.value()
        except InputError as exc:
            self._field_error(exc.error)
            return None
        if day is None:
            self._field_error(FieldError("on", N_("Date: give the day to look on.")))
        return day

    def _field_error(self, error: FieldError) -> None:
        self.on_error.setText(tr_error(error))
        self.on_error.show()
        self.on.setStyleSheet(INVALID_STYLE)

    def refresh(self) -> None:
        day = self.day()
        if day is None:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: retention.due_for_archiving(db, operator, day),
                                self._loaded, self._on_failed)

    def _loaded(self, due: list[DueRecord]) -> None:
        counts = Counter(r.kind for r in due)
        self.summary.set_rows([KindSummary(kind, counts[kind]) for kind in KEEPING])
        self.records.set_rows(due)
        archivable = sum(1 for r in due if KEEPING[r.kind].archived)
        self.status.setText(_("{count} records past their keeping period, {archivable} of them "
                              "with personal data to remove.").format(
            count=len(due), archivable=archivable))

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and any(e.field == "on" for e in exc.errors):
            self._field_error(next(e for e in exc.errors if e.field == "on"))
            return
        show_error(self, exc)

    # -- selecting and archiving -----------------------------------------------------------
    def selected(self) -> list[DueRecord]:
        rows = sorted(i.row() for i in self.record_table.selectionModel().selectedRows())
        return [self.records.record_at(r) for r in rows]

    def select_archivable(self) -> None:
        self.record_table.clearSelection()
        mode = self.record_table.selectionMode()
        self.record_table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row, record in enumerate(self.records.rows()):
            if KEEPING[record.kind].archived:
                self.record_table.selectRow(row)
        self.record_table.setSelectionMode(mode)

    def archive(self) -> None:
        day = self.day()
        chosen = [r for r in self.selected() if KEEPING[r.kind].archived]
        if day is None:
            return
        if not chosen:
            QMessageBox.information(self, _("Archive"), _(
                "Select the contracts, court cases or complaints to archive; the other kinds "
                "are only reported."))
            return
        if QMessageBox.question(self, _("Archive"), self.confirmation(chosen)) \
                != QMessageBox.StandardButton.Yes:
            return
        db, operator = self.context.db, self.context.operator
        pairs = [(r.kind, r.record_id) for r in chosen]

        def work(control: JobControl) -> ArchiveResult:
            return retention.archive(db, operator, day, pairs, control.report)

        self.job = self.context.runner.run_job(
            work, self._archived, self._on_failed, parent=self, label=_("Archiving…"),
            on_cancelled=self._on_cancelled)

    def confirmation(self, chosen: list[DueRecord]) -> str:
        counts = Counter(r.kind for r in chosen)
        return _("Archive {total} records: {contracts} contracts, {cases} court cases and "
                 "{complaints} complaints?\n\nTheir personal data is removed for good: the "
                 "customers' names, addresses, identifiers, phone numbers and e-mail addresses, "
                 "the cases' outcomes, event notes and attached files, the complaints' texts "
                 "and reasons. Amounts, numbers, dates and posted documents stay, so the "
                 "financial cards and the audit stay right.").format(
            total=len(chosen), contracts=counts["contract"], cases=counts["court_case"],
            complaints=counts["complaint"])

    def _archived(self, result: ArchiveResult) -> None:
        self.refresh()
        self.status.setText(_("Archived: {contracts} contracts, {cases} court cases "
                              "({files} files erased), {complaints} complaints.").format(
            contracts=result.customers, cases=result.court_cases, files=result.attachments,
            complaints=result.complaints))
        self.sig_archived.emit(result)

    def _on_cancelled(self) -> None:
        self.refresh()
        self.status.setText(_("Archiving cancelled; the records archived before stay "
                              "archived."))


__all__ = ["RetentionWidget"]
