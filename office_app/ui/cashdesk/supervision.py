"""What a supervisor does at the counter: reprint a slip (DUPLIKAT, recorded with the reason),
reverse a wrong payment (storno, with the reason), close a drawer a cashier forgot open."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from office_app.errors import DomainError
from office_app.i18n import _, current, tr_error
from office_app.printing.cash_slip import slip_pdf
from office_app.services.cashdesk import counter, drawers, supervision
from office_app.services.office import get_office
from office_app.ui import changes
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import DeskPrinter, render_pages
from office_app.ui.forms import show_error


class SupervisorBox(QGroupBox):
    """Shown only to a role that may supervise the cash desk."""

    def __init__(self, context: AppContext, printer: Callable[[], DeskPrinter],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Supervisor"), parent)
        self.context = context
        self.printer = printer
        self.receipt_number = QLineEdit()
        self.receipt_number.setObjectName("supervisor_receipt")
        self.reason = QLineEdit()
        self.reason.setObjectName("supervisor_reason")
        self.reprint_button = QPushButton(_("Reprint (DUPLIKAT)"))
        self.reprint_button.setObjectName("reprint")
        self.reprint_button.clicked.connect(self.reprint)
        self.storno_button = QPushButton(_("Reverse the payment (storno)"))
        self.storno_button.setObjectName("storno")
        self.storno_button.clicked.connect(self.reverse)
        self.open_drawers = QComboBox()
        self.open_drawers.setObjectName("open_drawers")
        self.close_button = QPushButton(_("Close the chosen drawer"))
        self.close_button.setObjectName("close_forgotten")
        self.close_button.clicked.connect(self.close_forgotten)
        self.counted_cash = QLineEdit()
        self.counted_cash.setObjectName("forgotten_cash")
        self.counted_card = QLineEdit("0")
        self.counted_card.setObjectName("forgotten_card")
        self.result = QLabel()
        self.result.setObjectName("supervisor_result")
        self.result.setWordWrap(True)
        grid = QGridLayout(self)
        grid.addWidget(QLabel(_("Receipt number")), 0, 0)
        grid.addWidget(self.receipt_number, 0, 1)
        grid.addWidget(QLabel(_("Reason")), 0, 2)
        grid.addWidget(self.reason, 0, 3)
        grid.addWidget(self.reprint_button, 0, 4)
        grid.addWidget(self.storno_button, 0, 5)
        grid.addWidget(QLabel(_("Open drawers")), 1, 0)
        grid.addWidget(self.open_drawers, 1, 1)
        grid.addWidget(QLabel(_("Counted cash (float included)")), 1, 2)
        grid.addWidget(self.counted_cash, 1, 3)
        grid.addWidget(QLabel(_("Card total")), 1, 4)
        grid.addWidget(self.counted_card, 1, 5)
        grid.addWidget(self.close_button, 1, 6)
        grid.addWidget(self.result, 2, 0, 1, 7)
        changes.bus().sig_changed.connect(self._on_bus_changed)
        self.refresh()

    def _on_bus_changed(self, _kind: str, _customer_id: int) -> None:
        self.refresh()

    def refresh(self) -> None:
        ctx = self.context
        ctx.runner.run(lambda: drawers.open_drawers(ctx.db, ctx.operator), self._show_drawers,
                       self._failed)

    def _show_drawers(self, found: list[drawers.DrawerInfo]) -> None:
        self.open_drawers.clear()
        for d in found:
            self.open_drawers.addItem(
                _("{desk} · {cashier} · opened {day}", desk=d.desk, cashier=d.cashier_code,
                  day=current().date(d.opened_on)), d.id)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.result.setText(tr_error(exc))
        else:
            show_error(self, exc)

    def _receipt(self) -> counter.Receipt:
        ctx = self.context
        return counter.receipt_by_number(ctx.db, ctx.operator, self.receipt_number.text())

    def reprint(self) -> None:
        ctx, reason = self.context, self.reason.text()

        def work() -> tuple[counter.Receipt, list]:
            again = supervision.reprint(ctx.db, ctx.operator, self._receipt().id, reason)
            return again, render_pages(slip_pdf(again, get_office(ctx.db)))

        def done(found: tuple[counter.Receipt, list]) -> None:
            receipt, images = found
            try:
                self.printer().print_images(images, receipt.number + " DUPLIKAT")
            except Exception as exc:  # noqa: BLE001 - the reprint is recorded; say so
                self.result.setText(_("The reprint of {number} is recorded; the printer "
                                      "failed: {detail}", number=receipt.number,
                                      detail=str(exc)))
                return
            self.result.setText(_("{number} reprinted as DUPLIKAT.", number=receipt.number))

        ctx.runner.run(work, done, self._failed)

    def reverse(self) -> None:
        """Find the receipt, say what the storno will post and ask once; then post it."""
        self.context.runner.run(self._receipt, self._confirm_reverse, self._failed)

    def _confirm_reverse(self, receipt: counter.Receipt) -> None:
        text = _("Reverse receipt {number} of {day}: {amount} € paid by {code} {name}? The "
                 "storno takes the payment off the financial card.", number=receipt.number,
                 day=current().date(receipt.document_date),
                 amount=current().number(receipt.amount, 2), code=receipt.customer_code,
                 name=receipt.customer_name)
        if QMessageBox.question(self, _("Reverse the payment (storno)"), text) == \
                QMessageBox.StandardButton.Yes:
            self._post_reverse(receipt)

    def _post_reverse(self, receipt: counter.Receipt) -> None:
        ctx, reason = self.context, self.reason.text()

        def work() -> tuple[counter.Receipt, list[str]]:
            return receipt, supervision.reverse_payment(ctx.db, ctx.operator, receipt.id,
                                                        reason)

        def done(found: tuple[counter.Receipt, list[str]]) -> None:
            receipt, numbers = found
            self.result.setText(_("{number} reversed by {storno}.", number=receipt.number,
                                  storno=", ".join(numbers)))
            changes.bus().notify(changes.PAYMENT, receipt.customer_id)

        ctx.runner.run(work, done, self._failed)

    def close_forgotten(self) -> None:
        drawer_id = self.open_drawers.currentData()
        if drawer_id is None:
            return
        ctx = self.context
        cash, card = _typed(self.counted_cash.text()), _typed(self.counted_card.text())

        def done(drawer: drawers.DrawerInfo) -> None:
            self.result.setText(_(
                "Drawer {id} closed. Expected cash {expected}, card {card}; difference "
                "{difference}.", id=drawer.id, expected=current().money(drawer.expected_cash),
                card=current().money(drawer.card_taken),
                difference=current().money(drawer.difference or Decimal(0))))
            changes.bus().notify(changes.PAYMENT, 0)

        ctx.runner.run(lambda: drawers.close_drawer(ctx.db, ctx.operator, int(drawer_id), cash,
                                                    card, _("closed by a supervisor")),
                       done, self._failed)


def _typed(text: str) -> Decimal | str:
    try:
        return current().parse_decimal(text)
    except Exception:  # noqa: BLE001 - the service names the field
        return text
