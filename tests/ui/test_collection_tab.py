"""The collection tab: the warning-run preview (with approval of a socially vulnerable
customer), the warning register, and the order register with a field record."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.models import Customer
from office_app.services import ledger
from office_app.services.billing import run as billing
from office_app.services.billing import tariffs
from office_app.services.customers import get_customer
from office_app.services.permissions import SYSTEM, Operator, Role
from office_app.services.users import UserInfo
from office_app.ui.collection import create_tab
from office_app.ui.collection.dialogs import FieldRecordDialog
from office_app.ui.collection.widget import CollectionWidget
from office_app.ui.context import AppContext
from office_app.ui.lazy_table import select_row
from office_app.ui.operations import SyncRunner
from tests.billing_setup import PERIOD, build_office


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
def office(sqlite_db: Database, supervisor: Operator, clerk: Operator) -> dict:
    built = build_office(sqlite_db, supervisor, clerk)
    tariffs.add_tariff(sqlite_db, supervisor, "household", "all", "disconnection", "10.00",
                       date(2024, 1, 1))
    billing.run_billing(sqlite_db, supervisor, PERIOD)
    with sqlite_db.unit_of_work() as s:
        row = s.get(Customer, built.customers["P-200"])
        assert row is not None
        row.socially_vulnerable = True
    return built.customers


@pytest.fixture
def make_tab(sqlite_db: Database, qtbot: QtBot) -> Callable[..., CollectionWidget]:
    def make(role: Role = Role.SUPERVISOR) -> CollectionWidget:
        tab = create_tab(_context(sqlite_db, role))
        assert isinstance(tab, CollectionWidget)
        qtbot.addWidget(tab)
        tab.refresh()
        tab.show()
        qtbot.waitExposed(tab)
        return tab
    return make


def _rows(model: Any) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_preview_approve_and_issue_warnings_then_orders_and_a_field_record(
        make_tab: Callable[..., CollectionWidget], office: dict, sqlite_db: Database,
        qtmodeltester: Any, message_boxes: Any) -> None:
    tab = make_tab()
    page = tab.run_page
    page.as_of.set_value(date(2024, 8, 1))
    page.load_preview()
    rows = {r[0]: r for r in _rows(page.model)}
    assert set(rows) == {"0000001", "0000002", "0000003"}
    assert rows["0000002"][6] == "socially vulnerable: review before issue"
    assert rows["0000003"][4] == "2,016.03 €"
    assert "2 warnings to issue, 1 for review" in page.status.text()
    qtmodeltester.check(page.model)
    select_row(page.table, [r[0] for r in _rows(page.model)].index("0000002"))
    page.approve_selected()
    assert {r[0]: r[6] for r in _rows(page.model)}["0000002"] == "approved"
    message_boxes.answer = QMessageBox.StandardButton.No
    page.issue()
    assert message_boxes.texts("question") == [
        "3 warnings will be issued for 2,099.08 € of debt in all; 0 waiting for review are "
        "left out. Issue them?"]
    assert tab.warnings.model.rowCount() == 0         # nothing issued when the answer is No
    message_boxes.answer = QMessageBox.StandardButton.Yes
    page.issue()
    assert "3 warnings issued" in page.status.text()
    register = _rows(tab.warnings.model)
    assert sorted(r[2] for r in register) == ["0000001", "0000002", "0000003"]
    assert all(r[6] == "13.08.2024" for r in register)

    tab.orders.as_of.set_value(date(2024, 8, 14))
    tab.orders.issue()
    assert message_boxes.texts("question")[-1] == (
        "3 disconnection orders will be issued on 14.08.2024 for 3 customers owing 2,099.08 € "
        "in all. Issue them?")
    assert "3 orders issued" in tab.orders.status.text()
    orders = _rows(tab.orders.model)
    assert {r[6] for r in orders} == {"E-100", "E-200", "E-300"}
    row = [r[3] for r in orders].index("0000002")
    select_row(tab.orders.table, row)

    dialog = FieldRecordDialog(tab.context, tab.orders.current(), tab.orders)
    dialog.field("done_on").set_value(date(2024, 8, 16))
    dialog.field("reading").setText("97800")
    dialog.submit()
    assert dialog.general_error.isHidden(), dialog.general_error.text()
    assert dialog.result() == dialog.DialogCode.Accepted
    tab.orders.load()
    status = {r[3]: (r[7], r[9]) for r in _rows(tab.orders.model)}
    assert status["0000002"] == ("carried out", "16.08.2024")
    assert get_customer(sqlite_db, SYSTEM, office["P-200"]).status == "I"

    # reconnection once the debt and fees are paid: asked once, with the count
    ledger.post_payment(sqlite_db, SYSTEM, office["P-200"], Decimal("500.00"),
                        date(2024, 8, 20), "UPL-9")
    select_row(tab.orders.table, [r[3] for r in _rows(tab.orders.model)].index("0000002"))
    asked = len(message_boxes.texts("question"))
    message_boxes.answer = QMessageBox.StandardButton.No
    tab.orders.reconnect_button.click()
    assert message_boxes.texts("question")[asked:] == [
        f"1 reconnection orders will be issued for 0000002 {tab.orders.current().customer_name}"
        "; the reconnection fee comes on the next invoice. Issue them?"]
    assert len(_rows(tab.orders.model)) == 3                 # No: nothing issued
    message_boxes.answer = QMessageBox.StandardButton.Yes
    tab.orders.reconnect_button.click()
    assert "1 reconnection orders issued" in tab.orders.status.text()
    assert len(_rows(tab.orders.model)) == 4


def test_a_cashier_sees_the_registers_but_not_the_run(
        make_tab: Callable[..., CollectionWidget], office: dict) -> None:
    tab = make_tab(Role.CASHIER)
    titles = [tab.pages.tabText(i) for i in range(tab.pages.count())]
    assert titles == ["Warning register", "Order register"]
    assert not tab.warnings.buttons.itemAt(0).widget().isEnabled()   # delivery: no


def test_the_financial_card_shows_the_warnings_that_chased_each_invoice(
        sqlite_db: Database, supervisor: Operator, office: dict, qtbot: QtBot,
        qtmodeltester: Any) -> None:
    """Issue 11: each invoice on the card names the warnings that chase it, and the card's
    summary the latest warning with its deadline."""
    from office_app.services.collection import warnings
    from office_app.ui.billing.card_page import FinancialCardWidget

    (warning_id,) = [warnings.issue_warning(sqlite_db, supervisor, office["P-100"],
                                            warnings.WarningCriteria(date(2024, 8, 1)))]
    (sent,) = warnings.get_warnings(sqlite_db, supervisor, [warning_id])
    card = FinancialCardWidget(_context(sqlite_db, Role.CASHIER))
    qtbot.addWidget(card)
    card.load(office["P-100"])
    header = [card.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(card.model.columnCount())]
    by_document = {r[1]: r[header.index("Warnings")] for r in _rows(card.model)}
    invoice = sent.items[0].document_number
    assert by_document[invoice] == f"{sent.number} (01.08.2024)"
    assert all(v == "" for k, v in by_document.items() if k != invoice)
    assert f"Warnings: 1, the latest {sent.number} of 01.08.2024: 57.03 € by 13.08.2024" \
        in card.summary.text()
    qtmodeltester.check(card.model)

    # ... and the invoice register counts the warnings of each invoice
    from office_app.ui.billing.invoices_page import COLUMNS, InvoicesPage

    page = InvoicesPage(_context(sqlite_db, Role.CASHIER))
    qtbot.addWidget(page)
    page.period.setText(PERIOD)
    page.refresh()
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    qtbot.waitUntil(lambda: all(page.model.record_at(r) is not None for r in range(3)))
    titles = [c.title for c in COLUMNS]
    counts = {page.model.data(page.model.index(r, titles.index("Invoice number"))):
              page.model.data(page.model.index(r, titles.index("Warnings"))) for r in range(3)}
    assert counts == {invoice: "1", **{n: "" for n in counts if n != invoice}}


def test_register_numbers_dates_and_codes_are_never_cut(
        make_tab: Callable[..., CollectionWidget], office: dict) -> None:
    from office_app.ui.column_sizing import text_fits

    set_language("sq")
    tab = make_tab()
    tab.resize(1366, 700)
    tab.run_page.as_of.set_value(date(2024, 8, 1))
    tab.run_page.load_preview()
    assert tab.run_page.preview is not None
    tab.run_page.approved = {c.customer_id for c in tab.run_page.preview.candidates}
    tab.run_page.issue()
    tab.orders.as_of.set_value(date(2024, 8, 14))
    tab.orders.issue()
    for page, columns in ((tab.warnings, (0, 1, 2, 6)), (tab.orders, (0, 2, 3))):
        tab.pages.setCurrentWidget(page)
        rows = _rows(page.model)
        assert rows
        for column in columns:
            for row in rows:
                assert text_fits(page.table, row[column], page.table.columnWidth(column)), \
                    (column, row[column])


def _tick(button: Any, key: str) -> None:
    """Click a choice in the button's drop-down list, as the user does."""
    next(a for a in button.choice_actions() if a.data() == key).trigger()


