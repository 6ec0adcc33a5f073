"""Dialogs of the collection tab: a warning's delivery, a crew's field record, cancelling an
order."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from office_app.errors import N_
from office_app.i18n import _
from office_app.services.collection import orders, warnings
from office_app.services.collection.orders import FieldRecordInput, OrderRecord
from office_app.services.collection.warnings import WarningRecord
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, NumberField

DELIVERY_LABELS = {"post": N_("By post"), "book": N_("Delivery book")}
OUTCOME_LABELS = {"": N_("Not known yet"), "paid": N_("Paid"), "partly_paid": N_("Partly paid"),
                  "unpaid": N_("Not paid"), "order": N_("Disconnection ordered")}


def _combo(labels: dict[str, str], current: str) -> QComboBox:
    box = QComboBox()
    for key, label in labels.items():
        box.addItem(_(label), key)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class DeliveryDialog(BaseDialog):
    """How a warning was delivered (post or delivery book, date) and its outcome."""

    def __init__(self, context: AppContext, record: WarningRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Warning {number}", number=record.number), context.runner, parent)
        self.context, self.record = context, record
        self.add_row("delivery", _("Delivered"), _combo(DELIVERY_LABELS,
                                                        record.delivery or "post"))
        when = DateField("delivered_on", _("Delivered on"))
        when.set_value(record.delivered_on or date.today())
        self.add_row("delivered_on", _("Delivered on"), when)
        self.add_row("outcome", _("Outcome"), _combo(OUTCOME_LABELS, record.outcome))

    def save(self) -> Callable[[], Any]:
        delivery = self.field("delivery").currentData()
        delivered_on = self.field("delivered_on").value()
        outcome = self.field("outcome").currentData()
        db, operator, warning_id = self.context.db, self.context.operator, self.record.id
        return lambda: warnings.record_delivery(db, operator, warning_id, delivery,
                                                delivered_on, outcome)


class FieldRecordDialog(BaseDialog):
    """The crew's record of an order carried out: date, meter reading, remarks."""

    def __init__(self, context: AppContext, record: OrderRecord,
                 parent: QWidget | None = None) -> None:
        title = (_("Disconnection carried out — {number}", number=record.number)
                 if record.kind == "disconnection"
                 else _("Reconnection carried out — {number}", number=record.number))
        super().__init__(title, context.runner, parent)
        self.context, self.record = context, record
        when = DateField("done_on", _("Carried out on"))
        when.set_value(date.today())
        self.add_row("done_on", _("Carried out on"), when)
        self.add_row("reading", _("Meter reading"),
                     NumberField("reading", _("Meter reading"), decimal=True))
        self.add_row("remarks", _("Remarks"), QLineEdit())

    def save(self) -> Callable[[], Any]:
        data = FieldRecordInput(self.record.id, self.field("done_on").value(),
                                self.field("reading").value(), self.field("remarks").text())
        db, operator = self.context.db, self.context.operator
        record = (orders.record_disconnection if self.record.kind == "disconnection"
                  else orders.record_reconnection)
        return lambda: record(db, operator, data)


class CancelOrderDialog(BaseDialog):
    def __init__(self, context: AppContext, record: OrderRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Cancel order {number}", number=record.number), context.runner,
                         parent)
        self.context, self.record = context, record
        self.add_row("reason", _("Reason"), QLineEdit())

    def save(self) -> Callable[[], Any]:
        reason = self.field("reason").text()
        db, operator, order_id = self.context.db, self.context.operator, self.record.id
        return lambda: orders.cancel_order(db, operator, order_id, reason)
