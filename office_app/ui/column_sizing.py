"""The one column-sizing policy every table follows.

- An identifying column (number, code, date, amount) is as wide as the widest value of its
  format (``Column.sample``) or its header, whichever is wider: "BAR-2026-0021" is never cut.
- A column without a sample is as wide as its ``width`` in average characters or its header.
- The descriptive column (``Column.stretch``, else the widest left-aligned column without a
  sample) takes the room the others leave, so no huge empty last column is left over.
- Widths the user drags and the sort order the user clicks are remembered per table (QSettings
  ``tables/<name>/…``) and come back in the next session.
- Text that does not fit is elided in the middle (numbers keep both ends) and the whole text
  shows as a tooltip.

Nothing is measured from the rows: a register may hold half a million of them.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)

from office_app.i18n import _

if TYPE_CHECKING:
    from office_app.ui.lazy_table import Column, LazyTableModel

#: Room for the sort arrow and the header's own margins next to a header's text.
HEADER_EXTRA = 28
#: Room for a cell's margins next to its text.
CELL_EXTRA = 16


class ElidingDelegate(QStyledItemDelegate):
    """Paints as the default delegate does (the view elides in the middle) and shows the whole
    text as a tooltip when it does not fit its cell and the column has no tooltip of its own."""

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        if event.type() == QEvent.Type.ToolTip and not index.data(Qt.ItemDataRole.ToolTipRole):
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            if text and not text_fits(view, text, option.rect.width()):
                QToolTip.showText(event.globalPos(), text, view)
                return True
        return super().helpEvent(event, view, option, index)


def text_fits(view: QAbstractItemView, text: str, width: int) -> bool:
    return view.fontMetrics().horizontalAdvance(text) + CELL_EXTRA <= width


class ColumnSizer(QObject):
    """Applies the policy to one view and keeps it applied; lives as long as the view."""

    def __init__(self, view: QTableView, columns: Sequence[Column], name: str | None = None,
                 model: LazyTableModel | None = None) -> None:
        super().__init__(view)
        self.view, self.columns, self.model = view, list(columns), model
        self.name = name or view.objectName() or "-".join(c.title for c in columns)[:80]
        self._applying = False
        self.stretch = self._stretch_column()
        self.base = [self._base_width(c) for c in self.columns]
        self.user: dict[str, int] = self._load("widths", {})
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(view.fontMetrics().averageCharWidth() * 3)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        view.setItemDelegate(ElidingDelegate(view))
        self._restore_sort()
        self.apply()
        header.sectionResized.connect(self._on_header_section_resized)
        if model is not None:
            model.sig_sort_requested.connect(self._on_model_sort_requested)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)

    # -- the policy -------------------------------------------------------------------------
    def _stretch_column(self) -> int | None:
        for number, column in enumerate(self.columns):
            if column.stretch:
                return number
        candidates = [(c.width, -n) for n, c in enumerate(self.columns)
                      if c.sample is None and not c.align_right]
        return -max(candidates)[1] if candidates else None

    def _base_width(self, column: Column) -> int:
        header = self.view.horizontalHeader().fontMetrics()
        cells = self.view.fontMetrics()
        title = header.horizontalAdvance(_(column.title)) + HEADER_EXTRA
        sample = column.sample() if callable(column.sample) else column.sample
        if sample is not None:
            return max(title, cells.horizontalAdvance(sample) + CELL_EXTRA)
        return max(title, cells.averageCharWidth() * column.width + CELL_EXTRA)

    def width_of(self, number: int) -> int:
        """The width a column gets before the descriptive one fills the rest."""
        return self.user.get(self.columns[number].title, self.base[number])

    def apply(self) -> None:
        self._applying = True
        try:
            for number in range(len(self.columns)):
                self.view.setColumnWidth(number, self.width_of(number))
            self._fill()
        finally:
            self._applying = False

    def _fill(self) -> None:
        if self.stretch is None:
            return
        others = sum(self.view.columnWidth(n) for n in range(len(self.columns))
                     if n != self.stretch)
        room = self.view.viewport().width() - others
        self.view.setColumnWidth(self.stretch, max(self.width_of(self.stretch), room))

    # -- remembering ------------------------------------------------------------------------
    def _key(self, what: str) -> str:
        return f"tables/{self.name}/{what}"

    def _load(self, what: str, default: Any) -> Any:
        raw = QSettings().value(self._key(what))
        try:
            return json.loads(str(raw)) if raw else default
        except ValueError:
            return default

    def _save(self, what: str, value: Any) -> None:
        QSettings().setValue(self._key(what), json.dumps(value))

    def _restore_sort(self) -> None:
        saved = self._load("sort", None)
        if self.model is None or not isinstance(saved, list) or len(saved) != 2:
            return
        titles = [c.title for c in self.columns]
        if saved[0] in titles and self.columns[titles.index(saved[0])].sort_key:
            self.model.sort_column = titles.index(saved[0])
            self.model.sort_order = (Qt.SortOrder.DescendingOrder if saved[1]
                                     else Qt.SortOrder.AscendingOrder)

    def _on_header_section_resized(self, number: int, _old: int, new: int) -> None:
        if self._applying or not 0 <= number < len(self.columns):
            return
        self.user[self.columns[number].title] = new
        self._save("widths", self.user)

    def _on_model_sort_requested(self, _key: str, descending: bool) -> None:
        if self.model is not None:
            self._save("sort", [self.columns[self.model.sort_column].title, descending])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self._applying = True
            try:
                self._fill()
            finally:
                self._applying = False
        return False


def header_fits(view: QTableView) -> list[str]:
    """The header texts of ``view`` that do not fit their sections (for the tour's check)."""
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return []
    metrics = header.fontMetrics()
    style_margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) * 2
    cut = []
    for number in range(model.columnCount()):
        if header.isSectionHidden(number):
            continue
        text = str(model.headerData(number, Qt.Orientation.Horizontal) or "")
        if metrics.horizontalAdvance(text) + style_margin > header.sectionSize(number):
            cut.append(text)
    return cut
