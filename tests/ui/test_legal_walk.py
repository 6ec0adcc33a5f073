"""Issue 12's "Done when", walked in the GUI: a customer-care clerk runs the complaint book
with its deadline, a supervisor issues the correction of a justified complaint (linked both
ways) and the .eml draft goes to the customer; a legal clerk picks candidates, files a batch of
enforcement proposals with their attachments, adds events with deadlines, attaches a scan and
follows a case to its end (T set and cleared, costs on the card)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal as D
from email import message_from_bytes
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language
from office_app.models import Customer
from office_app.services import complaints, ledger, legal
from office_app.services.billing import corrections
from office_app.services.billing import run as billing
from office_app.services.customers import get_customer
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.users import UserInfo
from office_app.ui import changes
from office_app.ui.complaints import create_tab as complaints_tab
from office_app.ui.complaints.dialogs import AnswerDialog, ComplaintDialog, CorrectionDialog
from office_app.ui.context import AppContext
from office_app.ui.legal import create_tab as legal_tab
from office_app.ui.legal.dialogs import (
    AttachDialog,
    CaseDialog,
    CloseDialog,
    CostsDialog,
    EventDialog,
    ProposalsDialog,
    StageDialog,
)
from office_app.ui.legal.widget import MISSED
from office_app.ui.operations import SyncRunner
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, make_operator
from tests.integration.legal_setup import debtor
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


@contextmanager
def _told() -> Iterator[list[tuple[str, int]]]:
    """What the "what changed" bus was told meanwhile."""
    told: list[tuple[str, int]] = []

    def record(kind: str, customer_id: int) -> None:
        told.append((kind, customer_id))

    changes.bus().sig_changed.connect(record)
    try:
        yield told
    finally:
        changes.bus().sig_changed.disconnect(record)


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

    with _told() as told:
        in_dialog(monkeypatch, CorrectionDialog,
                  lambda: _click(qtbot, boss_tab.buttons["correct"]), credit)
    assert told == [(changes.PAYMENT, cid)]
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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_legal_clerk_files_a_batch_and_follows_a_case_to_its_end(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        sqlite_db: Database) -> None:
    set_language("en")
    db = sqlite_db
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    clerk, boss = make_operator(Role.CLERK), make_operator(Role.SUPERVISOR)
    owing = debtor(db, clerk, "Vuković", "240.00", date(2024, 1, 25))
    cut_off = debtor(db, clerk, "Bojović", "900.00", date(2024, 2, 25), status="I")
    debtor(db, clerk, "Perović", "40.00", date(2024, 1, 25))      # below the amount asked
    codes = {cid: get_customer(db, boss, cid).code for cid in (owing, cut_off)}
    tab = _show(qtbot, legal_tab(_context(db, Role.LEGAL)))
    saved = tmp_path / "proposals.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(saved), ""))

    def batch(dialog: Any) -> None:
        dialog.field("min_debt").setText("1O0")
        _click(qtbot, dialog.find_button)
        assert dialog.error_text("min_debt")
        dialog.field("min_debt").setText("100")
        dialog.field("older_than").setText("60")
        _click(qtbot, dialog.find_button)
        assert [r[0] for r in rows(dialog.table)] == [codes[cut_off], codes[owing]]
        dialog.field("court").setText("Osnovni sud u Baru")
        dialog.submit()
        assert dialog.isVisible()
        assert dialog.error_text("customer_ids") == "Choose at least one customer to sue."
        dialog.table.selectRow(0)
        dialog.table.selectRow(1)
        dialog.field("court_fee").setText("35,00")
        dialog.submit()
        assert not dialog.isVisible()

    in_dialog(monkeypatch, ProposalsDialog, lambda: _click(qtbot, tab.buttons["batch"]), batch)
    year = date.today().year
    assert sorted(r[0] for r in rows(tab.case_table)) == [
        f"PI-01-{year}-000001", f"PI-01-{year}-000002"]
    assert {get_customer(db, boss, c).status for c in (owing, cut_off)} == {"T"}
    pages = [p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages]
    for copy in range(1, 6):      # five copies of each of the two, each with its attachments
        assert sum(f"Primjerak {copy} —" in p for p in pages) >= 6, copy
    assert any("Prilog 1: finansijska kartica" in p for p in pages)
    assert any("Prilog 2: izvod otvorenih stavki" in p for p in pages)

    [row] = [i for i, r in enumerate(rows(tab.case_table)) if r[2] == codes[owing]]
    tab.case_table.selectRow(row)
    case_number = rows(tab.case_table)[row][0]
    for deadline, note in ((date.today() - timedelta(days=2), "answer the objection"),
                           (date.today() + timedelta(days=5), "hearing")):
        def event(dialog: Any, deadline: date = deadline, note: str = note) -> None:
            dialog.field("event_date").set_value(deadline - timedelta(days=10))
            dialog.field("deadline").set_value(deadline)
            dialog.field("note").setText(note)
            dialog.submit()
            assert not dialog.isVisible()
        in_dialog(monkeypatch, EventDialog, lambda: _click(qtbot, tab.buttons["event"]), event)
    missed = [r for r in tab.deadlines.rows() if r.case_number == case_number]
    assert [e.note for e in missed] == ["answer the objection", "hearing"]
    assert tab.deadlines.data(tab.deadlines.index(0, 0),
                              Qt.ItemDataRole.BackgroundRole).color() == MISSED
    assert tab.deadlines.data(tab.deadlines.index(1, 0),
                              Qt.ItemDataRole.BackgroundRole) is None

    program, big, scan = tmp_path / "scan.pdf", tmp_path / "big.pdf", tmp_path / "rjesenje.pdf"
    program.write_bytes(b"MZ\x90\x00 an executable")
    big.write_bytes(PDF + b"0" * legal.MAX_ATTACHMENT)
    scan.write_bytes(PDF)

    def attach(dialog: Any) -> None:
        for wrong, said in ((tmp_path / "missing.pdf", "choose a PDF or an image"),
                            (program, "scan.pdf is not a PDF or an image"),
                            (big, "at most 10 MB")):
            dialog.field("file_name").setText(str(wrong))
            dialog.submit()
            assert said in dialog.error_text("file_name"), dialog.error_text("file_name")
        dialog.field("file_name").setText(str(scan))
        dialog.submit()
        assert not dialog.isVisible()

    in_dialog(monkeypatch, AttachDialog, lambda: _click(qtbot, tab.buttons["attach"]), attach)
    assert [r[0] for r in rows(tab.document_table)] == ["rjesenje.pdf"]
    tab.document_table.selectRow(0)
    copy = tmp_path / "copy.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(copy), ""))
    _click(qtbot, tab.buttons["save_document"])
    assert copy.read_bytes() == PDF
    tab.event_table.selectRow(0)                 # the missed one was dealt with today
    _click(qtbot, tab.buttons["done"])
    assert [e.note for e in tab.deadlines.rows() if e.case_number == case_number] == [
        "hearing"]

    def decision(dialog: Any) -> None:
        dialog.field("stage").setCurrentIndex(1)
        dialog.submit()

    in_dialog(monkeypatch, StageDialog, lambda: _click(qtbot, tab.buttons["stage"]), decision)
    assert rows(tab.case_table)[row][7] == "Court decision"

    def costs(dialog: Any) -> None:
        dialog.field("amount").setText("20,00")
        dialog.field("description").setText("costs awarded by the decision")
        dialog.submit()

    with _told() as told:
        in_dialog(monkeypatch, CostsDialog, lambda: _click(qtbot, tab.buttons["costs"]), costs)
    assert told == [(changes.PAYMENT, 0)]      # open financial cards refresh
    card = ledger.card(db, boss, owing)
    assert [(r.document_type, r.debit) for r in card.rows if r.document_type == "court_costs"
            ] == [("court_costs", D("35.00")), ("court_costs", D("20.00"))]
    assert card.closing_balance == D("295.00")

    def paid_too_early(dialog: Any) -> None:
        dialog.field("stage").setCurrentIndex(1)          # paid
        dialog.submit()
        assert dialog.error_text("outcome") == "This field is required."
        dialog.field("outcome").setText("paid")
        dialog.submit()
        assert dialog.isVisible() and "still shows 295.00 owed" in dialog.error_text("stage")
        dialog.reject()

    in_dialog(monkeypatch, CloseDialog, lambda: _click(qtbot, tab.buttons["close"]),
              paid_too_early)
    assert get_customer(db, boss, owing).status == "T"
    ledger.post_payment(db, boss, owing, D("295.00"), date.today(), "B-295")

    def paid(dialog: Any) -> None:
        dialog.field("stage").setCurrentIndex(1)
        dialog.field("outcome").setText("paid in full after the decision")
        dialog.submit()
        assert not dialog.isVisible()

    in_dialog(monkeypatch, CloseDialog, lambda: _click(qtbot, tab.buttons["close"]), paid)
    assert get_customer(db, boss, owing).status is None
    assert get_customer(db, boss, cut_off).status == "T"
    assert case_number not in [r[0] for r in rows(tab.case_table)]     # open cases only


def test_a_case_without_debt_or_with_a_number_taken_is_refused_next_to_the_field(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database) -> None:
    set_language("en")
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    clerk, boss = make_operator(Role.CLERK), make_operator(Role.SUPERVISOR)
    paid_up = get_customer(sqlite_db, boss, debtor(sqlite_db, clerk, "Perović", None)).code
    owing = get_customer(sqlite_db, boss, debtor(sqlite_db, clerk, "Vuković", "240.00")).code
    other = get_customer(sqlite_db, boss, debtor(sqlite_db, clerk, "Bojović", "90.00")).code
    tab = _show(qtbot, legal_tab(_context(sqlite_db, Role.LEGAL)))

    def case(dialog: Any, code: str) -> None:
        for name, value in (("customer_id", code), ("case_number", "I 5/24"),
                            ("court", "Osnovni sud u Baru"), ("amount_sued", "240,00")):
            dialog.field(name).setText(value)
        dialog.submit()

    def no_debt(dialog: Any) -> None:
        case(dialog, paid_up)
        assert "owes nothing" in dialog.error_text("customer_id")
        case(dialog, owing)
        assert not dialog.isVisible()

    in_dialog(monkeypatch, CaseDialog, lambda: _click(qtbot, tab.buttons["new"]), no_debt)

    def taken(dialog: Any) -> None:
        case(dialog, other)
        assert dialog.error_text("case_number") == (
            "Case number: I 5/24 is already in the register at Osnovni sud u Baru.")
        dialog.reject()

    in_dialog(monkeypatch, CaseDialog, lambda: _click(qtbot, tab.buttons["new"]), taken)
    assert [r[2] for r in rows(tab.case_table)] == [owing]
    assert get_customer(sqlite_db, boss, other).status is None
