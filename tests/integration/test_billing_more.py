"""Tariff editing rules, common consumption of a building, proration across a tariff change
inside a billed month, credit and debit notes, the monthly interest run — on both databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.models import Invoice, InvoiceLine
from office_app.services import ledger, periods
from office_app.services.billing import corrections, interest, points, tariffs
from office_app.services.billing import run as billing
from office_app.services.metering import MeterInput
from office_app.services.permissions import Operator
from tests.billing_setup import (
    PERIOD,
    START,
    add_point,
    build_office,
    open_order,
    read,
)


def _invoice(db: Database, number: str) -> tuple[Invoice, list[InvoiceLine]]:
    with db.unit_of_work() as s:
        invoice = s.scalar(select(Invoice).where(Invoice.point_number == number))
        assert invoice is not None
        lines = list(s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                               .order_by(InvoiceLine.position)))
        return invoice, lines


# --- tariffs --------------------------------------------------------------------------------------

def test_overlapping_prices_are_refused_a_new_price_closes_the_open_one(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    first = tariffs.add_tariff(db, supervisor, "household", "single", "energy", "0.10", START)
    later = tariffs.add_tariff(db, supervisor, "household", "single", "energy", "0.12",
                               date(2024, 7, 15), source="Odluka RAE 12/24")
    rows = {r.id: r for r in tariffs.list_tariffs(db, supervisor, "household", "single")}
    assert rows[first.id].valid_to == date(2024, 7, 14) and rows[first.id].closed_by == "SUP1"
    assert rows[later.id].valid_to is None
    with pytest.raises(Conflict) as caught:
        tariffs.add_tariff(db, supervisor, "household", "single", "energy", "0.11",
                           date(2024, 7, 1), date(2024, 8, 31))
    assert caught.value.field == "valid_from"
    with pytest.raises(Conflict):
        tariffs.add_tariff(db, supervisor, "household", "single", "energy", "0.11",
                           date(2024, 3, 1))
    with pytest.raises(ValidationError):
        tariffs.add_tariff(db, supervisor, "household", "single", "energy", "-1", START)
    with pytest.raises(ValidationError):
        tariffs.add_tariff(db, supervisor, "household", "nonsense", "energy", "1", START)
    with pytest.raises(PermissionDenied):
        tariffs.add_tariff(db, clerk, "household", "single", "fixed", "1", START)
    history = tariffs.tariff_history(db, supervisor)
    assert {h.action for h in history} == {"create", "close"}


def test_billed_days_cannot_be_repriced(db: Database, supervisor: Operator,
                                        clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    with pytest.raises(Conflict) as caught:
        tariffs.add_tariff(db, supervisor, "household", "two", "energy_vt", "0.2",
                           date(2024, 5, 20))
    assert caught.value.params["next"] == "01.06.2024"
    tariffs.add_tariff(db, supervisor, "household", "two", "energy_vt", "0.2", date(2024, 6, 1))
    with pytest.raises(Conflict):
        tariffs.add_rate(db, supervisor, "vat", "20", date(2024, 5, 1))


def test_price_change_inside_the_month_is_prorated_on_the_invoice(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    tariffs.add_tariff(db, supervisor, "household", "single", "energy", "0.11000",
                       date(2024, 5, 15))
    tariffs.add_tariff(db, supervisor, "household", "all", "fixed", "3.10", date(2024, 5, 15))
    billing.run_billing(db, supervisor, PERIOD)
    invoice, lines = _invoice(db, "P-200")
    # 200 kWh over 31 days: 14 days at 0,095 (90,323 kWh), 17 days at 0,11 (109,677 kWh)
    assert [(ln.element, ln.quantity, ln.unit_price, ln.share_days, ln.amount)
            for ln in lines] == [
        ("energy", D("90.323"), D("0.09500"), None, D("8.58")),
        ("energy", D("109.677"), D("0.11000"), None, D("12.06")),
        ("fixed", D("1"), D("2.50000"), 14, D("1.13")),       # 2,50 × 14/31 = 1,129
        ("fixed", D("1"), D("3.10000"), 17, D("1.70")),       # 3,10 × 17/31 = 1,700
    ]
    assert (invoice.net_amount, invoice.vat_amount, invoice.total) == (
        D("23.47"), D("4.93"), D("28.40"))


# --- common consumption ------------------------------------------------------------------------

def _building(db: Database, supervisor: Operator, clerk: Operator, split: str) -> dict:
    office = build_office(db, supervisor, clerk)
    holder = office.customers["P-100"]
    common = add_point(db, clerk, office, "Z-900", office.customers["P-300"],
                       MeterInput(number="E-900", type="Landis", digits=6), 90, kind="common")
    points.set_profile(db, supervisor, common, None, common_billing=split)
    add_point(db, clerk, office, "S-901", holder, None, 91, common="Z-900")
    add_point(db, clerk, office, "S-902", office.customers["P-200"], None, 92, common="Z-900")
    add_point(db, clerk, office, "S-903", holder, None, 93, common="Z-900")
    read(db, office, "Z-900", "2024-04", "5000")
    read(db, office, "Z-900", PERIOD, "5100")
    tariffs.add_tariff(db, supervisor, "commercial", "single", "energy", "0.20", START)
    return {"office": office, "common": common}


def test_common_consumption_split_equally_as_a_line_on_each_flat(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    _building(db, supervisor, clerk, "split")
    # the flats have no meters of their own: they pay a flat rate
    tariffs.add_tariff(db, supervisor, "household", "flat", "flat_rate", "1.00", START)
    result = billing.run_billing(db, supervisor, PERIOD)
    assert result.held == ()
    with db.unit_of_work() as s:
        assert s.scalar(select(Invoice).where(Invoice.point_number == "Z-900")) is None
    shares = []
    for flat in ("S-901", "S-902", "S-903"):
        _invoice_row, lines = _invoice(db, flat)
        assert [ln.element for ln in lines] == ["flat_rate", "common_share"]
        common = lines[1]
        assert '"flats": 3' in common.params and '"point": "Z-900"' in common.params
        shares.append(common.amount)
    # common point: 100 kWh × 0,20 + fixed 12,00 = 32,00 net, split 10,67 + 10,67 + 10,66
    assert shares == [D("10.67"), D("10.67"), D("10.66")]


def test_common_consumption_billed_to_the_representative(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    _building(db, supervisor, clerk, "representative")
    tariffs.add_tariff(db, supervisor, "household", "flat", "flat_rate", "1.00", START)
    billing.run_billing(db, supervisor, PERIOD)
    invoice, lines = _invoice(db, "Z-900")
    assert invoice.net_amount == D("32.00") and invoice.customer_name == "Žabljak Trade d.o.o."
    _flat, flat_lines = _invoice(db, "S-901")
    assert [(ln.element, ln.amount) for ln in flat_lines] == [("flat_rate", D("1.00"))]


# --- corrections ------------------------------------------------------------------------------

def test_credit_and_debit_notes_reference_the_invoice(db: Database, supervisor: Operator,
                                                      clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    invoice, _lines = _invoice(db, "P-100")
    note = corrections.issue_note(db, supervisor, invoice.id, "credit", "10.00",
                                  "Wrong MT reading", date(2024, 6, 20))
    assert (note.number, note.vat_amount, note.total) == ("CN-01-2024-000001", D("2.10"),
                                                          D("12.10"))
    with pytest.raises(Conflict):
        corrections.issue_note(db, supervisor, invoice.id, "credit", "40.00", "too much")
    debit = corrections.issue_note(db, supervisor, invoice.id, "debit", "1.00", "Fee",
                                   date(2024, 6, 21))
    assert debit.number == "DN-01-2024-000001" and debit.total == D("1.21")
    with pytest.raises(PermissionDenied):
        corrections.issue_note(db, clerk, invoice.id, "credit", "1.00", "x")
    card = ledger.card(db, supervisor, office.customers["P-100"])
    assert [(r.document_type, r.debit, r.credit, r.balance) for r in card.rows] == [
        ("invoice", D("57.03"), D("0"), D("57.03")),
        ("credit_note", D("0"), D("12.10"), D("44.93")),
        ("debit_note", D("1.21"), D("0"), D("46.14"))]
    assert all(r.invoice_id == invoice.id for r in card.rows)
    assert card.closing_balance == sum((r.debit - r.credit for r in card.rows), D(0))


# --- interest -----------------------------------------------------------------------------------

def test_interest_run_charges_overdue_days_and_the_next_invoice_shows_it(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    ledger.post_payment(db, cashier, office.customers["P-200"], D("26.02"), date(2024, 6, 25),
                        "UP-1")                                    # paid on the due date
    preview = interest.preview_interest(db, supervisor, "2024-06")
    assert (preview.customers, preview.total, preview.already_charged) == (2, D("2.98"), 0)
    result = interest.run_interest(db, supervisor, "2024-06")
    # 26.-30.06. = 5 days at 10,5 %: 57,03 -> 0,08; 2.016,03 -> 2,90; P-200 paid in time
    assert (result.customers_charged, result.total) == (2, D("2.98"))
    again = interest.run_interest(db, supervisor, "2024-06")
    assert again.customers_charged == 0                    # once per customer and month
    preview = interest.preview_interest(db, supervisor, "2024-06")
    assert (preview.customers, preview.total, preview.already_charged) == (0, D("0"), 2)
    card = ledger.card(db, supervisor, office.customers["P-300"])
    entry = card.rows[-1]
    assert (entry.document_type, entry.debit, entry.document_date) == (
        "interest", D("2.90"), date(2024, 6, 30))
    details = interest.interest_details(db, supervisor, entry.entry_id)
    assert [(d.base, d.rate, d.days, d.amount) for d in details] == [
        (D("2016.03"), D("10.5"), 5, D("2.90"))]
    assert [p.status for p in periods.list_periods(db, supervisor)] == ["closed"]  # by the run
    open_order(db, supervisor, "2024-06")
    read(db, office, "P-300", "2024-06", "1400", "850", "20")
    june = billing.bill_points(db, supervisor, "2024-06", [office.points["P-300"]])
    with db.unit_of_work() as s:
        invoice = s.get(Invoice, june[0].id)
        assert invoice is not None
        assert (invoice.interest_since, invoice.interest_base, invoice.older_debt) == (
            D("2.90"), D("2016.03"), D("2016.03"))   # the interest falls due with June
        assert invoice.closing_balance == ledger.balance(s, office.customers["P-300"])
