"""The installment plans tab (issue 11): a supervisor sets up a plan in the dialog (the
schedule is shown first, bad terms are named next to their field), and the collection analysis
shows plans active, completed and broken with their installments; a cashier follows plans but
cannot set them up or run the check."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.models import Customer
from office_app.services import plans
from office_app.services.permissions import SYSTEM, Role
from office_app.ui.context import AppContext
from office_app.ui.plans import create_tab
from office_app.ui.plans.dialog import PlanDialog
from office_app.ui.plans.widget import PlansWidget
from tests.plan_setup import customer_with_debt, pay, standard_terms
from tests.ui.conftest import MessageBoxes


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture
def make_tab(login_as: Callable[..., AppContext], qtbot: QtBot) -> Callable[..., PlansWidget]:
    def make(role: Role = Role.SUPERVISOR) -> PlansWidget:
        tab = create_tab(login_as(role))
        assert isinstance(tab, PlansWidget)
        qtbot.addWidget(tab)
        tab.as_of.setText("20.06.2024")
        tab.refresh()
        tab.show()
        qtbot.waitExposed(tab)
        return tab
    return make


def rows(model: Any) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def _code(db: Database, customer: int) -> str:
    with db.unit_of_work() as s:
        row = s.get(Customer, customer)
        assert row is not None
        return row.code


def test_a_supervisor_sets_up_a_plan_in_the_dialog(make_tab: Callable[..., PlansWidget],
                                                   sqlite_db: Database, qtbot: QtBot,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    customer = customer_with_debt(sqlite_db)
    tab = make_tab()
    assert rows(tab.plans) == []
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        qtbot.keyClicks(dialog.field("customer"), _code(sqlite_db, customer))
        dialog.field("agreed_on").setText("10.03.2024")
        for name, value in (("down_payment", "140"), ("installment_count", "4"),
                            ("interest_rate", "12"), ("minimum_installment", "20"),
                            ("grace_days", "15")):
            dialog.field(name).setText(value)
        dialog.preview_button.click()
        seen["too much"] = dialog.error_text("down_payment")
        dialog.field("down_payment").setText("30.50")
        dialog.preview_button.click()
        seen["debt"] = dialog.debt.text()
        seen["schedule"] = rows(dialog.schedule)
        dialog.submit()
        seen["closed"] = not dialog.isVisible()

    # the dialog the New plan button opens, driven directly (exec() would block the test)
    opened: list[PlanDialog] = []

    def exec_(self: PlanDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(PlanDialog, "exec", exec_)
    tab.new_button.click()
    assert len(opened) == 1
    dialog = opened[0]
    dialog.show()          # parented to the tab, which qtbot closes
    fill(dialog)
    tab.refresh()
    assert "140 is more than the overdue debt of 130.50" in seen["too much"]
    assert "130.50" in seen["debt"] and "133.00" in seen["debt"]
    assert seen["schedule"][1] == ["1", "10.04.2024", "25.00", "1.00", "26.00"]
    assert len(seen["schedule"]) == 5 and seen["closed"]
    assert rows(tab.plans)[0][:6] == ["RP-01-2024-00001", _code(sqlite_db, customer),
                                      "Dužnik Marko", "10.03.2024", "Active", "133.00"]


def test_the_analysis_shows_plans_in_every_state(make_tab: Callable[..., PlansWidget],
                                                 sqlite_db: Database,
                                                 message_boxes: MessageBoxes) -> None:
    broken, completed, active = (customer_with_debt(sqlite_db, f"Kupac{n}", prefix=f"D{n}")
                                 for n in range(3))
    plans.create_plan(sqlite_db, SYSTEM, standard_terms(broken))
    plans.create_plan(sqlite_db, SYSTEM, standard_terms(completed, installment_count=2,
                                                        down_payment=D("0"),
                                                        interest_rate=D("0")))
    plans.create_plan(sqlite_db, SYSTEM, standard_terms(active, first_due=date(2024, 7, 1)))
    pay(sqlite_db, completed, "160.50", date(2024, 4, 1))
    pay(sqlite_db, active, "60.50", date(2024, 3, 10))
    tab = make_tab(Role.SUPERVISOR)
    # asked once, with what the check will do; No leaves every plan as it was
    message_boxes.answer = QMessageBox.StandardButton.No
    tab.check_button.click()
    assert message_boxes.texts("question") == [
        "On 20.06.2024 1 plans will be broken (the rest of each falls due at once) and 1 "
        "marked completed.\nBroken: RP-01-2024-00001.\n\nApply it now?"]
    assert {r[4] for r in rows(tab.plans)} == {"Active"}
    message_boxes.answer = QMessageBox.StandardButton.Yes
    tab.check_button.click()
    assert "Plans broken: RP-01-2024-00001. Plans completed: RP-01-2024-00002." in \
        message_boxes.texts("information")[0]
    statuses = {r[0]: r[4] for r in rows(tab.plans)}
    assert statuses == {"RP-01-2024-00001": "Broken", "RP-01-2024-00002": "Completed",
                        "RP-01-2024-00003": "Active"}
    assert "3 plans: 1 active, 1 completed, 1 broken" in tab.summary.text()
    first = [r[0] for r in rows(tab.plans)].index("RP-01-2024-00001")
    tab.table.selectRow(first)
    assert [r[-1] for r in rows(tab.installments)] == [
        "Missed", "Missed", "Missed", "Fell due when the plan broke",
        "Fell due when the plan broke"]


def test_a_cashier_follows_plans_only(make_tab: Callable[..., PlansWidget],
                                      sqlite_db: Database) -> None:
    customer = customer_with_debt(sqlite_db)
    plans.create_plan(sqlite_db, SYSTEM, standard_terms(customer))
    tab = make_tab(Role.CASHIER)
    assert len(rows(tab.plans)) == 1
    assert tab.new_button.isHidden() and tab.check_button.isHidden()
    assert not tab.agreement_button.isHidden()


def test_the_analysis_exports_to_pdf_and_xlsx(make_tab: Callable[..., PlansWidget],
                                              sqlite_db: Database, tmp_path: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from office_app.ui.plans import widget

    customer = customer_with_debt(sqlite_db)
    plans.create_plan(sqlite_db, SYSTEM, standard_terms(customer))
    tab = make_tab(Role.CASHIER)
    opened: list[str] = []
    monkeypatch.setattr(widget, "open_file", opened.append)
    for name in ("plans.xlsx", "plans.pdf"):
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *_a, n=name: (str(tmp_path / n), ""))
        if name.endswith("xlsx"):
            tab.xlsx_button.click()
        else:
            tab.pdf_button.save_action.trigger()
    assert opened == [str(tmp_path / "plans.xlsx")]
    sheet = load_workbook(tmp_path / "plans.xlsx").worksheets[0]
    assert sheet.cell(2, 1).value == "RP-01-2024-00001"
    assert (tmp_path / "plans.pdf").read_bytes().startswith(b"%PDF")
