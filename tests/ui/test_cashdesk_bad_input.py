"""Issue 10's bad input where a cashier meets it in the GUI (the services' own tests are in
tests/integration/test_cashdesk.py and test_statements.py): a statement that is not XML, of
another account, with one bad amount, or imported twice gets a message naming the problem and
posts nothing; a drawer a supervisor closed meanwhile refuses the payment next to the drawer;
a connection that drops after the payment was posted is retried with the same key and the
payment is posted once; a reference with wrong check digits is named, not guessed."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from office_app.db import Database
from office_app.demo.statement_files import Payment, camt053
from office_app.i18n import DEFAULT_LANGUAGE, set_language
from office_app.models import Customer, Invoice, LedgerEntry
from office_app.models.statements import Statement
from office_app.services import ledger
from office_app.services.billing import references
from office_app.services.billing import run as billing
from office_app.services.cashdesk import counter, drawers
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.statements.importer import office_iban
from office_app.ui.cashdesk.widget import CounterWidget
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import DeskPrinter
from office_app.ui.statements import create_tab
from office_app.ui.statements.widget import StatementsWidget
from tests.billing_setup import PERIOD, Office, build_office
from tests.conftest import TEST_OFFICE, make_operator
from tests.ui.test_network_tab import _context


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    made = build_office(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"),
                        make_operator(Role.CLERK, "CLK1"))
    billing.run_billing(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"), PERIOD)
    return made


def _payments(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.document_type == "payment")) or 0)


def test_bad_statements_get_a_message_and_post_nothing(
        sqlite_db: Database, office: Office, qtbot: QtBot, tmp_path: Path,
        message_boxes: Any) -> None:
    with sqlite_db.unit_of_work() as s:
        reference = s.scalars(select(Invoice.payment_reference)).first() or ""
    iban = office_iban(TEST_OFFICE) or ""
    good = camt053(iban, "GUI-1", date(2024, 6, 20), [Payment(D("20.00"), reference),
                                                        Payment(D("7.77"), reference)])
    files = {
        "not_xml.xml": b"%PDF-1.4 this is not a statement",
        "other_account.xml": camt053("ME82510000000009876521", "GUI-2", date(2024, 6, 20),
                                     [Payment(D("20.00"), reference)]),
        "bad_amount.xml": good.replace(b'<Amt Ccy="EUR">7.77</Amt>',
                                       b'<Amt Ccy="EUR">7.777</Amt>'),
    }
    tab = create_tab(_context(sqlite_db, Role.CASHIER))
    assert isinstance(tab, StatementsWidget)
    qtbot.addWidget(tab)
    tab.show()
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        before = len(message_boxes.texts())
        tab.import_path(path)
        qtbot.waitUntil(lambda before=before: len(message_boxes.texts()) > before)
    texts = message_boxes.texts()
    assert "neither a camt.053/camt.054 statement nor the post office's CSV" in texts[0]
    assert "ME82510000000009876521" in texts[1]
    assert "7.777" in texts[2] and "Nothing was imported" in texts[2]
    assert _payments(sqlite_db) == 0
    # the good statement once, then again: the second time nothing is posted
    path = tmp_path / "good.xml"
    path.write_bytes(good)
    with qtbot.waitSignal(tab.sig_payments_posted):
        tab.import_path(path)
    assert _payments(sqlite_db) == 2
    before = len(message_boxes.texts())
    tab.import_path(path)
    qtbot.waitUntil(lambda: len(message_boxes.texts()) > before)
    # refused before anything is asked: the statement was imported already
    assert "GUI-1" in message_boxes.texts()[-1] and "already" in message_boxes.texts()[-1]
    assert _payments(sqlite_db) == 2
    with sqlite_db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Statement)) == 1


def _type(qtbot: QtBot, widget: Any, text: str, enter: bool = True) -> None:
    widget.setFocus()
    widget.clear()
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def _counter(qtbot: QtBot, ctx: AppContext, printed: Path) -> CounterWidget:
    tab = CounterWidget(ctx, printer=DeskPrinter(printed), desk="KASA1")
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_a_drawer_closed_meanwhile_by_a_supervisor_refuses_the_payment(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        sqlite_db: Database, tmp_path: Path) -> None:
    ctx = login_as(Role.CASHIER)
    tab = _counter(qtbot, ctx, tmp_path / "p.pdf")
    _type(qtbot, tab.opening_float, "10")
    assert tab.drawer is not None
    with sqlite_db.unit_of_work() as s:
        code = s.scalar(select(Customer.code).where(Customer.id == office.customers["P-200"]))
        reference = s.scalar(select(Invoice.payment_reference)
                             .where(Invoice.customer_id == office.customers["P-200"]))
    # a reference typed with wrong check digits: named next to the scan field, not guessed
    wrong = f"{(int(references.check_digits(reference)) + 1) % 100:02d}"
    _type(qtbot, tab.scan, f"97 {wrong} {reference}")
    assert "check digits" in tab.scan_error.text() and tab.payer is None
    _type(qtbot, tab.scan, code)
    # the supervisor closes the drawer as forgotten while the customer is at the desk
    drawers.close_drawer(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"), tab.drawer.id,
                         "10", "0")
    _type(qtbot, tab.received, "30")
    assert "drawer is closed" in tab.drawer_error.text()
    assert tab.last_receipt is None and _payments(sqlite_db) == 0


def test_a_dropped_connection_after_posting_is_retried_with_the_same_key(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        message_boxes: Any) -> None:
    ctx = login_as(Role.CASHIER)
    tab = _counter(qtbot, ctx, tmp_path / "p.pdf")
    _type(qtbot, tab.opening_float, "0")
    with sqlite_db.unit_of_work() as s:
        code = s.scalar(select(Customer.code).where(Customer.id == office.customers["P-200"]))
    _type(qtbot, tab.scan, code)
    real_pay = counter.pay
    keys: list[str] = []

    def pay_then_drop(db: Database, operator: Any, request: counter.PaymentRequest) -> Any:
        keys.append(request.idempotency_key)
        real_pay(db, operator, request)          # committed on the server ...
        if len(keys) == 1:                       # ... but the answer never arrives
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return real_pay(db, operator, request)

    monkeypatch.setattr(counter, "pay", pay_then_drop)
    _type(qtbot, tab.received, "30")
    assert tab.last_receipt is None and message_boxes.texts()
    assert tab.pay_button.isEnabled()
    qtbot.keyClick(tab.received, Qt.Key.Key_Return)          # the cashier tries again
    assert tab.last_receipt is not None
    assert keys[0] == keys[1]
    assert _payments(sqlite_db) == 1
    assert ledger.card(sqlite_db, ctx.operator, office.customers["P-200"]).closing_balance \
        == D("0.00")
    assert drawers.get_drawer(sqlite_db, ctx.operator, tab.drawer.id).payments == 1
