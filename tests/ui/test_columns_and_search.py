"""The one column-sizing policy and the shared search-page controller: invoice numbers are not
cut, the descriptive column takes the room, widths and sort come back in the next session, long
text is elided with a tooltip, amounts are right-aligned; an older search that finishes after a
newer one never replaces its result (the invoice search had no such guard)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QLabel, QTableView, QToolTip
from pytestqt.qtbot import QtBot

from office_app.services.permissions import Role
from office_app.ui.billing import invoices_page
from office_app.ui.billing.invoices_page import InvoicesPage
from office_app.ui.context import AppContext
from office_app.ui.lazy_table import (
    Column,
    LazyTableModel,
    ListTableModel,
    configure_view,
    enable_sql_sort,
)
from office_app.ui.operations import OperationRunner
from office_app.ui.search_page import SearchPageController


@dataclass(frozen=True)
class Row:
    id: int
    number: str
    period: str
    issue_date: date
    customer_code: str
    customer_name: str
    point_number: str
    zone_code: str
    total: Decimal
    open_amount: Decimal
    prints: int
    notes: int
    warnings: int = 0


ROW = Row(1, "BAR-2026-0021", "2026-03", date(2026, 3, 31), "1000021",
          "Vuković Đorđe, Obala Pište bb, Podgorica", "10000021", "Z01",
          Decimal("1234567.89"), Decimal("1234.50"), 1, 0)


def _view(qtbot: QtBot, model: Any, name: str = "policy", width: int = 1600) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    qtbot.addWidget(view)
    configure_view(view, model)
    view.resize(width, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def _fits(view: QTableView, row: int, column: int) -> bool:
    text = str(view.model().index(row, column).data())
    return view.fontMetrics().horizontalAdvance(text) + 8 <= view.columnWidth(column)


def test_invoice_columns_fit_their_format_and_the_customer_column_takes_the_room(
        qtbot: QtBot) -> None:
    model = ListTableModel(invoices_page.COLUMNS)
    model.set_rows([ROW])
    view = _view(qtbot, model)
    for column in (0, 1, 2, 3, 5, 7, 8):  # number, period, date, code, point, amounts
        assert _fits(view, 0, column), invoices_page.COLUMNS[column].title
    widths = [view.columnWidth(n) for n in range(model.columnCount())]
    assert sum(widths) == view.viewport().width()  # no empty strip, no scroll bar
    customer = widths[4]
    assert customer == max(widths)  # the descriptive column, not the last one, is the wide one
    assert widths[-1] < customer / 3


def test_header_texts_are_never_narrower_than_their_column(qtbot: QtBot) -> None:
    model = ListTableModel(invoices_page.COLUMNS)
    view = _view(qtbot, model, width=600)  # far too narrow: a scroll bar, but no cut header
    header = view.horizontalHeader()
    for number in range(model.columnCount()):
        text = str(model.headerData(number, Qt.Orientation.Horizontal))
        assert header.fontMetrics().horizontalAdvance(text) < view.columnWidth(number), text


def test_amounts_are_right_aligned_in_cells_and_header(qtbot: QtBot) -> None:
    model = ListTableModel(invoices_page.COLUMNS)
    model.set_rows([ROW])
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(0, 7).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.headerData(7, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.index(0, 7).data() == "1.234.567,89"


def test_user_widths_and_sort_come_back_in_the_next_session(qtbot: QtBot) -> None:
    columns = [Column("Code", lambda r: r.number, sort_key="code", sample="0000000"),
               Column("Name", lambda r: r.customer_name, sort_key="name", width=20),
               Column("Place", lambda r: r.zone_code, sort_key="place", width=10)]
    first = LazyTableModel(columns, lambda ids: [ROW], runner=None)
    view = _view(qtbot, first, "remembered")
    enable_sql_sort(view, first)
    view.horizontalHeader().resizeSection(2, 333)   # the user drags the Place column
    view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # clicks Name
    assert (first.sort_key(), first.sort_order) == ("name", Qt.SortOrder.DescendingOrder)

    again = LazyTableModel(columns, lambda ids: [ROW], runner=None)
    view2 = _view(qtbot, again, "remembered")
    enable_sql_sort(view2, again)
    assert view2.columnWidth(2) == 333
    assert (again.sort_key(), again.sort_order) == ("name", Qt.SortOrder.DescendingOrder)
    assert view2.horizontalHeader().sortIndicatorSection() == 1
    other = LazyTableModel(columns, lambda ids: [ROW], runner=None)
    view3 = _view(qtbot, other, "another table")
    assert view3.columnWidth(2) != 333 and other.sort_key() == "code"


def test_long_text_is_elided_in_the_middle_with_the_whole_text_as_tooltip(
        qtbot: QtBot) -> None:
    columns = [Column("Code", lambda r: r.number, sample="BAR-2026-00000"),
               Column("Name", lambda r: r.customer_name * 4, width=10)]
    model = ListTableModel(columns)
    model.set_rows([ROW])
    view = _view(qtbot, model, width=300)
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    rect = view.visualRect(model.index(0, 1))
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(),
                       view.viewport().mapToGlobal(rect.center()))
    view.viewportEvent(event)
    assert QToolTip.isVisible() and QToolTip.text() == ROW.customer_name * 4
    QToolTip.hideText()
    rect = view.visualRect(model.index(0, 0))  # the code fits: no tooltip
    view.viewportEvent(QHelpEvent(QEvent.Type.ToolTip, rect.center(),
                                  view.viewport().mapToGlobal(QPoint(rect.center()))))
    assert not QToolTip.isVisible() or QToolTip.text() != ROW.number


class DeferredRunner(OperationRunner):
    """Keeps every call until the test finishes it, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[Callable[[], Any], Any, Any]] = []

    def run(self, fn: Callable[[], Any], on_done: Any = None, on_error: Any = None,
            parent: Any = None, label: str = "") -> None:
        self.calls.append((fn, on_done, on_error))

    def finish(self, number: int) -> None:
        fn, on_done, _on_error = self.calls[number]
        on_done(fn())


