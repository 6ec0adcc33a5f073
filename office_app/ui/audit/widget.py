"""The audit tab: a period filter and Run (the operation runner's progress window shows the check
in progress, the count, the time left and Cancel), the count per check and a
table of violations (check, document, customer, point, message in the UI's language)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _
from office_app.services.integrity import AuditReport, CheckResult, Violation, run_audit
from office_app.services.integrity.runner import check_label, describe, parse_scope
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view
from office_app.ui.operations import JobControl

VIOLATION_COLUMNS = [
    Column(N_("Audit check"), lambda v: check_label(v.check), width=18),
    Column(N_("Document"), lambda v: v.document, width=18),
    Column(N_("Customer code"), lambda v: v.customer_code, width=10),
    Column(N_("Point"), lambda v: v.point_number, width=10),
    Column(N_("Message"), lambda v: describe(v), width=60, tooltip=lambda v: describe(v)),
]
CHECK_COLUMNS = [
    Column(N_("Audit check"), lambda c: check_label(c.name), width=24),
    Column(N_("Violations"), lambda c: str(c.violations), width=10, align_right=True),
    Column(N_("Seconds"), lambda c: f"{c.seconds:.1f}", width=8, align_right=True),
]


class AuditWidget(QWidget):
    """Runs the audit through the operation runner; ``sig_audited`` carries the report."""

    sig_audited = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.job: JobControl | None = None
        self.period = QLineEdit()
        self.period.setObjectName("period")
        self.period.setMaxLength(7)
        self.period.setPlaceholderText(_("YYYY-MM, empty: everything"))
        self.period.setMinimumWidth(   # the hint reads whole in every language
            self.period.fontMetrics().horizontalAdvance(self.period.placeholderText()) + 16)
        self.run_button = QPushButton(_("Run the audit"))
        self.run_button.setObjectName("run")
        self.run_button.clicked.connect(self.run)
        self.status = QLabel(_("Press Run to check the invoices, cards, numbers, references "
                               "and posted documents."))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.checks_model = ListTableModel(CHECK_COLUMNS, self)
        self.checks_table = QTableView()
        configure_view(self.checks_table, self.checks_model)
        self.violations_model = ListTableModel(VIOLATION_COLUMNS, self)
        self.violations_table = QTableView()
        self.violations_table.setObjectName("violations")
        configure_view(self.violations_table, self.violations_model)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Period")))
        top.addWidget(self.period)
        top.addWidget(self.run_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.checks_table, 1)
        layout.addWidget(self.violations_table, 4)

    def refresh(self) -> None:
        """Nothing to load until the auditor runs the audit (it reads the whole database)."""

    def run(self) -> None:
        ctx = self.context
        try:
            scope = parse_scope(self.period.text())
        except Exception as exc:  # noqa: BLE001 - a wrong period is shown, nothing runs
            show_error(self, exc)
            return
        self._busy(True)
        self.status.setText(_("Auditing…"))

        def work(job: JobControl) -> AuditReport:
            return run_audit(ctx.db, ctx.operator, scope,
                             progress=lambda done, total, name: job.show(
                                 done, total, check_label(name) if name else ""),
                             cancel=job.cancelled)

        self.job = ctx.runner.run_job(work, self._on_audited, self._on_failed, parent=self,
                                      title=_("Audit"), label=_("Auditing…"),
                                      on_cancelled=lambda: self._busy(False))

    def _on_audited(self, report: AuditReport) -> None:
        self._busy(False)
        self.checks_model.set_rows(report.checks)
        self.violations_model.set_rows(report.violations)
        if report.cancelled:
            text = _("Audit cancelled: {count} violations in the checks that ran.")
        elif report.violations:
            text = _("{count} violations found in {seconds} s.")
        else:
            text = _("No violations: everything checked adds up ({seconds} s).")
        self.status.setText(text.format(count=len(report.violations),
                                        seconds=f"{report.seconds:.1f}"))
        self.sig_audited.emit(report)

    def _on_failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.status.setText(_("The audit stopped."))
        show_error(self, exc)

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.period.setEnabled(not busy)

    def violations(self) -> list[Violation]:
        return list(self.violations_model.rows())

    def check_results(self) -> list[CheckResult]:
        return list(self.checks_model.rows())


__all__ = ["AuditWidget"]