def test_the_run_filtered_to_one_zone_previews_and_warns_only_its_customers(
        make_tab: Callable[..., CollectionWidget], office: dict, sqlite_db: Database,
        message_boxes: Any) -> None:
    from sqlalchemy import update

    from office_app.models import MeteringPoint
    from office_app.services import network
    z2 = network.save_zone(sqlite_db, SYSTEM, "Z2", "Šušanj")
    with sqlite_db.unit_of_work() as s:
        s.execute(update(MeteringPoint).where(MeteringPoint.number == "P-300")
                  .values(zone_id=z2.id))
    tab = make_tab()
    page = tab.run_page
    assert (page.zones.text(), page.categories.text(), page.statuses.text()) == (
        "All zones", "All categories", "Active")
    assert [a.text() for a in page.statuses.choice_actions()] == [
        "Active", "I = disconnected", "T = sued"]
    page.as_of.set_value(date(2024, 8, 1))
    _tick(page.zones, "Z1")                    # untick Z1: Z2 only
    assert page.zones.text() == "Z2"
    _tick(page.zones, "Z2")                    # the last one stays ticked
    assert page.zones.chosen() == ["Z2"]
    page.load_preview()
    assert [r[0] for r in _rows(page.model)] == ["0000003"]
    assert "1 warnings to issue" in page.status.text()
    message_boxes.answer = QMessageBox.StandardButton.Yes
    page.issue()
    assert message_boxes.texts("question")[-1].startswith("1 warnings will be issued")
    assert [r[2] for r in _rows(tab.warnings.model)] == ["0000003"]

    # back to every zone, households only: the two households, the business is left out
    _tick(page.zones, "Z1")
    assert page.zones.text() == "All zones"
    network.save_zone(sqlite_db, SYSTEM, "Z3", "Sutomore")
    tab.refresh()                              # a zone added since: ticked with all the others
    assert (page.zones.text(), page.zones.chosen()) == ("All zones", ["Z1", "Z2", "Z3"])
    _tick(page.categories, "commercial")
    _tick(page.categories, "institutional")
    page.load_preview()
    assert {r[0] for r in _rows(page.model)} == {"0000001", "0000002"}
    # a customer marked I is left out of the active-only default until I is ticked
    with sqlite_db.unit_of_work() as s:
        row = s.get(Customer, office["P-100"])
        assert row is not None
        row.status = "I"
    page.load_preview()
    assert {r[0] for r in _rows(page.model)} == {"0000002"}
    _tick(page.statuses, "I")
    assert page.statuses.text() == "Active, I"
    page.load_preview()
    assert {r[0] for r in _rows(page.model)} == {"0000001", "0000002"}
    assert message_boxes.texts("warning") == []


