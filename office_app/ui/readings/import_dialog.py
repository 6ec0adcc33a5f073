"""Importing readings from a handheld or remote-reading file, and the report of what was taken
and what was refused (format: office_app.services.reading_import)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current, tr_error
from office_app.printing.registers import describe
from office_app.services.reading_import import (
    ImportRefused,
    ImportReport,
    LineResult,
    import_readings,
    preview_import,
)
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error, translate_buttons
from office_app.ui.lazy_table import Column, ListTableModel, configure_view

OUTCOMES = {"taken": N_("taken"), "implausible": N_("taken, to the field"),
            "skipped": N_("already there"), "refused": N_("refused")}
PREVIEW_OUTCOMES = {"taken": N_("accepted"), "implausible": N_("implausible: to the field"),
                    "skipped": N_("already there"), "refused": N_("refused")}
COLUMNS = [
    Column(N_("Line"), lambda r: str(r.line), width=6, align_right=True),
    Column(N_("Point"), lambda r: r.point, width=12),
    Column(N_("Outcome"), lambda r: _(OUTCOMES.get(r.outcome, r.outcome)), width=16),
    Column(N_("Why"), lambda r: "; ".join(describe(current(), m) for m in r.messages),
           width=60),
]


class ImportReportDialog(QDialog):
    """The lines that were not simply taken, with the reasons, under a summary."""

    def __init__(self, report: ImportReport, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import of {file}", file=file_name))
        self.report = report
        written = _("The taken readings were stored.") if report.written else _(
            "Nothing was stored.")
        self.summary = QLabel(_(
            "{taken} taken, {implausible} of them implausible (sent to the field), "
            "{skipped} already there, {refused} refused. {written}",
            taken=report.taken, implausible=report.count("implausible"),
            skipped=report.count("skipped"), refused=report.refused, written=written))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = ListTableModel(COLUMNS, self)
        self.model.set_rows(r for r in report.lines if r.outcome != "taken")
        table = QTableView()
        configure_view(table, self.model)
        table.setMinimumSize(720, 260)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)

    def lines(self) -> list[LineResult]:
        return self.model.rows()


PREVIEW_COLUMNS = [
    COLUMNS[0], COLUMNS[1],
    Column(N_("Outcome"), lambda r: _(PREVIEW_OUTCOMES.get(r.outcome, r.outcome)), width=22),
    COLUMNS[3],
]


class ImportPreviewDialog(QDialog):
    """Every line of the file as the import would judge it, before anything is posted; the
    post button says how many readings it will post, Cancel posts nothing."""

    def __init__(self, report: ImportReport, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Check before posting: {file}", file=file_name))
        self.report = report
        self.summary = QLabel(_(
            "{lines} lines read: {accepted} accepted, {implausible} implausible (posted, then "
            "re-checked in the field), {skipped} already there, {refused} refused. Nothing is "
            "posted until you confirm.",
            lines=len(report.lines), accepted=report.count("taken"),
            implausible=report.count("implausible"), skipped=report.count("skipped"),
            refused=report.refused))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = ListTableModel(PREVIEW_COLUMNS, self)
        self.model.set_rows(report.lines)
        table = QTableView()
        table.setObjectName("import_preview")
        configure_view(table, self.model)
        table.setMinimumSize(760, 300)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        translate_buttons(self.buttons)
        self.post_button = self.buttons.addButton(
            _("&Post {count} readings", count=report.taken),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.post_button.setObjectName("post")
        self.post_button.setEnabled(report.taken > 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(table, 1)
        layout.addWidget(self.buttons)

    def lines(self) -> list[LineResult]:
        return self.model.rows()


def run_import(parent: QWidget, context: AppContext, period: str,
               on_done: object = None) -> None:
    """Ask for the file, show what importing it into ``period`` would do, and post it only
    when the user confirms; then show the report."""
    path, _chosen = QFileDialog.getOpenFileName(
        parent, _("Import readings into {period}", period=period), "",
        _("Readings files (*.csv *.txt);;All files (*)"))
    if not path:
        return
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        show_error(parent, exc)
        return
    db, operator, name = context.db, context.operator, Path(path).name

    def failed(exc: BaseException) -> None:
        if isinstance(exc, ImportRefused):
            lines = "\n".join(tr_error(error) for _line, error in exc.problems[:20])
            QMessageBox.warning(parent, _("Import refused"), f"{tr_error(exc)}\n{lines}".strip())
        else:
            show_error(parent, exc)

    def done(report: ImportReport) -> None:
        ImportReportDialog(report, name, parent).exec()
        if callable(on_done):
            on_done()

    def previewed(preview: ImportReport) -> None:
        if ImportPreviewDialog(preview, name, parent).exec() != QDialog.DialogCode.Accepted:
            return
        context.runner.run_job(
            lambda job: import_readings(db, operator, data, period, progress=job.report),
            done, failed, parent, _("Import of {file}", file=name),
            _("Importing readings…"))

    context.runner.run_job(
        lambda job: preview_import(db, operator, data, period, progress=job.report),
        previewed, failed, parent, _("Import of {file}", file=name), _("Reading the file…"))
