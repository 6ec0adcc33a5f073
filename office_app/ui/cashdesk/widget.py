"""The "Blagajna" counter: built for a queue and for the keyboard alone.

Scan (the scanner types the invoice number and Enter) or type a customer code, name or
reference, Enter: the open items appear oldest first with the total due, and the amount is
filled in. Type what the customer hands over, Enter (or F12): the payment is posted and the
slip prints. The form is ready for the next scan at once; the slip's pages are rendered on
the runner and printed when ready. F5 cash, F6 card; F12 posts.

A payment carries an idempotency key made when the form is filled: a retry after an error
(the connection dropped) sends the same key, so it can never be posted twice."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from office_app.config import desk_id
from office_app.errors import DomainError, ValidationError
from office_app.i18n import _, current, tr_error
from office_app.printing.cash_report import report_pdf
from office_app.printing.cash_slip import slip_pdf
from office_app.services.cashdesk import counter, drawers, report
from office_app.services.cashdesk.counter import Lookup, Payer, Receipt
from office_app.services.cashdesk.report import daily_report
from office_app.services.office import get_office
from office_app.services.permissions import Permission
from office_app.ui import changes
from office_app.ui.cashdesk.supervision import SupervisorBox
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import DeskPrinter, render_pages
from office_app.ui.documents import Document, DocumentButton
from office_app.ui.forms import DateField, InputError, show_error

ERROR_STYLE = "color: #b00020;"


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


def _money(value: Decimal) -> str:
    return current().money(value)


class CounterWidget(QWidget):
    """The counter tab. ``printer`` is the desk's printer (tests give a recorded one)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None,
                 printer: DeskPrinter | None = None, desk: str | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.desk = desk or desk_id()
        self.printer = printer or context.desk_printer
        self.drawer: drawers.DrawerInfo | None = None
        self.payer: Payer | None = None
        self.last_receipt: Receipt | None = None
        #: The day the report button prints: the day of the drawer opened or closed last.
        self.drawer_day: date | None = None
        self._key = ""
        self._build()
        changes.bus().sig_changed.connect(self._on_bus_changed)
        self.refresh()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.drawer_status = QLabel()
        self.drawer_status.setObjectName("drawer_status")
        self.drawer_error = _error_label("drawer_error")
        self.opening_float = QLineEdit("0")
        self.opening_float.setObjectName("opening_float")
        self.open_button = QPushButton(_("Open the drawer"))
        self.open_button.setObjectName("open_drawer")
        self.open_button.clicked.connect(self.open_drawer)
        self.opening_float.returnPressed.connect(self.open_drawer)
        self.float_error = _error_label("opening_float_error")
        top = QHBoxLayout()
        top.addWidget(self.drawer_status, 1)
        self.float_label = QLabel(_("Opening float"))
        self.float_label.setBuddy(self.opening_float)
        top.addWidget(self.float_label)
        top.addWidget(self.opening_float)
        top.addWidget(self.open_button)
        self.printer_button = QPushButton(_("Printer…"))
        self.printer_button.setObjectName("choose_printer")
        self.printer_button.clicked.connect(lambda: self.printer.choose(self))
        top.addWidget(self.printer_button)
        self.report_day = DateField("report_day", _("Report day"))
        self.report_day.set_value(date.today())
        self.report_button = DocumentButton(self.context, _("Daily collection report"),
                                            self.report_document, "cash_report")
        self.report_button.setVisible(self.context.operator.can(Permission.VIEW_LEDGER))
        self.report_day.setVisible(self.report_button.isVisibleTo(self))
        top.addWidget(self.report_day)
        top.addWidget(self.report_button)

        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        self.scan.setPlaceholderText(_("Scan the invoice or type a customer code, name or "
                                       "reference, then Enter"))
        self.scan.returnPressed.connect(self.find_payer)
        self.scan_error = _error_label("scan_error")
        self.candidates = QListWidget()
        self.candidates.setObjectName("candidates")
        self.candidates.itemActivated.connect(self._on_candidates_activated)
        self.candidates.hide()
        self.payer_label = QLabel()
        self.payer_label.setObjectName("payer")
        self.items = QTableWidget(0, 6)
        self.items.setObjectName("items")
        # Open: what is open of the document; Disputed: the part an open complaint disputes
        # (003 III.1g), neither asked for nor settled unless the cashier ticks the invoice.
        self.items.setHorizontalHeaderLabels([_("Pay"), _("Document"), _("Date"),
                                              _("Due date"), _("Open amount"), _("Disputed")])
        header = self.items.horizontalHeader()
        header.setHighlightSections(False)      # a bold header no longer fits its column
        for column in (0, 2, 3, 4, 5):          # a few rows: sized to what they hold
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.itemChanged.connect(self._on_items_changed)
        self.total = QLabel()
        self.total.setObjectName("total_due")

        self.means = QComboBox()
        self.means.setObjectName("means")
        self.means.addItem(_("Cash"), "cash")
        self.means.addItem(_("Card"), "card")
        self.means.currentIndexChanged.connect(self._on_means_changed)
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.received = QLineEdit()
        self.received.setObjectName("received")
        self.change = QLabel()
        self.change.setObjectName("change")
        for field in (self.amount, self.received):
            field.textEdited.connect(self._on_money_edited)
            field.returnPressed.connect(self.pay)
        self.errors = {name: _error_label(f"{name}_error")
                       for name in ("means", "amount", "received")}
        self.pay_button = QPushButton(_("Post and print (F12)"))
        self.pay_button.setObjectName("pay")
        self.pay_button.clicked.connect(self.pay)
        self.receipt_label = QLabel()
        self.receipt_label.setObjectName("last_receipt")
        self.print_again = QPushButton(_("Print the slip again"))
        self.print_again.setObjectName("print_again")
        self.print_again.clicked.connect(self._print_last)
        self.print_again.setEnabled(False)

        form = QFormLayout()
        form.addRow(_("Means of payment (F5 cash, F6 card)"), self.means)
        form.addRow("", self.errors["means"])
        form.addRow(_("Amount"), self.amount)
        form.addRow("", self.errors["amount"])
        form.addRow(_("Received"), self.received)
        form.addRow("", self.errors["received"])
        form.addRow(_("Change to give back"), self.change)
        pay_box = QVBoxLayout()
        pay_box.addLayout(form)
        pay_box.addWidget(self.pay_button)
        pay_box.addWidget(self.receipt_label)
        pay_box.addWidget(self.print_again)
        pay_box.addStretch(1)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.scan)
        left.addWidget(self.scan_error)
        left.addWidget(self.candidates)
        left.addWidget(self.payer_label)
        left.addWidget(self.items, 1)
        left.addWidget(self.total)
        middle.addLayout(left, 3)
        middle.addLayout(pay_box, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.float_error)
        layout.addWidget(self.drawer_error)
        layout.addLayout(middle, 1)
        layout.addWidget(self._close_box())
        self.supervisor: SupervisorBox | None = None
        if self.context.operator.can(Permission.SUPERVISE_CASH):
            self.supervisor = SupervisorBox(self.context, lambda: self.printer)
            layout.addWidget(self.supervisor)
        for key, slot in (("F12", self.pay), ("F5", lambda: self.means.setCurrentIndex(0)),
                          ("F6", lambda: self.means.setCurrentIndex(1))):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def report_document(self) -> Document | None:
        """The daily collection report (001 Član 4) of the day chosen next to the button."""
        try:
            day = self.report_day.value() or date.today()
        except InputError as exc:
            show_error(self, exc)
            return None
        db, operator = self.context.db, self.context.operator
        language = current().language
        return Document(_("Daily collection report {day}", day=current().date(day)),
                        _("collection-report-{day}.pdf", day=day.isoformat()),
                        lambda: report_pdf(daily_report(db, operator, day), operator.code,
                                           language),
                        _("Preparing the report…"))

    def _close_box(self) -> QGroupBox:
        box = QGroupBox(_("Close the drawer"))
        self.counted_cash = QLineEdit()
        self.counted_cash.setObjectName("counted_cash")
        self.counted_card = QLineEdit()
        self.counted_card.setObjectName("counted_card")
        self.close_button = QPushButton(_("Close the drawer"))
        self.close_button.setObjectName("close_drawer")
        self.close_button.clicked.connect(self.close_drawer)
        self.counted_card.returnPressed.connect(self.close_drawer)
        self.close_result = QLabel()
        self.close_result.setObjectName("close_result")
        self.close_result.setWordWrap(True)
        # The daily collection report (001 Član 4), filed with the slips' archive copies.
        self.day_report_button = QPushButton(_("Print the day's report"))
        self.day_report_button.setObjectName("print_report")
        self.day_report_button.clicked.connect(self.print_report)
        self.report_result = QLabel()
        self.report_result.setObjectName("report_result")
        self.report_result.setWordWrap(True)
        row = QHBoxLayout(box)
        row.addWidget(QLabel(_("Counted cash (float included)")))
        row.addWidget(self.counted_cash)
        row.addWidget(QLabel(_("Card total")))
        row.addWidget(self.counted_card)
        row.addWidget(self.close_button)
        row.addWidget(self.close_result, 1)
        row.addWidget(self.day_report_button)
        row.addWidget(self.report_result, 1)
        return box

    # --- the drawer ---------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.context
        ctx.runner.run(lambda: drawers.current_drawer(ctx.db, ctx.operator, self.desk),
                       self._show_drawer, lambda exc: show_error(self, exc))

    def _show_drawer(self, drawer: drawers.DrawerInfo | None) -> None:
        self.drawer = drawer
        if drawer is not None:
            self.drawer_day = drawer.opened_on
        is_open = drawer is not None
        for widget in (self.float_label, self.opening_float, self.open_button):
            widget.setVisible(not is_open)
        for widget in (self.counted_cash, self.counted_card, self.close_button,
                       self.pay_button):
            widget.setEnabled(is_open)
        if drawer is None:
            self.drawer_status.setText(_("Desk {desk}: no open drawer. Type the opening float "
                                         "and open it.", desk=self.desk))
            return
        self.drawer_status.setText(_(
            "Desk {desk}, drawer {id}: float {float}, cash {cash}, card {card}, {count} "
            "payments", desk=drawer.desk, id=drawer.id, float=_money(drawer.opening_float),
            cash=_money(drawer.cash_taken), card=_money(drawer.card_taken),
            count=drawer.payments))

    def open_drawer(self) -> None:
        ctx, typed = self.context, _typed(self.opening_float.text())
        self.float_error.clear()
        ctx.runner.run(lambda: drawers.open_drawer(ctx.db, ctx.operator, self.desk, typed),
                       self._on_drawer_opened, self._on_error)

    def _on_drawer_opened(self, drawer: drawers.DrawerInfo) -> None:
        self._show_drawer(drawer)
        self.close_result.clear()
        self.scan.setFocus()

    def close_drawer(self) -> None:
        if self.drawer is None:
            return
        ctx, drawer_id = self.context, self.drawer.id
        cash, card = _typed(self.counted_cash.text()), _typed(self.counted_card.text() or "0")
        ctx.runner.run(lambda: drawers.close_drawer(ctx.db, ctx.operator, drawer_id, cash, card),
                       self._on_drawer_closed, self._on_error)

    def print_report(self) -> None:
        """The daily collection report of the last drawer's day (today when none) on the
        desk's printer: every counter payment of the day per cashier and desk, with totals."""
        ctx = self.context
        day = self.drawer_day or date.today()
        language = current().language

        def render() -> tuple[report.DailyReport, list[Any]]:
            data = report.daily_report(ctx.db, ctx.operator, day)
            return data, render_pages(report_pdf(data, ctx.operator.code, language))

        def printed(result: tuple[report.DailyReport, list[Any]]) -> None:
            data, images = result
            try:
                self.printer.print_images(images, f"{_('Daily collection report')} {day}")
            except Exception as exc:  # noqa: BLE001 - any printer failure: say so, try again
                self.report_result.setText(_("The report was not printed ({detail}).",
                                             detail=str(exc)))
                return
            self.report_result.setText(_(
                "Daily report {day} printed: {count} payments, cash {cash}, card {card}, "
                "total {total}.", day=current().date(day), count=data.count,
                cash=_money(data.totals["cash"]), card=_money(data.totals["card"]),
                total=_money(data.total)))

        ctx.runner.run(render, printed, self._on_error)

    def _on_drawer_closed(self, drawer: drawers.DrawerInfo) -> None:
        self.drawer_day = drawer.opened_on
        self.close_result.setText(_(
            "Drawer {id} closed. Expected cash {expected}, card {card}; difference {difference}.",
            id=drawer.id, expected=_money(drawer.expected_cash), card=_money(drawer.card_taken),
            difference=_money(drawer.difference or Decimal(0))))
        self._show_drawer(None)
        changes.bus().notify(changes.PAYMENT, 0)

    def _on_bus_changed(self, kind: str, _customer_id: int) -> None:
        if kind == changes.PAYMENT and self.drawer is not None:
            self.refresh()

    # --- finding the payer --------------------------------------------------------------------

    def find_payer(self) -> None:
        ctx, typed = self.context, self.scan.text()
        self.scan_error.clear()
        ctx.runner.run(lambda: counter.find_payer(ctx.db, ctx.operator, typed), self._on_found,
                       self._on_error)

    def _on_found(self, found: Lookup) -> None:
        if found.payer is None:
            self.candidates.clear()
            for c in found.candidates:
                item = QListWidgetItem(f"{c.code}  {c.name}  ·  {c.address}")
                item.setData(Qt.ItemDataRole.UserRole, c.code)
                self.candidates.addItem(item)
            self.candidates.show()
            self.candidates.setCurrentRow(0)
            self.candidates.setFocus()
            return
        self.candidates.hide()
        self._show_payer(found.payer)

    def _on_candidates_activated(self, item: QListWidgetItem) -> None:
        self.scan.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.find_payer()

    def _show_payer(self, payer: Payer) -> None:
        self.payer = payer
        self._key = uuid.uuid4().hex
        for label in self.errors.values():
            label.clear()
        kind = _("Household") if payer.kind == "household" else _("Business")
        credit = (" · " + _("credit {amount}", amount=_money(payer.credit))
                  if payer.credit else "")
        self.payer_label.setText(f"{payer.code}  {payer.name} · {payer.address} · {kind}{credit}")
        self.items.blockSignals(True)
        self.items.setRowCount(len(payer.items))
        t = current()
        for row, item in enumerate(payer.items):
            check = QTableWidgetItem()
            if item.invoice_id is not None and item.document_type == "invoice":
                check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                check.setCheckState(Qt.CheckState.Unchecked)
            else:
                check.setFlags(Qt.ItemFlag.ItemIsEnabled)
            check.setData(Qt.ItemDataRole.UserRole, item.invoice_id)
            self.items.setItem(row, 0, check)
            cells = [item.document_number, t.date(item.document_date), t.date(item.due_date),
                     _money(item.open_amount), _money(item.disputed) if item.disputed else ""]
            for column, text in enumerate(cells, start=1):
                cell = QTableWidgetItem(text)
                if column >= 4:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.items.setItem(row, column, cell)
        self.items.blockSignals(False)
        self.total.setText(self._total_text(payer.total_due))
        self.means.setCurrentIndex(0)
        self.means.setEnabled(True)
        self.amount.setText(t.number(payer.total_due, 2) if payer.total_due else "")
        self.received.clear()
        self._update_change()
        (self.received if payer.total_due else self.amount).setFocus()

    def _total_text(self, due: Decimal) -> str:
        disputed = sum((i.disputed for i in self.payer.items), Decimal(0)) if self.payer \
            else Decimal(0)
        if not due and not disputed:
            return _("Nothing is due; an amount paid now stays as a credit on the financial "
                     "card.")
        if not disputed:
            return _("Total due: {amount}", amount=_money(due))
        return _("Total due: {amount}; disputed in an open complaint and not asked for: "
                 "{disputed} (tick the invoice to take it too)", amount=_money(due),
                 disputed=_money(disputed))

    def chosen_invoices(self) -> tuple[int, ...]:
        chosen = []
        for row in range(self.items.rowCount()):
            item = self.items.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                chosen.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(chosen)

    def _on_items_changed(self, _item: QTableWidgetItem) -> None:
        """Chosen invoices: the amount becomes what is open of them (004 §35.2)."""
        if self.payer is None:
            return
        chosen = set(self.chosen_invoices())
        if chosen:
            due = sum((i.payable for i in self.payer.items if i.invoice_id in chosen),
                      Decimal(0))
        else:
            due = self.payer.total_due
        self.amount.setText(current().number(due, 2))
        self._key = uuid.uuid4().hex
        self._update_change()

    def _on_means_changed(self, _index: int) -> None:
        card = self.means.currentData() == "card"
        self.received.setEnabled(not card)
        self.errors["means"].clear()
        if card and self.payer is not None and not self.payer.card_allowed:
            self.errors["means"].setText(_("Card payments are for households only (001 Član "
                                           "4): take cash from a business."))
        self._update_change()

    def _on_money_edited(self, _text: str) -> None:
        self._key = uuid.uuid4().hex  # another amount is another payment
        self._update_change()

    def _update_change(self) -> None:
        try:
            amount = current().parse_decimal(self.amount.text())
            received = current().parse_decimal(self.received.text())
        except (InvalidOperation, ValueError):
            self.change.setText("")
            return
        self.change.setText(_money(received - amount) if received >= amount else "")

    # --- paying -------------------------------------------------------------------------------

    def pay(self) -> None:
        if self.payer is None or self.drawer is None:
            self.drawer_error.setText("" if self.drawer else _(
                "The drawer is closed: open a drawer before taking payments."))
            return
        for label in self.errors.values():
            label.clear()
        means = str(self.means.currentData())
        request = counter.PaymentRequest(
            self._key, self.drawer.id, self.desk, self.payer.customer_id, means,
            _typed(self.amount.text()),
            _typed(self.received.text()) if means == "cash" and self.received.text().strip()
            else None, self.chosen_invoices())
        ctx = self.context
        self.pay_button.setEnabled(False)
        ctx.runner.run(lambda: counter.pay(ctx.db, ctx.operator, request), self._on_paid,
                       self._on_pay_failed)

    def _on_pay_failed(self, exc: BaseException) -> None:
        self.pay_button.setEnabled(self.drawer is not None)
        self._on_error(exc)

    def _on_paid(self, receipt: Receipt) -> None:
        self.last_receipt = receipt
        self.pay_button.setEnabled(True)
        self.receipt_label.setText(_("Posted {number}: {amount}, change {change}. Printing…",
                                     number=receipt.number, amount=_money(receipt.amount),
                                     change=_money(receipt.change)))
        self._reset_for_next()
        changes.bus().notify(changes.PAYMENT, receipt.customer_id)
        self._print(receipt)

    def _reset_for_next(self) -> None:
        """Ready for the next customer before the slip has printed."""
        self.payer = None
        self._key = ""
        self.scan.clear()
        self.items.setRowCount(0)
        self.payer_label.clear()
        self.total.clear()
        self.amount.clear()
        self.received.clear()
        self.change.clear()
        self.scan.setFocus()

    def _print_last(self) -> None:
        if self.last_receipt is not None:
            self._print(self.last_receipt)

    def _print(self, receipt: Receipt) -> None:
        """Render off the GUI thread, then paint on the printer. A failure leaves the payment
        as it is (posted) and offers to print the slip again."""
        ctx = self.context

        def render() -> list[Any]:
            return render_pages(slip_pdf(receipt, get_office(ctx.db)))

        def printed(images: list[Any]) -> None:
            try:
                self.printer.print_images(images, receipt.number)
            except Exception as exc:  # noqa: BLE001 - any printer failure: offer a reprint
                print_failed(exc)
                return
            self.print_again.setEnabled(False)
            self.receipt_label.setText(_("Posted {number}: {amount}, change {change}. Slip "
                                         "printed.", number=receipt.number,
                                         amount=_money(receipt.amount),
                                         change=_money(receipt.change)))

        def print_failed(exc: BaseException) -> None:
            self.print_again.setEnabled(True)
            detail = tr_error(exc) if isinstance(exc, DomainError) else str(exc)
            self.receipt_label.setText(_(
                "Posted {number}; the slip was not printed ({detail}). Do not take the payment "
                "again: use \"Print the slip again\".", number=receipt.number, detail=detail))

        ctx.runner.run(render, printed, print_failed)

    # --- errors -------------------------------------------------------------------------------

    def _on_error(self, exc: BaseException) -> None:
        """Field errors next to their field; anything else in a message box."""
        labels = {"search": self.scan_error, "means": self.errors["means"],
                  "amount": self.errors["amount"], "received": self.errors["received"],
                  "invoices": self.errors["amount"], "drawer": self.drawer_error,
                  "opening_float": self.float_error, "desk": self.drawer_error,
                  "counted_cash": self.close_result, "counted_card": self.close_result}
        if isinstance(exc, ValidationError):
            for error in exc.errors:
                target = labels.get(error.field or "")
                if target is None:
                    show_error(self, exc)
                    return
                target.setText(tr_error(error))
            return
        if isinstance(exc, DomainError) and exc.field in labels:
            labels[exc.field or ""].setText(tr_error(exc))
            return
        show_error(self, exc)


def _typed(text: str) -> Decimal | str:
    """A typed amount in the UI language's way (12,50 or 12.50); as typed when it is not a
    number, so that the service names the field and the fix."""
    try:
        return current().parse_decimal(text)
    except (InvalidOperation, ValueError):
        return text


__all__ = ["CounterWidget"]
