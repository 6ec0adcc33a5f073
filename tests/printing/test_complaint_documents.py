"""The complaint in two copies, the answer letter with the decision, reason and correction, and
the e-mail draft with the letter attached — read back as a customer would."""
from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO

import pytest
from pypdf import PdfReader

from office_app.db import Database
from office_app.errors import Conflict
from office_app.services import complaints, ledger
from office_app.services.billing import run as billing
from office_app.services.complaints import ComplaintInput
from office_app.services.customers import update_customer
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE


def _text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture
def justified(sqlite_db: Database, supervisor: Operator, clerk: Operator) -> tuple[int, int]:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    office = build_office(sqlite_db, supervisor, clerk)
    billing.run_billing(sqlite_db, supervisor, PERIOD)
    cid = office.customers["P-100"]
    invoice_id = next(r.invoice_id for r in ledger.card(sqlite_db, supervisor, cid).rows
                      if r.invoice_id)
    assert invoice_id is not None
    entered = complaints.register(sqlite_db, clerk, ComplaintInput(
        cid, date(2024, 6, 12), "written", "reading", "Očitano 10350, a brojilo pokazuje 10250.",
        "12.10", [invoice_id]))
    return cid, entered.id


def test_the_complaint_prints_in_two_labelled_copies(
        sqlite_db: Database, clerk: Operator, justified: tuple[int, int]) -> None:
    pages = _text(complaints.complaint_document(sqlite_db, clerk, justified[1]))
    assert len(pages) == 2
    assert "Primjerak za kupca" in pages[0] and "Primjerak za knjigu prigovora" in pages[1]
    for page in pages:
        assert "Prigovor RK-01-2024-000001" in page
        assert "odgovor do 26.06.2024" in page and "12,10 €" in page
        assert "01-2024-0000001" in page and "Očitavanje brojila" in page


def test_the_answer_letter_and_its_email_draft(
        sqlite_db: Database, clerk: Operator, supervisor: Operator,
        justified: tuple[int, int]) -> None:
    cid, complaint_id = justified
    with pytest.raises(Conflict) as early:
        complaints.answer_letter(sqlite_db, clerk, complaint_id)
    assert early.value.field == "decision"
    complaints.answer(sqlite_db, clerk, complaint_id, "justified",
                      "Stanje je pogrešno uneseno.", date(2024, 6, 20))
    complaints.correct(sqlite_db, supervisor, complaint_id, invoice_id=_invoice(
        sqlite_db, supervisor, cid), kind="credit", net_amount="10.00", on=date(2024, 6, 20))
    [letter] = _text(complaints.answer_letter(sqlite_db, clerk, complaint_id))
    assert "Odgovor na Vaš prigovor RK-01-2024-000001" in letter
    assert "Osnovan" in letter and "Stanje je pogrešno uneseno." in letter
    assert "CN-01-2024-000001" in letter and "Radulović Jovan" in letter
    with pytest.raises(Conflict) as no_address:
        complaints.answer_email(sqlite_db, clerk, complaint_id)
    assert no_address.value.field == "email"
    record = complaints.get_complaint(sqlite_db, clerk, complaint_id)
    _give_email(sqlite_db, clerk, cid, "jovan@example.me")
    draft = message_from_bytes(complaints.answer_email(sqlite_db, clerk, complaint_id),
                               policy=policy.default)
    assert isinstance(draft, EmailMessage)
    assert draft["X-Unsent"] == "1" and "jovan@example.me" in draft["To"]
    assert draft["Subject"] == f"Odgovor na Vaš prigovor {record.number}"
    [attachment] = list(draft.iter_attachments())
    assert attachment.get_filename() == "RK-01-2024-000001.pdf"
    assert "CN-01-2024-000001" in _text(attachment.get_content())[0]


def _invoice(db: Database, op: Operator, cid: int) -> int:
    found = next(r.invoice_id for r in ledger.card(db, op, cid).rows if r.invoice_id)
    assert found is not None
    return found


def _give_email(db: Database, clerk: Operator, cid: int, email: str) -> None:
    from dataclasses import fields, replace

    from office_app.services.customers import CustomerInput, get_customer

    current = get_customer(db, clerk, cid)
    data = CustomerInput(**{f.name: getattr(current, f.name) for f in fields(CustomerInput)})
    update_customer(db, clerk, cid, replace(data, email=email))
