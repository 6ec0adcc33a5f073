"""The customer register tab driven like a clerk drives it: typing, keys and dialogs."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.errors import Conflict
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.services import customer_status, meter_events, metering, network
from office_app.services.customer_status import StatusOrigin
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.energy_card import energy_card
from office_app.services.metering import MeterInput, PointInput
from office_app.services.permissions import SYSTEM, Operator, Role
from office_app.services.search import CustomerQuery, search_customer_ids
from office_app.services.users import UserInfo
from office_app.ui.context import AppContext
from office_app.ui.customers import create_tab, pages
from office_app.ui.customers.status_history import StatusHistoryWidget
from office_app.ui.customers.widget import CustomerRegisterWidget
from office_app.ui.meter_event_dialogs import ReplacementDialog, TransferDialog
from office_app.ui.operations import OperationRunner, SyncRunner

VALID_JMBG = "0101990710008"


def _context(db: Database, role: Role) -> AppContext:
    code = role.value[:3].upper() + "1"
    operator = Operator(1, code, role.value, role.value.title(), role)
    user = UserInfo(1, role.value, code, role.value.title(), role, True, None, "en")
    return AppContext(db=db, operator=operator, user=user, runner=SyncRunner())


@pytest.fixture
def office(sqlite_db: Database) -> dict[str, Any]:
    """Three customers; one holds a point with a meter, one is disconnected (I)."""
    zone = network.save_zone(sqlite_db, SYSTEM, "Z01", "Topolica")
    reader = network.save_reader(sqlite_db, SYSTEM, "R07", "Marko Vujović")
    milica = create_customer(sqlite_db, SYSTEM, CustomerInput(
        surname="Đurović", given_name="Milica", personal_number=VALID_JMBG,
        address="Njegoševa 12", place="Bar"))
    jovan = create_customer(sqlite_db, SYSTEM, CustomerInput(
        surname="Radulović", given_name="Jovan", address="Vladimira Rolovića 3", place="Bar"))
    with sqlite_db.unit_of_work() as s:
        customer_status.set_status(s, SYSTEM, jovan.id, "I", date(2024, 3, 12),
                                   StatusOrigin("disconnection", 1, "ZI-2024-00001"))
    pekara = create_customer(sqlite_db, SYSTEM, CustomerInput(
        kind="business", category="commercial", name="Pekara Šćepanović d.o.o.",
        tax_number="02005123", address="Bulevar revolucije 5", place="Sutomore"))
    point = metering.create_point(sqlite_db, SYSTEM, jovan.id, PointInput(
        number="100200", address="Vladimira Rolovića 3", place="Bar", zone_id=zone.id,
        reader_id=reader.id, reading_code=10), date(2020, 1, 1))
    metering.install_new_meter(sqlite_db, SYSTEM, point.id, MeterInput(
        number="E-778899", type="ISKRA ME162", constant=Decimal(1)), date(2020, 1, 1),
        metering.Registers(vt="0"))
    return {"zone": zone, "reader": reader, "milica": milica, "jovan": jovan,
            "pekara": pekara, "point": point}


@pytest.fixture
def make_tab(sqlite_db: Database, qtbot: QtBot) -> Callable[..., CustomerRegisterWidget]:
    def make(role: Role = Role.CLERK) -> CustomerRegisterWidget:
        tab = create_tab(_context(sqlite_db, role))
        assert isinstance(tab, CustomerRegisterWidget)
        qtbot.addWidget(tab)
        assert tab.model.rowCount() == 0          # nothing loaded before refresh()
        tab.refresh()                             # as the main window does on first show
        tab.resize(1200, 800)
        tab.show()
        tab.activateWindow()
        qtbot.waitActive(tab)
        qtbot.waitUntil(tab.search.hasFocus)     # where the cursor is when the tab opens
        return tab
    return make


@pytest.fixture(autouse=True)
def _english_and_no_page_leaks() -> Iterator[None]:
    """Messages are checked in English; pages a test adds are taken away again."""
    before = list(pages.CUSTOMER_PAGES)
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)
    pages.CUSTOMER_PAGES[:] = before


def in_dialog(trigger: Callable[[], Any], interact: Callable[[Any], None]) -> None:
    """Run ``trigger``, which must open a modal dialog, then ``interact`` with that dialog;
    the dialog is closed afterwards whatever happens, and a failure inside is raised here."""
    problems: list[BaseException] = []
    handled: list[bool] = []

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        handled.append(True)
        try:
            interact(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised below, outside the event loop
            problems.append(exc)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, handle)
    trigger()
    if problems:
        raise problems[0]
    assert handled, "no dialog was opened"


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like a user; letters outside ASCII (č ć đ š ž) go as key events with their text,
    since QTest can only map ASCII characters to keys."""
    for char in text:
        if char.isascii():
            qtbot.keyClick(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(
                    kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def type_into(qtbot: QtBot, dialog: Any, values: dict[str, str]) -> None:
    for name, text in values.items():
        widget = dialog.field(name)
        widget.clear()
        type_text(qtbot, widget, text)


def settle(tab: CustomerRegisterWidget, qtbot: QtBot) -> None:
    """Wait until the typing pause is over and the search ran (SyncRunner: at once)."""
    qtbot.waitUntil(lambda: not tab.searcher.pending())


def names(tab: CustomerRegisterWidget, qtbot: QtBot) -> list[str]:
    model = tab.model
    for row in range(model.rowCount()):
        model.data(model.index(row, 1))
    qtbot.waitUntil(lambda: all(model.record_at(r) is not None for r in range(model.rowCount())))
    return [model.data(model.index(r, 1)) for r in range(model.rowCount())]


def choose(tab: CustomerRegisterWidget, qtbot: QtBot, customer_id: int) -> None:
    row = tab.model.row_of(customer_id)
    assert row is not None
    tab.table.setFocus()
    tab.table.selectRow(row)
    qtbot.waitUntil(lambda: tab.detail.record is not None
                    and tab.detail.record.id == customer_id)


# --- searching ------------------------------------------------------------------------------

def test_search_as_you_type_after_a_pause(make_tab: Callable[..., CustomerRegisterWidget],
                                          office: dict, qtbot: QtBot) -> None:
    tab = make_tab()
    assert tab.model.rowCount() == 3 and tab.count.text() == "3 customers"
    qtbot.keyClicks(tab.search, "djurov")      # without diacritics: đ is typed dj
    assert tab.model.rowCount() == 3           # debounced: nothing ran yet
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert names(tab, qtbot) == ["Đurović Milica"]
    assert tab.count.text() == "1 customer"
    tab.search.clear()
    qtbot.keyClicks(tab.search, "E-7788")       # meter number
    settle(tab, qtbot)
    assert names(tab, qtbot) == ["Radulović Jovan"]
    row = tab.model.record_at(0)
    assert (row.points, row.meters, row.zones) == ("100200", "E-778899", "Z01")


def test_filters_and_sql_sorting(make_tab: Callable[..., CustomerRegisterWidget], office: dict,
                                 qtbot: QtBot) -> None:
    tab = make_tab()
    tab.status.set_value("I")
    assert names(tab, qtbot) == ["Radulović Jovan"]
    status = tab.model.index(0, 5)
    assert tab.model.data(status) == "I 12.03.2024"
    assert "disconnected" in tab.model.data(status, Qt.ItemDataRole.ToolTipRole)
    tab.status.set_value(None)
    tab.category.set_value("commercial")
    assert names(tab, qtbot) == ["Pekara Šćepanović d.o.o."]
    tab.category.set_value(None)
    tab.zone.set_value(office["zone"].id)
    assert names(tab, qtbot) == ["Radulović Jovan"]
    tab.zone.set_value(None)
    tab.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert names(tab, qtbot) == ["Pekara Šćepanović d.o.o.", "Radulović Jovan",
                                 "Đurović Milica"]
    tab.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)   # place
    assert names(tab, qtbot)[-1] == "Pekara Šćepanović d.o.o."                        # Sutomore
    # The JMBG column is not sortable in SQL: the header click changes nothing.
    tab.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)
    assert tab.table.horizontalHeader().sortIndicatorSection() == 3


