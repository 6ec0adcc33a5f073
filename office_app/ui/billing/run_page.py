"""The billing run page: check a period, run its billing (the operation runner's progress window
with the count, the time left and Cancel, which stops after the batch in flight), see the points
held back and why; the monthly interest run, confirmed with its counts first; the runs so far.
Supervisors and administrators only."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import periods
from office_app.services.billing import interest
from office_app.services.billing import run as billing
from office_app.services.billing.elements import Period
from office_app.ui.billing.common import day
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view, sample_datetime
from office_app.ui.operations import JobControl

HELD_COLUMNS = [
    Column(N_("Point"), lambda h: h.point_number, width=10),
    Column(N_("Customer code"), lambda h: h.customer_code, width=12),
    Column(N_("Name"), lambda h: h.customer_name, width=24),
    Column(N_("Reason"), lambda h: _(h.label), width=30),
    Column(N_("Detail"), lambda h: h.detail(current().language), width=40),
]
RUN_STATUS = {"running": N_("running"), "completed": N_("completed"),
              "cancelled": N_("cancelled"), "interrupted": N_("interrupted")}
RUN_COLUMNS = [
    Column(N_("Period"), lambda r: r["period"], width=8),
    Column(N_("Status"), lambda r: _(RUN_STATUS.get(r["status"], r["status"])), width=10),
    Column(N_("Started by"), lambda r: r["started_by"], width=9),
    Column(N_("Started"), lambda r: current().datetime(_local(r["started_at"])), width=17,
           sample=sample_datetime),
    Column(N_("Documents"), lambda r: str(r["documents"]), width=11, align_right=True),
    Column(N_("Held back"), lambda r: str(r["held"]), width=9, align_right=True),
    Column(N_("Accounting order"), lambda r: r["order_number"], width=16,
           sample="BAR-2026-0000000"),
]


def _local(value: datetime) -> datetime:
    """Stored times are UTC (SQLite hands them back naive); show them in local time."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone()


def default_period(context: AppContext) -> str:
    """The open period, else last month."""
    label = periods.current_period_label(context.db)
    if label:
        return label
    today = date.today()
    return Period(today.year, today.month).shift(-1).code


