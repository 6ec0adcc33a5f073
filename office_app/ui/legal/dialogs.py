"""Dialogs of the litigation register: a new case, an event with its deadline, closing."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from office_app.i18n import _, current
from office_app.services import ledger, legal
from office_app.services.customers import find_by_code
from office_app.services.legal import (
    CLOSING_STAGES,
    EVENT_KINDS,
    EVENT_LABELS,
    STAGE_LABELS,
    CaseInput,
    CaseRecord,
)
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, NumberField


def _finish(dialog: BaseDialog, widgets: list[QWidget]) -> None:
    chain = [*widgets, *dialog.buttons.buttons()]
    for before, after in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(before, after)
    widgets[0].setFocus()
    dialog.resize(max(dialog.width(), 460), dialog.sizeHint().height())


def _combo(labels: dict[str, str], keys: tuple[str, ...]) -> QComboBox:
    box = QComboBox()
    for key in keys:
        box.addItem(_(labels[key]), key)
    return box


class CaseDialog(BaseDialog):
    """A new case: the customer by code, the court's case number, amounts."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("New court case"), context.runner, parent)
        self.context = context
        widgets = [
            self.add_row("customer_id", _("Customer code"), QLineEdit()),
            self.add_row("case_number", _("Case number"), QLineEdit()),
            self.add_row("court", _("Court"), QLineEdit()),
            self.add_row("filed_on", _("Date filed"), DateField("filed_on", _("Date filed"))),
            self.add_row("amount_sued", _("Amount sued"),
                         NumberField("amount_sued", _("Amount sued"), decimal=True)),
            self.add_row("court_fee", _("Court fee"),
                         NumberField("court_fee", _("Court fee"), decimal=True)),
            self.add_row("other_costs", _("Other costs"),
                         NumberField("other_costs", _("Other costs"), decimal=True))]
        self.field("filed_on").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        code = self.field("customer_id").text().strip()
        number, court = self.field("case_number").text(), self.field("court").text()
        filed = self.field("filed_on").value() or date.today()
        amounts = [self.field(n).value() for n in ("amount_sued", "court_fee", "other_costs")]
        sued, fee, costs = (a if a is not None else "0" for a in amounts)
        db, operator = self.context.db, self.context.operator

        def work() -> CaseRecord:
            customer = find_by_code(db, operator, code)
            return legal.open_case(db, operator, CaseInput(customer.id, number, court, filed,
                                                           sued, fee, costs))
        return work


class EventDialog(BaseDialog):
    """A hearing, decision, appeal … of a case, with its deadline."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Event of case {number}", number=case.case_number), context.runner,
                         parent)
        self.context, self.case = context, case
        widgets = [
            self.add_row("kind", _("Event"), _combo(EVENT_LABELS, EVENT_KINDS)),
            self.add_row("event_date", _("Date"), DateField("event_date", _("Date"))),
            self.add_row("deadline", _("Deadline"), DateField("deadline", _("Deadline"))),
            self.add_row("note", _("Note"), QLineEdit())]
        self.field("event_date").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        kind = self.field("kind").currentData()
        day = self.field("event_date").value() or date.today()
        deadline, note = self.field("deadline").value(), self.field("note").text()
        db, operator, case_id = self.context.db, self.context.operator, self.case.id
        return lambda: legal.add_event(db, operator, case_id, kind, day, deadline, note)


class CloseDialog(BaseDialog):
    """Close a case as settled, paid or written off, with the outcome."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Close case {number}", number=case.case_number), context.runner,
                         parent)
        self.context, self.case = context, case
        widgets = [
            self.add_row("stage", _("Outcome"), _combo(STAGE_LABELS, CLOSING_STAGES)),
            self.add_row("outcome", _("Description"), QLineEdit()),
            self.add_row("closed_on", _("Date closed"),
                         DateField("closed_on", _("Date closed")))]
        self.field("closed_on").set_value(date.today())
        # A write-off posts what the card shows owed: the amount stands in the dialog before OK.
        self.write_off = QLabel()
        self.write_off.setObjectName("write_off")
        self.write_off.setWordWrap(True)
        self.write_off.hide()
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, self.write_off)
        self.field("stage").currentIndexChanged.connect(self._on_stage_changed)
        _finish(self, widgets)
        self._on_stage_changed()

    def _on_stage_changed(self, *_args: object) -> None:
        if self.field("stage").currentData() != "written_off":
            self.write_off.hide()
            return
        db, operator, case = self.context.db, self.context.operator, self.case
        self.context.runner.run(
            lambda: ledger.card(db, operator, case.customer_id).closing_balance,
            lambda owed: self._show_write_off(owed), lambda _exc: self.write_off.hide())

    def _show_write_off(self, owed: Decimal) -> None:
        self.write_off.setText(_(
            "OK posts a write-off of {amount} € (what the card of {code} shows owed) and closes "
            "the case.", amount=current().number(owed, 2), code=self.case.customer_code))
        self.write_off.setVisible(self.field("stage").currentData() == "written_off")

    def save(self) -> Callable[[], Any]:
        stage, text = self.field("stage").currentData(), self.field("outcome").text()
        day = self.field("closed_on").value() or date.today()
        db, operator, case_id = self.context.db, self.context.operator, self.case.id
        return lambda: legal.close_case(db, operator, case_id, stage, text, day)
