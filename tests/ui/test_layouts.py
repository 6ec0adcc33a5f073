"""Layouts: the customer detail gets its room and the splitter remembers where the user left
it; Ctrl+Tab switches only the main tabs; tab bars leave room for "Č"; an active customer's
status reads as a word."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import SYSTEM, Role
from office_app.ui.billing.widget import BillingWidget
from office_app.ui.context import AppContext
from office_app.ui.customers.widget import CustomerRegisterWidget
from office_app.ui.layout import tab_text_height
from office_app.ui.main_window import MainWindow


def _customers(qtbot: QtBot, context: AppContext) -> CustomerRegisterWidget:
    tab = CustomerRegisterWidget(context)
    qtbot.addWidget(tab)
    tab.resize(1600, 1000)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_customer_detail_gets_two_thirds_and_the_splitter_remembers(
        qtbot: QtBot, login_as: Callable[..., AppContext]) -> None:
    context = login_as(Role.CLERK)
    tab = _customers(qtbot, context)
    results, detail = tab.splitter.sizes()
    assert detail >= 2 * results - 20     # about 30 % for the list, 70 % for the detail
    tab.splitter.moveSplitter(500, 1)     # the user drags the handle
    moved = tab.splitter.sizes()
    assert moved[0] >= 480
    again = _customers(qtbot, context)
    assert again.splitter.sizes() == moved


def test_ctrl_tab_switches_only_the_main_tabs(qtbot: QtBot,
                                             login_as: Callable[..., AppContext]) -> None:
    window = MainWindow(login_as(Role.SUPERVISOR))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # shortcuts need it
    window.show_tab("billing")
    billing = window.tab("billing")
    assert isinstance(billing, BillingWidget)
    page = billing.pages.currentIndex()
    billing.invoices_page.search.setFocus()
    main = window.tabs.currentIndex()
    QTest.keyClick(billing.invoices_page.search, Qt.Key.Key_Tab,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == (main + 1) % window.tabs.count()
    assert billing.pages.currentIndex() == page
    QTest.keyClick(window.tabs.currentWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentIndex() == main


def test_tabs_leave_room_for_marks_above_capitals(
        qtbot: QtBot, login_as: Callable[..., AppContext]) -> None:
    set_language("sr_Latn")
    window = MainWindow(login_as(Role.SUPERVISOR))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.tabs.tabBar()
    titles = window.tab_titles()
    assert "Čitačke knjige" in titles
    for number, title in enumerate(titles):
        rect = bar.tabRect(number)
        assert rect.height() >= tab_text_height(bar) + 6, title
        assert rect.width() >= bar.fontMetrics().horizontalAdvance(title) + 12, title


def test_an_active_customer_reads_active(qtbot: QtBot, sqlite_db: Database,
                                         login_as: Callable[..., AppContext]) -> None:
    set_language("en")
    active = create_customer(sqlite_db, SYSTEM, CustomerInput(
        surname="Đurović", given_name="Milica", address="Njegoševa 12", place="Bar"))
    tab = _customers(qtbot, login_as(Role.CLERK))
    tab.detail.show_customer(active.id)
    assert tab.detail.info.values["status"].text() == "Active"


def _ink_rows(before: QImage, after: QImage, rect: QRect) -> list[int]:
    """The rows of ``rect`` where the two renderings differ."""
    return [y for y in range(rect.top(), rect.bottom() + 1)
            if any(before.pixel(x, y) != after.pixel(x, y)
                   for x in range(rect.left(), rect.right() + 1))]


def test_the_hacek_of_citacke_knjige_is_drawn_whole(
        qtbot: QtBot, login_as: Callable[..., AppContext]) -> None:
    """Issue 13: the tab "Čitačke knjige" read "Citačke" — the tab bar cut the háček off. The
    bar is rendered offscreen twice, with "Č" and with a plain "C": the pixels that differ
    (the háček) must be as many rows as the font draws the háček, all inside the tab."""
    set_language("sr_Latn")
    window = MainWindow(login_as(Role.SUPERVISOR))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    bar = window.tabs.tabBar()
    number = window.tab_titles().index("Čitačke knjige")
    rect = bar.tabRect(number)
    with_hacek = bar.grab().toImage()
    bar.setTabText(number, "Citačke knjige")
    plain_c = bar.grab().toImage()
    metrics = bar.fontMetrics()
    hacek = metrics.tightBoundingRect("C").top() - metrics.tightBoundingRect("Č").top()
    assert hacek >= 2                                  # the font draws a háček above "C"
    rows = _ink_rows(with_hacek, plain_c, QRect(0, 0, bar.width(), bar.height()))
    assert rows, "the háček is not drawn at all"
    assert rect.top() < rows[0] and rows[-1] < rect.bottom()
    assert rows[-1] - rows[0] + 1 >= hacek - 1, (rows, hacek)
    # and the whole text, háček included, sits inside the tab with room to spare
    assert rect.height() >= tab_text_height(bar) + 6
