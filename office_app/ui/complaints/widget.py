"""The complaint book: every complaint with its deadline; unanswered ones past it are shaded
red and counted above the table."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import complaints
from office_app.services.complaints import (
    CHANNEL_LABELS,
    DECISION_LABELS,
    SUBJECT_LABELS,
    ComplaintRecord,
)
from office_app.services.permissions import Permission
from office_app.ui import changes
from office_app.ui.complaints.dialogs import AnswerDialog, ComplaintDialog, CorrectionDialog
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    sample_date,
    selected_row,
)

OVERDUE = QColor("#fde2e1")


def _day(value: date | None) -> str:
    return current().date(value) if value else ""


COLUMNS = [
    Column(N_("Number"), lambda c: c.number, width=17, sample="RK-BAR-2026-000000"),
    Column(N_("Received"), lambda c: _day(c.received_on), width=10, sample=sample_date),
    Column(N_("Customer code"), lambda c: c.customer_code, width=9, sample="0000000"),
    Column(N_("Name"), lambda c: c.customer_name, width=20, stretch=True),
    Column(N_("Channel"), lambda c: _(CHANNEL_LABELS[c.channel]), width=10),
    Column(N_("Subject"), lambda c: _(SUBJECT_LABELS[c.subject]), width=22),
    Column(N_("Disputed amount"), lambda c: current().money(c.disputed_amount), width=11,
           align_right=True),
    Column(N_("Deadline"), lambda c: _day(c.deadline), width=10, sample=sample_date),
    Column(N_("Decision"), lambda c: _(DECISION_LABELS[c.decision]) if c.decision else "",
           width=12),
    Column(N_("Answered"), lambda c: _day(c.answered_on), width=10, sample=sample_date),
    Column(N_("Correction"), lambda c: c.correction_number, width=17,
           sample="CN-BAR-2026-000000"),
]


class ComplaintTableModel(ListTableModel):
    today: date = date.today()

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            row: ComplaintRecord | None = self.record_at(index.row())
            return QBrush(OVERDUE) if row is not None and row.is_overdue(self.today) else None
        return super().data(index, role)


class ComplaintsWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = ComplaintTableModel(COLUMNS, self)
        self.table = QTableView()
        configure_view(self.table, self.model)
        self.table.setObjectName("complaints")
        self.open_only = QCheckBox(_("Unanswered only"))
        self.open_only.toggled.connect(self.refresh)
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.buttons: dict[str, QAbstractButton] = {}
        bar = QHBoxLayout()
        for key, label, slot in (("new", _("New complaint…"), self.new_complaint),
                                 ("answer", _("Answer…"), self.answer),
                                 ("correct", _("Correction…"), self.correct),
                                 ("email", _("E-mail draft…"), self.email)):
            button = QPushButton(label)
            button.setObjectName(key)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[key] = button
        # Credit and debit notes are a supervisor's: a clerk does not see the button.
        self.buttons["correct"].setVisible(context.operator.can(Permission.CORRECT_INVOICES))
        for key, label, source in (
                ("print", _("Complaint (2 copies)"), self.complaint_document),
                ("letter", _("Answer letter"), self.letter_document)):
            self.buttons[key] = DocumentButton(
                context, label, source, key, missing=N_("Choose a complaint in the book first."))
            bar.insertWidget(bar.count() - 1, self.buttons[key])
        bar.addStretch(1)
        bar.addWidget(self.overdue_label)
        bar.addWidget(self.open_only)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.setFocusProxy(self.table)

    def refresh(self) -> None:
        db, operator = self.context.db, self.context.operator
        self.model.today = date.today()
        self.context.runner.run(
            lambda: complaints.list_complaints(db, operator, self.open_only.isChecked()),
            self._loaded, lambda exc: show_error(self, exc))

    def _loaded(self, rows: list[ComplaintRecord]) -> None:
        self.model.set_rows(rows)
        late = sum(r.is_overdue(self.model.today) for r in rows)
        self.overdue_label.setText(_("{count} overdue", count=late) if late else "")
        if rows:
            self.table.selectRow(0)

    def current(self) -> ComplaintRecord | None:
        row = selected_row(self.table)
        return self.model.record_at(row) if row is not None else None

    def _run(self, dialog: QDialog) -> None:
        if dialog.exec():
            self.refresh()

    def new_complaint(self) -> None:
        self._run(ComplaintDialog(self.context, self))

    def answer(self) -> None:
        record = self.current()
        if record is not None and record.is_open:
            self._run(AnswerDialog(self.context, record, self))

    def correct(self) -> None:
        """A supervisor issues the credit or debit note of a justified complaint."""
        record = self.current()
        if record is None:
            return
        if record.decision != "justified" or record.correction_note_id is not None:
            QMessageBox.information(self, _("Correction"), _(
                "Only a complaint decided justified and not yet corrected is corrected."))
            return
        dialog = CorrectionDialog(self.context, record, self)
        self._run(dialog)
        if dialog.result_value is not None:    # a credit or debit note is on the card
            changes.bus().notify(changes.PAYMENT, record.customer_id)

    def _save(self, name: str, pattern: str, make: Callable[[int], bytes]) -> None:
        record = self.current()
        if record is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, _("Save"), f"{record.number}{name}",
                                                    pattern)
        if path:
            self.context.runner.run(lambda: Path(path).write_bytes(make(record.id)),
                                    lambda _r: None, lambda exc: show_error(self, exc))

    def complaint_document(self) -> Document | None:
        record = self.current()
        if record is None:
            return None
        db, op, number = self.context.db, self.context.operator, record.number
        return Document(_("Complaint {number}", number=number),
                        _("complaint-{number}.pdf", number=number.replace("/", "-")),
                        lambda: complaints.complaint_document(db, op, record.id),
                        _("Preparing the complaint…"))

    def letter_document(self) -> Document | None:
        record = self.current()
        if record is None:
            return None
        db, op, number = self.context.db, self.context.operator, record.number
        return Document(_("Answer to complaint {number}", number=number),
                        _("complaint-answer-{number}.pdf", number=number.replace("/", "-")),
                        lambda: complaints.answer_letter(db, op, record.id),
                        _("Preparing the answer letter…"))

    def email(self) -> None:
        db, op = self.context.db, self.context.operator
        self._save(".eml", _("E-mail drafts (*.eml)"),
                   lambda i: complaints.answer_email(db, op, i))
