"""The invoice register: find invoices (number — also as the barcode scanner types it —,
customer, point, period, zone) in a lazy table; print a period for delivery, print a copy,
issue a credit or debit note, print a statement of the customer's open invoices."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_, DomainError
from office_app.i18n import _
from office_app.services.billing import corrections, invoices
from office_app.services.permissions import Permission
from office_app.ui import changes
from office_app.ui.billing.common import ask_pdf_path, day, money
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton, DocumentSource, say_saved
from office_app.ui.forms import BaseDialog, DateField, NumberField, show_error
from office_app.ui.lazy_table import (
    Column,
    LazyTableModel,
    configure_view,
    enable_sql_sort,
    sample_date,
    sample_money,
    selected_row,
)
from office_app.ui.operations import JobControl
from office_app.ui.search_page import SearchPageController

COLUMNS = [
    Column(N_("Invoice number"), lambda r: r.number, "number", 17, sample="BAR-2026-0000000"),
    Column(N_("Period"), lambda r: r.period, "period", 8, sample="2026-12"),
    Column(N_("Issue date"), lambda r: day(r.issue_date), "issue_date", 10, sample=sample_date),
    Column(N_("Customer code"), lambda r: r.customer_code, None, 11, sample="0000000"),
    Column(N_("Customer"), lambda r: r.customer_name, "customer", 24, stretch=True),
    Column(N_("Point"), lambda r: r.point_number, "point", 10, sample="00000000"),
    Column(N_("Zone"), lambda r: r.zone_code, None, 6),
    Column(N_("Total"), lambda r: money(r.total), "total", 10, align_right=True,
           sample=sample_money),
    Column(N_("Still to pay"), lambda r: money(r.open_amount), None, 10, align_right=True,
           sample=sample_money),
    Column(N_("Printed"), lambda r: str(r.prints) if r.prints else "", None, 7,
           align_right=True),
    Column(N_("Notes"), lambda r: str(r.notes) if r.notes else "", None, 6, align_right=True),
    Column(N_("Warnings"), lambda r: str(r.warnings) if r.warnings else "", None, 7,
           align_right=True),
]


#: The buttons that act on the chosen invoice.
SELECTION_ACTIONS = ("copy", "statement", "note")


class NoteDialog(BaseDialog):
    """A credit or debit note correcting one invoice (004 §37)."""

    def __init__(self, context: AppContext, invoice: invoices.InvoiceRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Correct invoice {number}", number=invoice.number), context.runner,
                         parent)
        self.context, self.invoice = context, invoice
        info = QLabel(_("Invoice {number}, {name}: total {total} €.", number=invoice.number,
                        name=invoice.customer_name, total=money(invoice.total)))
        info.setWordWrap(True)
        self.form.addRow(info)
        kind = QComboBox()
        for code in corrections.KINDS:
            kind.addItem(_(corrections.KIND_LABELS[code]), code)
        self.add_row("kind", _("Document"), kind)
        self.add_row("net_amount", _("Amount without VAT (€)"),
                     NumberField("net_amount", _("Amount"), decimal=True))
        self.add_row("reason", _("Reason"), QLineEdit())
        issued = DateField("issue_date", _("Date"))
        issued.set_value(date.today())
        self.add_row("issue_date", _("Date"), issued)

    def save(self) -> Any:
        kind = self.field("kind").currentData()
        amount = self.field("net_amount").value() or Decimal(0)
        reason = self.field("reason").text()
        issued = self.field("issue_date").value()
        ctx, invoice_id = self.context, self.invoice.id
        return lambda: corrections.issue_note(ctx.db, ctx.operator, invoice_id, kind, amount,
                                              reason, issued)


class InvoicesPage(QWidget):
    sig_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        op = context.operator
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Invoice number (or scan the barcode), customer, point"))
        self.search.returnPressed.connect(self._run_search)
        # A payment posted anywhere changes what is open: the list shows it at once.
        changes.bus().sig_changed.connect(self._on_bus_changed)
        self.period = QLineEdit()
        self.period.setObjectName("invoice_period")
        self.period.setPlaceholderText(_("YYYY-MM"))
        self.period.setMaxLength(7)
        self.period.editingFinished.connect(self._run_search)
        self.zone = QLineEdit()
        self.zone.setObjectName("zone")
        self.zone.setMaxLength(10)
        self.zone.setPlaceholderText(_("Zone"))
        self.zone.editingFinished.connect(self._run_search)
        self.model = LazyTableModel(COLUMNS, self._rows, context.runner, parent=self)
        self.model.sort_column, self.model.sort_order = 0, Qt.SortOrder.DescendingOrder
        self.table = QTableView()
        self.table.setObjectName("invoices")
        configure_view(self.table, self.model)
        enable_sql_sort(self.table, self.model)
        self.count = QLabel()
        self.count.setObjectName("count")
        db, operator = context.db, context.operator
        self.searcher = SearchPageController(
            self.model, context.runner, self.query,
            lambda query: invoices.search_invoice_ids(db, operator, query), self.count,
            lambda count: _("{count} invoices", count=count), parent=self)
        self.searcher.sig_failed.connect(lambda exc: show_error(self, exc))
        self.search.textEdited.connect(self.searcher.typed)
        self.buttons: dict[str, QAbstractButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Find:")))
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel(_("Period:")))
        bar.addWidget(self.period)
        bar.addWidget(self.zone)
        bar.addWidget(self.count, 1)
        actions = QHBoxLayout()
        printing = op.can(Permission.PRINT_INVOICES)
        actions.addWidget(self._button("print_period", _("Print the period…"),
                                       self.print_period, printing))
        actions.addWidget(self._document("copy", _("Copy of the invoice"), self.copy_document,
                                         printing))
        actions.addWidget(self._document("statement", _("Statement of open invoices"),
                                         self.statement_document, printing))
        actions.addWidget(self._button("note", _("Credit or debit note…"), self.correct,
                                       op.can(Permission.CORRECT_INVOICES)))
        actions.addStretch(1)
        self.buttons["statement"].setToolTip(_(
            "A PDF of every open invoice of the chosen invoice's customer."))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.setFocusProxy(self.search)

    def _button(self, name: str, text: str, slot: Any, allowed: bool) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(allowed)
        self.buttons[name] = button
        return button

    def _document(self, name: str, text: str, source: DocumentSource,
                  allowed: bool) -> DocumentButton:
        button = DocumentButton(self.context, text, source, name)
        button.setVisible(allowed)
        self.buttons[name] = button
        return button

    # -- data ----------------------------------------------------------------------------------
    def _rows(self, ids: list[int]) -> list[invoices.InvoiceRow]:
        return invoices.invoice_rows(self.context.db, self.context.operator, ids)

    def query(self) -> invoices.InvoiceQuery:
        return invoices.InvoiceQuery(period=self.period.text().strip(),
                                     text=self.search.text().strip(),
                                     zone_code=self.zone.text().strip(),
                                     sort=self.searcher.sort_key("number"),
                                     descending=self.searcher.descending())

    def refresh(self) -> None:
        self.searcher.run()

    def _run_search(self) -> None:
        self.searcher.run()

    def _on_bus_changed(self, kind: str, _customer_id: int) -> None:
        if kind == changes.PAYMENT:
            self._run_search()

    def current(self) -> invoices.InvoiceRow | None:
        row = selected_row(self.table)
        if row is None:
            return None
        return self.model.record_at(row)  # type: ignore[no-any-return]

    def _update_buttons(self, *_args: Any) -> None:
        """Actions on one invoice are offered only while one is chosen."""
        chosen = selected_row(self.table) is not None
        for name in SELECTION_ACTIONS:
            self.buttons[name].setEnabled(chosen)

    def _need_current(self) -> invoices.InvoiceRow | None:
        invoice = self.current()
        if invoice is None:
            show_error(self, DomainError(N_("Choose an invoice in the list first.")))
        return invoice

    # -- actions -------------------------------------------------------------------------------
    def print_period(self) -> None:
        period = self.period.text().strip()
        if not period:
            self.period.setFocus()
            show_error(self, DomainError(N_("Write the period (YYYY-MM) to print.")))
            return
        zone = self.zone.text().strip()
        batch = f"{period}-{zone}" if zone else period
        path = ask_pdf_path(self, _("Print the period's invoices"),
                            _("invoices-{period}.pdf", period=batch))
        if not path:
            return
        ctx = self.context

        def work(job: JobControl) -> invoices.BatchResult:
            return invoices.print_period(ctx.db, ctx.operator, period, Path(path), zone,
                                         progress=job.report)

        def done(result: invoices.BatchResult) -> None:
            self.model.invalidate()
            say_saved(self, path)

        def stopped() -> None:
            Path(path).unlink(missing_ok=True)   # half a batch is no document; nothing logged

        def failed(exc: BaseException) -> None:
            stopped()
            show_error(self, exc)

        ctx.runner.run_job(work, done, failed, parent=self,
                           title=_("Printing period {period}", period=batch),
                           label=_("Printing the invoices…"), on_cancelled=stopped)

    def copy_document(self) -> Document | None:
        invoice = self._need_current()
        if invoice is None:
            return None
        ctx, invoice_id = self.context, invoice.id
        return Document(_("Copy of invoice {number}", number=invoice.number),
                        _("invoice-{number}.pdf", number=invoice.number),
                        lambda: invoices.print_copy(ctx.db, ctx.operator, invoice_id),
                        _("Printing the copy…"), self.model.invalidate)

    def statement_document(self) -> Document | None:
        invoice = self._need_current()
        if invoice is None:
            return None
        ctx, customer_id = self.context, invoice.customer_id
        return Document(_("Statement of open invoices"),
                        _("statement-{code}.pdf", code=invoice.customer_code),
                        lambda: invoices.statement(ctx.db, ctx.operator, customer_id),
                        _("Printing the statement…"))

    def correct(self) -> None:
        invoice = self._need_current()
        if invoice is None:
            return
        dialog = NoteDialog(self.context, invoice, self)
        if dialog.exec():
            self.model.invalidate()
            self.sig_changed.emit()
