"""Printed warnings and orders: two labelled copies, the customer's language and script, and
the water office's second reminder in red (the fill colour in the page content)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from io import BytesIO

from pypdf import PdfReader

from office_app.printing.dunning import orders_pdf, warnings_pdf
from office_app.services.collection.orders import OrderRecord
from office_app.services.collection.warnings import ChasedItem, WarningRecord
from tests.conftest import TEST_OFFICE

WARNING = WarningRecord(
    id=1, number="OP-01-2024-000007", customer_id=5, customer_code="0000005",
    customer_name="Đurović Šćepan", customer_address="Njegoševa 12, Bar", utility="electricity",
    level=1, as_of=date(2024, 8, 1), issued_on=date(2024, 8, 1), debt=D("1234.56"),
    deadline=date(2024, 8, 13), language="en", delivery="", delivered_on=None, outcome="",
    created_by="SUP1", items=(ChasedItem(10, 3, "01-2024-0000003", date(2024, 6, 25),
                                         D("1234.56")),))
RED_FILL = b"1 0 0 rg"


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]


def _content(pdf: bytes) -> bytes:
    return b"".join(p.get_contents().get_data() for p in PdfReader(BytesIO(pdf)).pages)


def test_a_warning_prints_in_two_labelled_copies() -> None:
    pages = _pages(warnings_pdf([WARNING], TEST_OFFICE, "SUP1", "en"))
    assert len(pages) == 2
    assert "COPY 1 OF 2 — FOR THE CUSTOMER" in pages[0]
    assert "COPY 2 OF 2 — FOR THE WARNING REGISTER" in pages[1]
    for text in pages:
        assert "WARNING BEFORE SUSPENSION OF SUPPLY" in text
        for expected in ("0000005", "Đurović Šćepan", "1,234.56 €", "01-2024-0000003",
                         "13.08.2024", "suspended"):
            assert expected in text


def test_a_warning_prints_in_the_customers_script() -> None:
    pages = _pages(warnings_pdf([replace(WARNING, language="sr_Cyrl")], TEST_OFFICE, "SUP1",
                                "sr_Cyrl"))
    assert "Ђуровић Шћепан" in pages[0]
    assert "1.234,56 €" in pages[0]


def test_the_second_water_reminder_is_red_and_the_first_is_not() -> None:
    first = replace(WARNING, utility="water", level=1)
    second = replace(WARNING, utility="water", level=2)
    first_pdf = warnings_pdf([first], TEST_OFFICE, "SUP1", "en")
    second_pdf = warnings_pdf([second], TEST_OFFICE, "SUP1", "en")
    assert RED_FILL not in _content(first_pdf)
    assert RED_FILL in _content(second_pdf)
    text = _pages(second_pdf)[0]
    assert "SECOND REMINDER — LAST NOTICE" in text
    assert "without further" in text and "notice" in text
    assert "within 5 working days" in _pages(first_pdf)[0]


def test_an_order_prints_for_the_operator_and_the_register() -> None:
    order = OrderRecord(
        id=1, number="NI-01-2024-00001", kind="disconnection", customer_id=5,
        customer_code="0000005", customer_name="Đurović Šćepan",
        customer_address="Njegoševa 12, Bar", point_id=2, point_number="P-200",
        point_address="Njegoševa 12, Bar", meter_number="E-200",
        warning_number="OP-01-2024-000007", issued_on=date(2024, 8, 14), debt=D("26.02"),
        status="issued", cancel_reason="", cancel_suggested=False, done_on=None,
        reading=None, remarks="", created_by="SUP1")
    pages = _pages(orders_pdf([order], TEST_OFFICE, "SUP1", "en"))
    assert len(pages) == 2
    assert "FOR THE NETWORK OPERATOR" in pages[0]
    assert "FOR THE REGISTER OF ORDERS" in pages[1]
    for text in pages:
        for expected in ("DISCONNECTION ORDER", "Đurović Šćepan", "E-200", "0000005",
                         "14.08.2024"):
            assert expected in text
