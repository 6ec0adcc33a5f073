"""The zones-and-readers tab: create and change zones and meter readers through dialogs."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.services import network
from office_app.services.permissions import SYSTEM, Operator, Role
from office_app.services.users import UserInfo
from office_app.ui.context import AppContext
from office_app.ui.network import create_tab
from office_app.ui.network.widget import NetworkWidget
from office_app.ui.operations import SyncRunner


def _context(db: Database, role: Role) -> AppContext:
    code = role.value[:3].upper() + "1"
    operator = Operator(1, code, role.value, role.value.title(), role)
    user = UserInfo(1, role.value, code, role.value.title(), role, True, None, "en")
    return AppContext(db=db, operator=operator, user=user, runner=SyncRunner())


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture
def make_tab(sqlite_db: Database, qtbot: QtBot) -> Callable[..., NetworkWidget]:
    def make(role: Role = Role.SUPERVISOR) -> NetworkWidget:
        tab = create_tab(_context(sqlite_db, role))
        assert isinstance(tab, NetworkWidget)
        qtbot.addWidget(tab)
        tab.refresh()                             # as the main window does on first show
        tab.show()
        qtbot.waitExposed(tab)
        return tab
    return make


def in_dialog(trigger: Callable[[], Any], interact: Callable[[Any], None]) -> None:
    """Run ``trigger`` (opens a modal dialog) and ``interact`` with it; failures re-raised."""
    problems: list[BaseException] = []
    handled: list[bool] = []

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        handled.append(True)
        try:
            interact(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            problems.append(exc)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, handle)
    trigger()
    if problems:
        raise problems[0]
    assert handled, "no dialog was opened"


def rows(panel: Any) -> list[list[str]]:
    model = panel.model
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_create_a_zone_and_a_reader(make_tab: Callable[..., NetworkWidget],
                                    sqlite_db: Database, qtbot: QtBot) -> None:
    tab = make_tab()
    assert rows(tab.zones) == [] and rows(tab.readers) == []

    def zone(dialog: Any) -> None:
        assert dialog.focusWidget() is dialog.field("code")
        qtbot.keyClicks(dialog.field("code"), "z03")
        qtbot.keyClick(dialog.field("code"), Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.focusWidget(), "Polje")
        qtbot.keyClick(dialog.field("name"), Qt.Key.Key_Return)

    in_dialog(tab.zones.new_button.click, zone)
    assert rows(tab.zones) == [["Z03", "Polje"]]
    assert [z.code for z in network.list_zones(sqlite_db, SYSTEM)] == ["Z03"]

    def reader(dialog: Any) -> None:
        qtbot.keyClicks(dialog.field("code"), "R12")
        qtbot.keyClicks(dialog.field("name"), "Petar Ivanovic")
        qtbot.keyClicks(dialog.field("phone"), "+382 67 222 333")
        dialog.submit()

    in_dialog(tab.readers.new_button.click, reader)
    assert rows(tab.readers) == [["R12", "Petar Ivanovic", "+382 67 222 333", "Yes"]]


def test_edit_with_enter_and_errors_next_to_the_field(make_tab: Callable[..., NetworkWidget],
                                                      sqlite_db: Database,
                                                      qtbot: QtBot) -> None:
    network.save_zone(sqlite_db, SYSTEM, "Z01", "Topolica")
    network.save_zone(sqlite_db, SYSTEM, "Z02", "Šušanj")
    network.save_reader(sqlite_db, SYSTEM, "R07", "Marko Vujović")
    tab = make_tab()
    tab.zones.table.setFocus()
    seen: dict[str, Any] = {}

    def rename(dialog: Any) -> None:
        dialog.field("code").setText("Z02")          # taken by the other zone
        dialog.submit()
        seen["code"] = dialog.error_text("code")
        dialog.field("code").setText("Z01")
        dialog.field("name").setText("")
        dialog.submit()
        seen["name"] = dialog.error_text("name")
        dialog.field("name").setText("Topolica I")
        dialog.submit()
        seen["closed"] = not dialog.isVisible()

    in_dialog(lambda: qtbot.keyClick(tab.zones.table, Qt.Key.Key_Return), rename)
    assert "Z02" in seen["code"] and "required" in seen["name"] and seen["closed"]
    assert rows(tab.zones)[0] == ["Z01", "Topolica I"]

    def retire(dialog: Any) -> None:
        dialog.field("active").setChecked(False)
        dialog.submit()

    tab.readers.table.setFocus()
    in_dialog(lambda: qtbot.keyClick(tab.readers.table, Qt.Key.Key_Return), retire)
    assert rows(tab.readers) == [["R07", "Marko Vujović", "", "No"]]
    assert network.list_readers(sqlite_db, SYSTEM, active_only=True) == []


def test_read_only_without_the_permission(make_tab: Callable[..., NetworkWidget],
                                          sqlite_db: Database, qtmodeltester: Any) -> None:
    network.save_zone(sqlite_db, SYSTEM, "Z01", "Topolica")
    tab = make_tab(Role.CLERK)
    assert rows(tab.zones) == [["Z01", "Topolica"]]
    assert not tab.zones.new_button.isVisible() and not tab.readers.edit_button.isVisible()
    qtmodeltester.check(tab.zones.model)
