"""The installment plans tab: the collection analysis of every plan on a date (expected, paid,
installments on time, late, missed; plans active, completed, broken), the selected plan's
installments, and the actions a role may take: a new plan and the daily check (supervisors),
the agreement and the analysis as PDF (everyone who sees the ledger)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.printing.plan_agreement import plan_agreement_pdf
from office_app.printing.plan_analysis import plan_analysis_pdf
from office_app.printing.plan_workbook import plan_workbook
from office_app.services import plans
from office_app.services.office import get_office
from office_app.services.permissions import Permission
from office_app.ui.billing.common import day, money, open_file
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton
from office_app.ui.forms import DateField, InputError, show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    sample_date,
    selected_row,
)
from office_app.ui.plans.dialog import PlanDialog

PLAN_COLUMNS = [
    Column(N_("Plan"), lambda p: p.number, width=18, sample="RP-BAR-2026-00000/B"),
    Column(N_("Customer code"), lambda p: p.customer_code, width=10, sample="0000000"),
    Column(N_("Customer"), lambda p: p.customer_name, width=24, stretch=True),
    Column(N_("Agreed on"), lambda p: day(p.agreed_on), width=10, sample=sample_date),
    Column(N_("Status"), lambda p: _(plans.STATUS_LABELS[p.status]), width=14),
    Column(N_("Total to pay"), lambda p: money(p.total), width=10, align_right=True),
    Column(N_("Expected"), lambda p: money(p.expected), width=10, align_right=True),
    Column(N_("Paid"), lambda p: money(p.paid), width=10, align_right=True),
    Column(N_("Open amount"), lambda p: money(p.open), width=10, align_right=True),
    Column(N_("On time"), lambda p: str(p.count("paid_on_time")), width=7, align_right=True),
    Column(N_("Late"), lambda p: str(p.count("paid_late")), width=7, align_right=True),
    Column(N_("Missed"), lambda p: str(p.count("missed")), width=7, align_right=True),
]
INSTALLMENT_COLUMNS = [
    Column(N_("Installment"), lambda i: _("Down payment") if i.sequence == 0
           else str(i.sequence), width=12),
    Column(N_("Due date"), lambda i: day(i.due_date), width=10, sample=sample_date),
    Column(N_("Amount"), lambda i: money(i.amount), width=10, align_right=True),
    Column(N_("Paid"), lambda i: money(i.paid), width=10, align_right=True),
    Column(N_("Paid on"), lambda i: day(i.paid_on), width=10, sample=sample_date),
    Column(N_("State"), lambda i: _(plans.STATE_LABELS[i.state]), width=26),
]


class PlansWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.as_of = DateField("as_of", _("On"))
        self.as_of.set_value(date.today())
        self.as_of.returnPressed.connect(self.refresh)
        self.status = QComboBox()
        self.status.addItem(_("All plans"), "")
        for key, label in plans.STATUS_LABELS.items():
            self.status.addItem(_(label), key)
        self.status.currentIndexChanged.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.plans = ListTableModel(PLAN_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("plans")
        configure_view(self.table, self.plans)
        self.installments = ListTableModel(INSTALLMENT_COLUMNS, self)
        self.installment_table = QTableView()
        self.installment_table.setObjectName("installments")
        configure_view(self.installment_table, self.installments)
        self.table.selectionModel().selectionChanged.connect(self._on_plans_current)
        layout = QVBoxLayout(self)
        layout.addLayout(self._bar())
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.installment_table)
        layout.addWidget(split, 1)
        self.setFocusProxy(self.table)

    def _bar(self) -> QHBoxLayout:
        can = self.context.operator.can
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("On")))
        bar.addWidget(self.as_of)
        bar.addWidget(self.status)
        self.show_button = self._button(bar, "show", _("Show"), self.refresh)
        self.new_button = self._button(bar, "new", _("New plan…"), self.new_plan,
                                       can(Permission.CORRECT_INVOICES))
        self.check_button = self._button(bar, "check", _("Check plans"), self.check,
                                         can(Permission.RUN_BILLING))
        self.agreement_button = DocumentButton(
            self.context, _("Agreement"), self.agreement_document, "agreement",
            missing=N_("Choose a plan in the list first."))
        self.pdf_button = DocumentButton(self.context, _("Analysis"), self.analysis_document,
                                         "analysis_pdf")
        bar.addWidget(self.agreement_button)
        bar.addWidget(self.pdf_button)
        self.xlsx_button = self._button(bar, "analysis_xlsx", _("Analysis xlsx…"),
                                        self.export_analysis)
        bar.addStretch(1)
        return bar

    def _button(self, bar: QHBoxLayout, name: str, text: str, slot: object,
                visible: bool = True) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(visible)
        bar.addWidget(button)
        return button

    # -- loading ----------------------------------------------------------------------------
    def day(self) -> date | None:
        try:
            return self.as_of.value() or date.today()
        except InputError as exc:
            QMessageBox.warning(self, _("Error"), _(exc.error.msg_id, **exc.error.params))
            return None

    def refresh(self) -> None:
        as_of = self.day()
        if as_of is None:
            return
        db, operator = self.context.db, self.context.operator
        status = self.status.currentData() or None
        self.context.runner.run(lambda: plans.collection(db, operator, as_of, status),
                                self._loaded, lambda exc: show_error(self, exc))

    def _loaded(self, result: tuple[list[plans.PlanState], plans.CollectionSummary]) -> None:
        states, summary = result
        self.plans.set_rows(states)
        self.installments.set_rows([])
        self.summary.setText(summary_text(summary))
        if states:
            self.table.selectRow(0)

    def current(self) -> plans.PlanState | None:
        row = selected_row(self.table)
        return self.plans.record_at(row) if row is not None else None

    def _on_plans_current(self, *_args: object) -> None:
        plan = self.current()
        self.installments.set_rows(plan.installments if plan is not None else [])

    # -- actions ----------------------------------------------------------------------------
    def new_plan(self) -> None:
        dialog = PlanDialog(self.context, date.today(), self)
        if dialog.exec():
            self.refresh()

    def check(self) -> None:
        as_of = self.day()
        if as_of is None:
            return
        db, operator = self.context.db, self.context.operator

        def done(result: plans.CheckResult) -> None:
            QMessageBox.information(self, _("Check plans"), _(
                "Plans broken: {broken}. Plans completed: {completed}.",
                broken=", ".join(result.broken) or "0",
                completed=", ".join(result.completed) or "0"))
            self.refresh()

        def confirm(preview: plans.CheckResult) -> None:
            if not preview.broken and not preview.completed:
                QMessageBox.information(self, _("Check plans"), _(
                    "No plan is broken or completed on {day}.", day=current().date(as_of)))
                return
            text = _("On {day} {broken} plans will be broken (the rest of each falls due at "
                     "once) and {completed} marked completed.", day=current().date(as_of),
                     broken=len(preview.broken), completed=len(preview.completed))
            if preview.broken:
                text += "\n" + _("Broken: {plans}.", plans=", ".join(preview.broken))
            if QMessageBox.question(self, _("Check plans"), text + "\n\n" + _(
                    "Apply it now?")) == QMessageBox.StandardButton.Yes:
                self.context.runner.run(lambda: plans.check_plans(db, operator, as_of), done,
                                        lambda exc: show_error(self, exc), parent=self,
                                        label=_("Checking the plans…"))

        self.context.runner.run(lambda: plans.preview_check(db, operator, as_of), confirm,
                                lambda exc: show_error(self, exc), parent=self,
                                label=_("Checking the plans…"))

    def agreement_document(self) -> Document | None:
        plan = self.current()
        if plan is None:
            return None
        db, operator = self.context.db, self.context.operator
        return Document(_("Installment agreement {number}", number=plan.number),
                        _("agreement-{number}.pdf", number=plan.number.replace("/", "-")),
                        lambda: plan_agreement_pdf(plans.agreement(db, operator, plan.id)),
                        _("Preparing the agreement…"))

    def analysis_document(self) -> Document | None:
        as_of = self.day()
        if as_of is None:
            return None
        db, operator = self.context.db, self.context.operator
        status = self.status.currentData() or None
        language = current().language

        def make() -> bytes:
            states, summary = plans.collection(db, operator, as_of, status)
            return plan_analysis_pdf(states, summary, get_office(db), language,
                                     operator.code, datetime.now(UTC))

        return Document(_("Installment plans"),
                        _("plans-{day}.pdf", day=as_of.isoformat()), make,
                        _("Preparing the analysis…"))


    def export_analysis(self) -> None:
        as_of = self.day()
        if as_of is None:
            return
        path, _chosen = QFileDialog.getSaveFileName(
            self, _("Installment plans"), f"plans-{as_of.isoformat()}.xlsx",
            _("Excel workbooks (*.xlsx)"))
        if not path:
            return
        db, operator = self.context.db, self.context.operator
        status = self.status.currentData() or None
        language = current().language

        def make() -> bytes:
            states, summary = plans.collection(db, operator, as_of, status)
            return plan_workbook(states, summary, language)

        def ready(data: bytes) -> None:
            try:
                Path(path).write_bytes(data)
            except OSError as exc:
                show_error(self, exc)
                return
            open_file(path)

        self.context.runner.run(make, ready, lambda exc: show_error(self, exc), parent=self,
                                label=_("Preparing the analysis…"))


def summary_text(s: plans.CollectionSummary) -> str:
    return _("{plans} plans: {active} active, {completed} completed, {broken} broken. "
             "Expected by {date}: {expected}; paid {paid} ({rate} %). Installments paid on "
             "time {on_time}, late {late}; missed {missed}.", plans=s.plans,
             active=s.by_status["active"], completed=s.by_status["completed"],
             broken=s.by_status["broken"], date=day(s.as_of), expected=money(s.expected),
             paid=money(s.paid), rate=current().number(s.rate, 1),
             on_time=s.by_state["paid_on_time"], late=s.by_state["paid_late"],
             missed=s.by_state["missed"])
