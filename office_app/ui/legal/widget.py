"""The litigation register: the cases (open ones first, or all), the selected case's events,
and the list of missed and upcoming deadlines, missed ones in red."""
from __future__ import annotations

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
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import enforcement, legal
from office_app.services.enforcement import BatchFiled
from office_app.services.legal import (
    EVENT_LABELS,
    STAGE_LABELS,
    AttachmentRecord,
    CaseRecord,
    EventRecord,
)
from office_app.ui import changes
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton, save_document
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    sample_date,
    selected_row,
)
from office_app.ui.legal.dialogs import (
    AttachDialog,
    CaseDialog,
    CloseDialog,
    CostsDialog,
    EventDialog,
    ProposalsDialog,
    StageDialog,
)

MISSED = QColor("#fde2e1")


def _money(value: Any) -> str:
    return current().money(value)


def _day(value: date | None) -> str:
    return current().date(value) if value else ""


CASE_COLUMNS = [
    Column(N_("Case number"), lambda c: c.case_number, width=14, sample="PI-BAR-2026-000000"),
    Column(N_("Court"), lambda c: c.court, width=20),
    Column(N_("Customer code"), lambda c: c.customer_code, width=9, sample="0000000"),
    Column(N_("Name"), lambda c: c.customer_name, width=22, stretch=True),
    Column(N_("Date filed"), lambda c: _day(c.filed_on), width=10, sample=sample_date),
    Column(N_("Amount sued"), lambda c: _money(c.amount_sued), width=11, align_right=True),
    Column(N_("Court fee"), lambda c: _money(c.court_fee), width=9, align_right=True),
    Column(N_("Stage"), lambda c: _(STAGE_LABELS[c.stage]), width=26),
    Column(N_("Date closed"), lambda c: _day(c.closed_on), width=10, sample=sample_date),
    Column(N_("Outcome"), lambda c: c.outcome, width=24),
]
EVENT_COLUMNS = [
    Column(N_("Case number"), lambda e: e.case_number, width=14, sample="PI-BAR-2026-000000"),
    Column(N_("Event"), lambda e: _(EVENT_LABELS[e.kind]), width=18),
    Column(N_("Date"), lambda e: _day(e.event_date), width=10, sample=sample_date),
    Column(N_("Deadline"), lambda e: _day(e.deadline), width=10, sample=sample_date),
    Column(N_("Done"), lambda e: _day(e.done_on), width=10, sample=sample_date),
    Column(N_("Note"), lambda e: e.note, width=30),
]

DOCUMENT_COLUMNS = [
    Column(N_("File"), lambda a: a.file_name, width=24),
    Column(N_("Kind"), lambda a: a.media_type, width=14),
    Column(N_("Size (KB)"), lambda a: f"{a.size / 1024:.0f}", width=8, align_right=True),
    Column(N_("Entered by"), lambda a: a.created_by, width=8),
]


class DeadlineTableModel(ListTableModel):
    """Events with open deadlines; missed ones are shaded red."""

    today: date = date.today()

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            event: EventRecord | None = self.record_at(index.row())
            if event is not None and event.deadline is not None and event.deadline < self.today:
                return QBrush(MISSED)
            return None
        return super().data(index, role)


class LegalWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.cases = ListTableModel(CASE_COLUMNS, self)
        self.events = ListTableModel(EVENT_COLUMNS, self)
        self.deadlines = DeadlineTableModel(EVENT_COLUMNS, self)
        self.documents = ListTableModel(DOCUMENT_COLUMNS, self)
        self.case_table, self.event_table, self.deadline_table, self.document_table = (
            QTableView(), QTableView(), QTableView(), QTableView())
        for view, model, name in ((self.case_table, self.cases, "cases"),
                                  (self.event_table, self.events, "events"),
                                  (self.deadline_table, self.deadlines, "deadlines"),
                                  (self.document_table, self.documents, "documents")):
            configure_view(view, model)
            view.setObjectName(name)
        self.case_table.selectionModel().currentRowChanged.connect(self._on_case_changed)
        self.open_only = QCheckBox(_("Open cases only"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(self.refresh)
        self.buttons: dict[str, QAbstractButton] = {}
        bar = QHBoxLayout()
        for key, label, slot in (("new", _("New case…"), self.new_case),
                                 ("batch", _("File proposals…"), self.file_proposals),
                                 ("event", _("Add event…"), self.add_event),
                                 ("attach", _("Attach document…"), self.attach),
                                 ("stage", _("Stage…"), self.set_stage),
                                 ("costs", _("Costs…"), self.post_costs),
                                 ("close", _("Close case…"), self.close_case)):
            button = QPushButton(label)
            button.setObjectName(key)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[key] = button
        self.buttons["proposal"] = DocumentButton(
            context, _("Enforcement proposal (5 copies)"), self.proposal_document, "proposal",
            missing=N_("Choose a case in the register first."))
        bar.addWidget(self.buttons["proposal"])
        bar.addStretch(1)
        bar.addWidget(self.open_only)
        for key, label, slot in (("done", _("Mark done"), self.mark_done),
                                 ("save_document", _("Save document…"), self.save_document)):
            button = QPushButton(label)
            button.setObjectName(key)
            button.clicked.connect(slot)
            self.buttons[key] = button
        lower = QSplitter(Qt.Orientation.Horizontal)
        for title, view, key in (
                (_("Events of the case"), self.event_table, "done"),
                (_("Documents of the case"), self.document_table, "save_document"),
                (_("Deadlines: missed and next 14 days"), self.deadline_table, "")):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(view)
            if key:
                inner.addWidget(self.buttons[key], 0, Qt.AlignmentFlag.AlignRight)
            lower.addWidget(box)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.case_table)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split)
        self.setFocusProxy(self.case_table)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        db, operator, today = self.context.db, self.context.operator, date.today()
        self.deadlines.today = today
        self.context.runner.run(
            lambda: (legal.list_cases(db, operator, self.open_only.isChecked()),
                     legal.deadlines(db, operator, today)),
            self._loaded, lambda exc: show_error(self, exc))

    def _loaded(self, result: tuple[list[CaseRecord], legal.Deadlines]) -> None:
        cases, due = result
        keep = self.current_case()
        self.cases.set_rows(cases)
        self.deadlines.set_rows([*due.missed, *due.upcoming])
        ids = [c.id for c in cases]
        if cases:
            row = ids.index(keep.id) if keep is not None and keep.id in ids else 0
            self.case_table.selectRow(row)
        self._on_case_changed()     # the same row after a reload: its events changed

    def current_case(self) -> CaseRecord | None:
        row = selected_row(self.case_table)
        return self.cases.record_at(row) if row is not None else None

    def _on_case_changed(self, *_args: Any) -> None:
        case = self.current_case()
        if case is None:
            self.events.set_rows([])
            self.documents.set_rows([])
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(
            lambda: (legal.events(db, operator, case.id),
                     legal.attachments(db, operator, case.id)),
            self._case_loaded, lambda exc: show_error(self, exc))

    def _case_loaded(self, result: tuple[list[EventRecord], list[AttachmentRecord]]) -> None:
        self.events.set_rows(result[0])
        self.documents.set_rows(result[1])

    # -- actions ---------------------------------------------------------------------------
    def _run(self, dialog: QDialog, card_changed: bool = False) -> None:
        """``card_changed``: the dialog posts to a financial card (court fee and costs, a
        write-off), so open cards are told to refresh."""
        if dialog.exec():
            self.refresh()
            if card_changed:
                changes.bus().notify(changes.PAYMENT, 0)

    def new_case(self) -> None:
        self._run(CaseDialog(self.context, self), card_changed=True)

    def add_event(self) -> None:
        case = self.current_case()
        if case is not None:
            self._run(EventDialog(self.context, case, self))

    def close_case(self) -> None:
        case = self.current_case()
        if case is not None and case.is_open:
            self._run(CloseDialog(self.context, case, self), card_changed=True)

    def attach(self) -> None:
        case = self.current_case()
        if case is not None:
            self._run(AttachDialog(self.context, case, self))

    def set_stage(self) -> None:
        case = self.current_case()
        if case is not None and case.is_open:
            self._run(StageDialog(self.context, case, self))

    def post_costs(self) -> None:
        case = self.current_case()
        if case is not None and case.is_open:
            self._run(CostsDialog(self.context, case, self), card_changed=True)

    def mark_done(self) -> None:
        """The selected event of the case was dealt with today: its deadline leaves the
        list of missed and upcoming ones."""
        row = selected_row(self.event_table)
        event: EventRecord | None = self.events.record_at(row) if row is not None else None
        if event is None or event.done_on is not None:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: legal.mark_done(db, operator, event.id, date.today()),
                                lambda _r: self.refresh(), lambda exc: show_error(self, exc))

    def save_document(self) -> None:
        row = selected_row(self.document_table)
        document: AttachmentRecord | None = (self.documents.record_at(row)
                                             if row is not None else None)
        if document is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the document"),
                                                    document.file_name)
        if not path:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(
            lambda: Path(path).write_bytes(legal.attachment_content(db, operator, document.id)),
            lambda _r: None, lambda exc: show_error(self, exc))

    def file_proposals(self) -> None:
        """Pick candidates and file a batch; the proposals (five copies each, with their
        attachments) are then saved as one PDF to print."""
        dialog = ProposalsDialog(self.context, self)
        if not dialog.exec():
            return
        self.refresh()
        changes.bus().notify(changes.PAYMENT, 0)
        filed: BatchFiled = dialog.result_value
        save_document(self, self.context, Document(
            _("Save the enforcement proposals"),
            _("enforcement-proposals-{day}.pdf", day=date.today().isoformat()),
            lambda: filed.pdf))

    def proposal_document(self) -> Document | None:
        """The case's enforcement proposal: five copies with the certified financial card and
        the open items as of the filing date."""
        case = self.current_case()
        if case is None:
            return None
        db, operator = self.context.db, self.context.operator
        return Document(_("Enforcement proposal {number}", number=case.case_number),
                        _("enforcement-proposal-{number}.pdf",
                          number=case.case_number.replace("/", "-")),
                        lambda: enforcement.proposal_pdf(db, operator, case.id),
                        _("Preparing the enforcement proposal…"))
