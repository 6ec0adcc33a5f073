"""The billing tab driven like a supervisor: check and run a period's billing with the
progress bar, print the batch, reprint a copy, correct an invoice with a credit note, see it
on the financial card; tariffs with an overlap refused next to the date."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from office_app.db import Database
from office_app.i18n import current
from office_app.models import Invoice, LedgerEntry
from office_app.services import ledger
from office_app.services.billing import corrections
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.ui import documents
from office_app.ui.billing import invoices_page
from office_app.ui.billing.card_page import FinancialCardWidget
from office_app.ui.billing.tariffs_page import TariffDialog
from office_app.ui.billing.widget import BillingWidget
from office_app.ui.context import AppContext
from office_app.ui.lazy_table import select_row
from office_app.ui.operations import JobProgressDialog, OperationRunner
from tests.billing_setup import PERIOD, Office, build_office
from tests.conftest import TEST_OFFICE, make_operator


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    return build_office(sqlite_db, make_operator(Role.SUPERVISOR, "SUP1"),
                        make_operator(Role.CLERK, "CLK1"))


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Save dialogs answer with a file in tmp_path; the files offered are recorded."""
    offered: list[str] = []

    def answer(*_a: Any, **_k: Any) -> tuple[str, str]:
        offered.append(str(tmp_path / f"doc{len(offered) + 1}.pdf"))
        return offered[-1], ""

    monkeypatch.setattr(documents.QFileDialog, "getSaveFileName", answer)
    return offered


