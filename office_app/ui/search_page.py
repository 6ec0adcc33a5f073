"""The search-page controller every register screen shares, over the lazy table.

It owns what each register used to do on its own: typing restarts a short timer and the
search runs when the user pauses (debounce); filters and header clicks search at once; the
query is taken on the GUI thread and the ids are found on the operation runner; a result that
arrives after a newer search was started is dropped (an older, slower search never overwrites
a newer one); the count label says how many records were found; the sort is the model's
(remembered per table by the column policy).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from office_app.i18n import tr_error
from office_app.ui.forms import ERROR_STYLE
from office_app.ui.lazy_table import LazyTableModel
from office_app.ui.operations import OperationRunner

SEARCH_DELAY_MS = 250


class SearchPageController(QObject):
    """``make_query()`` builds the query from the page's fields (GUI thread);
    ``find_ids(query)`` runs on the runner and returns the ids in display order;
    ``count_text(n)`` is what the count label says. ``sig_found(ids)`` follows every fresh
    result, after the model shows it; ``sig_failed(exc)`` every fresh failure (the count label
    shows it in red too)."""

    sig_found = Signal(object)
    sig_failed = Signal(object)

    def __init__(self, model: LazyTableModel, runner: OperationRunner,
                 make_query: Callable[[], Any], find_ids: Callable[[Any], list[int]],
                 count: QLabel, count_text: Callable[[int], str],
                 delay_ms: int = SEARCH_DELAY_MS, parent: QObject | None = None) -> None:
        super().__init__(parent or model)
        self.model, self.runner, self.count = model, runner, count
        self.make_query, self.find_ids, self.count_text = make_query, find_ids, count_text
        self.seq = 0
        self.timer = QTimer(self, singleShot=True, interval=delay_ms)
        self.timer.timeout.connect(self.run)
        model.sig_sort_requested.connect(self._on_model_sort_requested)
        model.sig_fetch_failed.connect(self._show_failure)

    # -- what the page calls ----------------------------------------------------------------
    def typed(self, *_args: Any) -> None:
        """Connect a search field's textChanged/textEdited here: search once typing pauses."""
        self.timer.start()

    def run(self, *_args: Any) -> None:
        """Search now (filters, Enter, a refresh)."""
        self.timer.stop()
        self.seq += 1
        seq, query = self.seq, self.make_query()
        find = self.find_ids
        self.runner.run(lambda: find(query), lambda ids: self._on_done(seq, ids),
                        lambda exc: self._on_failed(seq, exc))

    def sort_key(self, default: str) -> str:
        return self.model.sort_key() or default

    def descending(self) -> bool:
        return self.model.sort_order == Qt.SortOrder.DescendingOrder

    def pending(self) -> bool:
        return self.timer.isActive()

    # -- results ----------------------------------------------------------------------------
    def _on_done(self, seq: int, ids: list[int]) -> None:
        if seq != self.seq:
            return  # the user typed on; a newer search is on its way
        self.model.set_ids(ids)
        self.count.setStyleSheet("")
        self.count.setText(self.count_text(len(ids)))
        self.sig_found.emit(ids)

    def _on_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self.seq:
            return
        self._show_failure(exc)
        self.sig_failed.emit(exc)

    def _show_failure(self, exc: BaseException) -> None:
        self.count.setStyleSheet(ERROR_STYLE)
        self.count.setText(tr_error(exc) if hasattr(exc, "msg_id") else str(exc))

    def _on_model_sort_requested(self, _key: str, _descending: bool) -> None:
        self.run()
