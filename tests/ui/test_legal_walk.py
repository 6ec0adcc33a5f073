"""Issue 12's "Done when", walked in the GUI: a customer-care clerk runs the complaint book
with its deadline, a supervisor issues the correction of a justified complaint (linked both
ways) and the .eml draft goes to the customer; a legal clerk picks candidates, files a batch of
enforcement proposals with their attachments, adds events with deadlines, attaches a scan and
follows a case to its end (T set and cleared, costs on the card)."""
from __future__ import annotations

from datetime import date
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language
from office_app.models import Customer
from office_app.services import complaints, ledger
from office_app.services.billing import corrections
from office_app.services.billing import run as billing
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.users import UserInfo
from office_app.ui.complaints import create_tab as complaints_tab
from office_app.ui.complaints.dialogs import AnswerDialog, ComplaintDialog, CorrectionDialog
from office_app.ui.context import AppContext
from office_app.ui.operations import SyncRunner
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, make_operator
from tests.ui.conftest import MessageBoxes
from tests.ui.test_legal_tabs import in_dialog, rows


def _context(db: Database, role: Role) -> AppContext:
    operator = make_operator(role)
    user = UserInfo(1, role.value, operator.code, role.value.title(), role, True, None, "en")
    return AppContext(db=db, operator=operator, user=user, runner=SyncRunner())


def _show(qtbot: QtBot, tab: Any) -> Any:
    qtbot.addWidget(tab)
    tab.refresh()
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _click(qtbot: QtBot, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def billed(sqlite_db: Database) -> tuple[Database, int]:
    """The billing test office with May 2024 billed; P-100 gave an e-mail address."""
    set_language("en")
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    office = build_office(sqlite_db, make_operator(Role.SUPERVISOR), make_operator(Role.CLERK))
    billing.run_billing(sqlite_db, make_operator(Role.SUPERVISOR), PERIOD)
    cid = office.customers["P-100"]
    with sqlite_db.unit_of_work() as s:
        row = s.get(Customer, cid)
        assert row is not None
        row.email = "jovan@example.me"
    return sqlite_db, cid


def test_customer_care_runs_the_book_with_its_deadline_and_correction(
        billed: tuple[Database, int], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        message_boxes: MessageBoxes, tmp_path: Path) -> None:
    db, cid = billed
    supervisor = make_operator(Role.SUPERVISOR)
    invoice = next(r for r in ledger.card(db, supervisor, cid).rows
                   if r.document_type == "invoice")
    clerk_tab = _show(qtbot, complaints_tab(_context(db, Role.CLERK)))
    assert not clerk_tab.buttons["correct"].isVisibleTo(clerk_tab)

    def enter(dialog: QDialog) -> None:
        dialog.field("customer_id").setText(  # type: ignore[attr-defined]
            ledger.card(db, supervisor, cid).customer_code)
        dialog.field("invoice_ids").setText(invoice.document_number)  # type: ignore
        dialog.field("disputed_amount").setText("12,10")  # type: ignore[attr-defined]
        dialog.field("description").setPlainText("Reading keyed wrongly.")  # type: ignore
        dialog.submit()  # type: ignore[attr-defined]
        assert not dialog.isVisible()

    in_dialog(monkeypatch, ComplaintDialog, lambda: _click(qtbot, clerk_tab.buttons["new"]),
              enter)
    [entered] = complaints.list_complaints(db, supervisor)
    assert entered.deadline > date.today() and entered.invoice_numbers == (
        invoice.document_number,)
    assert rows(clerk_tab.table)[0][0] == entered.number

    def justified(dialog: QDialog) -> None:
        dialog.field("decision").setCurrentIndex(1)  # type: ignore[attr-defined]
        dialog.field("reason").setPlainText("Reading keyed as 10350, not 10250.")  # type: ignore
        dialog.submit()  # type: ignore[attr-defined]
        assert not dialog.isVisible()

    in_dialog(monkeypatch, AnswerDialog, lambda: _click(qtbot, clerk_tab.buttons["answer"]),
              justified)
    answered = rows(clerk_tab.table)[0]
    assert answered[8] == "Justified" and answered[9] == date.today().strftime("%d.%m.%Y")

    boss_tab = _show(qtbot, complaints_tab(_context(db, Role.SUPERVISOR)))
    assert boss_tab.buttons["correct"].isVisibleTo(boss_tab)

    def credit(dialog: QDialog) -> None:
        assert dialog.field("invoice_id").text() == invoice.document_number  # type: ignore
        dialog.field("net_amount").setText("0")  # type: ignore[attr-defined]
        dialog.submit()  # type: ignore[attr-defined]
        assert dialog.isVisible() and dialog.error_text("net_amount")  # type: ignore
        dialog.field("net_amount").setText("10,00")  # type: ignore[attr-defined]
        dialog.submit()  # type: ignore[attr-defined]
        assert not dialog.isVisible()

    in_dialog(monkeypatch, CorrectionDialog, lambda: _click(qtbot, boss_tab.buttons["correct"]),
              credit)
    corrected = rows(boss_tab.table)[0]
    assert corrected[10].startswith("CN-01-")
    note = next(r for r in ledger.card(db, supervisor, cid).rows
                if r.document_type == "credit_note")
    assert note.document_number == corrected[10] and entered.number in note.description
    [issued] = corrections.notes_of(db, supervisor, invoice.invoice_id)
    back = complaints.complaint_of_note(db, supervisor, issued.id)
    assert back is not None and back.number == entered.number
    _click(qtbot, boss_tab.buttons["correct"])          # already corrected: said, not done
    assert "not yet corrected" in message_boxes.texts("information")[-1]

    draft = tmp_path / "answer.eml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(draft), ""))
    _click(qtbot, clerk_tab.buttons["email"])
    mail = message_from_bytes(draft.read_bytes())
    assert "jovan@example.me" in mail["To"] and entered.number in mail["Subject"]
    assert ledger.card(db, supervisor, cid).closing_balance == invoice.debit - note.credit
