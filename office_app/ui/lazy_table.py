"""Table models for registers and the view set-up they share.

``LazyTableModel`` is for registers that grow to hundreds of thousands of records: it holds only
the ids a search service returned, builds rows on demand a page at a time through a row-fetch
callable, and keeps a bounded number of pages. Sorting and filtering are the search service's
job (SQL); a header click asks for a new search through ``sig_sort_requested`` and the new ids
replace the old ones with a model reset. There is no QSortFilterProxyModel and no
ResizeToContents: both would touch every row.

``ListTableModel`` is for small lists already in memory (a customer's points, zones, history).
"""
from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from office_app.i18n import _, current
from office_app.ui.column_sizing import ColumnSizer
from office_app.ui.operations import OperationRunner

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
LOADING = "…"
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column:
    """One column: its title (msgid), how a row shows in it, and how it sorts."""

    title: str
    text: Callable[[Any], str]
    #: Passed back by sig_sort_requested; None when the column cannot be sorted.
    sort_key: str | None = None
    #: Initial width in average characters (the user may resize).
    width: int = 12
    tooltip: Callable[[Any], str] | None = None
    align_right: bool = False
    #: The widest value of an identifying column's format ("BAR-2026-000000", a date, an
    #: amount), or a callable giving it in the current locale; the column is sized to it.
    sample: str | Callable[[], str] | None = None
    #: The descriptive column that takes the room the others leave (one per table; when no
    #: column says so, the widest left-aligned column without a sample does).
    stretch: bool = False


def sample_date() -> str:
    """The widest date in the local format."""
    return current().date(date(2026, 12, 28))


def sample_datetime() -> str:
    return current().datetime(datetime(2026, 12, 28, 23, 58))


def sample_money() -> str:
    """The widest amount a desk shows (millions of euros, with the local separators)."""
    return current().number(Decimal("-8888888.88"), 2)


