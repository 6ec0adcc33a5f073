"""The warning register and the register of orders printed as lists (both databases): every
warning and order of the register with its customer, debt, deadline, delivery and status, in
the language asked for; only roles that print documents may print them."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from office_app.db import Database
from office_app.errors import PermissionDenied
from office_app.services.billing import run as billing
from office_app.services.collection import documents, orders, warnings
from office_app.services.collection.warnings import WarningCriteria
from office_app.services.permissions import Operator, Role
from tests.billing_setup import PERIOD, build_office
from tests.conftest import make_operator


def _text(pdf: bytes) -> str:
    """The pages' text with line breaks inside table cells joined up."""
    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(BytesIO(pdf)).pages)


def test_both_registers_print_every_entry(db: Database, supervisor: Operator,
                                         clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    warnings.run_warnings(db, supervisor, WarningCriteria(date(2024, 8, 1)))
    issued = warnings.warning_register(db, supervisor)
    assert len(issued) == 3
    warnings.record_delivery(db, supervisor, issued[0].id, "post", date(2024, 8, 3))
    orders.run_orders(db, supervisor, date(2024, 8, 14))

    text = _text(documents.warning_register_document(db, clerk, "sr_Latn"))
    assert "Evidencija opomena" in text and "3 stavki" in text
    for w in issued:
        assert w.number in text and w.customer_code in text
    assert "Radulović Jovan" in text and "2.016,03" in text and "13.08.2024" in text
    assert "Poštom 03.08.2024" in text

    text = _text(documents.order_register_document(db, clerk, "en"))
    assert "Register of orders" in text and "3 entries" in text
    for o in orders.order_register(db, supervisor):
        assert o.number in text and o.meter_number in text
    assert "to carry out" in text


def test_an_auditor_cannot_print_the_registers(db: Database) -> None:
    auditor = make_operator(Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        documents.warning_register_document(db, auditor, "en")
    with pytest.raises(PermissionDenied):
        documents.order_register_document(db, auditor, "en")
