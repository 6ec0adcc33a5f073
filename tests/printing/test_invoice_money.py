"""Every amount an invoice prints is true and can be checked from the page (issue 8):
each charge line's quantity × printed unit price (× days share) = printed amount, the lines
add up to the net, VAT and total; the total to pay, the slip's amount and the reference are
what that invoice's reference settles; a customer with several points billed the same day
gets slips that add up to what is owed, and no invoice counts another; copies of paid
invoices say so; the water office's invoice speaks of water and carries 004 §31.1 j."""
from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from office_app.db import Database
from office_app.i18n import translator
from office_app.models import Invoice
from office_app.printing.invoice import CHARGE_TOP, SLIP_TOP, render_invoices
from office_app.services import ledger, network
from office_app.services.billing import invoices, tariffs
from office_app.services.billing import run as billing
from office_app.services.billing.invoices import InvoiceDoc
from office_app.services.billing.references import check_digits, printed
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput
from office_app.services.office import OfficeInfo, save_office
from office_app.services.permissions import Operator
from tests.billing_setup import (
    PERIOD,
    PRICES,
    START,
    Office,
    add_point,
    build_office,
    open_order,
    read,
)
from tests.printing.pdf_reading import Numbers, cents, rows_between, words

LANGUAGES = ["sr_Latn", "sr_Cyrl", "sq", "en"]


