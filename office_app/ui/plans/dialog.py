"""The dialog that sets up an installment plan: the customer, the terms, and the schedule the
service computes from them (shown before the plan is saved)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView, QWidget

from office_app.errors import N_, FieldError, NotFound, ValidationError
from office_app.i18n import _
from office_app.services import plans
from office_app.services.customers import find_by_code
from office_app.ui.billing.common import day, money
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, InputError, NumberField
from office_app.ui.lazy_table import Column, ListTableModel, configure_view

SCHEDULE_COLUMNS = [
    Column(N_("Installment"), lambda x: _("Down payment") if x.sequence == 0
           else str(x.sequence), width=12),
    Column(N_("Due date"), lambda x: day(x.due_date), width=10),
    Column(N_("Principal"), lambda x: money(x.principal), width=10, align_right=True),
    Column(N_("Interest"), lambda x: money(x.interest), width=9, align_right=True),
    Column(N_("Amount"), lambda x: money(x.amount), width=10, align_right=True),
]


class PlanDialog(BaseDialog):
    """A new plan for the customer whose code is typed; OK saves it (the covered debt is
    re-dated on the card), "Show schedule" only computes it."""

    def __init__(self, context: AppContext, today: date, parent: QWidget | None = None) -> None:
        super().__init__(_("New installment plan"), context.runner, parent)
        self.context = context
        self.add_row("customer", _("Customer code"), QLineEdit())
        agreed = DateField("agreed_on", _("Agreement date"))
        agreed.set_value(today)
        self.add_row("agreed_on", _("Agreement date"), agreed)
        fields: list[tuple[str, str, bool, Any]] = [
            ("down_payment", _("Down payment"), True, Decimal("0")),
            ("installment_count", _("Number of installments"), False, 6),
            ("interest_rate", _("Interest rate (% a year)"), True, Decimal("0")),
            ("minimum_installment", _("Minimum installment"), True, Decimal("0")),
            ("grace_days", _("Grace period (days)"), False, 15)]
        for name, label, decimal, value in fields:
            number = NumberField(name, label, decimal)
            number.set_value(value)
            self.add_row(name, label, number)
        first = DateField("first_due", _("First installment due"))
        first.setPlaceholderText(_("a month after the agreement"))
        self.add_row("first_due", _("First installment due"), first)
        self.preview_button = QPushButton(_("Show schedule"))
        self.preview_button.clicked.connect(self.show_schedule)
        self.debt = QLabel()
        self.debt.setObjectName("debt")
        self.schedule = ListTableModel(SCHEDULE_COLUMNS, self)
        view = QTableView()
        view.setObjectName("schedule")
        configure_view(view, self.schedule)
        self.form.addRow(self.preview_button, self.debt)
        self.form.addRow(view)
        self.resize(max(self.width(), 560), 620)

    def _number(self, name: str) -> Any:
        value = self.field(name).value()
        if value is None:
            return Decimal("0") if self.field(name).decimal else 0
        return value

    def terms(self) -> Callable[[], plans.PlanTerms]:
        """The typed terms (InputError when a field cannot be read); the returned call looks
        the customer up when it runs."""
        code = self.field("customer").text().strip()
        agreed = self.field("agreed_on").value() or date.today()
        values = {name: self._number(name) for name in (
            "down_payment", "installment_count", "interest_rate", "minimum_installment",
            "grace_days")}
        first = self.field("first_due").value()
        db, operator = self.context.db, self.context.operator

        def make() -> plans.PlanTerms:
            if not code:
                raise ValidationError([FieldError("customer", N_(
                    "Customer code: required."))])
            try:
                customer = find_by_code(db, operator, code)
            except NotFound as exc:
                raise ValidationError([FieldError("customer", exc.msg_id,
                                                  exc.params)]) from None
            return plans.PlanTerms(customer.id, agreed, first_due=first, **values)

        return make

    def show_schedule(self) -> None:
        try:
            make = self.terms()
        except InputError as exc:
            self.show_errors([exc.error])
            return
        db, operator = self.context.db, self.context.operator

        def shown(preview: plans.PlanPreview) -> None:
            self.clear_errors()
            self.schedule.set_rows(preview.lines)
            self.debt.setText(_("Overdue debt {debt} in {count} document(s); with interest "
                                "{total}", debt=money(preview.debt),
                                count=len(preview.covered), total=money(preview.total)))

        self.runner.run(lambda: plans.preview_plan(db, operator, make()), shown,
                        self._failed)

    def save(self) -> Callable[[], Any]:
        make = self.terms()
        db, operator = self.context.db, self.context.operator
        return lambda: plans.create_plan(db, operator, make())
