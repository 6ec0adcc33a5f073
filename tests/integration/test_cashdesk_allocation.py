"""Where the counter's money goes (004 §35.2; 003 III.1g), on both databases: a card with an
invoice, interest and court costs; the office's allocation order (oldest first by default,
costs and interest before principal when set); the disputed part of an invoice in an open
complaint, which the allocation never settles unless the cashier ticks that invoice."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from office_app.cli import main
from office_app.db import Database
from office_app.errors import ValidationError
from office_app.services import complaints, ledger
from office_app.services.cashdesk import counter
from office_app.services.complaints import ComplaintInput
from office_app.services.ledger import Posting
from office_app.services.office import get_office
from office_app.services.permissions import Operator
from tests.cash_setup import Billed, billed_office, open_drawer, pay


@pytest.fixture
def billed(db: Database, supervisor: Operator, clerk: Operator) -> Billed:
    """P-100's card: invoice 57,03 due 2024-06-25, interest 3,00 due 2024-07-03, court costs
    20,00 due 2024-07-04 (oldest first: invoice, interest, costs)."""
    office = billed_office(db, supervisor, clerk)
    customer = office.customers["P-100"]
    with db.unit_of_work() as s:
        ledger.post(s, supervisor, Posting(customer, "interest", "KAM-1", date(2024, 6, 18),
                                           debit=D("3.00"), due_date=date(2024, 7, 3),
                                           period="2024-06"))
        ledger.post(s, supervisor, Posting(customer, "court_costs", "TR-1", date(2024, 6, 19),
                                           debit=D("20.00"), due_date=date(2024, 7, 4)))
    return office


def _open(db: Database, cashier: Operator, billed: Billed) -> dict[str, tuple[D, D]]:
    """What the counter shows open on each document: (open, disputed)."""
    payer = counter.find_payer(db, cashier, billed.invoices["P-100"]).payer
    assert payer is not None
    return {i.document_number: (i.open_amount, i.disputed) for i in payer.items}


def _card_open(db: Database, billed: Billed) -> dict[str, D]:
    """What the ledger's own allocation leaves open (the financial card, interest, warnings)."""
    with db.unit_of_work() as s:
        card = ledger.entries(s, [billed.customers["P-100"]])[billed.customers["P-100"]]
    return {i.document_number: i.open for i in ledger.allocate(card).items}


def test_by_default_the_oldest_items_first_as_the_seeds_say(
        db: Database, billed: Billed, cashier: Operator) -> None:
    invoice = billed.invoices["P-100"]
    assert get_office(db).allocation_order == "oldest_first"
    payer = counter.find_payer(db, cashier, invoice).payer
    assert [i.document_number for i in payer.items] == [invoice, "KAM-1", "TR-1"]
    assert payer.total_due == D("80.03")
    drawer = open_drawer(db, cashier)
    receipt = pay(db, cashier, drawer.id, billed.customers["P-100"], "60.00")
    assert [(x.document_number, x.amount) for x in receipt.lines] == [
        (invoice, D("57.03")), ("KAM-1", D("2.97"))]
    assert _open(db, cashier, billed) == {"KAM-1": (D("0.03"), 0), "TR-1": (D("20.00"), 0)}
    assert _card_open(db, billed) == {invoice: 0, "KAM-1": D("0.03"), "TR-1": D("20.00")}


def test_costs_and_interest_before_principal_when_the_office_says_so_and_kept_after(
        db: Database, billed: Billed, cashier: Operator, admin: Operator) -> None:
    invoice = billed.invoices["P-100"]
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["cash", "allocation", "costs-first", "--db", url]) == 0
    assert get_office(db).allocation_order == "costs_first"
    payer = counter.find_payer(db, cashier, invoice).payer
    assert [i.document_number for i in payer.items] == ["TR-1", "KAM-1", invoice]
    drawer = open_drawer(db, cashier)
    receipt = pay(db, cashier, drawer.id, billed.customers["P-100"], "30.00")
    # the slip lists them in card order
    assert [(x.document_number, x.amount) for x in receipt.lines] == [
        (invoice, D("7.00")), ("KAM-1", D("3.00")), ("TR-1", D("20.00"))]
    after = {invoice: (D("50.03"), 0)}
    assert _open(db, cashier, billed) == after
    assert _card_open(db, billed) == {invoice: D("50.03"), "KAM-1": 0, "TR-1": 0}
    # the payment keeps its allocation when the office goes back to the seeds' order
    counter.set_allocation_order(db, admin, "oldest_first")
    assert _open(db, cashier, billed) == after
    assert _card_open(db, billed) == {invoice: D("50.03"), "KAM-1": 0, "TR-1": 0}
    # an order the office does not know is refused, naming the setting
    counter.set_allocation_order(db, admin, "costs_first")
    with pytest.raises(ValidationError) as exc:
        counter.set_allocation_order(db, admin, "newest_first")
    assert exc.value.errors[0].field == "allocation_order"


