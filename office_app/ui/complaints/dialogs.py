"""Dialogs of the complaint book: a new complaint, its answer and the correction of a
justified one."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from office_app.db import Database
from office_app.errors import N_, FieldError, NotFound, ValidationError
from office_app.i18n import _
from office_app.services import complaints
from office_app.services.billing import invoices
from office_app.services.complaints import (
    CHANNEL_LABELS,
    COMPLAINT_CHANNELS,
    COMPLAINT_DECISIONS,
    COMPLAINT_SUBJECTS,
    DECISION_LABELS,
    SUBJECT_LABELS,
    ComplaintInput,
    ComplaintRecord,
)
from office_app.services.customers import CustomerRecord, find_by_code
from office_app.services.permissions import Operator
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, NumberField


def _combo(labels: dict[str, str], keys: tuple[str, ...], empty: str = "") -> QComboBox:
    box = QComboBox()
    if empty:
        box.addItem(empty, None)
    for key in keys:
        box.addItem(_(labels[key]), key)
    return box


def _finish(dialog: BaseDialog, widgets: list[QWidget]) -> None:
    chain = [*widgets, *dialog.buttons.buttons()]
    for before, after in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(before, after)
    widgets[0].setFocus()
    dialog.resize(max(dialog.width(), 480), dialog.sizeHint().height())



def customer_by_code(db: Database, operator: Operator, code: str) -> CustomerRecord:
    """The customer typed in the dialog's "customer_id" field; a wrong or empty code is named
    next to that field (not in a line above the form)."""
    if not code.strip():
        raise ValidationError([FieldError("customer_id", N_("Type the customer's code."))])
    try:
        return find_by_code(db, operator, code)
    except NotFound as exc:
        raise NotFound(exc.msg_id, "customer_id", **exc.params) from exc

class ComplaintDialog(BaseDialog):
    """A complaint entered in the book: customer, channel, subject, invoices, amount."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("New complaint"), context.runner, parent)
        self.context = context
        description = QPlainTextEdit()
        description.setTabChangesFocus(True)
        widgets = [
            self.add_row("customer_id", _("Customer code"), QLineEdit()),
            self.add_row("received_on", _("Received"), DateField("received_on", _("Received"))),
            self.add_row("channel", _("Channel"), _combo(CHANNEL_LABELS, COMPLAINT_CHANNELS)),
            self.add_row("subject", _("Subject"), _combo(SUBJECT_LABELS, COMPLAINT_SUBJECTS)),
            self.add_row("invoice_ids", _("Invoices (numbers, comma-separated)"), QLineEdit()),
            self.add_row("disputed_amount", _("Disputed amount"),
                         NumberField("disputed_amount", _("Disputed amount"), decimal=True)),
            self.add_row("description", _("Description"), description)]
        self.field("received_on").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        code = self.field("customer_id").text().strip()
        received = self.field("received_on").value() or date.today()
        channel, subject = (self.field(n).currentData() for n in ("channel", "subject"))
        numbers = [n.strip() for n in self.field("invoice_ids").text().split(",") if n.strip()]
        amount = self.field("disputed_amount").value()
        text = self.field("description").toPlainText()
        db, operator = self.context.db, self.context.operator

        def work() -> ComplaintRecord:
            customer = customer_by_code(db, operator, code)
            ids = [invoices.find_invoice(db, operator, n).id for n in numbers]
            return complaints.register(db, operator, ComplaintInput(
                customer.id, received, channel, subject, text,
                amount if amount is not None else "0", ids))
        return work


class AnswerDialog(BaseDialog):
    """The decision (justified or not), its reason and the answer's date."""

    def __init__(self, context: AppContext, record: ComplaintRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Answer complaint {number}", number=record.number), context.runner,
                         parent)
        self.context, self.record = context, record
        reason = QPlainTextEdit()
        reason.setTabChangesFocus(True)
        widgets = [
            self.add_row("decision", _("Decision"),
                         _combo(DECISION_LABELS, COMPLAINT_DECISIONS, _("(choose)"))),
            self.add_row("reason", _("Reason"), reason),
            self.add_row("answered_on", _("Answer date"),
                         DateField("answered_on", _("Answer date")))]
        self.field("answered_on").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        decision = self.field("decision").currentData()
        reason = self.field("reason").toPlainText()
        day = self.field("answered_on").value() or date.today()
        db, operator, complaint_id = self.context.db, self.context.operator, self.record.id
        return lambda: complaints.answer(db, operator, complaint_id, decision, reason, day)


class CorrectionDialog(BaseDialog):
    """The credit or debit note a justified complaint calls for (a supervisor's right): the
    invoice (the complaint's first by default), the kind, the net amount and the date."""

    def __init__(self, context: AppContext, record: ComplaintRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Correct the bill for complaint {number}", number=record.number),
                         context.runner, parent)
        self.context, self.record = context, record
        kind = QComboBox()
        kind.addItem(_("Credit note (lowers the bill)"), "credit")
        kind.addItem(_("Debit note (raises the bill)"), "debit")
        widgets = [
            self.add_row("invoice_id", _("Invoice number"), QLineEdit()),
            self.add_row("kind", _("Correction"), kind),
            self.add_row("net_amount", _("Net amount"),
                         NumberField("net_amount", _("Net amount"), decimal=True)),
            self.add_row("on", _("Date"), DateField("on", _("Date")))]
        self.field("invoice_id").setText(record.invoice_numbers[0] if record.invoice_numbers
                                         else "")
        self.field("on").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        number = self.field("invoice_id").text().strip()
        kind, amount = self.field("kind").currentData(), self.field("net_amount").value()
        day = self.field("on").value() or date.today()
        db, operator, complaint_id = self.context.db, self.context.operator, self.record.id

        def work() -> ComplaintRecord:
            invoice = invoices.find_invoice(db, operator, number)
            return complaints.correct(db, operator, complaint_id, invoice.id, kind,
                                      amount if amount is not None else "", day)
        return work
