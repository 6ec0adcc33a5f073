"""The litigation register and the complaint book as their users work them: dialogs that save
or show the error next to the field, missed deadlines and overdue complaints shaded red, and
the tabs shown only to the roles that may use them."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.services import complaints, ledger, legal
from office_app.services.complaints import ComplaintInput
from office_app.services.customers import get_customer
from office_app.services.legal import CaseInput
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.users import UserInfo
from office_app.ui.complaints import create_tab as complaints_tab
from office_app.ui.complaints.dialogs import AnswerDialog, ComplaintDialog
from office_app.ui.complaints.widget import OVERDUE, ComplaintsWidget
from office_app.ui.context import AppContext
from office_app.ui.legal import create_tab as legal_tab
from office_app.ui.legal.dialogs import CaseDialog, CloseDialog, EventDialog
from office_app.ui.legal.widget import MISSED, LegalWidget
from office_app.ui.operations import SyncRunner
from office_app.ui.tabs import TAB_SPECS
from tests.conftest import TEST_OFFICE, make_operator
from tests.integration.legal_setup import debtor


def _context(db: Database, role: Role) -> AppContext:
    operator = make_operator(role)
    user = UserInfo(1, role.value, operator.code, role.value.title(), role, True, None, "en")
    return AppContext(db=db, operator=operator, user=user, runner=SyncRunner())


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture
def office_db(sqlite_db: Database) -> Database:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    return sqlite_db


def _show(qtbot: QtBot, tab: Any) -> Any:
    qtbot.addWidget(tab)
    tab.refresh()
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def in_dialog(monkeypatch: pytest.MonkeyPatch, cls: type[QDialog], click: Any,
              interact: Callable[[Any], None]) -> None:
    """Click the button that opens a ``cls`` dialog; ``interact`` fills it in instead of the
    user (exec returns what the dialog ended with)."""
    opened: list[QDialog] = []

    def run(dialog: QDialog) -> int:
        opened.append(dialog)
        dialog.show()
        interact(dialog)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", run)
    click()
    assert opened, "no dialog was opened"


def rows(view: Any) -> list[list[str]]:
    model = view.model()
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def _fill(dialog: QDialog, **values: str) -> None:
    for name, value in values.items():
        dialog.field(name).setText(value)  # type: ignore[attr-defined]


def test_only_legal_staff_and_supervisors_get_the_register_and_clerks_the_book() -> None:
    from office_app.services.permissions import ROLE_PERMISSIONS

    def roles(key: str) -> set[Role]:
        spec = next(s for s in TAB_SPECS if s.key == key)
        return {r for r in Role if spec.permission in ROLE_PERMISSIONS[r]}

    assert roles("legal") == {Role.LEGAL, Role.SUPERVISOR, Role.ADMIN}
    assert roles("complaints") == {Role.CLERK, Role.SUPERVISOR, Role.ADMIN}


def test_a_legal_clerk_opens_a_case_and_sees_its_missed_deadline(
        office_db: Database, qtbot: QtBot, qtmodeltester: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = make_operator(Role.CLERK)
    cid = debtor(office_db, clerk, "Vuković", "240.00")
    code = get_customer(office_db, clerk, cid).code
    tab = _show(qtbot, legal_tab(_context(office_db, Role.LEGAL)))
    assert isinstance(tab, LegalWidget)

    def wrong_number(dialog: QDialog) -> None:
        _fill(dialog, customer_id=code, case_number="I 5/24", court="Osnovni sud u Baru",
              filed_on="02.09.2024", amount_sued="240,00", court_fee="-3")
        dialog.submit()  # type: ignore[attr-defined]
        assert dialog.isVisible()
        assert "positive amount" in dialog.error_text("court_fee")  # type: ignore[attr-defined]
        _fill(dialog, court_fee="35")
        dialog.submit()  # type: ignore[attr-defined]
        assert not dialog.isVisible()

    in_dialog(monkeypatch, CaseDialog,
              lambda: qtbot.mouseClick(tab.buttons["new"], Qt.MouseButton.LeftButton),
              wrong_number)
    assert [r[:3] for r in rows(tab.case_table)] == [["I 5/24", "Osnovni sud u Baru", code]]
    assert get_customer(office_db, clerk, cid).status == "T"

    def hearing(dialog: QDialog) -> None:
        past = (date.today() - timedelta(days=3)).strftime("%d.%m.%Y")
        _fill(dialog, event_date=past, deadline=past, note="answer the objection")
        dialog.submit()  # type: ignore[attr-defined]

    in_dialog(monkeypatch, EventDialog,
              lambda: qtbot.mouseClick(tab.buttons["event"], Qt.MouseButton.LeftButton),
              hearing)
    model = tab.deadlines
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color() == MISSED
    assert rows(tab.event_table)[0][5] == "answer the objection"
    for m in (tab.cases, tab.events, tab.deadlines):
        qtmodeltester.check(m)

    shown: list[str] = []

    def write_off(dialog: QDialog) -> None:
        """Issue 13: a write-off posts money; the amount stands in the dialog before OK."""
        label = dialog.findChild(QLabel, "write_off")
        assert label is not None and label.isHidden()
        stage = dialog.field("stage")  # type: ignore[attr-defined]
        stage.setCurrentIndex(stage.findData("written_off"))
        assert label.isVisibleTo(dialog)
        shown.append(label.text())
        _fill(dialog, outcome="uncollectable")
        dialog.submit()  # type: ignore[attr-defined]
        assert not dialog.isVisible(), dialog.general_error.text()  # type: ignore[attr-defined]

    in_dialog(monkeypatch, CloseDialog,
              lambda: qtbot.mouseClick(tab.buttons["close"], Qt.MouseButton.LeftButton),
              write_off)
    # the claim and the court fee: 240,00 + 35,00 owed, all of it written off
    assert shown == [f"OK posts a write-off of 275.00 € (what the card of {code} shows owed) "
                     "and closes the case."]
    card = ledger.card(office_db, clerk, cid)
    assert card.closing_balance == 0
    assert [r.document_type for r in card.rows][-1] == "write_off"


def test_a_customer_care_clerk_keeps_the_book_with_overdue_complaints_in_red(
        office_db: Database, qtbot: QtBot, qtmodeltester: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = make_operator(Role.CLERK)
    cid = debtor(office_db, clerk, "Vuković", "100.00")
    code = get_customer(office_db, clerk, cid).code
    complaints.register(office_db, clerk, ComplaintInput(
        cid, date.today() - timedelta(days=40), "written", "meter", "Meter stopped.", "5.00"))
    tab = _show(qtbot, complaints_tab(_context(office_db, Role.CLERK)))
    assert isinstance(tab, ComplaintsWidget)
    assert tab.overdue_label.text() == "1 overdue"

    def enter(dialog: QDialog) -> None:
        _fill(dialog, customer_id=code, disputed_amount="12,50")
        dialog.field("description").setPlainText("Bill too high.")  # type: ignore[attr-defined]
        dialog.submit()  # type: ignore[attr-defined]

    in_dialog(monkeypatch, ComplaintDialog,
              lambda: qtbot.mouseClick(tab.buttons["new"], Qt.MouseButton.LeftButton), enter)
    table = rows(tab.table)
    assert len(table) == 2 and table[0][6] == "12.50 €"
    late = tab.model.index(1, 0)
    assert tab.model.data(late, Qt.ItemDataRole.BackgroundRole).color() == OVERDUE
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    tab.table.selectRow(1)

    def answer(dialog: QDialog) -> None:
        dialog.field("reason").setPlainText("Meter replaced.")  # type: ignore[attr-defined]
        dialog.submit()  # type: ignore[attr-defined]
        assert "Decision: choose" in dialog.error_text("decision")  # type: ignore[attr-defined]
        dialog.field("decision").setCurrentIndex(1)  # type: ignore[attr-defined]
        dialog.submit()  # type: ignore[attr-defined]
        assert not dialog.isVisible()

    in_dialog(monkeypatch, AnswerDialog,
              lambda: qtbot.mouseClick(tab.buttons["answer"], Qt.MouseButton.LeftButton),
              answer)
    assert tab.overdue_label.text() == ""
    assert rows(tab.table)[1][8] == "Justified"
    qtmodeltester.check(tab.model)


def test_a_legal_clerk_cannot_open_the_book(office_db: Database) -> None:
    from office_app.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        complaints.list_complaints(office_db, make_operator(Role.LEGAL))
    with pytest.raises(PermissionDenied):
        legal.open_case(office_db, make_operator(Role.CLERK),
                        CaseInput(1, "x", "y", date.today(), "1"))




@pytest.mark.parametrize("language", ["en", "sr_Cyrl", "sq"])
def test_the_candidates_to_sue_show_debt_and_days_without_scrolling(
        qtbot: QtBot, office_db: Database, language: str) -> None:
    from office_app.ui.legal.dialogs import ProposalsDialog

    set_language(language)
    dialog = ProposalsDialog(_context(office_db, Role.LEGAL))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    columns = sum(table.columnWidth(n) for n in range(dialog.model.columnCount()))
    assert table.viewport().width() >= columns


def test_a_missing_or_unknown_customer_code_is_named_next_to_its_field(
        qtbot: QtBot, office_db: Database) -> None:
    set_language("sq")
    for dialog in (ComplaintDialog(_context(office_db, Role.CLERK)),
                   CaseDialog(_context(office_db, Role.LEGAL))):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.submit()
        assert dialog.error_text("customer_id") == "Shkruani kodin e konsumatorit."
        assert dialog.general_error.isHidden()
        dialog.field("customer_id").setText("9999999")  # type: ignore[attr-defined]
        dialog.submit()
        assert "9999999" in dialog.error_text("customer_id")
        assert dialog.general_error.isHidden()
        assert dialog.isVisible()
