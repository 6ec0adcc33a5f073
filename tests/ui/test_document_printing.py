"""Every document the program makes can be previewed, printed on the desk's printer and saved
as PDF from the screen that makes it, through the one document button (ui/documents.py).

Each test prints from its screen on a recorded printer (a QPrinter writing a PDF file): the
printer must receive as many pages as the document has, with ink on them, and the document
sent to it must say what a reader looks for (the copy labels, the customer's name)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from io import BytesIO
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from office_app.db import Database
from office_app.i18n import set_language, translator
from office_app.services import complaints, legal, meter_events, plans
from office_app.services.billing import run as billing
from office_app.services.cashdesk import counter, drawers
from office_app.services.collection import orders, warnings
from office_app.services.complaints import ComplaintInput
from office_app.services.legal import CaseInput
from office_app.services.meter_events import Registers
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import DeskPrinter
from office_app.ui.documents import DocumentButton
from office_app.ui.lazy_table import select_row
from tests.billing_setup import PERIOD, Office, build_office
from tests.conftest import TEST_OFFICE, make_operator
from tests.plan_setup import customer_with_debt, standard_terms

SR = translator("sr_Latn")


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    """Three customers with the invoices of 2024-05 (P-100 Radulović Jovan owes 57,03)."""
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    made = build_office(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"),
                        make_operator(Role.CLERK, "CLK1"))
    billing.run_billing(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"), PERIOD)
    return made


def printed(ctx: AppContext, tmp_path: Path, button: DocumentButton) -> str:
    """Print from ``button`` on a recorded printer; the text of the document it received."""
    out = tmp_path / f"{button.objectName()}-{len(list(tmp_path.iterdir()))}.pdf"
    ctx.desk_printer = DeskPrinter(out)
    button.print_action.trigger()
    assert out.exists(), "nothing reached the printer"
    sent = ctx.desk_printer.last_pdf
    pages = len(PdfReader(BytesIO(sent)).pages)
    paper = pdfium.PdfDocument(out.read_bytes())
    assert len(paper) == pages
    bitmap = paper[0].render(scale=0.3)
    assert min(bytes(bitmap.buffer)) < 100, "the printed page is blank"
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(sent)).pages)


def _shown(qtbot: QtBot, widget: Any) -> Any:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_invoice_copy_and_statement_from_the_invoice_list(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        tmp_path: Path) -> None:
    from office_app.ui.billing.invoices_page import InvoicesPage

    ctx = login_as(Role.SUPERVISOR)
    page = _shown(qtbot, InvoicesPage(ctx))
    page.period.setText(PERIOD)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    qtbot.waitUntil(lambda: all(page.model.record_at(r) is not None for r in range(3)))
    row = next(r for r in range(3) if "Radulović" in page.model.record_at(r).customer_name)
    select_row(page.table, row)
    qtbot.waitUntil(lambda: page.current() is not None)
    invoice = page.current()
    text = printed(ctx, tmp_path, page.buttons["copy"])
    assert invoice.number in text and "Radulović Jovan" in text and "57,03" in text
    qtbot.waitUntil(lambda: page.current() is not None)
    assert page.current().prints == 1            # the list shows the copy was given
    text = printed(ctx, tmp_path, page.buttons["statement"])
    assert invoice.number in text and "Radulović Jovan" in text


def test_financial_card_and_statement_on_the_customer_page(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        tmp_path: Path) -> None:
    from office_app.ui.billing.card_page import FinancialCardWidget

    ctx = login_as(Role.CASHIER)
    card = _shown(qtbot, FinancialCardWidget(ctx))
    card.load(office.customers["P-100"])
    text = printed(ctx, tmp_path, card.print_button)
    assert "Radulović Jovan" in text and "57,03" in text
    text = printed(ctx, tmp_path, card.statement_button)
    assert "Radulović Jovan" in text and "57,03" in text


def test_record_extract_and_the_termination_notice_on_the_customer_detail(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path) -> None:
    from office_app.ui.customers.detail import CustomerDetailWidget

    owner = office.customers["P-100"]
    ctx = login_as(Role.SUPERVISOR)
    detail = _shown(qtbot, CustomerDetailWidget(ctx))
    detail.show_customer(owner)
    assert "Radulović Jovan" in printed(ctx, tmp_path, detail.extract_button)
    assert not detail.termination_button.isVisible()     # the contract has not ended
    meter_events.terminate_contract(sqlite_db, ctx.operator, owner, date(2024, 6, 20),
                                    {office.points["P-100"]: Registers("10400", "5170")},
                                    "iselio se")
    detail.show_customer(owner)
    assert detail.termination_button.isVisible()
    text = printed(ctx, tmp_path, detail.termination_button)
    assert "Primjerak za kupca" in text and "Primjerak za arhivu" in text
    assert "Radulović Jovan" in text and "20.06.2024" in text


def test_terminating_a_contract_in_the_gui_prints_its_notice_right_away(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, message_boxes: Any) -> None:
    from office_app.ui.meter_event_dialogs import TerminationDialog
    from office_app.ui.readings import create_tab

    ctx = login_as(Role.SUPERVISOR)
    ctx.desk_printer = DeskPrinter(tmp_path / "notice.pdf")
    tab = _shown(qtbot, create_tab(ctx))

    def fill_in(dialog: TerminationDialog) -> int:
        dialog.code.setText(_code(ctx, office.customers["P-100"]))
        dialog.code.editingFinished.emit()
        dialog.field("date").set_value(date(2024, 6, 20))
        dialog.field("reason").setText("iselio se")
        point = office.points["P-100"]
        dialog.field(f"p{point}_vt").setText("10400")
        dialog.field(f"p{point}_mt").setText("5170")
        dialog.submit()
        assert dialog.general_error.isHidden(), dialog.general_error.text()
        errors = {name: dialog.error_text(name) for name in dialog._fields}
        assert not any(errors.values()), errors
        assert dialog.result() == 1
        return int(dialog.result())

    monkeypatch.setattr(TerminationDialog, "exec", fill_in)
    tab.terminate()
    [question] = message_boxes.texts("question")
    assert _code(ctx, office.customers["P-100"]) in question
    text = _text(ctx.desk_printer.last_pdf)
    assert "Primjerak za kupca" in text and "Primjerak za arhivu" in text
    assert "iselio se" in text
    assert (tmp_path / "notice.pdf").exists()


def _code(ctx: AppContext, customer_id: int) -> str:
    from office_app.services.customers import get_customer

    return get_customer(ctx.db, ctx.operator, customer_id).code


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_warnings_orders_and_both_registers(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path) -> None:
    from office_app.ui.collection.widget import CollectionWidget

    boss = make_operator(Role.SUPERVISOR, "SUP1")
    warnings.run_warnings(sqlite_db, boss, warnings.WarningCriteria(date(2024, 8, 1)))
    orders.run_orders(sqlite_db, boss, date(2024, 8, 14))
    ctx = login_as(Role.SUPERVISOR)
    tab = _shown(qtbot, CollectionWidget(ctx))
    tab.refresh()
    register = tab.warnings
    row = next(r for r in range(register.model.rowCount())
               if "Radulović" in register.model.record_at(r).customer_name)
    select_row(register.table, row)
    warning = register.current()
    text = printed(ctx, tmp_path, register.findChild(DocumentButton, "print_warning"))
    assert SR("Copy 1 of 2 — for the customer").upper() in text
    assert SR("Copy 2 of 2 — for the warning register").upper() in text
    assert warning.number in text and "Radulović Jovan" in text
    text = printed(ctx, tmp_path, register.findChild(DocumentButton, "print_warning_register"))
    assert all(register.model.record_at(r).number in text
               for r in range(register.model.rowCount()))

    order_page = tab.orders
    select_row(order_page.table, 0)
    order = order_page.current()
    text = printed(ctx, tmp_path, order_page.findChild(DocumentButton, "print_order"))
    assert SR("Copy 1 of 2 — for the network operator").upper() in text
    assert SR("Copy 2 of 2 — for the register of orders").upper() in text
    assert order.number in text and order.meter_number in text
    text = printed(ctx, tmp_path, order_page.findChild(DocumentButton, "print_order_register"))
    assert all(order_page.model.record_at(r).number in text
               for r in range(order_page.model.rowCount()))


def test_a_document_without_its_choice_says_what_to_choose(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        message_boxes: Any) -> None:
    from office_app.ui.collection.widget import CollectionWidget

    set_language("en")
    ctx = login_as(Role.SUPERVISOR)
    tab = _shown(qtbot, CollectionWidget(ctx))
    ctx.desk_printer = DeskPrinter()
    tab.warnings.findChild(DocumentButton, "print_warning").print_action.trigger()
    assert "Choose a warning in the register first." in message_boxes.texts()
    assert ctx.desk_printer.printed == []


def test_installment_agreement_and_the_analysis(
        qtbot: QtBot, login_as: Callable[..., AppContext], sqlite_db: Database,
        tmp_path: Path) -> None:
    from office_app.ui.plans import create_tab

    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    customer = customer_with_debt(sqlite_db)
    plan = plans.create_plan(sqlite_db, make_operator(Role.SUPERVISOR), standard_terms(customer))
    ctx = login_as(Role.SUPERVISOR)
    tab = _shown(qtbot, create_tab(ctx))
    tab.as_of.setText("20.06.2024")
    tab.refresh()
    select_row(tab.table, 0)
    text = printed(ctx, tmp_path, tab.agreement_button)
    assert SR("Copy for the customer") in text and SR("Copy for the office") in text
    assert "Dužnik Marko" in text or "Marko Dužnik" in text
    assert plan.number in text
    assert plan.number in printed(ctx, tmp_path, tab.pdf_button)


def test_enforcement_proposal_in_five_copies_with_its_attachments(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path) -> None:
    from office_app.ui.legal import create_tab

    legal.open_case(sqlite_db, make_operator(Role.LEGAL), CaseInput(
        office.customers["P-100"], "I 7/24", "Osnovni sud u Baru", date(2024, 9, 2),
        D("57.03"), D("35.00")))
    ctx = login_as(Role.LEGAL)
    tab = _shown(qtbot, create_tab(ctx))
    tab.refresh()
    select_row(tab.case_table, 0)
    text = printed(ctx, tmp_path, tab.buttons["proposal"])
    for label in ("Copy 1 — for the court", "Copy 2 — for the court's file",
                  "Copy 3 — for the debtor", "Copy 4 — for the enforcement officer",
                  "Copy 5 — for the office's archive"):
        assert SR(label) in text
    assert "I 7/24" in text and "Radulović Jovan" in text
    assert len(PdfReader(BytesIO(tab.context.desk_printer.last_pdf)).pages) >= 5


def test_complaint_in_two_copies_and_its_answer_letter(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path) -> None:
    from office_app.ui.complaints import create_tab

    clerk = make_operator(Role.CLERK)
    record = complaints.register(sqlite_db, clerk, ComplaintInput(
        office.customers["P-100"], date(2024, 6, 20), "written", "bill_amount",
        "Račun je previsok", "10.00"))
    complaints.answer(sqlite_db, clerk, record.id, "rejected", "Očitanje je tačno",
                      date(2024, 6, 25))
    ctx = login_as(Role.CLERK)
    tab = _shown(qtbot, create_tab(ctx))
    tab.open_only.setChecked(False)
    tab.refresh()
    select_row(tab.table, 0)
    text = printed(ctx, tmp_path, tab.buttons["print"])
    assert SR("Copy for the customer") in text and SR("Copy for the complaint book") in text
    assert record.number in text and "Radulović Jovan" in text
    text = printed(ctx, tmp_path, tab.buttons["letter"])
    assert record.number in text and "Očitanje je tačno" in text


def test_the_daily_collection_report_from_the_counter(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, sqlite_db: Database,
        tmp_path: Path) -> None:
    from office_app.ui.cashdesk.widget import CounterWidget

    cashier = make_operator(Role.CASHIER, "CSH9")
    drawer = drawers.open_drawer(sqlite_db, cashier, "KASA9", D("20"), date(2024, 6, 20))
    receipt = counter.pay(sqlite_db, cashier, counter.PaymentRequest(
        "r" * 16, drawer.id, "KASA9", office.customers["P-100"], "cash", D("57.03"), None, (),
        date(2024, 6, 20)))
    ctx = login_as(Role.SUPERVISOR)
    tab = _shown(qtbot, CounterWidget(ctx, desk="KASA1"))
    tab.report_day.set_value(date(2024, 6, 20))
    text = printed(ctx, tmp_path, tab.report_button)
    assert SR("Daily collection report") in text
    assert receipt.number in text and "Radulović Jovan" in text and "57,03" in text


def test_reading_books_the_implausible_report_and_the_energy_card(
        qtbot: QtBot, login_as: Callable[..., AppContext], sqlite_db: Database,
        tmp_path: Path) -> None:
    from reading_setup import OFFICE, build_book

    from office_app.ui.customers.pages import CUSTOMER_PAGES
    from office_app.ui.readings import create_tab

    with sqlite_db.unit_of_work() as s:
        save_office(s, OFFICE)
    book = build_book(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"))
    set_language("en")
    ctx = login_as(Role.CLERK)
    tab = _shown(qtbot, create_tab(ctx))
    tab.refresh()
    assert "Reading book" in printed(ctx, tmp_path, tab.buttons["print_books"])
    select_row(tab.books_table, 0)
    assert "Reading book" in printed(ctx, tmp_path, tab.buttons["print_book"])
    assert "no reading waits" in printed(ctx, tmp_path, tab.buttons["implausible"])
    [factory] = [f for title, f in CUSTOMER_PAGES if title == "Energy card"]
    page = _shown(qtbot, factory(ctx))
    page.load(book.customers["P-300"])
    assert "Žabljak Trade" in printed(ctx, tmp_path, page.print_button)


def test_save_as_pdf_says_where_it_went(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, message_boxes: Any) -> None:
    from PySide6.QtWidgets import QFileDialog

    from office_app.ui.billing.card_page import FinancialCardWidget

    set_language("sr_Latn")
    offered: list[str] = []

    def answer(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(Path(suggested).name)
        return str(tmp_path / "kartica.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    ctx = login_as(Role.CASHIER)
    card = _shown(qtbot, FinancialCardWidget(ctx))
    card.load(office.customers["P-100"])
    card.print_button.save_action.trigger()
    code = _code(ctx, office.customers["P-100"])
    assert offered == [f"kartica-{code}.pdf"]           # the file name in the UI language
    assert message_boxes.texts("information") == [f"Sačuvano u {tmp_path / 'kartica.pdf'}"]
    assert "Radulović Jovan" in _text((tmp_path / "kartica.pdf").read_bytes())


def test_preview_and_the_print_dialog_speak_the_ui_language(
        qapp: Any, qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
    from PySide6.QtWidgets import QLabel

    from office_app.ui.billing.card_page import FinancialCardWidget
    from office_app.ui.qt_translations import install_qt_translator

    install_qt_translator(qapp)
    set_language("sr_Latn")
    seen: dict[str, list[str]] = {}
    out = tmp_path / "from-preview.pdf"

    def preview(dialog: QPrintPreviewDialog) -> int:
        seen["title"] = [dialog.windowTitle()]
        seen["actions"] = [a.text() for a in dialog.findChildren(QAction)]
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        dialog.paintRequested.emit(printer)              # the preview's print button
        return 1

    def choose(dialog: QPrintDialog) -> int:
        seen["print dialog"] = [dialog.windowTitle(),
                                *(label.text() for label in dialog.findChildren(QLabel))]
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", preview)
    monkeypatch.setattr(QPrintDialog, "exec", choose)
    ctx = login_as(Role.CASHIER)
    card = _shown(qtbot, FinancialCardWidget(ctx))
    card.load(office.customers["P-100"])
    qtbot.mouseClick(card.print_button, Qt.MouseButton.LeftButton)    # a click previews
    assert seen["title"] == ["Finansijska kartica"]
    assert {"Sljedeća strana", "Uvećaj", "Štampaj", "Podešavanje strane"} <= set(
        seen["actions"])
    assert len(pdfium.PdfDocument(out.read_bytes())) >= 1
    card.print_button.printer_action.trigger()            # the desk's printer, Qt's dialog
    assert seen["print dialog"][0] == "Štampaj"
    assert "Štampač" in seen["print dialog"] or "&Naziv:" in seen["print dialog"]


def test_a_printer_that_cannot_print_says_so_and_names_it(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, tmp_path: Path,
        message_boxes: Any) -> None:
    from office_app.ui.billing.card_page import FinancialCardWidget

    set_language("en")
    ctx = login_as(Role.CASHIER)
    card = _shown(qtbot, FinancialCardWidget(ctx))
    card.load(office.customers["P-100"])
    nowhere = tmp_path / "no such folder" / "card.pdf"
    ctx.desk_printer = DeskPrinter(nowhere)
    card.print_button.print_action.trigger()
    [text] = message_boxes.texts("warning")
    assert text.startswith("The document was not printed") and str(nowhere) in text
    assert ctx.desk_printer.printed == [] and not nowhere.exists()


def test_the_keyboard_alone_prints_a_document(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from office_app.ui.billing.card_page import FinancialCardWidget

    set_language("en")
    ctx = login_as(Role.CASHIER)
    ctx.desk_printer = DeskPrinter(tmp_path / "keyboard.pdf")
    card = _shown(qtbot, FinancialCardWidget(ctx))
    card.load(office.customers["P-100"])
    card.print_button.setFocus()
    menus: list[str] = []

    def in_the_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert menu is not None
        menus.append(menu.objectName())
        QTest.keyClick(menu, Qt.Key.Key_P)                # &Print on the desk's printer

    QTimer.singleShot(0, in_the_menu)
    QTest.keyClick(card.print_button, Qt.Key.Key_Down)    # opens the menu
    assert menus and ctx.desk_printer.printed == ["Financial card"]
    assert (tmp_path / "keyboard.pdf").exists()


def test_the_warnings_and_orders_of_a_run_print_at_once(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        tmp_path: Path, message_boxes: Any) -> None:
    from office_app.ui.collection.widget import CollectionWidget

    ctx = login_as(Role.SUPERVISOR)
    tab = _shown(qtbot, CollectionWidget(ctx))
    run = tab.run_page
    ctx.desk_printer = DeskPrinter()
    run.print_issued.print_action.trigger()              # nothing issued yet
    assert ctx.desk_printer.printed == [] and message_boxes.texts("warning")
    run.as_of.set_value(date(2024, 8, 1))
    run.issue()
    issued = [w for w in warnings.warning_register(ctx.db, ctx.operator)
              if w.id in run.issued_ids]
    assert len(issued) == 3 and {w.language for w in issued} == {"sr_Latn", "sr_Cyrl", "en"}
    text = printed(ctx, tmp_path, run.print_issued)
    assert all(w.number in text for w in issued)
    # one file with each language's warnings, each in its customer's script
    assert "Radulović Jovan" in text and "Ђуровић Шћепан" in text and "Žabljak Trade" in text
    assert len(PdfReader(BytesIO(ctx.desk_printer.last_pdf)).pages) >= 2 * len(issued)

    tab.orders.as_of.set_value(date(2024, 8, 14))
    tab.orders.issue()
    text = printed(ctx, tmp_path, tab.orders.findChild(DocumentButton, "print_issued_orders"))
    assert all(o.number in text for o in orders.order_register(ctx.db, ctx.operator))
