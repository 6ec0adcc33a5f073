"""The billing run on both databases: exact invoices from real readings, idempotent re-runs,
held-back points, the stop policy, cancelling and resuming, desks billing single points."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from office_app.db import Database
from office_app.errors import Conflict, NotFound
from office_app.models import BillingRun, Invoice, InvoiceLine, LedgerEntry, Reading
from office_app.services import ledger
from office_app.services.billing import run as billing
from office_app.services.permissions import Operator
from tests.billing_setup import DUE, ISSUE, PERIOD, build_office, read


def _invoices(db: Database) -> dict[str, Invoice]:
    with db.unit_of_work() as s:
        return {i.point_number: i for i in s.scalars(select(Invoice).order_by(Invoice.id))}


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_period_is_billed_to_the_cent_and_only_once(db: Database, supervisor: Operator,
                                                      clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    seen: list[tuple[int, int]] = []
    result = billing.run_billing(db, supervisor, PERIOD, progress=lambda d, t: seen.append((d, t)))
    assert (result.status, result.invoices_made, result.held) == ("completed", 3, ())
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    invoices = _invoices(db)
    totals = {n: (i.net_amount, i.vat_amount, i.total) for n, i in invoices.items()}
    assert totals == {"P-100": (D("47.13"), D("9.90"), D("57.03")),
                      "P-200": (D("21.50"), D("4.52"), D("26.02")),
                      "P-300": (D("1666.14"), D("349.89"), D("2016.03"))}
    business = invoices["P-300"]
    assert (business.vt_quantity, business.mt_quantity, business.peak_load) == (
        D("12000"), D("5000"), D("48.5"))
    assert (business.issue_date, business.due_date) == (ISSUE, DUE)
    assert sorted(i.number for i in invoices.values()) == [
        "01-2024-0000001", "01-2024-0000002", "01-2024-0000003"]
    assert invoices["P-100"].payment_reference == "0001" + "1" + "24" + "0000001"  # office 01
    with db.unit_of_work() as s:
        lines = s.scalars(select(InvoiceLine).where(
            InvoiceLine.invoice_id == business.id).order_by(InvoiceLine.position)).all()
        assert [(ln.element, ln.amount) for ln in lines] == [
            ("energy_vt", D("1094.40")), ("energy_mt", D("228.00")),
            ("peak_load", D("331.74")), ("fixed", D("12.00"))]
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.invoice_id == business.id))
        assert entry is not None
        assert (entry.document_type, entry.document_number, entry.debit, entry.due_date,
                entry.order_number) == ("invoice", business.number, D("2016.03"), DUE,
                                        result.order_number)
        assert ledger.balance(s, office.customers["P-300"]) == D("2016.03")
    again = billing.run_billing(db, supervisor, PERIOD)
    assert (again.invoices_made, again.already_billed) == (0, 3)
    assert _count(db, Invoice) == 3 and _count(db, LedgerEntry) == 3


def test_implausible_points_are_held_back_or_stop_the_run(db: Database, supervisor: Operator,
                                                          clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    with db.unit_of_work() as s:
        reading = s.scalar(select(Reading).where(Reading.point_id == office.points["P-200"],
                                                 Reading.period == PERIOD))
        assert reading is not None
        reading.check_state = "pending"
    preview = billing.preview_run(db, supervisor, PERIOD)
    assert (preview.to_bill, [h.point_number for h in preview.held]) == (2, ["P-200"])
    with pytest.raises(Conflict) as caught:
        billing.run_billing(db, supervisor, PERIOD, on_implausible="stop")
    assert caught.value.params["point"] == "P-200"
    assert _count(db, Invoice) == 0 and _count(db, LedgerEntry) == 0
    result = billing.run_billing(db, supervisor, PERIOD, on_implausible="hold")
    assert result.invoices_made == 2
    assert [(h.point_number, h.reason) for h in result.held] == [("P-200", "implausible")]
    with db.unit_of_work() as s:
        reading = s.scalar(select(Reading).where(Reading.point_id == office.points["P-200"],
                                                 Reading.period == PERIOD))
        assert reading is not None
        reading.check_state = "confirmed"            # the field record settled it
    issued = billing.bill_points(db, supervisor, PERIOD, [office.points["P-200"]])
    assert [(i.number, i.total) for i in issued] == [("01-2024-0000003", D("26.02"))]


def test_bad_input_is_held_back_with_a_reason(db: Database, supervisor: Operator,
                                              clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    read(db, office, "P-100", "2024-06", "10300", "5100")      # lower than May: negative
    billing_june = "2024-06"
    from office_app.services import periods
    from tests.billing_setup import open_order
    periods.close_period(db, supervisor, PERIOD)
    open_order(db, supervisor, billing_june)
    result = billing.run_billing(db, supervisor, billing_june)
    reasons = {h.point_number: h.reason for h in result.held}
    assert reasons == {"P-100": "negative", "P-200": "no_reading", "P-300": "no_reading"}
    assert result.invoices_made == 0 and _count(db, Invoice) == 0


def test_missing_tariff_and_missing_order_are_clear(db: Database, supervisor: Operator,
                                                    clerk: Operator) -> None:
    build_office(db, supervisor, clerk, prices=False)
    result = billing.run_billing(db, supervisor, PERIOD)
    assert {h.reason for h in result.held} == {"no_tariff"}
    assert "There is no price" in result.held[0].detail("en")
    with pytest.raises(NotFound):
        billing.run_billing(db, supervisor, "2024-09")
    with pytest.raises(Conflict):
        billing.run_billing(db, supervisor, PERIOD, on_implausible="stop")


def test_cancel_then_resume_in_the_same_run(db: Database, supervisor: Operator,
                                            clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    calls = iter([False, True])
    first = billing.run_billing(db, supervisor, PERIOD, batch_size=1,
                                cancelled=lambda: next(calls))
    assert (first.status, first.invoices_made) == ("cancelled", 1)
    second = billing.run_billing(db, supervisor, PERIOD, batch_size=1)
    assert (second.status, second.invoices_made, second.already_billed) == ("completed", 2, 1)
    assert second.run_id == first.run_id and second.order_number == first.order_number
    with db.unit_of_work() as s:
        run = s.get(BillingRun, first.run_id)
        assert run is not None and (run.status, run.documents_made) == ("completed", 3)


def test_a_second_run_is_refused_while_one_works(db: Database, supervisor: Operator,
                                                 clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    with billing.exclusive_run(db), pytest.raises(Conflict):
        billing.run_billing(db, supervisor, PERIOD)
    assert billing.run_billing(db, supervisor, PERIOD).invoices_made == 3


def test_payments_and_balance_show_on_the_next_invoice(db: Database, supervisor: Operator,
                                                       clerk: Operator, cashier: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    customer = office.customers["P-100"]
    ledger.post_payment(db, cashier, customer, D("50.00"), date(2024, 6, 20), "UP-1")
    from tests.billing_setup import open_order
    open_order(db, supervisor, "2024-06")        # the completed run closed 2024-05
    read(db, office, "P-100", "2024-06", "10650", "5250")
    june = billing.bill_points(db, supervisor, "2024-06", [office.points["P-100"]])
    with db.unit_of_work() as s:
        invoice = s.get(Invoice, june[0].id)
        assert invoice is not None
        # 300 × 0,105 + 100 × 0,0525 + 2,50 = 39,25; VAT 8,24; total 47,49
        assert invoice.total == D("47.49")
        assert (invoice.previous_invoice_date, invoice.balance_before, invoice.payments_since,
                invoice.closing_balance) == (ISSUE, D("57.03"), D("50.00"), D("54.52"))
        assert (invoice.older_debt, invoice.older_debt_count, invoice.interest_base) == (
            D("7.03"), 1, D("7.03"))
        assert invoice.interest_rate == D("10.5")
