"""The energy chart has a value axis with its unit and a legend; the tariff change log reads
in words with the table's decimals; actions on one invoice wait for a chosen invoice."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language
from office_app.services.billing import tariffs
from office_app.services.energy_card import PeriodUse
from office_app.services.permissions import Role
from office_app.ui.billing.invoices_page import SELECTION_ACTIONS, InvoicesPage
from office_app.ui.billing.tariffs_page import TariffsPage
from office_app.ui.context import AppContext
from office_app.ui.lazy_table import select_row
from office_app.ui.readings.energy_card import MT_COLOR, VT_COLOR, ConsumptionChart, nice_ticks
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, make_operator


def test_value_axis_ticks_are_round_and_cover_the_highest_bar() -> None:
    assert nice_ticks(347) == [0, 100, 200, 300, 400]
    assert nice_ticks(1830) == [0, 500, 1000, 1500, 2000]
    assert nice_ticks(12) == [0, 5, 10, 15]
    assert nice_ticks(0) == [0.0]


def test_chart_draws_axis_unit_legend_and_both_registers(qtbot: QtBot) -> None:
    set_language("sr_Latn")
    chart = ConsumptionChart()
    qtbot.addWidget(chart)
    chart.resize(480, 280)
    chart.set_periods([PeriodUse("2025-01", Decimal(900), Decimal(430)),
                       PeriodUse("2025-02", Decimal(1210), Decimal(620))], "kWh")
    assert chart.tick_labels() == ["0", "500", "1.000", "1.500", "2.000"]  # local format
    assert chart.legend_texts() == ["VT: viša tarifa", "MT: niža tarifa"]
    image = chart.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
               for y in range(0, image.height(), 2)}
    assert QColor(VT_COLOR).name() in colours and QColor(MT_COLOR).name() in colours


def test_tariff_change_log_reads_in_words(qtbot: QtBot, sqlite_db: Database,
                                          login_as: Callable[..., AppContext]) -> None:
    set_language("en")
    supervisor = make_operator(Role.SUPERVISOR, "SUP1")
    price = tariffs.add_tariff(sqlite_db, supervisor, "household", "single", "energy_vt",
                               "0.0846", date(2026, 1, 1), source="Odluka 12/25")
    tariffs.end_tariff(sqlite_db, supervisor, price.id, date(2026, 3, 31))
    context = login_as(Role.SUPERVISOR)
    page = TariffsPage(context)
    qtbot.addWidget(page)
    page.refresh()
    model = page.history_model
    texts = [model.index(r, 4).data() for r in range(model.rowCount())]
    [entered] = [t for t in texts if "Odluka 12/25" in t]
    assert "Price (€): 0.08460" in entered or "Price (€): 0,08460" in entered
    assert "Valid from: 01.01.2026" in entered
    assert "Tariff element: Household · Single-rate · " in entered
    assert "Valid until: open-ended → 31.03.2026" in texts
    for raw in ("key:", "valid_to:", "price:", "2026-01-01", "household/"):
        assert not any(raw in text for text in texts)


def test_invoice_actions_wait_for_a_chosen_invoice(
        qtbot: QtBot, sqlite_db: Database, login_as: Callable[..., AppContext],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from office_app.services.billing.run import run_billing
    from office_app.services.office import save_office

    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    supervisor = make_operator(Role.SUPERVISOR, "SUP1")
    build_office(sqlite_db, supervisor, make_operator(Role.CLERK, "CLK1"))
    run_billing(sqlite_db, supervisor, PERIOD)
    page = InvoicesPage(login_as(Role.SUPERVISOR))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert page.model.rowCount() == 3
    assert not any(page.buttons[name].isEnabled() for name in SELECTION_ACTIONS)
    select_row(page.table, 1)
    assert all(page.buttons[name].isEnabled() for name in SELECTION_ACTIONS)
    set_language("sr_Latn")                 # default file names in the UI language
    qtbot.waitUntil(lambda: page.current() is not None)   # the row's page is loaded
    names = [document.file_name for document in (page.copy_document(),
                                                 page.statement_document()) if document]
    number = page.current().number
    assert names == [f"racun-{number}.pdf",
                     f"neplaceni-racuni-{page.current().customer_code}.pdf"]
    page.refresh()                          # a new result: nothing chosen any more
    assert not page.buttons["statement"].isEnabled()