def _tab(qtbot: QtBot, context: AppContext) -> BillingWidget:
    widget = BillingWidget(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def test_supervisor_runs_billing_prints_copies_and_corrects(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office, saved: list[str],
        qtmodeltester: Any, message_boxes: Any) -> None:
    ctx = login_as(Role.SUPERVISOR)
    tab = _tab(qtbot, ctx)
    page = tab.run_page
    assert page is not None
    page.period.setText(PERIOD)
    qtbot.mouseClick(page.buttons["check"], Qt.MouseButton.LeftButton)
    assert "3 invoices to make" in page.status.text() or "3" in page.status.text()
    qtbot.mouseClick(page.buttons["run"], Qt.MouseButton.LeftButton)
    assert page.runs_model.rowCount() == 1
    assert page.runs_model.rows()[0]["documents"] == 3
    assert page.buttons["run"].isEnabled()
    qtmodeltester.check(page.runs_model)
    # the invoices page now shows the period
    tab.pages.setCurrentWidget(tab.invoices_page)
    invoices = tab.invoices_page
    assert invoices.period.text() == PERIOD
    invoices.refresh()
    qtbot.waitUntil(lambda: invoices.model.rowCount() == 3)
    qtbot.waitUntil(lambda: invoices.model.record_at(0) is not None)
    qtmodeltester.check(invoices.model)
    # batch print for delivery, then a copy of one invoice
    qtbot.mouseClick(invoices.buttons["print_period"], Qt.MouseButton.LeftButton)
    assert len(saved) == 1 and len(PdfReader(saved[0]).pages) == 3
    assert f"Sačuvano u {saved[0]}" in message_boxes.texts("information")
    select_row(invoices.table, 0)
    qtbot.waitUntil(lambda: invoices.current() is not None)
    chosen = invoices.current()
    assert chosen is not None and chosen.prints == 1
    # the test office's invoices are from 2024: a copy is refused with the 12-month rule
    qtbot.mouseClick(invoices.buttons["copy"], Qt.MouseButton.LeftButton)
    assert any("last 12 months" in t or "12" in t for t in message_boxes.texts("warning"))
    # credit note through the dialog
    dialog = invoices_page.NoteDialog(ctx, chosen, invoices)
    qtbot.addWidget(dialog)
    dialog.field("net_amount").setText("5,00")
    dialog.field("reason").setText("Pogrešno očitanje")
    dialog.submit()
    assert dialog.result() == 1, dialog.general_error.text()
    notes = corrections.notes_of(ctx.db, ctx.operator, chosen.id)
    assert [(n.kind, n.net_amount, n.total) for n in notes] == [
        ("credit", Decimal("5.00"), Decimal("6.05"))]
    # ... and it is on the financial card, referencing the invoice
    card = FinancialCardWidget(ctx)
    qtbot.addWidget(card)
    card.load(chosen.customer_id)
    rows = card.model.rows()
    assert [r.document_type for r in rows] == ["credit_note", "invoice"]
    assert rows[0].invoice_id == chosen.id
    assert card.card is not None and card.card.closing_balance == chosen.total - notes[0].total
    qtmodeltester.check(card.model)


def test_credit_note_errors_show_next_to_the_field(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office) -> None:
    ctx = login_as(Role.SUPERVISOR)
    from office_app.services.billing import invoices, run

    run.run_billing(ctx.db, ctx.operator, PERIOD)
    ids = invoices.search_invoice_ids(ctx.db, ctx.operator, invoices.InvoiceQuery(period=PERIOD))
    row = invoices.invoice_rows(ctx.db, ctx.operator, ids[:1])[0]
    dialog = invoices_page.NoteDialog(ctx, row, None)
    qtbot.addWidget(dialog)
    dialog.field("net_amount").setText("9999")
    dialog.field("reason").setText("x")
    dialog.submit()
    assert "57.03" in dialog.error_text("net_amount")      # what is left of the invoice
    dialog.field("net_amount").setText("1")
    dialog.field("reason").setText("")
    dialog.submit()
    assert dialog.error_text("reason")


def test_overlapping_price_is_refused_next_to_the_date(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office) -> None:
    ctx = login_as(Role.SUPERVISOR)
    tab = _tab(qtbot, ctx)
    tab.pages.setCurrentWidget(tab.tariffs_page)
    page = tab.tariffs_page
    assert page.tariff_model.rowCount() == 9
    dialog = TariffDialog(ctx, page)
    qtbot.addWidget(dialog)
    group = dialog.field("tariff_group")
    group.setCurrentIndex(group.findData("single"))
    element = dialog.field("element")
    element.setCurrentIndex(element.findData("energy"))
    dialog.field("price").setText("0,12")
    dialog.field("valid_from").setText("01.03.2024")
    dialog.field("valid_to").setText("31.03.2024")
    dialog.submit()
    assert "01.01.2024" in dialog.error_text("valid_from")   # the price it overlaps
    dialog.field("valid_to").setText("")
    dialog.field("valid_from").setText("01.09.2024")
    dialog.submit()
    assert dialog.result() == 1
    page.refresh()
    assert page.tariff_model.rowCount() == 10
    # 9 prices and 2 rates entered, the new price entered, the old one closed
    assert page.history_model.rowCount() == 13


def test_a_price_kept_while_disconnected_is_a_monthly_charge(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office) -> None:
    """Issue 11: the tariff's exception to "no monthly charges while disconnected"."""
    ctx = login_as(Role.SUPERVISOR)
    tab = _tab(qtbot, ctx)
    page = tab.tariffs_page
    dialog = TariffDialog(ctx, page)
    qtbot.addWidget(dialog)
    group = dialog.field("tariff_group")
    group.setCurrentIndex(group.findData("single"))
    element = dialog.field("element")
    element.setCurrentIndex(element.findData("energy"))
    dialog.field("price").setText("0,12")
    dialog.field("valid_from").setText("01.09.2024")
    dialog.field("while_disconnected").setChecked(True)
    dialog.submit()
    assert dialog.error_text("while_disconnected")        # next to the box, nothing saved
    assert dialog.result() != 1
    element.setCurrentIndex(element.findData("fixed"))
    dialog.field("price").setText("3,00")
    dialog.submit()
    assert dialog.result() == 1
    page.refresh()
    from office_app.i18n import _
    from office_app.ui.billing.tariffs_page import TARIFF_COLUMNS

    model = page.tariff_model
    titles = [c.title for c in TARIFF_COLUMNS]
    rows = [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    kept = [r for r in rows if r[titles.index("While disconnected")] == _("charged")]
    assert len(kept) == 1 and kept[0][titles.index("Price (€)")].startswith("3")


def test_a_cashier_sees_invoices_but_not_the_run(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office) -> None:
    ctx = login_as(Role.CASHIER)
    tab = _tab(qtbot, ctx)
    assert tab.run_page is None
    assert tab.pages.count() == 2                       # invoices and tariffs
    assert not tab.invoices_page.buttons["note"].isVisibleTo(tab)
    assert not tab.tariffs_page.buttons["new_price"].isVisibleTo(tab)


def test_the_run_asks_first_with_what_it_will_hold_back(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        message_boxes: Any) -> None:
    """Issue 8, item 8: the run started without a confirmation and held back far more than
    the check had said. It now shows the check's counts (the same plan) and asks."""
    from office_app.services import metering

    ctx = login_as(Role.SUPERVISOR)
    metering.transfer_point(ctx.db, ctx.operator, office.points["P-200"],
                            office.customers["P-100"], date(2024, 5, 10))  # no reading
    tab = _tab(qtbot, ctx)
    page = tab.run_page
    assert page is not None
    page.period.setText(PERIOD)
    message_boxes.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(page.buttons["run"], Qt.MouseButton.LeftButton)
    assert message_boxes.texts("question") == [
        "Period 2024-05: biće izdato 2 računa, a 2 mjernih mjesta biće zadržano (navedena su "
        "ispod). Pokrenuti obračun?"]
    assert page.held_model.rowCount() == 2 and page.runs_model.rowCount() == 0
    with ctx.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0
    message_boxes.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(page.buttons["run"], Qt.MouseButton.LeftButton)
    assert page.held_model.rowCount() == 2
    with ctx.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 2


def _job_window(page: QWidget) -> JobProgressDialog | None:
    """The runner's progress window of a job that can be cancelled (not a short check's)."""
    for dialog in page.findChildren(JobProgressDialog, "job_progress"):
        if dialog.control is not None:
            return dialog
    return None


def test_the_run_shows_the_runners_progress_window_and_cancel_stops_it(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office) -> None:
    """Issue 13: the billing run had a progress bar and a Cancel button of its own; it now
    runs through the operation runner's titled window with the count, the time left and
    Cancel, which stops the run before its next batch (nothing of that batch is posted)."""
    ctx = login_as(Role.SUPERVISOR)
    runner = OperationRunner()
    tab = _tab(qtbot, AppContext(ctx.db, ctx.operator, ctx.user, runner))
    page = tab.run_page
    assert page is not None
    page.period.setText(PERIOD)
    # another desk's write transaction holds the run at its start until we have pressed Cancel
    blocker = sqlite3.connect(str(ctx.db.engine.url.database), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        qtbot.mouseClick(page.buttons["run"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _job_window(page) is not None, timeout=15000)
        window = _job_window(page)
        assert window is not None and PERIOD in window.windowTitle()
        assert not page.buttons["run"].isEnabled()
        [cancel] = window.findChildren(QPushButton)
        cancel.click()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    qtbot.waitUntil(lambda: page.buttons["run"].isEnabled(), timeout=15000)
    assert runner.wait()
    qtbot.waitUntil(lambda: page.runs_model.rowCount() == 1)
    run = page.runs_model.rows()[0]
    assert (run["status"], run["documents"]) == ("cancelled", 0)
    assert "0" in page.status.text()
    with ctx.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0
    # run again to the end: the window counts the invoices made
    qtbot.mouseClick(page.buttons["run"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.buttons["run"].isEnabled(), timeout=15000)
    assert runner.wait()
    with ctx.db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 3
        assert ledger.balance(s, office.customers["P-300"]) > 0


def test_the_interest_run_shows_its_counts_and_asks_once(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        message_boxes: Any) -> None:
    """Issue 13: the interest run posted at the click. It now works out what it would charge
    (nothing posted), shows the number of customers and the total, and asks once."""
    from office_app.services.billing import run as billing

    ctx = login_as(Role.SUPERVISOR)
    billing.run_billing(ctx.db, ctx.operator, PERIOD)
    tab = _tab(qtbot, ctx)
    page = tab.run_page
    assert page is not None
    page.interest_period.setText("2024-06")
    message_boxes.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(page.buttons["interest"], Qt.MouseButton.LeftButton)
    [question] = message_boxes.texts("question")
    with ctx.db.unit_of_work() as s:
        charged = s.scalar(select(func.count()).select_from(LedgerEntry)
                           .where(LedgerEntry.document_type == "interest"))
    assert charged == 0
    message_boxes.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(page.buttons["interest"], Qt.MouseButton.LeftButton)
    assert len(message_boxes.texts("question")) == 2
    with ctx.db.unit_of_work() as s:
        total = s.scalar(select(func.sum(LedgerEntry.debit))
                         .where(LedgerEntry.document_type == "interest"))
        count = s.scalar(select(func.count()).select_from(LedgerEntry)
                         .where(LedgerEntry.document_type == "interest"))
    assert count == 3            # what was asked is what was posted
    assert f" {count} " in question and f"{current().number(total, 2)} €" in question
    assert f"{current().number(total, 2)} €" in page.interest_status.text()


def test_billing_of_a_point_set_from_the_card_page(
        qtbot: QtBot, login_as: Callable[..., AppContext], office: Office,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from office_app.services.billing import points
    from office_app.ui.billing import card_page

    ctx = login_as(Role.SUPERVISOR)
    card = card_page.FinancialCardWidget(ctx)
    qtbot.addWidget(card)
    card.load(office.customers["P-100"])
    opened: list[Any] = []

    def fake_exec(dialog: Any) -> int:
        opened.append(dialog)
        group = dialog.field("tariff_group")
        group.setCurrentIndex(group.findData("single"))
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(card_page.BillingProfileDialog, "exec", fake_exec)
    qtbot.mouseClick(card.profile_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].result() == 1
    profile = points.get_profile(ctx.db, ctx.operator, office.points["P-100"])
    assert (profile.tariff_group, profile.derived_group) == ("single", "two")