def text_of(pdf: bytes) -> str:
    return plain(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def keep(name: str, pdf: bytes) -> None:
    """With OFFICE_TEST_PDF_DIR set, keep the PDF to look at."""
    folder = os.environ.get("OFFICE_TEST_PDF_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.pdf").write_bytes(pdf)


def peak_prices(db: Database, op: Operator) -> None:
    """The test office's prices, with a peak-load price of three decimals (7,168 €/kW)."""
    for category, group, element, price in PRICES:
        if element == "peak_load":
            price = "7.168"
        tariffs.add_tariff(db, op, category, group, element, price, START)
    tariffs.add_rate(db, op, "vat", "21", date(2020, 1, 1))
    tariffs.add_rate(db, op, "interest", "10.5", date(2020, 1, 1))


@pytest.fixture
def electricity(db: Database, supervisor: Operator, clerk: Operator) -> dict[str, InvoiceDoc]:
    build_office(db, supervisor, clerk, prices=False, order=False)
    peak_prices(db, supervisor)
    open_order(db, supervisor)
    billing.run_billing(db, supervisor, PERIOD)
    docs = [invoices.get_invoice(db, supervisor, i)
            for i in invoices.delivery_order(db, supervisor, PERIOD)]
    return {d.point_number: d for d in docs}


def water_office(db: Database, supervisor: Operator, clerk: Operator) -> int:
    """A water office; one customer with three points (two metered, one flat) billed on the
    same day, and an unpaid opening balance."""
    with db.unit_of_work() as s:
        save_office(s, OfficeInfo("VBR", "Vodovod i kanalizacija Bar", "water",
                                  "Bulevar revolucije 1, Bar", "+382 30 311 000",
                                  "info@vodovod.test", "02000111", "510-0000000077777-45",
                                  "ME"))
    zone = network.save_zone(db, supervisor, "V1", "Centar")
    reader = network.save_reader(db, supervisor, "C1", "Ana")
    office = Office(zone.id, reader.id)
    holder = create_customer(db, clerk, CustomerInput(
        surname="Perović", given_name="Ivana", place="Bar", language="sr_Latn",
        address="Ulica Vladimira Rolovića, zgrada Lamela C, ulaz 2, stan 14, "
                "iznad pošte i apoteke")).id
    add_point(db, clerk, office, "W-1", holder, MeterInput(number="V-1", type="Sensus"), 1)
    add_point(db, clerk, office, "W-2", holder, None, 2)
    add_point(db, clerk, office, "W-3", holder, MeterInput(number="V-3", type="Sensus"), 3)
    for number, old, new in (("W-1", "100", "118"), ("W-3", "50", "60")):
        read(db, office, number, "2024-04", old)
        read(db, office, number, PERIOD, new)
    for group, element, price in (("metered", "water_volume", "0.4512"),
                                  ("metered", "sewage_volume", "0.20"),
                                  ("all", "availability", "1.50"),
                                  ("all", "sewage_availability", "0.80"),
                                  ("flat", "flat_rate", "9.50")):
        tariffs.add_tariff(db, supervisor, "household", group, element, price, START)
    tariffs.add_rate(db, supervisor, "vat", "21", date(2020, 1, 1))
    tariffs.add_rate(db, supervisor, "interest", "10.5", date(2020, 1, 1))
    with db.unit_of_work() as s:
        ledger.post(s, supervisor, ledger.Posting(holder, "opening_balance", "OB-1",
                                                  date(2024, 3, 1), debit=D("20.00"),
                                                  due_date=date(2024, 3, 15)))
    open_order(db, supervisor)
    billing.run_billing(db, supervisor, PERIOD)
    return holder


# --- reading the page back ----------------------------------------------------------------------

def charge_rows(pdf: bytes, language: str) -> list[tuple[str, list[str]]]:
    """(label, the row's other strings) of every charge line."""
    found = rows_between(words(pdf), CHARGE_TOP - 0.5, 163.5)
    return [(row[0].text, [w.text for w in row[1:]]) for row in found]


def check_arithmetic(pdf: bytes, doc: InvoiceDoc, language: str) -> None:
    """Recompute the invoice from what is printed, as a customer with a calculator would."""
    n = Numbers(language)
    text = text_of(pdf)
    printed_sum = D(0)
    rows = charge_rows(pdf, language)
    assert len(rows) == len(doc.lines)
    for (label, cells), line in zip(rows, doc.lines, strict=True):
        amount = n.parse(cells[-1])
        share = D(1)
        if "/" in cells[0] and line.share_days:
            days, of = cells[0].split("/")
            share = D(days) / D(of)
            cells = cells[1:]
        quantity = n.parse(re.match(r"[\d\s\u00a0\u202f.,]+", cells[0]).group())  # type: ignore[union-attr]
        if line.element == "common_share":
            assert amount == line.amount
        else:
            price = n.parse(cells[1])
            assert cents(quantity * price * share) == amount, (label, cells)
        printed_sum += amount
    t = translator(language)
    assert plain(t.money(printed_sum)) in text                # Σ lines = total without VAT
    assert printed_sum == doc.net_amount
    vat = cents(printed_sum * doc.vat_rate / 100)
    assert plain(t.money(vat)) in text and plain(t.money(printed_sum + vat)) in text
    assert printed_sum + vat == doc.total


def slip_values(pdf: bytes) -> list[str]:
    return [w.text for row in rows_between(words(pdf), SLIP_TOP, SLIP_TOP + 41) for w in row]


# --- tests --------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("point", ["P-100", "P-200", "P-300"])
def test_every_printed_line_multiplies_and_adds_up(
        electricity: dict[str, InvoiceDoc], language: str, point: str) -> None:
    doc = replace(electricity[point], language=language)
    pdf = render_invoices([doc])
    keep(f"electricity-{point}-{language}", pdf)
    check_arithmetic(pdf, doc, language)


def test_a_peak_load_price_prints_every_decimal_of_the_tariff(
        electricity: dict[str, InvoiceDoc]) -> None:
    doc = electricity["P-300"]
    rows = dict(charge_rows(render_invoices([replace(doc, language="en")]), "en"))
    peak = next(cells for label, cells in rows.items() if "kW" in " ".join(cells)
                and "kWh" not in " ".join(cells))
    n = Numbers("en")
    assert n.parse(peak[1]) == D("7.168")                   # not 7,17
    assert n.parse(peak[2]) == D("347.65")                  # 48,5 × 7,168 = 347,648


def test_to_pay_slip_and_reference_agree(electricity: dict[str, InvoiceDoc]) -> None:
    doc = electricity["P-100"]
    pdf = render_invoices([doc])
    t, n = translator("sr_Latn"), Numbers("sr_Latn")
    slip = slip_values(pdf)
    text = text_of(pdf)
    assert doc.to_pay == doc.total == D("57.03")
    assert plain(t.money(doc.to_pay)) in text
    assert n.parse(next(v for v in slip if v[0].isdigit() and n.decimal in v)) == doc.to_pay
    reference = f"{check_digits(doc.payment_reference)} {doc.payment_reference}"
    assert reference in slip and printed(doc.payment_reference) in text
    for label in ("Payer", "Purpose of payment", "Payee", "Payment code", "Currency",
                  "Amount", "Payee account", "Model", "Reference number"):
        assert t(label) in slip, label
    for value in ("Radulović Jovan", doc.customer_address, "189", "EUR", "97",
                  "510-0000000012345-59", "01-2024-0000001"):
        assert any(value in v for v in slip), value


def test_several_points_on_one_day_slips_sum_to_what_is_owed(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    holder = water_office(db, supervisor, clerk)
    ids = invoices.delivery_order(db, supervisor, PERIOD)
    docs = [invoices.get_invoice(db, supervisor, i) for i in ids]
    assert len(docs) == 3
    with db.unit_of_work() as s:
        owed = ledger.balance(s, holder)
        first = min(s.scalars(select(Invoice.sequence)))
    totals = sum((d.total for d in docs), D(0))
    assert owed == totals + D("20.00")
    assert sum((d.to_pay for d in docs), D(0)) == owed
    for d in docs:                  # none counts another invoice of the day
        expected = d.total + D("20.00") if d.sequence == first else d.total
        assert d.to_pay == expected, d.number
    pdf = render_invoices(docs)
    keep("water-three-points", pdf)
    t, n = translator("sr_Latn"), Numbers("sr_Latn")
    for page, d in enumerate(docs):
        slip = [w.text for row in rows_between(words(pdf, page), SLIP_TOP, SLIP_TOP + 14)
                for w in row]
        assert any(n.decimal in v and n.parse(v) == d.to_pay for v in slip if v[0].isdigit())
        page_text = plain(PdfReader(BytesIO(pdf)).pages[page].extract_text())
        for other in docs:          # each page lists every slip of the day and their sum
            assert other.number in page_text
        assert plain(t.money(owed)) in page_text


def test_a_water_invoice_speaks_of_water_and_concludes_the_contract(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    water_office(db, supervisor, clerk)
    doc = invoices.get_invoice(db, supervisor, invoices.delivery_order(db, supervisor,
                                                                        PERIOD)[0])
    for language in LANGUAGES:
        t = translator(language)
        pdf = render_invoices([replace(doc, language=language)])
        keep(f"water-{language}", pdf)
        text = " ".join(text_of(pdf).split())
        check_arithmetic(pdf, replace(doc, language=language), language)
        assert " ".join(t("By receiving this invoice you conclude the contract for the water "
                          "supply service with us (004 §31.1 j).").split()) in text
        assert t("Water meter") in text
        for electric in ("Zone / reading code", "Constant", "Meter"):
            assert not re.search(rf"(?<!\w){re.escape(t(electric))}(?!\w)",
                                 text.replace(t("Water meter"), "")), electric
        assert "…" not in text                 # the long address wraps, it is not cut
        assert "iznad pošte i apoteke" in text.replace("\n", " ") or language == "sr_Cyrl"
        assert t("Cut here and pay with this slip") in text


def test_a_copy_of_a_paid_invoice_says_paid_with_the_date(
        db: Database, supervisor: Operator, cashier: Operator,
        electricity: dict[str, InvoiceDoc]) -> None:
    doc = electricity["P-100"]
    customer = doc_customer(db, doc)
    invoices.print_copy(db, supervisor, doc.id, today=date(2024, 7, 1))       # the original
    ledger.post_payment(db, cashier, customer, D("20.00"), date(2024, 6, 20), "UP-1")
    t = translator("sr_Latn")
    partly = text_of(invoices.print_copy(db, supervisor, doc.id, today=date(2024, 7, 1)))
    assert t("Partly paid: {paid} by {date}", paid=t.money(D("20.00")),
             date="20.06.2024") in partly
    assert t("Still open of this invoice: {amount}", amount=t.money(D("37.03"))) in partly
    ledger.post_payment(db, cashier, customer, D("37.03"), date(2024, 6, 24), "UP-2")
    pdf = invoices.print_copy(db, supervisor, doc.id, today=date(2024, 7, 1))
    keep("paid-copy", pdf)
    paid = text_of(pdf)
    assert t("PAID on {date}", date="24.06.2024") in paid
    assert t.money(D("57.03")) not in slip_values(pdf)       # the slip asks for nothing
    assert "SUP1" in paid and "SYSTEM" not in paid


def doc_customer(db: Database, doc: InvoiceDoc) -> int:
    with db.unit_of_work() as s:
        found = s.scalar(select(Invoice.customer_id).where(Invoice.id == doc.id))
        assert found is not None
        return found


# --- the statement ------------------------------------------------------------------------------

def test_statement_total_is_the_card_balance_plus_unposted_interest(
        db: Database, supervisor: Operator, cashier: Operator,
        electricity: dict[str, InvoiceDoc]) -> None:
    from office_app.services.billing.corrections import issue_note
    from office_app.services.billing.interest import run_interest

    doc = electricity["P-300"]                                   # 2.035,28 €, due 25.06.2024
    customer = doc_customer(db, doc)
    note = issue_note(db, supervisor, doc.id, "debit", "10.00", "Reading corrected",
                      issue_date=date(2024, 6, 10))              # 12,10 € with VAT
    ledger.post_payment(db, cashier, customer, D("1000.00"), date(2024, 6, 28), "UP-9")
    run_interest(db, supervisor, "2024-06")                      # posted on 30.06.2024
    card = ledger.card(db, supervisor, customer)
    interest = [r for r in card.rows if r.document_type == "interest"]
    assert len(interest) == 1 and interest[0].debit > 0
    on = date(2024, 7, 20)
    with db.unit_of_work() as s:
        data = invoices.statement_data(s, customer, on, supervisor)
    assert [(ln.document_type, ln.number) for ln in data.lines] == [
        ("invoice", doc.number), ("debit_note", note.number),
        ("interest", interest[0].document_number)]
    # the invoice is partly paid; the note and the interest are wholly open
    assert [ln.open_amount for ln in data.lines] == [
        doc.total - D("1000.00"), D("12.10"), interest[0].debit]
    assert data.balance == card.closing_balance
    assert data.accrued_from == date(2024, 7, 1)
    # accrued 01.07.–20.07. on what was open and overdue then, 10,5 % a year, 365 days
    overdue = [ln.open_amount for ln in data.lines[:2]
               if ln.due_date is not None and ln.due_date < date(2024, 7, 1)]
    expected = sum((cents(amount * D("0.105") * 20 / 365) for amount in overdue), D(0))
    assert data.accrued_interest == expected > 0
    assert data.total == card.closing_balance + expected
    pdf = invoices.statement(db, supervisor, customer, on=on, language="en")
    keep("statement", pdf)
    text = text_of(pdf)
    t = translator("en")
    for line in data.lines:                   # each number on one line, never wrapped
        assert any(w.text == line.number for w in words(pdf)), line.number
    assert plain(t.money(data.total)) in text
    assert plain(t.money(card.closing_balance)) in text
    assert t("Late-payment interest accrued from {start} to {end}, not yet charged",
             start=t.date(date(2024, 7, 1)), end=t.date(on)) in " ".join(text.split())
    assert printed(data.payment_reference) in text and "510-0000000012345-59" in text
    assert data.payment_reference != doc.payment_reference


def test_a_common_consumption_share_says_where_the_remainder_cents_went(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    from tests.integration.test_billing_more import _building

    _building(db, supervisor, clerk, "split")
    tariffs.add_tariff(db, supervisor, "household", "flat", "flat_rate", "1.00", START)
    billing.run_billing(db, supervisor, PERIOD)
    docs = {d.point_number: d for d in (invoices.get_invoice(db, supervisor, i)
                                        for i in invoices.delivery_order(db, supervisor,
                                                                         PERIOD))}
    t = translator("en")
    for flat, share in (("S-901", "10.67"), ("S-902", "10.67"), ("S-903", "10.66")):
        doc = replace(docs[flat], language="en")
        pdf = render_invoices([doc])
        keep(f"common-{flat}", pdf)
        check_arithmetic(pdf, doc, "en")
        text = " ".join(text_of(pdf).split())
        # 32,00 € among 3 flats: 10,66 € each and 2 cents left, one each to S-901 and S-902
        note = t("Common consumption: {total} among {flats} flats is {each} each; the {extra} "
                 "remaining cent(s) go one each to the first {extra} flats in point-number "
                 "order, which pay {more}. Your share: {share}.", total=t.money(D("32.00")),
                 flats=3, each=t.money(D("10.66")), extra=2, more=t.money(D("10.67")),
                 share=t.money(D(share)))
        assert plain(note) in text, flat