def test_customer_model_passes_qtmodeltester(make_tab: Callable[..., CustomerRegisterWidget],
                                             office: dict, qtmodeltester: Any,
                                             qtbot: QtBot) -> None:
    tab = make_tab()
    names(tab, qtbot)
    qtmodeltester.check(tab.model)


def test_keyboard_search_down_enter_escape(make_tab: Callable[..., CustomerRegisterWidget],
                                          office: dict, qtbot: QtBot) -> None:
    tab = make_tab()
    qtbot.keyClicks(tab.search, "Pekara")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)
    assert tab.table.hasFocus() and tab.current_customer_id() == office["pekara"].id
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert tab.detail.record is not None and tab.detail.record.id == office["pekara"].id
    assert tab.detail.info.values["tax_number"].text() == "02005123"
    assert tab.detail.info.values["personal_number"].isHidden() or \
        not tab.detail.info.values["personal_number"].isVisible()
    assert tab.detail.tabs.hasFocus()
    qtbot.keyClick(tab.detail.tabs, Qt.Key.Key_Escape)
    assert tab.table.hasFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Up)
    assert tab.search.hasFocus()


# --- creating and editing -------------------------------------------------------------------

def test_create_a_customer_through_the_dialog(make_tab: Callable[..., CustomerRegisterWidget],
                                              sqlite_db: Database, office: dict,
                                              qtbot: QtBot) -> None:
    tab = make_tab()
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        seen["focus"] = dialog.focusWidget().objectName()
        type_into(qtbot, dialog, {"surname": "Šćekić", "given_name": "Đorđe",
                                  "personal_number": "0202985710017",
                                  "address": "Obala 13. jula 7", "place": "Bar",
                                  "phone": "+382 69 555 111",
                                  "contract_signed": "01.02.2025"})
        qtbot.keyClick(dialog.field("place"), Qt.Key.Key_Return)   # Enter saves

    in_dialog(lambda: qtbot.keyClick(tab.search, Qt.Key.Key_N,
                                     Qt.KeyboardModifier.ControlModifier), fill)
    assert seen["focus"] == "surname"
    found = search_customer_ids(sqlite_db, SYSTEM, CustomerQuery(text="Šćekić"))
    assert len(found) == 1
    assert names(tab, qtbot) == ["Šćekić Đorđe"]          # the new customer is shown
    assert tab.detail.record is not None and tab.detail.record.id == found[0]
    assert tab.detail.record.contract_signed == date(2025, 2, 1)
    assert tab.detail.info.values["phone"].text() == "+382 69 555 111"


