"""The statements tab: the imported statements on the left, the lines of the selected one (or
the whole unmatched queue) on the right. "Import statement…" reads a camt.053/camt.054 file or
the post office's CSV; Enter or "Assign to customer…" on an unmatched credit posts it to the
customer whose code the clerk types."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services.statements import queue
from office_app.services.statements.importer import (
    ImportResult,
    StatementPreview,
    import_file,
    preview_file,
)
from office_app.services.statements.matching import REASONS
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    select_row,
    selected_row,
)

SOURCES = {"camt053": N_("Bank (camt.053)"), "camt054": N_("Bank (camt.054)"),
           "post": N_("Post office")}


def _money(value: Any) -> str:
    return current().money(value)


def _date(value: Any) -> str:
    return current().date(value)


STATEMENT_COLUMNS = [
    Column(N_("Statement"), lambda r: r.statement_id, width=16),
    Column(N_("Date"), lambda r: _date(r.statement_date), width=10),
    Column(N_("Source"), lambda r: _(SOURCES.get(r.source, r.source)), width=14),
    Column(N_("Lines"), lambda r: str(r.lines), width=6, align_right=True),
    Column(N_("Credits"), lambda r: _money(r.credit_total), width=12, align_right=True),
    Column(N_("Unmatched"), lambda r: str(r.unmatched), width=8, align_right=True),
]
LINE_COLUMNS = [
    Column(N_("Entry"), lambda r: r.position, width=6),
    Column(N_("Booked"), lambda r: _date(r.booking_date), width=10),
    Column(N_("Amount"), lambda r: _money(r.amount), width=11, align_right=True),
    Column(N_("State"), lambda r: _(queue.LINE_STATES[r.state]), width=16),
    Column(N_("Reference"), lambda r: r.reference, width=20),
    Column(N_("Payer"), lambda r: r.payer, width=20),
    Column(N_("Customer"), lambda r: r.customer_code, width=9),
    Column(N_("Why unmatched"), lambda r: _(REASONS[r.reason]) if r.reason else "", width=24),
    Column(N_("Text"), lambda r: r.text, width=30),
]


class AssignDialog(BaseDialog):
    """Post one unmatched credit to a customer (and optionally one of their invoices)."""

    def __init__(self, context: AppContext, line: queue.LineView,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Assign a payment to a customer"), context.runner, parent)
        self.context, self.line = context, line
        about = QLabel(_("{amount} on {date}, from {payer}: {text}",
                         amount=_money(line.amount), date=_date(line.booking_date),
                         payer=line.payer or "—", text=line.text or "—"))
        about.setWordWrap(True)
        self.form.addRow(about)
        self.add_row("customer_code", _("Customer code"), QLineEdit())
        self.add_row("invoice_number", _("Invoice (optional)"), QLineEdit())

    def save(self) -> Callable[[], Any]:
        code = self.field("customer_code").text()
        number = self.field("invoice_number").text()
        db, operator, line_id = self.context.db, self.context.operator, self.line.id
        return lambda: queue.assign(db, operator, line_id, code, number)


class StatementsWidget(QWidget):
    """``sig_payments_posted`` is emitted after an import or an assignment posted payments,
    for screens that show cards and balances."""

    sig_payments_posted = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.import_button = QPushButton(_("Import statement…"))
        self.import_button.clicked.connect(self._on_import_clicked)
        self.assign_button = QPushButton(_("Assign to customer…"))
        self.assign_button.clicked.connect(self.assign_current)
        self.queue_box = QCheckBox(_("Unmatched queue of all statements"))
        self.queue_box.toggled.connect(lambda _on: self.load_lines())
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.statement_model = ListTableModel(STATEMENT_COLUMNS, self)
        self.statement_table = QTableView()
        configure_view(self.statement_table, self.statement_model)
        self.statement_table.selectionModel().currentRowChanged.connect(
            lambda *_args: self.load_lines())
        self.line_model = ListTableModel(LINE_COLUMNS, self)
        self.line_table = QTableView()
        configure_view(self.line_table, self.line_model)
        self.line_table.activated.connect(lambda _index: self.assign_current())
        self._layout()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for widget in (self.import_button, self.assign_button, self.queue_box):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        split = QSplitter()
        split.addWidget(self.statement_table)
        split.addWidget(self.line_table)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.setFocusProxy(self.line_table)

    def refresh(self, keep: int | None = None) -> None:
        db, operator = self.context.db, self.context.operator

        def loaded(rows: list[queue.StatementSummary]) -> None:
            self.statement_model.set_rows(rows)
            ids = [r.id for r in rows]
            if rows:
                select_row(self.statement_table, ids.index(keep) if keep in ids else 0)
            self.load_lines()

        self.context.runner.run(lambda: queue.statements(db, operator), loaded,
                                lambda exc: show_error(self, exc))

    def current_statement(self) -> queue.StatementSummary | None:
        row = selected_row(self.statement_table)
        return self.statement_model.record_at(row) if row is not None else None

    def load_lines(self) -> None:
        db, operator = self.context.db, self.context.operator
        only_queue = self.queue_box.isChecked()
        statement = self.current_statement()
        if statement is None and not only_queue:
            self.line_model.set_rows([])
            return
        wanted = None if only_queue or statement is None else statement.id
        self.context.runner.run(
            lambda: queue.lines(db, operator, wanted, unmatched_only=only_queue),
            self.line_model.set_rows, lambda exc: show_error(self, exc))

    def _on_import_clicked(self) -> None:
        path, _chosen = QFileDialog.getOpenFileName(
            self, _("Import a bank or post statement"), "",
            _("Statements (*.xml *.csv);;All files (*)"))
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Read and match the file (nothing posted), show what it will post and ask once."""
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: preview_file(db, operator, path),
                                lambda preview: self._confirm_import(path, preview),
                                lambda exc: show_error(self, exc), parent=self,
                                label=_("Reading the statement…"))

    def _confirm_import(self, path: Path, preview: StatementPreview) -> None:
        text = _("Statement {statement} of {day}: {posted} payments will be posted "
                 "({posted_total}), {unmatched} unmatched ({unmatched_total}) will wait in the "
                 "queue; {debits} debits and {reversals} reversals are shown, not posted. "
                 "Import it?", statement=preview.statement_id,
                 day=_date(preview.statement_date), posted=preview.to_post,
                 posted_total=_money(preview.post_total), unmatched=preview.unmatched,
                 unmatched_total=_money(preview.unmatched_total), debits=preview.debits,
                 reversals=preview.reversals)
        if QMessageBox.question(self, _("Import a bank or post statement"), text) != \
                QMessageBox.StandardButton.Yes:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: import_file(db, operator, path), self._imported,
                                lambda exc: show_error(self, exc), parent=self,
                                label=_("Importing the statement…"))

    def _imported(self, result: ImportResult) -> None:
        self.summary.setText(_(
            "Statement {statement}: {posted} payments posted ({posted_total}), {unmatched} "
            "unmatched ({unmatched_total}) wait in the queue, {debits} debits and {reversals} "
            "reversals shown, not posted.", statement=result.statement_id, posted=result.posted,
            posted_total=_money(result.posted_total), unmatched=result.unmatched,
            unmatched_total=_money(result.unmatched_total), debits=result.debits,
            reversals=result.reversals))
        self.refresh(result.statement)
        if result.posted:
            self.sig_payments_posted.emit()

    def current_line(self) -> queue.LineView | None:
        row = selected_row(self.line_table)
        return self.line_model.record_at(row) if row is not None else None

    def assign_current(self) -> None:
        line = self.current_line()
        if line is None or line.state != "unmatched":
            QMessageBox.information(self, _("Statements"), _(
                "Choose an unmatched credit: only those can be assigned to a customer."))
            return
        dialog = AssignDialog(self.context, line, self)
        if dialog.exec():
            done: queue.LineView = dialog.result_value
            self.summary.setText(_("Posted as {document} to customer {customer}.",
                                   document=done.document_number,
                                   customer=done.customer_code))
            self.sig_payments_posted.emit()
            current = self.current_statement()
            self.refresh(current.id if current is not None else None)