def test_a_chosen_invoice_goes_before_costs_and_the_rest_follows_the_order(
        db: Database, billed: Billed, cashier: Operator, admin: Operator) -> None:
    invoice = billed.invoices["P-100"]
    counter.set_allocation_order(db, admin, "costs_first")
    drawer = open_drawer(db, cashier)
    receipt = pay(db, cashier, drawer.id, billed.customers["P-100"], "70.00",
                  invoice_ids=(billed.invoice_ids["P-100"],))
    assert [(x.document_number, x.amount) for x in receipt.lines] == [
        (invoice, D("57.03")), ("TR-1", D("12.97"))]
    assert _open(db, cashier, billed) == {"KAM-1": (D("3.00"), 0), "TR-1": (D("7.03"), 0)}


def _dispute(db: Database, clerk: Operator, billed: Billed, amount: str) -> int:
    return complaints.register(db, clerk, ComplaintInput(
        billed.customers["P-100"], date(2024, 6, 12), "written", "bill_amount",
        "The reading is too high.", amount, (billed.invoice_ids["P-100"],))).id


def test_the_disputed_part_is_shown_not_asked_for_and_never_settled_unasked(
        db: Database, billed: Billed, cashier: Operator, clerk: Operator) -> None:
    invoice = billed.invoices["P-100"]
    _dispute(db, clerk, billed, "20.00")
    payer = counter.find_payer(db, cashier, invoice).payer
    first = payer.items[0]
    assert (first.document_number, first.open_amount, first.disputed, first.payable) == (
        invoice, D("57.03"), D("20.00"), D("37.03"))
    assert payer.total_due == D("60.03")      # 37,03 + 3,00 + 20,00: the dispute left out
    drawer = open_drawer(db, cashier)
    receipt = pay(db, cashier, drawer.id, billed.customers["P-100"], "45.00")
    # the undisputed part of the invoice, then the next items: the dispute stays open
    assert [(x.document_number, x.amount) for x in receipt.lines] == [
        (invoice, D("37.03")), ("KAM-1", D("3.00")), ("TR-1", D("4.97"))]
    assert _open(db, cashier, billed) == {invoice: (D("20.00"), D("20.00")),
                                          "TR-1": (D("15.03"), 0)}
    assert _card_open(db, billed)[invoice] == D("20.00")
    # more than the undisputed rest: refused, naming the invoice and the fix; nothing posted
    with pytest.raises(ValidationError) as exc:
        pay(db, cashier, drawer.id, billed.customers["P-100"], "20.00")
    error = exc.value.errors[0]
    assert error.field == "amount" and invoice in error.params["documents"]
    assert error.params["extra"] == "4.97"
    assert _open(db, cashier, billed)[invoice] == (D("20.00"), D("20.00"))
    # ticking the invoice is the cashier's word: the disputed part is paid
    paid = pay(db, cashier, drawer.id, billed.customers["P-100"], "20.00",
               invoice_ids=(billed.invoice_ids["P-100"],))
    assert [(x.document_number, x.amount) for x in paid.lines] == [(invoice, D("20.00"))]
    assert _open(db, cashier, billed) == {"TR-1": (D("15.03"), 0)}


def test_an_answered_complaint_disputes_nothing_more(
        db: Database, billed: Billed, cashier: Operator, clerk: Operator) -> None:
    complaint = _dispute(db, clerk, billed, "20.00")
    with db.unit_of_work() as s:
        assert complaints.disputed_by_invoice(s, billed.customers["P-100"], date(2024, 6, 11)) \
            == {}
    complaints.answer(db, clerk, complaint, "rejected", "The reading was checked.",
                      date(2024, 6, 14))
    payer = counter.find_payer(db, cashier, billed.invoices["P-100"]).payer
    assert payer.items[0].disputed == 0 and payer.total_due == D("80.03")