class RunPage(QWidget):
    sig_billed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.period = QLineEdit(default_period(context))
        self.period.setObjectName("period")
        self.period.setMaxLength(7)
        self.period.setPlaceholderText(_("YYYY-MM"))
        self.hold = QRadioButton(_("Hold back points that cannot be billed, bill the rest"))
        self.hold.setObjectName("hold")
        self.stop = QRadioButton(_("Stop if any point cannot be billed"))
        self.stop.setObjectName("stop")
        self.hold.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.hold)
        group.addButton(self.stop)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.held_model = ListTableModel(HELD_COLUMNS, self)
        self.held_table = QTableView()
        self.held_table.setObjectName("held")
        configure_view(self.held_table, self.held_model)
        self.runs_model = ListTableModel(RUN_COLUMNS, self)
        self.runs_table = QTableView()
        self.runs_table.setObjectName("runs")
        configure_view(self.runs_table, self.runs_model)
        self.interest_period = QLineEdit(Period(date.today().year, date.today().month)
                                         .shift(-1).code)
        self.interest_period.setObjectName("interest_period")
        self.interest_status = QLabel()
        self.interest_status.setObjectName("interest_status")
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._run_box())
        layout.addWidget(QLabel(_("Points held back:")))
        layout.addWidget(self.held_table, 2)
        layout.addWidget(self._interest_box())
        layout.addWidget(QLabel(_("Runs so far:")))
        layout.addWidget(self.runs_table, 1)
        self.setFocusProxy(self.period)

    # -- layout ------------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        self.buttons[name] = button
        return button

    def _run_box(self) -> QGroupBox:
        box = QGroupBox(_("Billing run"))
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Period:")))
        top.addWidget(self.period)
        top.addWidget(self._button("check", _("Check"), self.check))
        top.addWidget(self._button("run", _("Run billing"), self.run_billing))
        top.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.hold)
        layout.addWidget(self.stop)
        layout.addWidget(self.status)
        return box

    def _interest_box(self) -> QGroupBox:
        box = QGroupBox(_("Monthly late-interest run"))
        row = QHBoxLayout(box)
        row.addWidget(QLabel(_("Month:")))
        row.addWidget(self.interest_period)
        row.addWidget(self._button("interest", _("Charge interest"), self.run_interest))
        row.addWidget(self.interest_status, 1)
        return box

    # -- actions -----------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.context
        ctx.runner.run(lambda: billing.run_history(ctx.db, ctx.operator),
                       self.runs_model.set_rows, lambda exc: show_error(self, exc))

    def check(self) -> None:
        ctx, period = self.context, self.period.text().strip()
        ctx.runner.run(lambda: billing.preview_run(ctx.db, ctx.operator, period),
                       self._on_preview, lambda exc: show_error(self, exc), parent=self,
                       label=_("Checking the period…"))

    def _on_preview(self, preview: billing.RunPreview) -> None:
        self.held_model.set_rows(preview.held)
        self.status.setText(_(
            "Period {period}: {count} invoices to make, {billed} made before, {held} points "
            "held back. Invoices are issued on {issued} and due on {due}.",
            period=preview.period, count=preview.to_bill, billed=preview.already_billed,
            held=len(preview.held), issued=day(preview.issue_date), due=day(preview.due_date)))

    def run_billing(self) -> None:
        """Check the period first (the same plan the run makes), show what will be held back
        and ask before starting with those counts."""
        ctx, period = self.context, self.period.text().strip()
        self._busy(True)
        ctx.runner.run(lambda: billing.preview_run(ctx.db, ctx.operator, period),
                       self._on_run_preview, self._on_check_failed, parent=self,
                       label=_("Checking the period…"))

    def _on_check_failed(self, exc: BaseException) -> None:
        self._busy(False)
        show_error(self, exc)

    def _on_run_preview(self, preview: billing.RunPreview) -> None:
        self._on_preview(preview)
        self._busy(False)
        answer = QMessageBox.question(self, _("Run billing"), _(
            "Period {period}: {count} invoices will be made and {held} points held back (they "
            "are listed below). Start the run?", period=preview.period,
            count=preview.to_bill, held=len(preview.held)))
        if answer == QMessageBox.StandardButton.Yes:
            self._start_run(preview.period)

    def _start_run(self, period: str) -> None:
        ctx = self.context
        policy = "stop" if self.stop.isChecked() else "hold"
        self._busy(True)
        self.status.setText(_("Billing {period}…", period=period))

        def work(job: JobControl) -> billing.RunResult:
            return billing.run_billing(ctx.db, ctx.operator, period, policy,
                                       progress=job.show, cancelled=job.cancelled)

        ctx.runner.run_job(work, self._on_billed, self._on_failed, parent=self,
                           title=_("Billing run {period}", period=period),
                           label=_("Billing {period}…", period=period),
                           on_cancelled=self._on_cancelled)

    def _on_billed(self, result: billing.RunResult) -> None:
        self._busy(False)
        self.held_model.set_rows(result.held)
        text = _("Billing of {period} completed: {made} invoices made, {billed} made before, "
                 "{held} points held back.")
        if result.cancelled:
            text = _("Billing of {period} cancelled: {made} invoices made so far; run it again "
                     "to carry on.")
        self.status.setText(text.format(period=result.period, made=result.invoices_made,
                                        billed=result.already_billed, held=len(result.held)))
        self.refresh()
        self.sig_billed.emit(result.period)

    def _on_failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.status.setText(_("The run stopped; what was committed stays, run it again to "
                              "carry on."))
        self.refresh()
        show_error(self, exc)

    def _on_cancelled(self) -> None:
        self._busy(False)
        self.status.setText(_("The run was cancelled; what was committed stays, run it again "
                              "to carry on."))
        self.refresh()

    def _busy(self, busy: bool) -> None:
        for name in ("check", "run", "interest"):
            self.buttons[name].setEnabled(not busy)
        self.period.setEnabled(not busy)
        self.interest_period.setEnabled(not busy)

    # -- interest ----------------------------------------------------------------------------
    def run_interest(self) -> None:
        """Work out what the run would charge (the same computation, nothing posted), show
        the counts and ask once; then run it with progress and Cancel."""
        ctx, period = self.context, self.interest_period.text().strip()
        self._busy(True)
        ctx.runner.run_job(
            lambda job: interest.preview_interest(ctx.db, ctx.operator, period,
                                                  progress=job.report),
            self._on_interest_preview, self._on_interest_failed, parent=self,
            title=_("Late interest for {period}", period=period),
            label=_("Working out the late interest…"), on_cancelled=lambda: self._busy(False))

    def _on_interest_preview(self, preview: interest.InterestPreview) -> None:
        self._busy(False)
        text = _("Month {period}: {count} customers will be charged {amount} € late interest "
                 "in all.", period=preview.period, count=preview.customers,
                 amount=current().number(preview.total, 2))
        if preview.already_charged:
            text += " " + _("{count} customers were charged for this month before; they are "
                            "not charged again.", count=preview.already_charged)
        self.interest_status.setText(text)
        if not preview.customers:
            return
        answer = QMessageBox.question(self, _("Charge interest"),
                                      text + "\n\n" + _("Post the interest now?"))
        if answer == QMessageBox.StandardButton.Yes:
            self._start_interest(preview.period)

    def _start_interest(self, period: str) -> None:
        ctx = self.context

        def done(result: interest.InterestRunResult) -> None:
            self._busy(False)
            text = _("{count} customers charged {amount} € late interest for {period}.")
            if result.status == "cancelled":
                text = _("Interest run for {period} cancelled: {count} customers charged "
                         "{amount} € so far; run it again to carry on.")
            self.interest_status.setText(text.format(
                count=result.customers_charged, amount=current().number(result.total, 2),
                period=result.period))
            self.refresh()

        self._busy(True)
        ctx.runner.run_job(
            lambda job: interest.run_interest(ctx.db, ctx.operator, period,
                                              progress=job.show, cancelled=job.cancelled),
            done, self._on_interest_failed, parent=self,
            title=_("Late interest for {period}", period=period),
            label=_("Charging late interest…"), on_cancelled=lambda: self._busy(False))

    def _on_interest_failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.refresh()
        show_error(self, exc)
