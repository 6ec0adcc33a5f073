"""The supervisor's retention tab: what is past its keeping period per kind of record, the
error next to the date, and archiving the selection after a confirmation with its counts,
through the operation runner with progress — the books and the audit stay right."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language
from office_app.models import Customer
from office_app.services import complaints, ledger, legal
from office_app.services.complaints import ComplaintInput
from office_app.services.customers import get_customer
from office_app.services.integrity import CHECKS, Scope
from office_app.services.legal import CaseInput
from office_app.services.office import save_office
from office_app.services.permissions import ROLE_PERMISSIONS, Role
from office_app.services.users import UserInfo
from office_app.ui.context import AppContext
from office_app.ui.operations import SyncRunner
from office_app.ui.retention import create_tab
from office_app.ui.retention.widget import RetentionWidget
from office_app.ui.tabs import TAB_SPECS
from tests.conftest import TEST_OFFICE, make_operator
from tests.integration.legal_setup import debtor
from tests.ui.conftest import MessageBoxes


def _context(db: Database, role: Role) -> AppContext:
    operator = make_operator(role)
    user = UserInfo(1, role.value, operator.code, role.value.title(), role, True, None, "en")
    return AppContext(db=db, operator=operator, user=user, runner=SyncRunner())


def _rows(view: Any) -> list[list[str]]:
    model = view.model()
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def old_office(sqlite_db: Database) -> tuple[Database, int, int]:
    """A contract ended in 2019 whose customer was sued (case closed 2020, a scan attached)
    and complained (answered 2021); a case of 2024 still kept."""
    set_language("en")
    db = sqlite_db
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    clerk, lawyer = make_operator(Role.CLERK), make_operator(Role.LEGAL)
    sued = debtor(db, clerk, "Vuković", "240.00", date(2019, 1, 25))
    case = legal.open_case(db, lawyer, CaseInput(sued, "I 1/19", "Osnovni sud u Baru",
                                                 date(2019, 3, 1), "240.00", "30.00"))
    legal.attach(db, lawyer, case.id, "id-card.pdf", b"%PDF-1.4 scan")
    legal.close_case(db, lawyer, case.id, "written_off", "uncollectable", date(2020, 5, 4))
    legal.open_case(db, lawyer, CaseInput(debtor(db, clerk, "Perović", "99.00"), "I 9/24",
                                          "Osnovni sud u Baru", date(2024, 3, 1), "99.00"))
    entered = complaints.register(db, clerk, ComplaintInput(
        sued, date(2021, 6, 1), "written", "reading", "Marko Vuković, 067 111 222", "10.00"))
    complaints.answer(db, clerk, entered.id, "rejected", "Reading confirmed.", date(2021, 6, 8))
    with db.unit_of_work() as s:
        row = s.get(Customer, sued)
        assert row is not None
        row.status, row.status_date = "N", date(2019, 12, 31)
    return db, sued, case.id


def test_only_supervisors_and_administrators_get_the_retention_tab() -> None:
    spec = next(s for s in TAB_SPECS if s.key == "retention")
    assert {r for r in Role if spec.permission in ROLE_PERMISSIONS[r]} == {
        Role.SUPERVISOR, Role.ADMIN}


def test_a_supervisor_archives_what_passed_its_period_and_the_books_stay_right(
        old_office: tuple[Database, int, int], qtbot: QtBot, qtmodeltester: Any,
        message_boxes: MessageBoxes) -> None:
    db, sued, case_id = old_office
    boss = make_operator(Role.SUPERVISOR)
    card_before = ledger.card(db, boss, sued)
    tab = create_tab(_context(db, Role.SUPERVISOR))
    assert isinstance(tab, RetentionWidget)
    qtbot.addWidget(tab)
    tab.show()
    tab.on.setText("31.02.2025")
    qtbot.mouseClick(tab.buttons["show"], Qt.MouseButton.LeftButton)
    assert tab.on_error.isVisible() and "dd.mm.yyyy" in tab.on_error.text()
    assert tab.records.rowCount() == 0
    tab.on.setText("01.06.2025")
    qtbot.mouseClick(tab.buttons["show"], Qt.MouseButton.LeftButton)
    assert not tab.on_error.isVisible()
    summary = {r[0]: (r[1], r[2]) for r in _rows(tab.summary_table)}
    assert summary["Contract papers (5 years after the contract ends)"] == (
        "1", "personal data removed")
    assert summary["Court cases (3 years after the end)"][0] == "1"
    assert summary["Complaints (1 year after the answer)"][0] == "1"
    assert summary["Warnings (12 months)"][0] == "0"
    code = get_customer(db, boss, sued).code
    assert [r[1:3] for r in _rows(tab.record_table)] == [
        [code, code], ["Osnovni sud u Baru I 1/19", code], ["RK-01-2021-000001", code]]
    for model in (tab.summary, tab.records):
        qtmodeltester.check(model)

    tab.select_archivable()
    assert len(tab.selected()) == 3
    message_boxes.answer = message_boxes.answer.No
    qtbot.mouseClick(tab.buttons["archive"], Qt.MouseButton.LeftButton)
    [question] = message_boxes.texts("question")
    assert question.startswith("Archive 3 records: 1 contracts, 1 court cases and "
                               "1 complaints?")
    assert "attached files" in question
    assert get_customer(db, boss, sued).name != "—"

    message_boxes.answer = message_boxes.answer.Yes
    qtbot.mouseClick(tab.buttons["archive"], Qt.MouseButton.LeftButton)
    assert tab.status.text() == ("Archived: 1 contracts, 1 court cases (1 files erased), "
                                 "1 complaints.")
    assert tab.job is not None and tab.job.reports == [(3, 3)]
    assert tab.records.rowCount() == 0
    assert get_customer(db, boss, sued).name == "—"
    assert [a.size for a in legal.attachments(db, boss, case_id)] == [0]
    card_after = ledger.card(db, boss, sued)
    assert [(r.document_number, r.debit, r.credit) for r in card_after.rows] == [
        (r.document_number, r.debit, r.credit) for r in card_before.rows]
    with db.unit_of_work() as s:
        assert [v.message_id for check in CHECKS.values() for v in check(s, Scope())] == []


def test_archiving_refuses_a_day_ahead_next_to_the_date(
        old_office: tuple[Database, int, int], qtbot: QtBot,
        message_boxes: MessageBoxes) -> None:
    db, sued, _case = old_office
    tab = create_tab(_context(db, Role.SUPERVISOR))
    qtbot.addWidget(tab)
    tab.on.set_value(date.today() + timedelta(days=3650))
    tab.refresh()
    tab.record_table.selectRow(0)
    qtbot.mouseClick(tab.buttons["archive"], Qt.MouseButton.LeftButton)
    assert tab.on_error.text() == "Date: archiving cannot look ahead of today."
    assert get_customer(db, make_operator(Role.SUPERVISOR), sued).name != "—"
    tab.record_table.clearSelection()
    tab.on.set_value(date.today())
    qtbot.mouseClick(tab.buttons["archive"], Qt.MouseButton.LeftButton)
    assert "Select the contracts" in message_boxes.texts("information")[0]
