"""The lazy, id-backed table model: pages fetched on demand, a bounded cache, SQL sorting."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from office_app.ui.lazy_table import (
    ID_ROLE,
    LOADING,
    Column,
    LazyTableModel,
    ListTableModel,
    configure_view,
    enable_sql_sort,
)
from office_app.ui.operations import SyncRunner


@dataclass(frozen=True)
class Item:
    id: int
    name: str


COLUMNS = [Column("Id", lambda r: str(r.id), sort_key="id", width=6, align_right=True),
           Column("Name", lambda r: r.name, sort_key="name", width=20,
                  tooltip=lambda r: f"tip {r.name}"),
           Column("Note", lambda r: "", width=10)]


class Fetcher:
    """Stands in for a row service; remembers every call."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, ids: list[int]) -> list[Item]:
        self.calls.append(list(ids))
        return [Item(i, f"item {i}") for i in ids if i % 1000 != 999]  # 999s "vanished"


def _model(fetcher: Fetcher, **kwargs: Any) -> LazyTableModel:
    return LazyTableModel(COLUMNS, fetcher, runner=SyncRunner(), **kwargs)


def _text(model: LazyTableModel, row: int, column: int = 1) -> Any:
    return model.data(model.index(row, column))


def test_qtmodeltester_passes(qtmodeltester: Any, qtbot: QtBot) -> None:
    model = _model(Fetcher(), page_size=50, max_pages=3)
    model.set_ids(range(1, 1001))
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: _text(model, 0) == "item 1")
    qtmodeltester.check(model)


def test_list_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = ListTableModel(COLUMNS)
    model.set_rows([Item(1, "a"), Item(2, "b")])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "b"
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ToolTipRole) == "tip b"


def test_only_the_page_shown_is_fetched(qtbot: QtBot) -> None:
    fetcher = Fetcher()
    model = _model(fetcher, page_size=200)
    model.set_ids(range(500_000))
    assert model.rowCount() == 500_000 and fetcher.calls == []
    assert model.data(model.index(250_100, 0)) == LOADING   # never fetched inside data()
    assert model.data(model.index(250_100, 0), ID_ROLE) == 250_100
    qtbot.waitUntil(lambda: _text(model, 250_100) == "item 250100")
    assert fetcher.calls == [list(range(250_000, 250_200))]
    assert _text(model, 998) != "item 998"  # another page: requested, not yet there
    assert model.data(model.index(999, 1)) in (None, LOADING)


def test_cache_is_bounded_and_reset_drops_it(qtbot: QtBot) -> None:
    fetcher = Fetcher()
    model = _model(fetcher, page_size=10, max_pages=3)
    model.set_ids(range(100))
    for page in range(6):
        model.data(model.index(page * 10, 1))
        qtbot.waitUntil(lambda page=page: _text(model, page * 10) == f"item {page * 10}")
    assert model.cached_pages() == [3, 4, 5]
    with qtbot.waitSignal(model.modelReset):
        model.set_ids([5, 4, 3])
    assert model.cached_pages() == [] and model.id_at(0) == 5 and model.row_of(3) == 2


def test_rows_of_an_old_result_are_ignored(qtbot: QtBot) -> None:
    """Regression guard: a page that arrives after a new search must not fill the new rows."""
    model = _model(Fetcher(), page_size=10)
    model.set_ids(range(10))
    model._page_loaded(model._generation - 1, 0, [Item(i, "stale") for i in range(10)])
    assert model.cached_pages() == []


def test_vanished_ids_show_empty_rows(qtbot: QtBot) -> None:
    model = _model(Fetcher(), page_size=10)
    model.set_ids([998, 999, 1000])
    model.data(model.index(0, 1))
    qtbot.waitUntil(lambda: _text(model, 0) == "item 998")
    assert _text(model, 1) is None and model.record_at(1) is None


def test_header_click_asks_for_sql_sort_and_unsortable_columns_stay(qtbot: QtBot) -> None:
    model = _model(Fetcher())
    model.set_ids(range(5))
    view = QTableView()
    qtbot.addWidget(view)
    configure_view(view, model)
    enable_sql_sort(view, model)
    header = view.horizontalHeader()
    with qtbot.waitSignal(model.sig_sort_requested) as sorted_by:
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    assert sorted_by.args == ["name", True]
    with qtbot.assertNotEmitted(model.sig_sort_requested):
        header.setSortIndicator(2, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == 1


def test_fetch_failure_is_reported_once(qtbot: QtBot) -> None:
    def broken(ids: list[int]) -> list[Item]:
        raise RuntimeError("database gone")

    model = LazyTableModel(COLUMNS, broken, runner=SyncRunner(), page_size=10)
    model.set_ids(range(20))
    with qtbot.waitSignal(model.sig_fetch_failed):
        model.data(model.index(0, 0))
    with qtbot.assertNotEmitted(model.sig_fetch_failed, wait=50):
        model.data(model.index(1, 0))


def test_python_modeltester_passes_too(qtmodeltester: Any, qtbot: QtBot) -> None:
    model = _model(Fetcher(), page_size=7, max_pages=2)
    model.set_ids(range(30))
    qtmodeltester.check(model, force_py=True)
    qtbot.waitUntil(lambda: _text(model, 0) == "item 0")
    qtmodeltester.check(model, force_py=True)
