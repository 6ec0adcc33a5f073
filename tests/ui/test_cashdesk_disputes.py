"""The counter with a disputed invoice (003 III.1g), by keyboard alone: the open items show
the disputed part, the amount asked is the undisputed part, a card payment of it leaves the
dispute open; ticking the invoice takes the disputed part too; a partial cash payment; the
drawer closes balanced (cash and card as counted); the day's report prints on the desk
printer and agrees with the cards."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from office_app.db import Database
from office_app.models import Customer, Invoice
from office_app.services import complaints, ledger
from office_app.services.billing import run as billing
from office_app.services.complaints import ComplaintInput
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.ui.cashdesk.widget import CounterWidget
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import DeskPrinter
from tests.billing_setup import PERIOD, Office, build_office
from tests.conftest import TEST_OFFICE, make_operator


class _Today(date):
    @classmethod
    def today(cls) -> _Today:
        return cls(2024, 6, 20)


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    made = build_office(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"),
                        make_operator(Role.CLERK, "CLK1"))
    billing.run_billing(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"), PERIOD)
    return made


def _type(qtbot: QtBot, widget: Any, text: str, enter: bool = True) -> None:
    widget.setFocus()
    widget.clear()
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def _row(tab: CounterWidget, number: str) -> list[str]:
    for row in range(tab.items.rowCount()):
        if tab.items.item(row, 1).text() == number:
            return [tab.items.item(row, c).text() for c in range(1, tab.items.columnCount())]
    raise AssertionError(f"{number} is not among the open items")


def test_a_disputed_invoice_at_the_counter(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import office_app.services.cashdesk.counter as counter_service
    import office_app.services.cashdesk.drawers as drawer_service

    monkeypatch.setattr(counter_service, "date", _Today)
    monkeypatch.setattr(drawer_service, "date", _Today)
    household = office.customers["P-100"]
    with sqlite_db.unit_of_work() as s:
        invoice_id, number = s.execute(select(Invoice.id, Invoice.number)
                                       .where(Invoice.customer_id == household)).one()
        other_code = s.scalar(select(Customer.code)
                              .where(Customer.id == office.customers["P-200"]))
    complaints.register(sqlite_db, make_operator(Role.CLERK, "CLK1"), ComplaintInput(
        household, date(2024, 6, 12), "written", "bill_amount", "Too high.", "20.00",
        (invoice_id,)))
    ctx = login_as(Role.CASHIER)
    printed = tmp_path / "printer.pdf"
    tab = CounterWidget(ctx, printer=DeskPrinter(printed), desk="KASA1")
    qtbot.addWidget(tab)
    tab.resize(1100, 700)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    _type(qtbot, tab.opening_float, "30")
    assert tab.drawer is not None

    _type(qtbot, tab.scan, number)
    assert _row(tab, number)[3:] == ["57,03 €", "20,00 €"]       # open, disputed
    assert "37,03" in tab.total.text() and "20,00" in tab.total.text()
    assert tab.amount.text() == "37,03"
    # ticking the disputed invoice asks for its undisputed part by default
    tab.items.item(0, 0).setCheckState(Qt.CheckState.Checked)
    assert tab.amount.text() == "37,03"
    tab.items.item(0, 0).setCheckState(Qt.CheckState.Unchecked)

    # more than the undisputed part without ticking: refused next to the amount
    qtbot.keyClick(tab, Qt.Key.Key_F6)
    _type(qtbot, tab.amount, "40,00")
    assert number in tab.errors["amount"].text()
    assert tab.last_receipt is None

    # the undisputed part by card (a household): the dispute stays open
    _type(qtbot, tab.amount, "37,03")
    assert tab.last_receipt is not None and tab.last_receipt.means == "card"
    qtbot.waitUntil(lambda: tab.printer.printed == [tab.last_receipt.number], timeout=10000)
    _type(qtbot, tab.scan, number)
    assert _row(tab, number)[3:] == ["20,00 €", "20,00 €"]
    assert tab.amount.text() == "" and "20,00" in tab.total.text()

    # ticked, the disputed part is taken when the cashier types it
    tab.items.item(0, 0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClick(tab, Qt.Key.Key_F5)
    _type(qtbot, tab.amount, "20,00", enter=False)
    _type(qtbot, tab.received, "20")
    assert tab.last_receipt is not None and tab.last_receipt.amount == D("20.00")
    assert ledger.card(sqlite_db, ctx.operator, household).closing_balance == D("0.00")

    # a partial cash payment of another customer
    _type(qtbot, tab.scan, other_code)
    _type(qtbot, tab.amount, "10,00", enter=False)
    _type(qtbot, tab.received, "10")
    assert tab.last_receipt is not None and tab.last_receipt.amount == D("10.00")
    assert ledger.card(sqlite_db, ctx.operator, office.customers["P-200"]).closing_balance \
        == D("16.02")

    # close balanced: float 30 + cash 30,00; card 37,03
    _type(qtbot, tab.counted_cash, "60,00", enter=False)
    _type(qtbot, tab.counted_card, "37,03")
    assert tab.drawer is None
    assert "0,00" in tab.close_result.text() and "-" not in tab.close_result.text()

    # the day's report on the desk printer agrees with the cards
    qtbot.mouseClick(tab.day_report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "67,03" in tab.report_result.text(), timeout=10000)
    assert ": 3 " in tab.report_result.text() and "30,00" in tab.report_result.text()
    assert tab.printer.printed[-1].endswith("2024-06-20")
    paid = sum((row.credit for c in office.customers.values()
                for row in ledger.card(sqlite_db, ctx.operator, c).rows
                if row.document_type == "payment"), D(0))
    assert paid == D("67.03")