def test_controller_drops_an_older_result_and_debounces_typing(qtbot: QtBot) -> None:
    runner = DeferredRunner()
    model = LazyTableModel([Column("Id", lambda r: str(r.id))], lambda ids: [], runner=None)
    count = QLabel()
    text = {"value": ""}
    found = {"a": [1, 2, 3], "ab": [2]}
    controller = SearchPageController(model, runner, lambda: text["value"],
                                      lambda q: found[q], count, lambda n: f"{n} found")
    text["value"] = "a"
    controller.run()
    text["value"] = "ab"
    controller.run()
    runner.finish(1)      # the newer search ("ab") comes back first
    runner.finish(0)      # the older one ("a") later: dropped
    assert model.rowCount() == 1 and model.id_at(0) == 2
    assert count.text() == "1 found"
    controller.typed()
    controller.typed()
    assert controller.pending() and len(runner.calls) == 2
    qtbot.waitUntil(lambda: len(runner.calls) == 3)  # one search once typing paused
    assert not controller.pending()


def test_invoice_search_guards_against_a_stale_result(
        qtbot: QtBot, login_as: Callable[..., AppContext]) -> None:
    ctx = login_as(Role.SUPERVISOR)
    runner = DeferredRunner()
    page = InvoicesPage(AppContext(ctx.db, ctx.operator, ctx.user, runner))
    qtbot.addWidget(page)
    page.searcher.find_ids = lambda query: [7] if query.text == "old" else [8, 9]
    page.search.setText("old")
    page.refresh()
    page.search.setText("new")
    page.refresh()
    runner.finish(1)
    runner.finish(0)
    assert [page.model.id_at(n) for n in range(page.model.rowCount())] == [8, 9]
    assert "2" in page.count.text()
