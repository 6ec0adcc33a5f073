"""The termination notice printed when a contract ends, and retention: the report of what has
passed its keeping period, and archiving that removes personal data but keeps the books right
(the audit stays clean)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied
from office_app.services import complaints, ledger, legal, meter_events, retention, termination
from office_app.services.complaints import ComplaintInput
from office_app.services.customers import get_customer
from office_app.services.integrity import CHECKS, Scope
from office_app.services.legal import CaseInput
from office_app.services.meter_events import Registers
from office_app.services.permissions import Operator, Role
from tests.billing_setup import build_office
from tests.conftest import make_operator
from tests.integration.legal_setup import debtor


def _audit(db: Database) -> list[str]:
    with db.unit_of_work() as s:
        return [f"{name}: {v.message_id}" for name, check in CHECKS.items()
                for v in check(s, Scope())]


def test_the_termination_notice_has_the_final_reading_and_the_balance(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    owner = office.customers["P-100"]
    with pytest.raises(Conflict) as active:
        termination.termination_notice(db, clerk, owner)
    assert active.value.field == "status"
    meter_events.terminate_contract(db, supervisor, owner, date(2024, 6, 20),
                                    {office.points["P-100"]: Registers("10400", "5170")},
                                    "iselio se")
    notice = termination.notice_data(db, clerk, owner)
    assert notice.papers_kept_until == date(2029, 6, 20)
    assert [(r.point_number, r.vt, r.mt) for r in notice.readings] == [
        ("P-100", D("10400"), D("5170"))]
    pages = [p.extract_text() for p in
             PdfReader(BytesIO(termination.termination_notice(db, clerk, owner))).pages]
    assert len(pages) == 2
    assert "Primjerak za kupca" in pages[0] and "Primjerak za arhivu" in pages[1]
    for page in pages:
        assert "Obavještenje o raskidu ugovora" in page and "20.06.2024" in page
        assert "P-100" in page and "10.400" in page and "iselio se" in page
        assert "20.06.2029" in page


def test_keeping_periods() -> None:
    assert retention.keep_until("contract", date(2020, 2, 29)) == date(2025, 2, 28)
    assert retention.keep_until("warning", date(2024, 3, 31)) == date(2025, 3, 31)
    assert retention.keep_until("complaint", date(2024, 6, 20)) == date(2025, 6, 20)
    assert retention.keep_until("court_case", date(2021, 1, 10)) == date(2024, 1, 10)


def test_archiving_removes_personal_data_and_keeps_the_books_and_the_audit_clean(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    lawyer = make_operator(Role.LEGAL)
    sued = debtor(db, clerk, "Vuković", "240.00", date(2019, 1, 25))
    case = legal.open_case(db, lawyer, CaseInput(sued, "I 1/19", "Osnovni sud u Baru",
                                                 date(2019, 3, 1), "240.00", "30.00"))
    legal.add_event(db, lawyer, case.id, "hearing", date(2019, 4, 2), None,
                    "Debtor Marko Vuković said he works abroad")
    scan = legal.attach(db, lawyer, case.id, "vukovic-id-card.pdf", b"%PDF-1.4 scan of an ID")
    legal.close_case(db, lawyer, case.id, "written_off", "uncollectable", date(2020, 5, 4))
    recent = legal.open_case(db, lawyer, CaseInput(
        debtor(db, clerk, "Perović", "99.00"), "I 9/24", "Osnovni sud u Baru",
        date(2024, 3, 1), "99.00"))
    kept_scan = legal.attach(db, lawyer, recent.id, "perovic.png", b"\x89PNG\r\n\x1a\n..")
    entered = complaints.register(db, clerk, ComplaintInput(
        sued, date(2021, 6, 1), "written", "reading", "Marko Vuković, tel. 067 111 222",
        "10.00"))
    complaints.answer(db, clerk, entered.id, "rejected", "Reading confirmed at the address.",
                      date(2021, 6, 8))
    with db.unit_of_work() as s:      # a contract that ended long ago
        from office_app.models import Customer

        row = s.get(Customer, sued)
        assert row is not None
        row.status, row.status_date = "N", date(2019, 12, 31)
    card_before = ledger.card(db, supervisor, sued)
    assert _audit(db) == []
    with pytest.raises(PermissionDenied):
        retention.due_for_archiving(db, clerk, date(2025, 6, 1))
    due = retention.due_for_archiving(db, supervisor, date(2025, 6, 1))
    assert [(d.kind, d.reference) for d in due] == [
        ("contract", get_customer(db, supervisor, sued).code),
        ("court_case", "Osnovni sud u Baru I 1/19"),
        ("complaint", "RK-01-2021-000001")]
    assert all(recent.case_number not in d.reference for d in due)
    done = retention.archive(db, supervisor, date(2025, 6, 1))
    assert (done.customers, done.court_cases, done.complaints, done.attachments) == (1, 1, 1, 1)
    customer = get_customer(db, supervisor, sued)
    assert customer.name == "—" and customer.surname == "" and customer.address == ""
    assert customer.email == "" and customer.code == card_before.customer_code
    [kept] = complaints.list_complaints(db, supervisor, customer_id=sued)
    assert kept.description == "" and kept.reason == "" and kept.number == entered.number
    assert kept.disputed_amount == D("10.00") and kept.decision == "rejected"
    for document in (complaints.complaint_document, complaints.answer_letter,
                     complaints.answer_email):
        with pytest.raises(Conflict, match="archived on 2025-06-01"):
            document(db, supervisor, entered.id)
    card_after = ledger.card(db, supervisor, sued)
    assert [(r.document_number, r.debit, r.credit) for r in card_after.rows] == [
        (r.document_number, r.debit, r.credit) for r in card_before.rows]
    assert card_after.closing_balance == card_before.closing_balance == 0
    assert [c.case_number for c in legal.list_cases(db, supervisor)] == ["I 9/24", "I 1/19"]
    [archived_case] = [c for c in legal.list_cases(db, supervisor) if c.id == case.id]
    assert archived_case.outcome == "" and archived_case.amount_sued == D("240.00")
    assert [e.note for e in legal.events(db, supervisor, case.id)] == [""]
    [erased] = legal.attachments(db, supervisor, case.id)
    assert (erased.id, erased.file_name, erased.size) == (scan.id, "", 0)
    with pytest.raises(Conflict, match="erased with its archived case on 2025-06-01"):
        legal.attachment_content(db, supervisor, scan.id)
    assert legal.attachment_content(db, supervisor, kept_scan.id).startswith(b"\x89PNG")
    assert retention.due_for_archiving(db, supervisor, date(2025, 6, 1)) == []
    assert _audit(db) == []
    # The files of a case still kept cannot be erased or changed, and no file is deleted.
    for statement in (
            f"UPDATE case_attachment SET file_name = '', content = :empty, size = 0, "
            f"erased_on = '2025-06-01' WHERE id = {kept_scan.id}",
            f"UPDATE case_attachment SET file_name = 'x.pdf' WHERE id = {scan.id}",
            f"DELETE FROM case_attachment WHERE id = {scan.id}"):
        with pytest.raises(DBAPIError, match="case attachment is only erased|append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement), {"empty": b""})


def test_archiving_a_selection_in_batches_reports_progress(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    entered = []
    for n in range(3):
        cid = debtor(db, clerk, f"Kupac{n}", None)
        row = complaints.register(db, clerk, ComplaintInput(
            cid, date(2021, 6, 1 + n), "written", "meter", f"Text {n}", "0"))
        complaints.answer(db, clerk, row.id, "rejected", "Meter is right.", date(2021, 6, 8))
        entered.append(row)
    reports: list[tuple[int, int]] = []
    done = retention.archive(db, supervisor, date(2025, 6, 1),
                             [("complaint", entered[0].id), ("complaint", entered[2].id)],
                             lambda n, total: reports.append((n, total)))
    assert done.complaints == 2 and reports == [(2, 2)]
    assert [d.reference for d in retention.due_for_archiving(db, supervisor,
                                                             date(2025, 6, 1))] == [
        entered[1].number]


def test_a_cancelled_archiving_keeps_the_batches_it_finished(
        db: Database, clerk: Operator, supervisor: Operator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        cid = debtor(db, clerk, f"Kupac{n}", None)
        row = complaints.register(db, clerk, ComplaintInput(
            cid, date(2021, 6, 1 + n), "written", "meter", f"Text {n}", "0"))
        complaints.answer(db, clerk, row.id, "rejected", "Meter is right.", date(2021, 6, 8))
    monkeypatch.setattr(retention, "BATCH", 2)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Cancelled(f"{done}/{total}")

    with pytest.raises(Cancelled, match="2/3"):
        retention.archive(db, supervisor, date(2025, 6, 1), progress=cancel)
    left = retention.due_for_archiving(db, supervisor, date(2025, 6, 1))
    assert [d.reference for d in left] == ["RK-01-2021-000003"]
    texts = {c.number: c.description for c in complaints.list_complaints(db, supervisor)}
    assert texts == {"RK-01-2021-000001": "", "RK-01-2021-000002": "",
                     "RK-01-2021-000003": "Text 2"}