def test_invalid_jmbg_is_shown_next_to_the_field_and_nothing_is_saved(
        make_tab: Callable[..., CustomerRegisterWidget], sqlite_db: Database,
        qtbot: QtBot) -> None:
    tab = make_tab()
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        type_into(qtbot, dialog, {"surname": "Perović", "given_name": "Ana",
                                  "personal_number": "0101990710007", "address": "Obala 3",
                                  "place": "Bar"})
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        seen["visible"] = dialog.isVisible()
        seen["jmbg"] = dialog.error_text("personal_number")
        seen["surname"] = dialog.error_text("surname")
        seen["focus"] = dialog.focusWidget().objectName()

    in_dialog(tab.new_button.click, fill)
    assert seen["visible"] is True
    assert "JMBG" in seen["jmbg"] and "check digit" in seen["jmbg"]
    assert seen["surname"] == "" and seen["focus"] == "personal_number"
    assert search_customer_ids(sqlite_db, SYSTEM, CustomerQuery()) == []


def test_business_fields_and_errors(make_tab: Callable[..., CustomerRegisterWidget],
                                    sqlite_db: Database, qtbot: QtBot) -> None:
    tab = make_tab()
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        dialog.field("kind").set_value("business")
        seen["jmbg_hidden"] = not dialog.field_visible("personal_number")
        seen["category"] = dialog.field("category").value()
        type_into(qtbot, dialog, {"name": "Hotel Sidro d.o.o.", "tax_number": "02005124",
                                  "bank_account": "510-1234567-91", "address": "Obala 1",
                                  "place": "Bar"})
        dialog.submit()
        seen["pib"] = dialog.error_text("tax_number")
        seen["account"] = dialog.error_text("bank_account")

    in_dialog(tab.new_button.click, fill)
    assert seen["jmbg_hidden"] and seen["category"] == "commercial"
    assert "PIB" in seen["pib"] and "check digits" in seen["account"]
    assert search_customer_ids(sqlite_db, SYSTEM, CustomerQuery()) == []


