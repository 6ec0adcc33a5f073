"""The one way widgets call services: on a thread pool, with the result or the error delivered
back on the GUI thread, and a progress dialog only when the work lasts more than half a second.
Tests swap in SyncRunner, which runs the call at once on the calling thread."""
from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from office_app.i18n import _

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
PROGRESS_DELAY_MS = 500


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
            label: str = "") -> None:
        task = _Task(fn)
        progress = self._progress(parent, label) if parent is not None else None
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

    def _progress(self, parent: QWidget, label: str) -> QProgressDialog:
        dialog = QProgressDialog(label or _("Working…"), "", 0, 0, parent)
        dialog.setCancelButton(None)  # type: ignore[arg-type]
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(True)
        QTimer.singleShot(0, lambda: dialog.setValue(0))
        return dialog

    def _finish(self, task: _Task, progress: QProgressDialog | None) -> None:
        self._running.discard(task)
        if progress is not None:
            progress.reset()
            progress.deleteLater()
        if not self._running:
            self.sig_busy_changed.emit(False)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class SyncRunner(OperationRunner):
    """Runs the call immediately on the calling thread (tests, scripted checks)."""

    def run(self, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None, parent: QWidget | None = None,
            label: str = "") -> None:
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
