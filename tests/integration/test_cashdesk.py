"""The counter on both databases: drawers, payments (oldest first, chosen invoices, overpaid,
card rules), idempotent retries, storno, reprints, and the bad input a cashier can type."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from office_app.db import Database
from office_app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from office_app.models import LedgerEntry
from office_app.models.cashdesk import CashReceiptPrint
from office_app.services import ledger
from office_app.services.billing import references
from office_app.services.cashdesk import counter, drawers, supervision
from office_app.services.permissions import Operator, Role
from tests.cash_setup import DAY, DESK, Billed, billed_office, key, open_drawer, pay
from tests.conftest import make_operator


@pytest.fixture
def billed(db: Database, supervisor: Operator, clerk: Operator) -> Billed:
    return billed_office(db, supervisor, clerk)


def _field(exc: pytest.ExceptionInfo) -> list[str]:
    return [e.field for e in exc.value.errors]


def test_scan_finds_the_customer_with_open_items_oldest_first_and_the_total(
        db: Database, billed: Billed, cashier: Operator) -> None:
    found = counter.find_payer(db, cashier, billed.invoices["P-100"])
    assert found.payer is not None
    assert found.payer.customer_id == billed.customers["P-100"]
    assert found.payer.scanned_invoice_id == billed.invoice_ids["P-100"]
    assert [i.document_number for i in found.payer.items] == [billed.invoices["P-100"]]
    assert found.payer.total_due == D("57.03")
    assert found.payer.card_allowed
    # the same customer by code, by the invoice's model 97 reference, by name
    code = found.payer.code
    assert counter.find_payer(db, cashier, code).payer.customer_id == found.payer.customer_id
    number = billed.invoices["P-100"]
    reference = references.invoice_reference("01", code, 2024, int(number.split("-")[-1]))
    by_ref = counter.find_payer(db, cashier, references.printed(reference)).payer
    assert by_ref is not None and by_ref.customer_id == found.payer.customer_id
    by_name = counter.find_payer(db, cashier, "Radulović").payer
    assert by_name is not None and by_name.customer_id == found.payer.customer_id


def test_unknown_barcode_is_named_in_the_message(db: Database, billed: Billed,
                                                 cashier: Operator) -> None:
    with pytest.raises(NotFound) as exc:
        counter.find_payer(db, cashier, "01-2024-0999999")
    assert exc.value.field == "search"
    assert exc.value.params["text"] == "01-2024-0999999"


def test_a_reference_with_wrong_check_digits_is_named_not_guessed(
        db: Database, billed: Billed, cashier: Operator) -> None:
    number = billed.invoices["P-100"]
    reference = references.invoice_reference("01", "", 2024, int(number.split("-")[-1]))
    good = references.check_digits(reference)
    wrong = f"{(int(good) + 1) % 100:02d}"
    with pytest.raises(NotFound) as exc:
        counter.find_payer(db, cashier, f"97 {wrong} {reference}")
    assert exc.value.field == "search" and "check digits" in exc.value.msg_id
    found = counter.find_payer(db, cashier, f"97 {good} {reference}").payer
    assert found is not None and found.customer_id == billed.customers["P-100"]


def test_cash_payment_with_change_posts_receipt_entry_and_drawer_total(
        db: Database, billed: Billed, cashier: Operator) -> None:
    drawer = open_drawer(db, cashier)
    receipt = pay(db, cashier, drawer.id, billed.customers["P-100"], "57.03", received="60.00")
    assert receipt.number == "BL-01-2024-KASA1-000001"
    assert receipt.change == D("2.97")
    assert [(line.document_number, line.amount) for line in receipt.lines] == [
        (billed.invoices["P-100"], D("57.03"))]
    card = ledger.card(db, cashier, billed.customers["P-100"])
    assert card.closing_balance == D("0.00")
    assert card.rows[-1].document_number == receipt.number
    assert drawers.get_drawer(db, cashier, drawer.id).cash_taken == D("57.03")
    assert counter.find_payer(db, cashier, billed.invoices["P-100"]).payer.total_due == 0


def test_receipt_numbers_run_per_desk(db: Database, billed: Billed, cashier: Operator) -> None:
    other = make_operator(Role.CASHIER, "CSH2")
    first = open_drawer(db, cashier)
    second = open_drawer(db, other, desk="KASA2")
    numbers = [pay(db, cashier, first.id, billed.customers["P-100"], "1.00").number,
               pay(db, other, second.id, billed.customers["P-100"], "1.00",
                   desk="KASA2").number,
               pay(db, cashier, first.id, billed.customers["P-200"], "1.00").number]
    assert numbers == ["BL-01-2024-KASA1-000001", "BL-01-2024-KASA2-000001",
                       "BL-01-2024-KASA1-000002"]


def test_the_same_payment_sent_twice_is_posted_once(db: Database, billed: Billed,
                                                    cashier: Operator) -> None:
    drawer = open_drawer(db, cashier)
    k = key()
    first = pay(db, cashier, drawer.id, billed.customers["P-200"], "26.02", idempotency_key=k)
    again = pay(db, cashier, drawer.id, billed.customers["P-200"], "26.02", idempotency_key=k)
    assert again == first
    with db.unit_of_work() as s:
        payments = s.scalars(select(LedgerEntry.document_number).where(
            LedgerEntry.document_type == "payment")).all()
    assert payments == [first.number]
    assert drawers.get_drawer(db, cashier, drawer.id).payments == 1


def test_partial_payment_of_a_chosen_invoice_and_overpayment_as_credit(
        db: Database, billed: Billed, cashier: Operator) -> None:
    drawer = open_drawer(db, cashier)
    customer = billed.customers["P-200"]
    part = pay(db, cashier, drawer.id, customer, "10.00",
               invoice_ids=(billed.invoice_ids["P-200"],))
    assert [(x.document_number, x.amount) for x in part.lines] == [
        (billed.invoices["P-200"], D("10.00"))]
    assert counter.find_payer(db, cashier, str(part.customer_code)).payer.total_due == D("16.02")
    over = pay(db, cashier, drawer.id, customer, "20.00")
    assert [(x.document_number, x.amount) for x in over.lines] == [
        (billed.invoices["P-200"], D("16.02")), ("", D("3.98"))]
    payer = counter.find_payer(db, cashier, str(part.customer_code)).payer
    assert payer.credit == D("3.98") and payer.total_due == 0
    assert ledger.card(db, cashier, customer).closing_balance == D("-3.98")


def test_bad_input_gets_a_message_next_to_its_field(db: Database, billed: Billed,
                                                    cashier: Operator) -> None:
    drawer = open_drawer(db, cashier)
    business = billed.customers["P-300"]
    cases = [("0", "cash", None, "amount"), ("-5", "cash", None, "amount"),
             ("1.005", "cash", None, "amount"), ("10.00", "card", None, "means"),
             ("10.00", "cash", "5.00", "received")]
    for amount, means, received, field in cases:
        with pytest.raises(ValidationError) as exc:
            counter.pay(db, cashier, counter.PaymentRequest(
                key(), drawer.id, DESK, business, means, amount, received, (), DAY))
        assert _field(exc) == [field], (amount, means)
    with db.unit_of_work() as s:
        assert s.scalar(select(LedgerEntry.id).where(
            LedgerEntry.document_type == "payment")) is None


def test_closed_or_foreign_drawer_is_refused(db: Database, billed: Billed,
                                             cashier: Operator) -> None:
    drawer = open_drawer(db, cashier)
    other = make_operator(Role.CASHIER, "CSH2")
    with pytest.raises(Conflict) as exc:
        pay(db, other, drawer.id, billed.customers["P-100"], "1.00")
    assert exc.value.field == "drawer"
    drawers.close_drawer(db, cashier, drawer.id, "50.00", "0")
    with pytest.raises(Conflict) as exc:
        pay(db, cashier, drawer.id, billed.customers["P-100"], "1.00")
    assert "closed" in exc.value.msg_id


def test_one_open_drawer_per_cashier_and_desk(db: Database, billed: Billed,
                                              cashier: Operator) -> None:
    open_drawer(db, cashier)
    with pytest.raises(Conflict):
        open_drawer(db, cashier)
    open_drawer(db, cashier, desk="KASA2")  # another desk is another drawer


def test_closing_records_the_difference_and_a_supervisor_closes_a_forgotten_drawer(
        db: Database, billed: Billed, cashier: Operator, supervisor: Operator) -> None:
    drawer = open_drawer(db, cashier, "50.00")
    pay(db, cashier, drawer.id, billed.customers["P-100"], "57.03", received="60")
    pay(db, cashier, drawer.id, billed.customers["P-200"], "26.02", means="card")
    closed = drawers.close_drawer(db, cashier, drawer.id, "107.00", "26.02")
    assert (closed.cash_taken, closed.card_taken) == (D("57.03"), D("26.02"))
    assert closed.difference == D("-0.03")
    forgotten = open_drawer(db, make_operator(Role.CASHIER, "CSH2"), desk="KASA2")
    with pytest.raises(Conflict):
        drawers.close_drawer(db, cashier, forgotten.id, "50", "0")
    done = drawers.close_drawer(db, supervisor, forgotten.id, "50", "0", "forgotten")
    assert done.closed_by == "SUP1" and done.difference == 0


def test_storno_and_reprint_by_a_supervisor_only(db: Database, billed: Billed,
                                                 cashier: Operator,
                                                 supervisor: Operator) -> None:
    drawer = open_drawer(db, cashier)
    customer = billed.customers["P-100"]
    receipt = pay(db, cashier, drawer.id, customer, "57.03")
    with pytest.raises(PermissionDenied):
        supervision.reverse_payment(db, cashier, receipt.id, "wrong customer")
    with pytest.raises(PermissionDenied):
        supervision.reprint(db, cashier, receipt.id, "jam")
    with pytest.raises(ValidationError):
        supervision.reverse_payment(db, supervisor, receipt.id, " ")
    numbers = supervision.reverse_payment(db, supervisor, receipt.id, "wrong customer", DAY)
    assert numbers == ["ST-01-2024-000001"]
    assert ledger.card(db, cashier, customer).closing_balance == D("57.03")
    with pytest.raises(Conflict):
        supervision.reverse_payment(db, supervisor, receipt.id, "again", DAY)
    again = supervision.reprint(db, supervisor, receipt.id, "printer jammed", "CSH1")
    assert again.duplicate and again.number == receipt.number
    with db.unit_of_work() as s:
        assert s.execute(select(CashReceiptPrint.printed_by, CashReceiptPrint.reason)).all() \
            == [("CSH1", "printer jammed")]
    with db.unit_of_work() as s:
        reversal = s.scalar(select(LedgerEntry).where(
            LedgerEntry.document_type == "payment_reversal"))
        assert reversal is not None and reversal.origin_entry_id == receipt.entry_id


def test_audit_is_clean_after_a_day_and_names_a_tampered_drawer_and_gap(
        db: Database, billed: Billed, cashier: Operator, supervisor: Operator) -> None:
    from sqlalchemy import text

    from office_app.services.integrity import CHECKS, Scope

    drawer = open_drawer(db, cashier)
    pay(db, cashier, drawer.id, billed.customers["P-100"], "57.03")
    second = pay(db, cashier, drawer.id, billed.customers["P-200"], "5.00",
                 invoice_ids=(billed.invoice_ids["P-200"],))
    supervision.reverse_payment(db, supervisor, second.id, "wrong amount", DAY)
    drawers.close_drawer(db, cashier, drawer.id, "107.03", "0")
    check = CHECKS["cash_desk"]
    with db.unit_of_work() as s:
        assert list(check(s, Scope())) == []
    with db.engine.begin() as conn:  # tampering behind the application's back
        conn.execute(text("UPDATE cash_session SET system_cash = 50 WHERE id = :id"),
                     {"id": drawer.id})
        conn.execute(text("UPDATE counter SET last_number = last_number + 1 "
                          "WHERE series = 'receipt:01:2024:KASA1'"))
    pay(db, cashier, open_drawer(db, cashier).id, billed.customers["P-100"], "1.00")
    with db.unit_of_work() as s:
        found = list(check(s, Scope()))
    assert [v.document for v in found] == [f"drawer {drawer.id}", "01-2024-KASA1"]
    assert found[1].params["count"] == 3 and found[1].params["last"] == 4


def test_audit_names_a_drawer_whose_recorded_difference_is_not_counted_less_expected(
        db: Database, billed: Billed, cashier: Operator) -> None:
    from sqlalchemy import text

    from office_app.services.integrity import CHECKS, Scope

    drawer = open_drawer(db, cashier)                           # float 50.00
    pay(db, cashier, drawer.id, billed.customers["P-100"], "57.03")
    closed = drawers.close_drawer(db, cashier, drawer.id, "105.00", "0")
    assert closed.difference == D("-2.03")
    check = CHECKS["cash_desk"]
    with db.unit_of_work() as s:
        assert list(check(s, Scope())) == []
    with db.engine.begin() as conn:  # the shortage hidden behind the application's back
        conn.execute(text("UPDATE cash_session SET difference = 0 WHERE id = :id"),
                     {"id": drawer.id})
    with db.unit_of_work() as s:
        found = list(check(s, Scope()))
    assert [(v.document, v.params["difference"], v.params["computed"]) for v in found] == [
        (f"drawer {drawer.id}", D("0"), D("-2.03"))]