def test_edit_a_customer_with_f2(make_tab: Callable[..., CustomerRegisterWidget],
                                 sqlite_db: Database, office: dict, qtbot: QtBot) -> None:
    tab = make_tab(Role.SUPERVISOR)
    choose(tab, qtbot, office["milica"].id)
    seen: dict[str, Any] = {}

    def change(dialog: Any) -> None:
        seen["surname"] = dialog.field("surname").text()
        seen["status_field"] = "status" in dialog._fields
        type_into(qtbot, dialog, {"address": "Njegoševa 14"})
        qtbot.keyClick(dialog.field("address"), Qt.Key.Key_Return)

    in_dialog(lambda: qtbot.keyClick(tab.table, Qt.Key.Key_F2), change)
    # the status letters are set by their processes, never in the edit dialog
    assert seen == {"surname": "Đurović", "status_field": False}
    assert tab.detail.info.values["address"].text() == "Njegoševa 14"
    assert tab.detail.info.values["status"].text() == "Active"
    row = tab.model.row_of(office["milica"].id)
    assert row is not None
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(row, 2)) == "Njegoševa 14")
    # The audit log shows the change to a supervisor.
    tab.detail.tabs.setCurrentWidget(tab.detail.audit)
    audit = tab.detail.audit
    assert audit is not None
    texts = [(audit.model.data(audit.model.index(r, 4)), audit.model.data(audit.model.index(r, 6)))
             for r in range(audit.model.rowCount())]
    assert ("Address", "Njegoševa 14") in texts


def test_status_history_shows_the_disconnection_document(
        make_tab: Callable[..., CustomerRegisterWidget], office: dict, qtbot: QtBot) -> None:
    tab = make_tab(Role.CLERK)
    choose(tab, qtbot, office["jovan"].id)
    seen: dict[str, Any] = {}

    def look(dialog: Any) -> None:
        seen["status_field"] = "status" in dialog._fields
        type_into(qtbot, dialog, {"phone": "+382 68 000 000"})
        dialog.submit()
        seen["saved"] = not dialog.isVisible()

    in_dialog(tab.detail.edit_button.click, look)
    assert seen == {"status_field": False, "saved": True}
    assert tab.detail.audit is None          # clerks see no audit log
    page = next(p for p in tab.detail.extra_pages if isinstance(p, StatusHistoryWidget))
    tab.detail.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = [page.model.data(page.model.index(0, c)) for c in range(page.model.columnCount())]
    assert row[:5] == ["I", "12.03.2024", "none (active)", "Disconnection field record",
                       "ZI-2024-00001"]


def test_cashier_sees_the_register_read_only(make_tab: Callable[..., CustomerRegisterWidget],
                                             office: dict, qtbot: QtBot) -> None:
    tab = make_tab(Role.CASHIER)
    assert not tab.new_button.isVisible()
    choose(tab, qtbot, office["jovan"].id)
    assert not tab.detail.edit_button.isVisible()
    opened: list[QWidget] = []
    QTimer.singleShot(50, lambda: opened.append(QApplication.activeModalWidget()))
    qtbot.keyClick(tab.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == [None]
    tab.detail.tabs.setCurrentWidget(tab.detail.points)
    assert set(tab.detail.points.actions_) == {"meter_history", "holders", "flats"}
    assert tab.detail.points.model.rowCount() == 1


# --- metering points and meters -------------------------------------------------------------

def test_add_a_point_and_install_a_meter(make_tab: Callable[..., CustomerRegisterWidget],
                                         sqlite_db: Database, office: dict,
                                         qtbot: QtBot) -> None:
    tab = make_tab()
    choose(tab, qtbot, office["milica"].id)
    points = tab.detail.points
    tab.detail.tabs.setCurrentWidget(points)
    assert points.model.rowCount() == 0

    def new_point(dialog: Any) -> None:
        assert dialog.field("address").text() == "Njegoševa 12"   # the customer's address
        type_into(qtbot, dialog, {"number": "100300", "reading_code": "25"})
        dialog.field("zone_id").set_value(office["zone"].id)
        dialog.field("reader_id").set_value(office["reader"].id)
        dialog.submit()
        assert not dialog.isVisible(), dialog.general_error.text()

    in_dialog(points.actions_["new_point"].trigger, new_point)
    assert points.model.rowCount() == 1
    point = points.current_point()
    assert point is not None and point.number == "100300" and point.meter is None
    assert points.actions_["install"].isEnabled()

    def install(dialog: Any) -> None:
        type_into(qtbot, dialog, {"number": "E-100", "type": "Iskra MT174",
                                  "nominal_current": "10(60) A", "installed_on": "01.03.2025"})
        dialog.field("number").editingFinished.emit()
        assert dialog.field("type").isEnabled()                   # a new meter
        dialog.field("two_rate").setChecked(True)
        dialog.submit()                       # no initial reading: refused, nothing saved
        assert dialog.isVisible() and "E-100" in dialog.error_text("initial_vt")
        type_into(qtbot, dialog, {"initial_vt": "000012", "initial_mt": "000005"})
        dialog.submit()
        assert not dialog.isVisible(), dialog.general_error.text()

    in_dialog(points.actions_["install"].trigger, install)
    point = points.current_point()
    assert point is not None and point.meter is not None
    assert (point.meter.number, point.meter.two_rate, point.meter_installed_on) == (
        "E-100", True, date(2025, 3, 1))
    assert not points.actions_["install"].isEnabled()
    assert search_customer_ids(sqlite_db, SYSTEM, CustomerQuery(text="E-100")) == [
        office["milica"].id]
    row = tab.model.row_of(office["milica"].id)
    assert row is not None
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(row, 9)) == "E-100")