def test_a_run_dated_after_today_shows_the_error_next_to_the_date(
        make_tab: Callable[..., CollectionWidget], office: dict, message_boxes: Any) -> None:
    from datetime import timedelta
    tab = make_tab()
    page = tab.run_page
    page.as_of.set_value(date.today() + timedelta(days=1))
    page.load_preview()
    assert page.as_of_error.isVisible()
    assert page.as_of_error.text().startswith("Date: the run's date cannot be after today")
    assert page.model.rowCount() == 0
    page.as_of.set_value(date(2024, 8, 1))
    page.load_preview()
    assert page.as_of_error.isHidden()
    assert page.model.rowCount() == 3
    tab.orders.as_of.set_value(date.today() + timedelta(days=1))
    tab.orders.issue()
    assert tab.orders.as_of_error.text().startswith("Date: the run's date cannot be after")
    assert message_boxes.texts("warning") == message_boxes.texts("question") == []


def test_the_warning_run_shows_the_runners_window_and_cancel_stops_it(
        sqlite_db: Database, office: dict, qtbot: QtBot, message_boxes: Any) -> None:
    """Issue 13: a warning run over a whole office is a long job: it runs in the runner's
    titled window with Cancel, and a cancelled run issues nothing; run again, it goes on."""
    import sqlite3

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from office_app.ui.operations import OperationRunner

    base = _context(sqlite_db, Role.SUPERVISOR)
    runner = OperationRunner()
    tab = create_tab(AppContext(base.db, base.operator, base.user, runner))
    assert isinstance(tab, CollectionWidget)
    qtbot.addWidget(tab)
    tab.show()
    page = tab.run_page
    page.as_of.set_value(date(2024, 8, 1))

    def window() -> QProgressDialog | None:
        found = [w for w in page.findChildren(QProgressDialog) if w.isVisible()]
        return found[0] if found else None

    message_boxes.answer = QMessageBox.StandardButton.Yes
    # another desk's write transaction holds the run at its start until Cancel is pressed
    blocker = sqlite3.connect(str(sqlite_db.engine.url.database), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")     # the preview still reads; the run must wait
    try:
        page.issue()
        qtbot.waitUntil(lambda: window() is not None, timeout=15000)
        assert message_boxes.texts("question")
        shown = window()
        assert shown is not None and shown.windowTitle() == "Issue warnings"
        [cancel] = shown.findChildren(QPushButton)
        cancel.click()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    qtbot.waitUntil(lambda: "cancelled" in page.status.text(), timeout=15000)
    assert runner.wait()
    assert page.status.text().startswith("0 warnings issued")
    # run again for the date: the warnings are issued
    page.issue()
    qtbot.waitUntil(lambda: page.status.text().startswith(("1 ", "2 ", "3 ")), timeout=15000)
    assert "cancelled" not in page.status.text()
    # the page reloads its preview after a run: let that finish before the tab goes
    qtbot.waitUntil(lambda: runner.wait() and not runner._running, timeout=15000)
    qtbot.wait(100)
