"""The statements tab: a cashier imports a statement, sees what each line became, and assigns
an unmatched credit to a customer by hand."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from office_app.db import Database
from office_app.demo.statement_files import Payment, camt053
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.models import Customer, Invoice
from office_app.services import ledger
from office_app.services.billing import run as billing
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.statements.importer import office_iban
from office_app.ui.lazy_table import select_row
from office_app.ui.statements import create_tab
from office_app.ui.statements.widget import AssignDialog, StatementsWidget
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, make_operator
from tests.ui.test_network_tab import _context, rows


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


class _Panel:
    def __init__(self, model: Any) -> None:
        self.model = model


def _billed(db: Database) -> tuple[Invoice, str]:
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    supervisor = make_operator(Role.SUPERVISOR)
    build_office(db, supervisor, make_operator(Role.CLERK))
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        invoice = s.scalars(select(Invoice).order_by(Invoice.id)).first()
        assert invoice is not None
        code = s.scalar(select(Customer.code).where(Customer.id == invoice.customer_id))
        s.expunge(invoice)
    return invoice, code or ""


def test_import_then_assign_an_unmatched_line(sqlite_db: Database, qtbot: QtBot,
                                              tmp_path: Path, qtmodeltester: ModelTester,
                                              message_boxes: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    invoice, code = _billed(sqlite_db)
    path = tmp_path / "izvod.xml"
    path.write_bytes(camt053(office_iban(TEST_OFFICE) or "", "UI-1", date(2024, 6, 20), [
        Payment(Decimal("20.00"), invoice.payment_reference, "Jovan"),
        Payment(Decimal("6.50"), "", "Stranger", text="bez poziva"),
        Payment(Decimal("2.00"), "", "Fee", debit=True)]))
    tab = create_tab(_context(sqlite_db, Role.CASHIER))
    assert isinstance(tab, StatementsWidget)
    qtbot.addWidget(tab)
    tab.refresh()
    tab.show()
    message_boxes.answer = QMessageBox.StandardButton.No
    tab.import_path(path)
    assert message_boxes.texts("question") == [
        "Statement UI-1 of 20.06.2024: 1 payments will be posted (20.00 €), 1 unmatched "
        "(6.50 €) will wait in the queue; 1 debits and 0 reversals are shown, not posted. "
        "Import it?"]
    assert tab.statement_model.rowCount() == 0         # the answer was No: nothing imported
    message_boxes.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(tab.sig_payments_posted):
        tab.import_path(path)
    assert "1 payments posted" in tab.summary.text()
    assert rows(_Panel(tab.statement_model)) == [
        ["UI-1", "20.06.2024", "Bank (camt.053)", "3", "26.50 €", "1"]]
    states = [tab.line_model.data(tab.line_model.index(r, 3))
              for r in range(tab.line_model.rowCount())]
    assert states == ["Posted", "Unmatched", "Debit (not a payment)"]
    qtmodeltester.check(tab.line_model)

    tab.queue_box.setChecked(True)
    assert tab.line_model.rowCount() == 1
    select_row(tab.line_table, 0)
    assert tab.current_line() is not None

    def drive(dialog: AssignDialog) -> int:
        """The clerk's keystrokes in the modal dialog, run in place of its event loop."""
        dialog.field("customer_code").setText("no-such")
        dialog.submit()
        assert "no such customer" in dialog.error_text("customer_code")
        dialog.field("customer_code").setText(code)
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(AssignDialog, "exec", drive)
    with qtbot.waitSignal(tab.sig_payments_posted):
        tab.assign_current()
    assert tab.line_model.rowCount() == 0            # the queue is empty now
    assert f"to customer {code}" in tab.summary.text()
    card = ledger.card(sqlite_db, make_operator(Role.CASHIER), invoice.customer_id)
    assert [r.credit for r in card.rows if r.document_type == "payment"] == [
        Decimal("20.00"), Decimal("6.50")]


def test_a_debit_cannot_be_assigned(sqlite_db: Database, qtbot: QtBot, tmp_path: Path,
                                    message_boxes: Any) -> None:
    _billed(sqlite_db)
    path = tmp_path / "izvod.xml"
    path.write_bytes(camt053(office_iban(TEST_OFFICE) or "", "UI-2", date(2024, 6, 20),
                             [Payment(Decimal("2.00"), "", "Fee", debit=True)]))
    tab = create_tab(_context(sqlite_db, Role.SUPERVISOR))
    assert isinstance(tab, StatementsWidget)
    qtbot.addWidget(tab)
    tab.import_path(path)
    select_row(tab.line_table, 0)
    tab.assign_current()
    assert any("only those can be assigned" in t for t in message_boxes.texts())