def test_installing_a_meter_already_on_another_point_names_the_meter(
        make_tab: Callable[..., CustomerRegisterWidget], sqlite_db: Database, office: dict,
        qtbot: QtBot) -> None:
    metering.create_point(sqlite_db, SYSTEM, office["milica"].id, PointInput(
        number="100301", address="Njegoševa 12", place="Bar", zone_id=office["zone"].id,
        reader_id=office["reader"].id, reading_code=11))
    tab = make_tab()
    choose(tab, qtbot, office["milica"].id)
    points = tab.detail.points
    tab.detail.tabs.setCurrentWidget(points)
    seen: dict[str, Any] = {}

    def install(dialog: Any) -> None:
        type_into(qtbot, dialog, {"number": "E-778899"})
        dialog.field("number").editingFinished.emit()
        seen["type"] = dialog.field("type").text()
        seen["editable"] = dialog.field("type").isEnabled()
        dialog.submit()
        seen["error"] = dialog.error_text("number")

    in_dialog(points.actions_["install"].trigger, install)
    assert seen["type"] == "ISKRA ME162" and seen["editable"] is False
    assert "100200" in seen["error"]
    assert points.current_point() is not None and points.current_point().meter is None


def test_transfer_a_point_takes_its_reading_and_shows_the_holders(
        make_tab: Callable[..., CustomerRegisterWidget], sqlite_db: Database, office: dict,
        qtbot: QtBot) -> None:
    """Regression: Transfer point… used to pass the point on without a reading; it now takes
    the reading of the transfer day (003 I.1.6) through meter_events, like the readings tab."""
    tab = make_tab()
    choose(tab, qtbot, office["jovan"].id)
    points = tab.detail.points
    tab.detail.tabs.setCurrentWidget(points)

    def transfer(dialog: Any) -> None:
        assert isinstance(dialog, TransferDialog)
        assert dialog.point.text() == "100200" and dialog.point.isReadOnly()
        assert "E-778899" in dialog.point_info.text()
        assert dialog.field("transfer_vt").isVisibleTo(dialog)
        assert not dialog.field("transfer_mt").isVisibleTo(dialog)  # a single-rate meter
        type_into(qtbot, dialog, {"customer_code": office["milica"].code, "date": "01.06.2025"})
        dialog.field("customer_code").editingFinished.emit()
        assert "Đurović" in dialog.holder.text()
        dialog.submit()                                        # no reading typed
        assert dialog.isVisible() and "VT" in dialog.error_text("transfer_vt")
        type_into(qtbot, dialog, {"transfer_vt": "004321"})
        dialog.submit()
        assert not dialog.isVisible(), dialog.general_error.text()

    in_dialog(points.actions_["transfer"].trigger, transfer)
    assert points.model.rowCount() == 0
    assert [p.number for p in metering.points_of_customer(
        sqlite_db, SYSTEM, office["milica"].id)] == ["100200"]
    old_card = energy_card(sqlite_db, SYSTEM, office["jovan"].id)
    assert [(r.read_on, r.kind, r.new_vt, r.meter_number) for r in old_card.rows] == [
        (date(2020, 1, 1), "initial", Decimal(0), "E-778899"),     # when it was installed
        (date(2025, 6, 1), "transfer", Decimal(4321), "E-778899")]
    new_card = energy_card(sqlite_db, SYSTEM, office["milica"].id)
    assert [(r.kind, r.old_vt, r.new_vt) for r in new_card.rows] == [
        ("transfer", None, Decimal(4321))]                    # the new holder starts there
    choose(tab, qtbot, office["milica"].id)
    seen: dict[str, Any] = {}

    def holders(dialog: Any) -> None:
        model = dialog.model
        seen["rows"] = [(model.data(model.index(r, 0)), model.data(model.index(r, 3)))
                        for r in range(model.rowCount())]

    in_dialog(points.actions_["holders"].trigger, holders)
    assert seen["rows"] == [(office["milica"].code, "now"),
                            (office["jovan"].code, "01.06.2025")]


