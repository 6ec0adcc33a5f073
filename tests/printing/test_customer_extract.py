"""The customer record extract (004 §24.1) on both databases: what a reader looks for in the PDF."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from office_app.db import Database
from office_app.errors import NotFound
from office_app.services import audit, customer_status, ledger, metering, network
from office_app.services.customer_status import StatusOrigin
from office_app.services.customers import CustomerInput, create_customer, update_customer
from office_app.services.extract import (
    AUDIT_ACTION,
    customer_extract,
    gather_extract,
    history_start,
)
from office_app.services.metering import MeterInput, PointInput
from office_app.services.office import save_office
from office_app.services.permissions import Operator, Role
from tests.conftest import TEST_OFFICE, make_operator

JMBG = "0101990710008"


@pytest.fixture
def customer(db: Database, supervisor: Operator, clerk: Operator) -> dict:
    zone = network.save_zone(db, supervisor, "z03", "Šušanj")
    reader = network.save_reader(db, supervisor, "r12", "Željko Ćirović")
    record = create_customer(db, clerk, CustomerInput(
        surname="Đurović Šćekić", given_name="Milica", personal_number=JMBG,
        address="Njegoševa 12", place="Bar", postal_code="85000", phone="+382 67 123 456",
        email="milica@example.me", household_members=4, contract_signed=date(2019, 3, 4),
        contract_effective=date(2019, 3, 15), registered_on=date(2019, 3, 4)))
    with db.unit_of_work() as s:
        customer_status.set_status(s, supervisor, record.id, "I", date(2024, 5, 6),
                                   StatusOrigin("disconnection", 1, "ZI-2024-00001"))
    point = metering.create_point(db, clerk, record.id, PointInput(
        number="100245", address="Njegoševa 12", place="Bar", zone_id=zone.id,
        reader_id=reader.id, reading_code=17), date(2019, 3, 15))
    old = metering.create_meter(db, clerk, MeterInput(number="E-1001", type="ISKRA ME162"))
    metering.install_meter(db, clerk, point.id, old.id, date(2019, 3, 15),
                           metering.Registers(vt="0"))
    metering.remove_meter(db, clerk, point.id, date(2023, 9, 1))
    new = metering.create_meter(db, clerk, MeterInput(
        number="E-778899", type="ISKRA MT174", two_rate=True, constant=Decimal("40"),
        production_date=date(2022, 1, 10), calibration_date=date(2023, 2, 1),
        nominal_current="10(60) A", nominal_voltage="3x230/400 V", seal_numbers="P-44 17"))
    metering.install_meter(db, clerk, point.id, new.id, date(2023, 9, 1),
                           metering.Registers(vt="0", mt="0"))
    return {"record": record, "point": point}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_names_with_diacritics_and_every_identifier_come_back(
        db: Database, clerk: Operator, customer: dict) -> None:
    text = _text(customer_extract(db, clerk, customer["record"].id))
    assert "Đurović Šćekić" in text and "Milica" in text and "Njegoševa 12" in text
    for expected in (customer["record"].code, JMBG, "100245", "E-778899", "E-1001",
                     "Izvod iz registra kupaca", "Test office"):
        assert expected in text
    assert "milica@example.me" in text and "P-44 17" in text


def test_dates_print_as_dd_mm_yyyy(db: Database, clerk: Operator, customer: dict) -> None:
    text = _text(customer_extract(db, clerk, customer["record"].id, "en"))
    for day in ("04.03.2019", "15.03.2019", "06.05.2024", "01.09.2023", "10.01.2022"):
        assert day in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_cyrillic_document_prints_names_and_addresses_in_cyrillic(
        db: Database, clerk: Operator, customer: dict) -> None:
    text = _text(customer_extract(db, clerk, customer["record"].id, "sr_Cyrl"))
    assert "Извод из регистра купаца" in text
    assert "Мјерно мјесто" in text and "Бројило" in text
    # The customer's names and addresses, the office's name and address: Cyrillic.
    for expected in ("Ђуровић Шћекић", "Милица", "Његошева 12", "Бар", "Шушањ",
                     "Тест оффице", "Његошева 1, Бар"):
        assert expected in text, expected
    assert "Đurović" not in text and "Njegoševa" not in text
    # Codes, numbers, e-mail addresses and meter types stay as entered.
    for expected in (JMBG, "100245", "E-778899", "ISKRA MT174", "milica@example.me"):
        assert expected in text, expected


def test_language_defaults_to_the_customers_document_language(
        db: Database, clerk: Operator, customer: dict) -> None:
    record = update_customer(db, clerk, customer["record"].id, replace(
        customer["record"].as_input(), language="sq"))
    text = _text(customer_extract(db, clerk, record.id))
    assert "Konsumatori" in text or "konsumatorit" in text


def test_cashier_may_print_and_the_audit_log_says_who(
        db: Database, supervisor: Operator, customer: dict) -> None:
    cashier = make_operator(Role.CASHIER, "CSH7")
    pdf = customer_extract(db, cashier, customer["record"].id, "sq")
    assert pdf.startswith(b"%PDF")
    printed = [h for h in audit.customer_history(db, supervisor, customer["record"].id)
               if h.action == AUDIT_ACTION]
    assert [(h.operator_code, h.new_value) for h in printed] == [("CSH7", "sq")]


def test_footer_names_operator_and_pages(db: Database, clerk: Operator, customer: dict) -> None:
    text = _text(customer_extract(db, clerk, customer["record"].id, "en"))
    assert "operator CLK1" in text and "Page 1 of" in text
    assert "religion, ethnicity, sex, political views" in text


def test_data_protection_sentence_has_no_doubled_word(db: Database, clerk: Operator,
                                                      customer: dict) -> None:
    text = " ".join(_text(customer_extract(db, clerk, customer["record"].id,
                                           "sr_Latn")).split())
    assert "Ne prikupljamo i ne čuvamo podatke o vjeroispovijesti" in text
    assert "Ne ne" not in text


def _post(db: Database, operator: Operator, customer_id: int, kind: str, number: str,
          day: date, debit: str = "0", credit: str = "0", period: str | None = None) -> None:
    with db.unit_of_work() as s:
        ledger.post(s, operator, ledger.Posting(
            customer_id, kind, number, day, debit=Decimal(debit), credit=Decimal(credit),
            period=period, due_date=day if kind == "invoice" else None))


def test_extract_lists_24_months_of_invoices_with_their_payment_status(
        db: Database, supervisor: Operator, clerk: Operator, customer: dict) -> None:
    cid = customer["record"].id
    today = date.today()
    start = history_start(today)
    old = date(start.year - 1, start.month, 1)          # before the 24 months
    _post(db, supervisor, cid, "invoice", "01-OLD-0000001", old, debit="40.00", period="OLD")
    _post(db, supervisor, cid, "invoice", "01-2099-0000101", start, debit="1234.56",
          period="P-101")
    # Settles the old debt, then invoice 101 in full.
    _post(db, supervisor, cid, "payment", "UPL-7781", start, credit="1274.56")
    _post(db, supervisor, cid, "invoice", "01-2099-0000102", today, debit="75.20",
          period="P-102")
    _post(db, supervisor, cid, "payment", "UPL-7782", today, credit="20.00")
    _post(db, supervisor, cid, "invoice", "01-2099-0000103", today, debit="10.00",
          period="P-103")
    text = " ".join(_text(customer_extract(db, clerk, cid, "en")).split())
    assert "INVOICES AND PAYMENTS IN THE LAST 24 MONTHS" in text
    assert "01-2099-0000101 Invoice P-101 1,234.56" in text
    assert "UPL-7781 Payment" in text and "1,274.56" in text
    assert f"Settled on {start:%d.%m.%Y}" in text
    assert "01-2099-0000102 Invoice P-102 75.20" in text and "Partly paid, 55.20 € open" in text
    assert "UPL-7782 Payment" in text and "20.00" in text
    assert "01-2099-0000103 Invoice P-103 10.00" in text and "Unpaid" in text
    assert "01-OLD-0000001" not in text
    assert "Balance before 40.00 €" in text and "Balance now 65.20 €" in text
    sq = " ".join(_text(customer_extract(db, clerk, cid, "sq")).split())
    assert "FATURAT DHE PAGESAT NË 24 MUAJT E FUNDIT" in sq and "1 234,56" in sq


def test_partly_paid_invoice_says_what_is_open(db: Database, supervisor: Operator,
                                               clerk: Operator, customer: dict) -> None:
    cid = customer["record"].id
    today = date.today()
    _post(db, supervisor, cid, "invoice", "01-2099-0000201", today, debit="60.00", period="P")
    _post(db, supervisor, cid, "payment", "UPL-9001", today, credit="15.50")
    text = " ".join(_text(customer_extract(db, clerk, cid, "sr_Latn")).split())
    assert "RAČUNI I UPLATE U POSLJEDNJA 24 MJESECA" in text
    assert "Djelimično plaćeno, ostalo 44,50 €" in text and "15,50" in text


def test_electricity_extract_has_no_water_fields_and_water_has_no_electricity_fields(
        db: Database, clerk: Operator, customer: dict) -> None:
    text = _text(customer_extract(db, clerk, customer["record"].id, "en"))
    for water_only in ("Connection diameter", "Meter size", "Household members"):
        assert water_only not in text, water_only
    assert "Nominal current" in text and "Time switch number" in text
    with db.unit_of_work() as s:
        save_office(s, replace(TEST_OFFICE, utility="water", name="Vodovod Bar"))
    water = _text(customer_extract(db, clerk, customer["record"].id, "en"))
    for field in ("Connection diameter", "Meter size", "Household members"):
        assert field in water, field
    for electricity_only in ("Nominal current", "Time switch", "Peak-load constant",
                             "Two-rate"):
        assert electricity_only not in water, electricity_only


def test_previous_holder_sees_own_period_but_not_the_new_holder(
        db: Database, clerk: Operator, customer: dict) -> None:
    other = create_customer(db, clerk, CustomerInput(
        surname="Kovačević", given_name="Sanja", address="Obala 3", place="Bar"))
    metering.transfer_point(db, clerk, customer["point"].id, other.id, date(2025, 1, 1))
    data = gather_extract(db, clerk, customer["record"].id)
    assert [p.current for p in data.points] == [False]
    assert [(h.valid_from, h.valid_to) for h in data.points[0].held] == [
        (date(2019, 3, 15), date(2025, 1, 1))]
    text = _text(customer_extract(db, clerk, customer["record"].id, "en"))
    assert "no longer held" in text and "Kovačević" not in text
    assert "Kovačević" in _text(customer_extract(db, clerk, other.id, "en"))


def test_unknown_customer_is_not_found_and_not_audited(db: Database, clerk: Operator) -> None:
    with pytest.raises(NotFound):
        customer_extract(db, clerk, 999999)


def test_first_page_renders_as_a4_with_ink(db: Database, clerk: Operator,
                                           customer: dict) -> None:
    document = pdfium.PdfDocument(customer_extract(db, clerk, customer["record"].id))
    try:
        page = document[0]
        width, height = page.get_size()
        assert (round(width), round(height)) == (595, 842)
        image = page.render(scale=1).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    # Not blank: the header, title and sections put ink on the page.
    assert image.getextrema()[0] < 80


def test_business_extract_shows_pib_account_and_no_points(db: Database, clerk: Operator) -> None:
    business = create_customer(db, clerk, CustomerInput(
        kind="business", category="commercial", name="Pekara Šćepanović d.o.o.",
        tax_number="02005123", bank_account="510-1234567-90", billing_number="N-4471",
        address="Bulevar revolucije 5", place="Bar", language="sr_Cyrl"))
    text = _text(customer_extract(db, clerk, business.id))
    for expected in ("Пекара Шћепановић д.о.о.", "02005123", "510-0000001234567-90", "N-4471",
                     "ПИБ", "Жиро рачун", "Купац нема ниједно мјерно мјесто."):
        assert expected in text
    assert "ЈМБГ" not in text


@pytest.mark.parametrize("language", ["sr_Latn", "sr_Cyrl", "sq", "en"])
def test_extract_and_card_copy_in_every_language(db: Database, supervisor: Operator,
                                                 clerk: Operator, customer: dict,
                                                 language: str) -> None:
    from office_app.i18n import translator
    from office_app.services.billing.invoices import card_copy

    cid = customer["record"].id
    today = date.today()
    _post(db, supervisor, cid, "invoice", "01-2099-0000301", today, debit="2016.03",
          period="P-301")
    t = translator(language)
    extract = " ".join(_text(customer_extract(db, clerk, cid, language)).split())
    card = " ".join(_text(card_copy(db, supervisor, cid, language=language)).split())
    for text in (extract, card):
        amount = " ".join(t.number(Decimal("2016.03"), 2).split())
        assert amount in text and "01-2099-0000301" in text
        name = "Ђуровић Шћекић Милица" if language == "sr_Cyrl" else "Đurović Šćekić Milica"
        assert name in text
        assert " ".join(t("Document type").split()) in text
    for label in ("Payment status", "Debit", "Credit", "Balance", "Unpaid"):
        assert " ".join(t(label).split()) in extract, label
    if language == "en":
        assert "2,016.03" in extract and "2.016,03" not in card
    if language != "en":
        assert "Payment status" not in extract