class _ColumnsMixin:
    columns: Sequence[Column]

    def _cell(self, row: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_RIGHT if column.align_right else _ALIGN_LEFT
        return None

    def _header(self, section: int, orientation: Qt.Orientation, role: int) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_RIGHT if self.columns[section].align_right else _ALIGN_LEFT
        return None


class LazyTableModel(_ColumnsMixin, QAbstractTableModel):
    """Rows are records fetched by id, ``page_size`` ids per call of ``fetch_rows``.

    ``fetch_rows(ids)`` returns records (any objects with an ``id``, or use ``row_id``) in any
    order; ids it leaves out show as empty rows. Fetching runs through ``runner`` (the GUI's
    operation runner; None calls it directly) and never from inside ``data()``: a missing page
    is requested on the next turn of the event loop and its rows are announced with
    dataChanged when they arrive. At most ``max_pages`` pages are kept (least recently used
    go first), so memory stays flat however far the user scrolls.
    """

    sig_sort_requested = Signal(str, bool)   # sort key, descending
    sig_fetch_failed = Signal(object)        # the exception

    def __init__(self, columns: Sequence[Column], fetch_rows: Callable[[list[int]], list[Any]],
                 runner: OperationRunner | None = None, page_size: int = 200,
                 max_pages: int = 25, row_id: Callable[[Any], int] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.fetch_rows, self.runner = fetch_rows, runner
        self.page_size, self.max_pages = page_size, max_pages
        self.row_id = row_id or (lambda row: int(row.id))
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, dict[int, Any]] = OrderedDict()
        self._wanted: set[int] = set()
        self._pending: set[int] = set()
        self._generation = 0
        # One timer object rather than a QTimer.singleShot per miss: data() runs on every
        # repaint, and this keeps it to a start() call.
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder

    # -- what the owner calls ------------------------------------------------------------
    def set_ids(self, ids: Iterable[int]) -> None:
        """Show a new result (after a search, a sort or a filter change)."""
        self.beginResetModel()
        self._ids = array("q", ids)
        self._drop_pages()
        self.endResetModel()

    def invalidate(self) -> None:
        """Same ids, fresh data: forget every cached row and repaint (after an edit)."""
        self._drop_pages()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self.columns) - 1))

    def id_at(self, row: int) -> int | None:
        return int(self._ids[row]) if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int | None:
        """The row showing ``record_id`` (a linear scan of ids, no database access)."""
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def record_at(self, row: int) -> Any:
        """The cached record of a row, or None while its page is not loaded."""
        record_id = self.id_at(row)
        page = self._pages.get(row // self.page_size)
        return None if record_id is None or page is None else page.get(record_id)

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    # -- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return int(self._ids[index.row()])
        page_no = index.row() // self.page_size
        page = self._pages.get(page_no)
        if page is None:
            self._want(page_no)
            return LOADING if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 \
                else None
        self._pages.move_to_end(page_no)
        record = page.get(int(self._ids[index.row()]))
        if record is None:
            return None
        return self._cell(record, self.columns[index.column()], role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._header(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the owner to search again in another order (the model never sorts itself)."""
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].sort_key
        if key is None:
            return
        self.sort_column, self.sort_order = column, order
        self.sig_sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def sort_key(self) -> str | None:
        return self.columns[self.sort_column].sort_key

    # -- paging --------------------------------------------------------------------------
    def _drop_pages(self) -> None:
        self._generation += 1
        self._fetch_timer.stop()
        self._pages.clear()
        self._wanted.clear()
        self._pending.clear()

    def _want(self, page_no: int) -> None:
        if page_no in self._pending or page_no in self._wanted:
            return
        self._wanted.add(page_no)
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        wanted, self._wanted = sorted(self._wanted), set()
        for page_no in wanted:
            self._pending.add(page_no)
            start = page_no * self.page_size
            ids = [int(i) for i in self._ids[start:start + self.page_size]]
            generation = self._generation

            def done(rows: list[Any], page_no: int = page_no, gen: int = generation) -> None:
                self._page_loaded(gen, page_no, rows)

            def failed(exc: BaseException, page_no: int = page_no,
                       gen: int = generation) -> None:
                self._page_failed(gen, page_no, exc)

            def work(ids: list[int] = ids) -> list[Any]:
                return self.fetch_rows(ids)

            if self.runner is None:
                try:
                    done(work())
                except Exception as exc:  # noqa: BLE001 - reported through the signal
                    failed(exc)
            else:
                self.runner.run(work, done, failed)

    def _page_loaded(self, generation: int, page_no: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return  # a reset happened meanwhile; these rows belong to an old result
        self._pending.discard(page_no)
        self._pages[page_no] = {self.row_id(r): r for r in rows}
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = page_no * self.page_size
        last = min(first + self.page_size, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(last, len(self.columns) - 1))

    def _page_failed(self, generation: int, page_no: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        # An empty page stops the view from asking again on every repaint; invalidate()
        # (or the next search) tries again.
        self._pending.discard(page_no)
        self._pages[page_no] = {}
        self.sig_fetch_failed.emit(exc)


class ListTableModel(_ColumnsMixin, QAbstractTableModel):
    """A small list of records shown as they are, in the order given."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def record_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._cell(self._rows[index.row()], self.columns[index.column()], role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._header(section, orientation, role)


# -- views ---------------------------------------------------------------------------------

def configure_view(view: QTableView, model: LazyTableModel | ListTableModel,
                   name: str | None = None) -> ColumnSizer:
    """Read-only, whole-row selection, fixed row height, Tab leaves the table; columns sized
    by the one policy of ``ColumnSizer`` (never measured from the rows), long texts elided in
    the middle with the whole text as a tooltip. ``name`` (default: the view's objectName)
    keys the widths and the sort the user chose, remembered across sessions."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return ColumnSizer(view, model.columns, name, model if isinstance(model, LazyTableModel)
                       else None)


def enable_sql_sort(view: QTableView, model: LazyTableModel) -> None:
    """Header clicks sort through the model's sig_sort_requested; a click on a column that
    cannot be sorted leaves the indicator where it was."""
    header = view.horizontalHeader()
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(model.sort_column, model.sort_order)

    def changed(column: int, order: Qt.SortOrder) -> None:
        if model.columns[column].sort_key is None:
            header.blockSignals(True)
            header.setSortIndicator(model.sort_column, model.sort_order)
            header.blockSignals(False)
            return
        model.sort(column, order)

    header.sortIndicatorChanged.connect(changed)


def selected_row(view: QTableView) -> int | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return rows[0].row() if rows else None


def select_row(view: QTableView, row: int) -> None:
    """Make ``row`` current and selected, and scroll to it."""
    model = view.model()
    if model is None or not 0 <= row < model.rowCount():
        return
    index = model.index(row, 0)
    view.setCurrentIndex(index)
    view.selectRow(row)
    view.scrollTo(index)