def test_transfer_of_a_point_without_a_meter_needs_no_reading(
        make_tab: Callable[..., CustomerRegisterWidget], sqlite_db: Database, office: dict,
        qtbot: QtBot) -> None:
    bare = metering.create_point(sqlite_db, SYSTEM, office["milica"].id, PointInput(
        number="100301", address="Njegoševa 12", place="Bar", zone_id=office["zone"].id,
        reader_id=office["reader"].id, reading_code=11), date(2024, 1, 1))
    with pytest.raises(Conflict):                              # a metered point needs its reading
        meter_events.transfer_unmetered(sqlite_db, SYSTEM, office["point"].id,
                                        office["milica"].id, date(2025, 6, 1))
    tab = make_tab()
    choose(tab, qtbot, office["milica"].id)
    points = tab.detail.points
    tab.detail.tabs.setCurrentWidget(points)

    def transfer(dialog: Any) -> None:
        assert not dialog.field("transfer_vt").isVisibleTo(dialog)
        assert dialog.no_meter.isVisibleTo(dialog)
        type_into(qtbot, dialog, {"customer_code": office["pekara"].code, "date": "01.06.2025"})
        dialog.submit()
        assert not dialog.isVisible(), dialog.general_error.text()

    in_dialog(points.actions_["transfer"].trigger, transfer)
    assert [p.id for p in metering.points_of_customer(
        sqlite_db, SYSTEM, office["pekara"].id)] == [bare.id]


def test_edit_and_replace_a_meter(make_tab: Callable[..., CustomerRegisterWidget],
                                  sqlite_db: Database, office: dict, qtbot: QtBot) -> None:
    """Regression: the points page used to remove a meter and install another without
    readings; a metered point now offers Replace meter… (final and initial readings, seals)
    and no plain removal."""
    tab = make_tab()
    choose(tab, qtbot, office["jovan"].id)
    points = tab.detail.points
    tab.detail.tabs.setCurrentWidget(points)
    assert "remove_meter" not in points.actions_
    assert not points.actions_["install"].isEnabled()
    assert points.actions_["replace_meter"].isEnabled()

    def edit(dialog: Any) -> None:
        type_into(qtbot, dialog, {"constant": "40", "digits": "12"})
        dialog.submit()
        assert "Digits" in dialog.error_text("digits")
        type_into(qtbot, dialog, {"digits": "6", "seal_numbers": "P-11, P-12"})
        dialog.submit()
        assert not dialog.isVisible(), dialog.general_error.text()

    in_dialog(points.actions_["edit_meter"].trigger, edit)
    meter = metering.find_meter(sqlite_db, SYSTEM, "E-778899")
    assert (meter.constant, meter.seal_numbers) == (Decimal(40), "P-11, P-12")

    def replace(dialog: Any) -> None:
        assert isinstance(dialog, ReplacementDialog)
        assert dialog.point.text() == "100200" and dialog.point.isReadOnly()
        assert dialog.field("constant").value() == Decimal(40)   # the old meter's data
        type_into(qtbot, dialog, {"date": "15.05.2025", "number": "E-900",
                                  "initial_vt": "0", "seal_numbers": "ZP-1"})
        dialog.submit()                                          # no final reading
        assert dialog.isVisible() and "VT" in dialog.error_text("final_vt")
        type_into(qtbot, dialog, {"final_vt": "1500"})
        dialog.submit()
        assert not dialog.isVisible(), dialog.general_error.text()

    in_dialog(points.actions_["replace_meter"].trigger, replace)
    point = points.current_point()
    assert point is not None and point.meter is not None and point.meter.number == "E-900"
    history = metering.meter_history(sqlite_db, SYSTEM, office["point"].id)
    assert sorted((h.meter_number, h.removed_on) for h in history) == [
        ("E-778899", date(2025, 5, 15)), ("E-900", None)]
    [done] = meter_events.replacements(sqlite_db, SYSTEM, office["point"].id)
    assert (done.old_meter_number, done.final_vt, done.new_meter_number, done.initial_vt,
            done.seal_numbers) == ("E-778899", Decimal(1500), "E-900", Decimal(0), "ZP-1")


