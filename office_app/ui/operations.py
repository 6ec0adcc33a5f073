"""The one way widgets call services: on a thread pool, with the result or the error delivered
back on the GUI thread, and a progress dialog only when the work lasts more than half a second.
Tests swap in SyncRunner, which runs the call at once on the calling thread.

Long jobs go through ``run_job``: the work gets a JobControl whose ``report(done, total)`` is
the progress callback services already take; the runner shows one titled dialog with the
count, the time left and Cancel. Cancel makes the next ``report`` raise JobCancelled inside
the service, so its unit of work rolls back (or stops after the batch it committed) — no
service needs to know about buttons."""
from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from office_app.i18n import _, current

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
PROGRESS_DELAY_MS = 500


class JobCancelled(Exception):
    """Raised inside a job's work when the user pressed Cancel."""


class _ProgressSignals(QObject):
    progress = Signal(int, int)


class JobControl:
    """What a job's work function gets: ``report(done, total)`` (from any thread) and
    ``cancelled()``; ``report`` raises JobCancelled once Cancel was pressed."""

    def __init__(self) -> None:
        self.signals = _ProgressSignals()
        self._cancel = threading.Event()
        self.reports: list[tuple[int, int]] = []
        self.note = ""

    def report(self, done: int, total: int) -> None:
        self.show(done, total)
        if self._cancel.is_set():
            raise JobCancelled()

    def show(self, done: int, total: int, note: str = "") -> None:
        """Report progress without stopping: for services that take a ``cancelled`` check
        of their own and stop cleanly between committed batches (``progress=job.show,
        cancelled=job.cancelled``). ``note`` says what is being done now (a check's name)."""
        self.note = note
        self.reports.append((done, total))
        self.signals.progress.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


def time_left_text(seconds: float) -> str:
    if seconds >= 90:
        return _("about {minutes} min left", minutes=round(seconds / 60))
    return _("about {seconds} s left", seconds=max(1, round(seconds)))


class JobProgressDialog(QProgressDialog):
    """A titled progress window: what runs, how far (done of total), the time left, and
    Cancel when the job can stop."""

    def __init__(self, parent: QWidget, title: str, label: str,
                 control: JobControl | None = None) -> None:
        super().__init__(label, _("Cancel") if control is not None else "", 0, 0, parent)
        self.setObjectName("job_progress")
        self.setWindowTitle(title)
        self.label_text, self.control = label, control
        self.started = time.monotonic()
        if control is None:
            self.setCancelButton(None)  # type: ignore[arg-type]
        else:
            self.canceled.disconnect()  # keep the window up until the job has stopped
            self.canceled.connect(self._on_cancel_clicked)
            control.signals.progress.connect(self.show_progress,
                                             Qt.ConnectionType.QueuedConnection)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(PROGRESS_DELAY_MS)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)
        QTimer.singleShot(0, self, lambda: self.setValue(0))  # not after the window is gone

    def show_progress(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.setRange(0, total)
        self.setValue(min(done, total))
        count = _("{done} of {total}", done=current().number(done),
                  total=current().number(total))
        elapsed = time.monotonic() - self.started
        left = time_left_text(elapsed / done * (total - done)) if 0 < done < total else ""
        note = self.control.note if self.control is not None else ""
        self.setLabelText("\n".join(t for t in (self.label_text, count, note, left) if t))

    def _on_cancel_clicked(self) -> None:
        if self.control is not None:
            self.control.cancel()
        self.setLabelText(_("Stopping…"))
        for button in self.findChildren(QPushButton):
            button.setEnabled(False)


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class OperationRunner(QObject):
    """Runs service calls off the GUI thread. ``on_error`` defaults to ``default_error``."""

    sig_busy_changed = Signal(bool)

    def __init__(self, default_error: Failed | None = None) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(4)
        self.default_error = default_error
        self._running: set[_Task] = set()

    def run(self, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None, parent: QWidget | None = None,
            label: str = "", title: str = "") -> None:
        progress = self._progress(parent, label, title) if parent is not None else None
        self._start(fn, on_done, on_error, progress)

    def run_job(self, work: Callable[[JobControl], Any], on_done: Done | None = None,
                on_error: Failed | None = None, parent: QWidget | None = None,
                title: str = "", label: str = "",
                on_cancelled: Callable[[], None] | None = None) -> JobControl:
        """A long job with counts, time left and Cancel. ``work(control)`` passes
        ``control.report`` to the service as its progress callback. When the user cancels,
        ``on_cancelled`` runs instead of ``on_error``."""
        control = JobControl()
        progress = JobProgressDialog(parent, title or _strip(label), label or title, control) \
            if parent is not None else None
        self._start(lambda: work(control), on_done,
                    _cancel_aware(on_error or self.default_error, on_cancelled), progress)
        return control

    def _start(self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None,
               progress: QProgressDialog | None) -> None:
        task = _Task(fn)
        self._running.add(task)
        self.sig_busy_changed.emit(True)

        @Slot(object)
        def finished(result: Any) -> None:
            self._finish(task, progress)
            if on_done is not None:
                on_done(result)

        @Slot(object)
        def failed(exc: BaseException) -> None:
            self._finish(task, progress)
            handler = on_error or self.default_error
            if handler is not None:
                handler(exc)

        task.signals.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(task)

    def _progress(self, parent: QWidget, label: str, title: str) -> QProgressDialog:
        label = label or _("Working…")
        return JobProgressDialog(parent, title or _strip(label), label)

    def _finish(self, task: _Task, progress: QProgressDialog | None) -> None:
        self._running.discard(task)
        if progress is not None:
            progress.hide()
            progress.reset()
            progress.deleteLater()
        if not self._running:
            self.sig_busy_changed.emit(False)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


def _strip(label: str) -> str:
    """A window title from a label: "Importing readings…" -> "Importing readings"."""
    return label.rstrip("…. ")


def _cancel_aware(on_error: Failed | None,
                  on_cancelled: Callable[[], None] | None) -> Failed:
    def failed(exc: BaseException) -> None:
        if isinstance(exc, JobCancelled):
            if on_cancelled is not None:
                on_cancelled()
        elif on_error is not None:
            on_error(exc)
        else:
            raise exc
    return failed


class SyncRunner(OperationRunner):
    """Runs the call immediately on the calling thread (tests, scripted checks)."""

    def run_job(self, work: Callable[[JobControl], Any], on_done: Done | None = None,
                on_error: Failed | None = None, parent: QWidget | None = None,
                title: str = "", label: str = "",
                on_cancelled: Callable[[], None] | None = None) -> JobControl:
        control = JobControl()
        self.run(lambda: work(control), on_done,
                 _cancel_aware(on_error or self.default_error, on_cancelled))
        return control

    def run(self, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None, parent: QWidget | None = None,
            label: str = "", title: str = "") -> None:
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - handed to the caller's error handler
            handler = on_error or self.default_error
            if handler is None:
                raise
            handler(exc)
        else:
            if on_done is not None:
                on_done(result)
