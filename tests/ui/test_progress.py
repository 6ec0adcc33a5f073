"""Long jobs through the operation runner: one titled progress window with the count, the time
left and Cancel; Cancel stops the job inside the service (nothing half-posted) and the window
goes away; short calls get a titled window too, never the program's name."""
from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from office_app.i18n import set_language
from office_app.ui.operations import JobCancelled, JobControl, OperationRunner, SyncRunner


def _window(qtbot: QtBot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    return window


def _dialog(window: QWidget) -> QProgressDialog | None:
    dialog = window.findChild(QProgressDialog, "job_progress")
    return dialog if dialog is not None and dialog.isVisible() else None


def test_a_long_job_shows_counts_time_left_and_cancel_stops_it(qtbot: QtBot) -> None:
    set_language("en")
    window = _window(qtbot)
    runner = OperationRunner()
    outcome: dict[str, Any] = {}
    posted: list[int] = []

    def work(job: JobControl) -> str:
        for done in range(1, 11):
            job.report(done, 10)   # raises JobCancelled once Cancel was pressed
            posted.append(done)
            if done == 3:
                deadline = time.monotonic() + 10
                while not job.cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)
        return "finished"

    runner.run_job(work, lambda r: outcome.update(done=r), lambda e: outcome.update(error=e),
                   window, "Import of handheld.csv", "Importing readings…",
                   on_cancelled=lambda: outcome.update(cancelled=True))
    qtbot.waitUntil(lambda: _dialog(window) is not None
                    and "3 of 10" in _dialog(window).labelText(), timeout=5000)
    dialog = _dialog(window)
    assert dialog is not None
    assert dialog.windowTitle() == "Import of handheld.csv"
    assert "Importing readings…" in dialog.labelText() and "left" in dialog.labelText()
    assert (dialog.value(), dialog.maximum()) == (3, 10)
    [cancel] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"]
    cancel.click()
    qtbot.waitUntil(lambda: outcome.get("cancelled") is True, timeout=5000)
    assert "done" not in outcome and "error" not in outcome
    assert posted == [1, 2, 3]        # stopped at the next report
    qtbot.waitUntil(lambda: _dialog(window) is None)
    assert runner.wait()


def test_a_short_call_gets_a_titled_window(qtbot: QtBot) -> None:
    set_language("en")
    window = _window(qtbot)
    runner = OperationRunner()
    done: list[str] = []

    def slow() -> str:
        time.sleep(1.2)
        return "ok"

    runner.run(slow, done.append, parent=window, label="Printing the invoices…")
    qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=3000)
    dialog = _dialog(window)
    assert dialog is not None and dialog.windowTitle() == "Printing the invoices"
    assert not [b for b in dialog.findChildren(QPushButton) if b.isVisible()]  # no Cancel
    qtbot.waitUntil(lambda: done == ["ok"], timeout=5000)
    qtbot.waitUntil(lambda: _dialog(window) is None)


def test_sync_runner_runs_jobs_and_reports_cancellation(qtbot: QtBot) -> None:
    runner = SyncRunner()
    seen: list[str] = []

    def work(job: JobControl) -> int:
        job.report(1, 2)
        job.cancel()
        job.report(2, 2)
        return 2

    control = runner.run_job(work, lambda _r: seen.append("done"),
                             lambda _e: seen.append("error"),
                             on_cancelled=lambda: seen.append("cancelled"))
    assert seen == ["cancelled"] and control.reports == [(1, 2), (2, 2)]
    assert issubclass(JobCancelled, Exception)


def test_the_window_says_which_step_runs(qtbot: QtBot) -> None:
    """A job that reports what it is doing (the audit's check in progress) has it in the
    window, between the count and the time left."""
    from office_app.ui.operations import JobProgressDialog

    set_language("en")
    window = _window(qtbot)
    control = JobControl()
    dialog = JobProgressDialog(window, "Audit", "Auditing…", control)
    control.show(2, 5, "Numbering")
    dialog.show_progress(2, 5)
    lines = dialog.labelText().splitlines()
    assert lines[:3] == ["Auditing…", "2 of 5", "Numbering"] and "left" in lines[3]