def test_building_common_point_lists_its_flats(make_tab: Callable[..., CustomerRegisterWidget],
                                               sqlite_db: Database, office: dict,
                                               qtbot: QtBot) -> None:
    common = metering.create_point(sqlite_db, SYSTEM, office["pekara"].id, PointInput(
        number="Z-1", address="Bulevar revolucije 5", place="Bar", zone_id=office["zone"].id,
        reader_id=office["reader"].id, reading_code=1, kind="common"))
    metering.create_point(sqlite_db, SYSTEM, office["milica"].id, PointInput(
        number="F-1", address="Bulevar revolucije 5/1", place="Bar", zone_id=office["zone"].id,
        reader_id=office["reader"].id, reading_code=2, common_point_number="Z-1"))
    tab = make_tab(Role.AUDITOR)
    choose(tab, qtbot, office["pekara"].id)
    points = tab.detail.points
    tab.detail.tabs.setCurrentWidget(points)
    assert points.current_point() is not None and points.current_point().id == common.id
    assert points.actions_["flats"].isEnabled()
    seen: dict[str, Any] = {}

    def flats(dialog: Any) -> None:
        seen["rows"] = [dialog.model.data(dialog.model.index(r, 0))
                        for r in range(dialog.model.rowCount())]

    in_dialog(points.actions_["flats"].trigger, flats)
    assert seen["rows"] == ["F-1"]


# --- extension points and documents ---------------------------------------------------------

class _EnergyCard(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[int] = []

    def load(self, customer_id: int) -> None:
        self.loaded.append(customer_id)


def test_pages_from_other_packages_are_loaded_when_opened(
        make_tab: Callable[..., CustomerRegisterWidget], office: dict, qtbot: QtBot) -> None:
    made: list[_EnergyCard] = []
    pages.CUSTOMER_PAGES.append(("Energy card", lambda context: made.append(_EnergyCard())
                                 or made[-1]))
    tab = make_tab()
    choose(tab, qtbot, office["jovan"].id)
    assert made and made[0].loaded == []           # not loaded while hidden
    tab.detail.tabs.setCurrentWidget(made[0])
    assert made[0].loaded == [office["jovan"].id]
    choose(tab, qtbot, office["milica"].id)
    assert made[0].loaded == [office["jovan"].id, office["milica"].id]


def test_print_record_extract(make_tab: Callable[..., CustomerRegisterWidget], office: dict,
                              qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              message_boxes: Any) -> None:
    target = tmp_path / "extract.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF"))
    tab = make_tab(Role.CASHIER)
    choose(tab, qtbot, office["jovan"].id)
    assert tab.detail.extract_button is not None
    tab.detail.print_extract("en")
    assert target.read_bytes().startswith(b"%PDF")
    assert message_boxes.texts("information") == [f"Saved to {target}"]


def test_dialogs_close_with_escape(make_tab: Callable[..., CustomerRegisterWidget],
                                   office: dict, qtbot: QtBot) -> None:
    tab = make_tab()
    seen: dict[str, Any] = {}

    def escape(dialog: Any) -> None:
        qtbot.keyClick(dialog.field("surname"), Qt.Key.Key_Escape)
        seen["open"] = dialog.isVisible()
        seen["result"] = dialog.result()

    in_dialog(tab.new_button.click, escape)
    assert seen == {"open": False, "result": QDialog.DialogCode.Rejected}


def test_search_and_rows_through_the_thread_pool(sqlite_db: Database, office: dict,
                                                qtbot: QtBot) -> None:
    """The real runner: searches and row pages come back on the GUI thread in their time."""
    context = _context(sqlite_db, Role.CLERK)
    context.runner = OperationRunner()
    tab = create_tab(context)
    assert isinstance(tab, CustomerRegisterWidget)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)
    qtbot.keyClicks(tab.search, "pekara")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(0, 1)) == "Pekara Šćepanović d.o.o.")
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.record is not None
                    and tab.detail.record.id == office["pekara"].id)
    assert context.runner.wait(5000)
