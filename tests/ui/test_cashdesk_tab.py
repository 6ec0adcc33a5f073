"""The counter driven like a cashier with a scanner and the keyboard alone: open the drawer,
scan an invoice (keys + Enter), type what was handed over, Enter: posted and printed on a
recorded printer (QPrinter writing a PDF); bad input named next to its field; the financial
card refreshes by itself; close the drawer and see the difference."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.services import ledger
from office_app.services.billing import run as billing
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.ui.billing.card_page import FinancialCardWidget
from office_app.ui.cashdesk.widget import CounterWidget
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import DeskPrinter
from tests.billing_setup import PERIOD, Office, build_office
from tests.conftest import TEST_OFFICE, make_operator


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    made = build_office(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"),
                        make_operator(Role.CLERK, "CLK1"))
    billing.run_billing(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"), PERIOD)
    return made


def _type(qtbot: QtBot, widget: Any, text: str, enter: bool = True) -> None:
    """As a scanner or a person types: key by key, then Enter."""
    widget.setFocus()
    widget.clear()
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def _counter(qtbot: QtBot, ctx: AppContext, printed: Path) -> CounterWidget:
    widget = CounterWidget(ctx, printer=DeskPrinter(printed), desk="KASA1")
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def _pdf_text(path: Path) -> str:
    """How many pages the recorded printer wrote. Its pages are the slip rendered as images
    (the slip's text is checked in tests/printing/test_cash_slip.py)."""
    document = pdfium.PdfDocument(path.read_bytes())
    return f"{len(document)} page(s)"


def test_a_queue_served_by_scanner_and_keyboard(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import office_app.services.cashdesk.counter as counter_service

    monkeypatch.setattr(counter_service, "date", _Today)
    ctx = login_as(Role.CASHIER)
    printed = tmp_path / "printer.pdf"
    tab = _counter(qtbot, ctx, printed)
    card = FinancialCardWidget(ctx)
    qtbot.addWidget(card)
    household = office.customers["P-100"]
    card.load(household)
    assert card.card is not None and card.card.closing_balance == D("57.03")

    assert "no open drawer" in tab.drawer_status.text().lower() or \
        "nema otvorene" in tab.drawer_status.text().lower()
    _type(qtbot, tab.opening_float, "50,00")
    assert tab.drawer is not None and tab.drawer.opening_float == D("50.00")

    # an unknown barcode: the message is next to the scan field
    _type(qtbot, tab.scan, "01-2024-0999999")
    assert "01-2024-0999999" in tab.scan_error.text()

    # the scanner types the invoice number and Enter; the total is filled in
    with sqlite_db.unit_of_work() as s:
        from sqlalchemy import select

        from office_app.models import Invoice
        number = s.scalar(select(Invoice.number).where(Invoice.customer_id == household))
    _type(qtbot, tab.scan, number)
    assert tab.payer is not None and tab.payer.customer_id == household
    assert "57,03" in tab.total.text()
    assert tab.amount.text() == "57,03"
    assert tab.focusWidget() is tab.received

    # too many decimals: named next to the received field, nothing posted
    _type(qtbot, tab.received, "60,005")
    assert tab.errors["received"].text()
    assert tab.last_receipt is None

    _type(qtbot, tab.received, "60")
    assert tab.last_receipt is not None
    receipt = tab.last_receipt
    assert receipt.number == "BL-01-2024-KASA1-000001" and receipt.change == D("2.97")
    qtbot.waitUntil(lambda: printed.exists() and printed.stat().st_size > 0, timeout=10000)
    assert _pdf_text(printed) == "1 page(s)"
    assert tab.printer.printed == [receipt.number]
    assert tab.focusWidget() is tab.scan and tab.scan.text() == ""
    # the card open elsewhere in the program refreshed by itself
    assert card.card is not None and card.card.closing_balance == D("0.00")
    assert tab.drawer is not None and tab.drawer.cash_taken == D("57.03")

    # a business cannot pay by card: the message is next to the means of payment
    business = office.customers["P-300"]
    with sqlite_db.unit_of_work() as s:
        code = s.scalar(select(Invoice.customer_code).where(Invoice.customer_id == business))
    _type(qtbot, tab.scan, code)
    qtbot.keyClick(tab, Qt.Key.Key_F6)
    assert tab.means.currentData() == "card"
    qtbot.keyClick(tab.amount, Qt.Key.Key_F12)
    assert "households" in tab.errors["means"].text() or "domaćinstva" in \
        tab.errors["means"].text()
    assert tab.last_receipt == receipt
    qtbot.keyClick(tab, Qt.Key.Key_F5)
    _type(qtbot, tab.amount, "0")
    assert tab.errors["amount"].text()
    _type(qtbot, tab.amount, "100,00")
    assert tab.last_receipt is not None and tab.last_receipt.amount == D("100.00")
    assert ledger.card(sqlite_db, ctx.operator, business).closing_balance == D("1916.03")

    # close the drawer: float 50 + 157,03 expected; 1 cent missing
    _type(qtbot, tab.counted_cash, "207,02", enter=False)
    _type(qtbot, tab.counted_card, "0")
    assert tab.drawer is None
    assert "-0,01" in tab.close_result.text()
    assert not tab.pay_button.isEnabled()


def test_a_failing_printer_leaves_the_payment_posted_and_offers_a_reprint(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path) -> None:
    ctx = login_as(Role.CASHIER)

    class BrokenPrinter(DeskPrinter):
        def print_images(self, images: list[Any], title: str) -> None:
            raise OSError("paper jam")

    tab = CounterWidget(ctx, printer=BrokenPrinter(), desk="KASA1")
    qtbot.addWidget(tab)
    _type(qtbot, tab.opening_float, "0")
    with sqlite_db.unit_of_work() as s:
        from sqlalchemy import select

        from office_app.models import Customer
        code = s.scalar(select(Customer.code).where(Customer.id == office.customers["P-200"]))
    _type(qtbot, tab.scan, code)
    _type(qtbot, tab.received, "30")
    assert tab.last_receipt is not None
    assert "paper jam" in tab.receipt_label.text()
    assert tab.print_again.isEnabled()
    assert ledger.card(sqlite_db, ctx.operator, office.customers["P-200"]).closing_balance \
        == D("0.00")
    tab.printer = DeskPrinter(tmp_path / "again.pdf")
    qtbot.mouseClick(tab.print_again, Qt.MouseButton.LeftButton)
    assert (tmp_path / "again.pdf").exists()
    assert not tab.print_again.isEnabled()


class _Today(date):
    """The counter's day inside the billed period's month (the invoices are from June 2024)."""

    @classmethod
    def today(cls) -> _Today:
        return cls(2024, 6, 20)



def test_a_supervisor_reprints_reverses_and_closes_a_forgotten_drawer(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path, message_boxes: Any) -> None:
    from office_app.services.cashdesk import counter, drawers, supervision

    forgetful = make_operator(Role.CASHIER, "CSH9")
    drawer = drawers.open_drawer(sqlite_db, forgetful, "KASA9", D("20"), date(2024, 6, 20))
    receipt = counter.pay(sqlite_db, forgetful, counter.PaymentRequest(
        "k" * 16, drawer.id, "KASA9", office.customers["P-100"], "cash", D("57.03"), None, (),
        date(2024, 6, 20)))
    ctx = login_as(Role.SUPERVISOR)
    tab = _counter(qtbot, ctx, tmp_path / "sup.pdf")
    box = tab.supervisor
    assert box is not None
    assert box.open_drawers.count() == 1
    _type(qtbot, box.receipt_number, receipt.number, enter=False)
    qtbot.mouseClick(box.reprint_button, Qt.MouseButton.LeftButton)
    assert box.result.text()  # a reason is required: nothing recorded
    assert supervision.reprints(sqlite_db, ctx.operator, receipt.id) == []
    _type(qtbot, box.reason, "printer jammed", enter=False)
    qtbot.mouseClick(box.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (tmp_path / "sup.pdf").exists())
    assert "DUPLIKAT" in box.result.text()
    assert supervision.reprints(sqlite_db, ctx.operator, receipt.id) == [
        (ctx.operator.code, ctx.operator.code, "printer jammed")]
    message_boxes.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(box.storno_button, Qt.MouseButton.LeftButton)
    [question] = message_boxes.texts("question")
    assert receipt.number in question and "57,03 €" in question and "20.06.2024" in question
    assert ledger.card(sqlite_db, ctx.operator, office.customers["P-100"]).closing_balance \
        == D("0")                                     # the answer was No: nothing posted
    message_boxes.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(box.storno_button, Qt.MouseButton.LeftButton)
    assert "ST-01-2024-000001" in box.result.text() or "ST-01-" in box.result.text()
    assert ledger.card(sqlite_db, ctx.operator, office.customers["P-100"]).closing_balance \
        == D("57.03")
    # the reversed payment left the open drawer: only the float is in it
    _type(qtbot, box.counted_cash, "20,00", enter=False)
    qtbot.mouseClick(box.close_button, Qt.MouseButton.LeftButton)
    closed = drawers.get_drawer(sqlite_db, ctx.operator, drawer.id)
    assert closed.closed_by == ctx.operator.code and closed.difference == 0
    assert box.open_drawers.count() == 0


def test_the_financial_card_previews_and_prints_on_the_desk_printer(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from office_app.ui import desk_printing

    out = tmp_path / "preview.pdf"
    shown: list[str] = []

    def exec_(dialog: Any) -> int:
        shown.append(dialog.windowTitle())
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        dialog.paintRequested.emit(printer)  # what the preview's print button does
        return 1

    monkeypatch.setattr(desk_printing.QPrintPreviewDialog, "exec", exec_)
    ctx = login_as(Role.CASHIER)
    card = FinancialCardWidget(ctx)
    qtbot.addWidget(card)
    card.load(office.customers["P-100"])
    qtbot.mouseClick(card.preview_button, Qt.MouseButton.LeftButton)
    assert shown == ["Finansijska kartica"]
    assert len(pdfium.PdfDocument(out.read_bytes())) >= 1


def test_the_change_to_give_back_is_called_kusur_not_a_modification(
        qtbot: QtBot, login_as: Callable[..., AppContext], tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFormLayout, QLabel

    from office_app.i18n import set_language

    set_language("sr_Latn")
    tab = CounterWidget(login_as(Role.CASHIER), printer=DeskPrinter(tmp_path / "p.pdf"),
                        desk="KASA1")
    qtbot.addWidget(tab)
    forms = [f for f in tab.findChildren(QFormLayout) if f.labelForField(tab.change)]
    label = forms[0].labelForField(tab.change)
    assert isinstance(label, QLabel) and label.text() == "Kusur"


def test_scanning_a_paid_invoice_says_nothing_is_due_and_asks_for_an_amount(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    import office_app.services.cashdesk.counter as counter_service
    from office_app.i18n import set_language
    from office_app.models import Invoice

    set_language("sr_Latn")
    monkeypatch.setattr(counter_service, "date", _Today)
    tab = _counter(qtbot, login_as(Role.CASHIER), tmp_path / "printer.pdf")
    _type(qtbot, tab.opening_float, "0")
    household = office.customers["P-100"]
    with sqlite_db.unit_of_work() as s:
        number = s.scalar(select(Invoice.number).where(Invoice.customer_id == household))
    _type(qtbot, tab.scan, number)
    _type(qtbot, tab.received, "57,03")
    assert tab.last_receipt is not None
    _type(qtbot, tab.scan, number)
    assert tab.payer is not None and tab.payer.total_due == 0
    assert "Ništa nije dospjelo" in tab.total.text()
    assert tab.focusWidget() is tab.amount


@pytest.mark.parametrize(("language", "header"), [("sr_Latn", "Neplaćeni iznos"),
                                                  ("sr_Cyrl", "Неплаћени износ"),
                                                  ("sq", "Shuma e papaguar")])
def test_the_open_amount_column_is_not_the_open_button(
        qtbot: QtBot, login_as: Callable[..., AppContext], tmp_path: Path, language: str,
        header: str) -> None:
    # "Open" is also Qt's Open button (Otvori / Hap, a verb); the column is an amount
    from office_app.i18n import set_language

    set_language(language)
    tab = CounterWidget(login_as(Role.CASHIER), printer=DeskPrinter(tmp_path / "p.pdf"),
                        desk="KASA1")
    qtbot.addWidget(tab)
    item = tab.items.horizontalHeaderItem(4)     # Pay, Document, Date, Due date, Open amount
    assert item is not None and item.text() == header
