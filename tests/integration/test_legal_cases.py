"""The litigation register on both databases: a case sets T and posts its costs to the card,
closing it clears T as the outcome says, bad input is refused with a message naming the field,
and only the legal office and supervisors may use it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.services import ledger, legal
from office_app.services.legal import CaseInput
from office_app.services.permissions import Operator, Role
from tests.conftest import make_operator
from tests.integration.legal_setup import debtor, pay

FILED = date(2024, 9, 2)


@pytest.fixture
def lawyer() -> Operator:
    return make_operator(Role.LEGAL, "LEG1")


def _status(db: Database, supervisor: Operator, customer_id: int) -> str | None:
    from office_app.services.customers import get_customer

    return get_customer(db, supervisor, customer_id).status


def _case(customer_id: int, number: str = "I 120/24", fee: str = "35.00",
          costs: str = "12.50") -> CaseInput:
    return CaseInput(customer_id, number, "Osnovni sud u Baru", FILED, "240.00", fee, costs)


def test_a_case_sets_T_and_posts_the_court_fee_and_costs_to_the_card(
        db: Database, clerk: Operator, supervisor: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    case = legal.open_case(db, lawyer, _case(cid))
    assert case.stage == "proposal_filed" and case.is_open
    assert _status(db, supervisor, cid) == "T"
    card = ledger.card(db, supervisor, cid)
    costs = [r for r in card.rows if r.document_type == "court_costs"]
    assert [(r.document_number, r.debit) for r in costs] == [("SK-01-2024-000001", D("47.50"))]
    assert card.closing_balance == D("287.50")
    assert [c.case_number for c in legal.list_cases(db, supervisor)] == ["I 120/24"]


def test_closing_as_paid_clears_T_only_when_the_card_is_settled(
        db: Database, clerk: Operator, supervisor: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    case = legal.open_case(db, lawyer, _case(cid))
    with pytest.raises(Conflict) as refused:
        legal.close_case(db, lawyer, case.id, "paid", "paid after the decision", date(2024, 11, 1))
    assert refused.value.field == "stage" and "287.50" in str(refused.value)
    assert _status(db, supervisor, cid) == "T"
    pay(db, cid, "287.50", date(2024, 10, 20), "B-1")
    closed = legal.close_case(db, lawyer, case.id, "paid", "paid after the decision",
                              date(2024, 11, 1))
    assert closed.closed_on == date(2024, 11, 1) and closed.stage == "paid"
    assert _status(db, supervisor, cid) is None
    from office_app.services.customer_status import status_history

    history = status_history(db, supervisor, cid)
    assert [(h.status, h.origin_kind, h.origin_number) for h in history] == [
        (None, "lawsuit_closed", "I 120/24"), ("T", "lawsuit", "I 120/24")]


def test_writing_off_posts_a_credit_of_what_is_owed_and_clears_T(
        db: Database, clerk: Operator, supervisor: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    case = legal.open_case(db, lawyer, _case(cid, fee="0", costs="0"))
    legal.close_case(db, lawyer, case.id, "written_off", "debtor unknown at the address",
                     date(2025, 3, 3))
    card = ledger.card(db, supervisor, cid)
    assert [(r.document_number, r.credit) for r in card.rows
            if r.document_type == "write_off"] == [("OT-01-2025-000001", D("240.00"))]
    assert card.closing_balance == 0
    assert _status(db, supervisor, cid) is None


def test_writing_off_is_refused_when_the_card_shows_nothing_owed(
        db: Database, clerk: Operator, supervisor: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    case = legal.open_case(db, lawyer, _case(cid, fee="0", costs="0"))
    pay(db, cid, "240.00", date(2024, 10, 20), "B-1")
    with pytest.raises(Conflict) as refused:
        legal.close_case(db, lawyer, case.id, "written_off", "uncollectable", date(2024, 11, 1))
    assert refused.value.field == "stage" and "owes nothing" in str(refused.value)
    card = ledger.card(db, supervisor, cid)
    assert [r.document_type for r in card.rows if r.document_type == "write_off"] == []
    assert legal.get_case(db, lawyer, case.id).is_open and _status(db, supervisor, cid) == "T"


def test_T_stays_while_another_case_of_the_customer_is_open(
        db: Database, clerk: Operator, supervisor: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    first = legal.open_case(db, lawyer, _case(cid, "I 1/24"))
    legal.open_case(db, lawyer, _case(cid, "I 2/24"))
    legal.close_case(db, lawyer, first.id, "settled", "settled by agreement", date(2024, 10, 1))
    assert _status(db, supervisor, cid) == "T"


def test_bad_cases_are_refused_and_nothing_is_saved(
        db: Database, clerk: Operator, supervisor: Operator, lawyer: Operator) -> None:
    paid_up = debtor(db, clerk, "Perović", None)
    with pytest.raises(Conflict) as no_debt:
        legal.open_case(db, lawyer, _case(paid_up))
    assert no_debt.value.field == "customer_id" and "owes nothing" in str(no_debt.value)
    cid = debtor(db, clerk, "Vuković", "240.00")
    legal.open_case(db, lawyer, _case(cid))
    with pytest.raises(Conflict) as twice:
        legal.open_case(db, lawyer, _case(cid))
    assert twice.value.field == "case_number" and "Osnovni sud u Baru" in str(twice.value)
    with pytest.raises(ValidationError) as amount:
        legal.open_case(db, lawyer, _case(cid, "I 3/24", fee="-5"))
    assert amount.value.field == "court_fee"
    assert len(legal.list_cases(db, lawyer)) == 1
    assert ledger.card(db, supervisor, cid).closing_balance == D("287.50")


def test_events_give_upcoming_and_missed_deadlines(
        db: Database, clerk: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    case = legal.open_case(db, lawyer, _case(cid))
    missed = legal.add_event(db, lawyer, case.id, "decision", date(2024, 10, 1),
                             date(2024, 10, 9), "answer to the objection")
    legal.add_event(db, lawyer, case.id, "hearing", date(2024, 10, 5), date(2024, 10, 20))
    done = legal.add_event(db, lawyer, case.id, "appeal", date(2024, 10, 5), date(2024, 10, 8))
    legal.add_event(db, lawyer, case.id, "hearing", date(2024, 10, 5), date(2024, 12, 20))
    legal.mark_done(db, lawyer, done.id, date(2024, 10, 7))
    found = legal.deadlines(db, lawyer, date(2024, 10, 10), days_ahead=14)
    assert [(e.id, e.note) for e in found.missed] == [(missed.id, "answer to the objection")]
    assert [e.deadline for e in found.upcoming] == [date(2024, 10, 20)]
    with pytest.raises(ValidationError) as wrong:
        legal.add_event(db, lawyer, case.id, "hearing", date(2024, 10, 5), date(2024, 10, 1))
    assert wrong.value.field == "deadline"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachments_are_kept_only_when_pdf_or_image_and_not_too_large(
        db: Database, clerk: Operator, lawyer: Operator) -> None:
    cid = debtor(db, clerk, "Vuković", "240.00")
    case = legal.open_case(db, lawyer, _case(cid))
    kept = legal.attach(db, lawyer, case.id, "C:\\scans\\rjesenje.pdf", PDF)
    legal.attach(db, lawyer, case.id, "dostavnica.png", PNG)
    assert [(a.file_name, a.media_type) for a in legal.attachments(db, lawyer, case.id)] == [
        ("rjesenje.pdf", "application/pdf"), ("dostavnica.png", "image/png")]
    assert legal.attachment_content(db, lawyer, kept.id) == PDF
    with pytest.raises(ValidationError) as not_pdf:
        legal.attach(db, lawyer, case.id, "tuzba.pdf", b"MZ\x90\x00 an executable")
    assert not_pdf.value.field == "file_name" and "tuzba.pdf" in str(not_pdf.value)
    with pytest.raises(ValidationError) as too_big:
        legal.attach(db, lawyer, case.id, "big.pdf", PDF + b"0" * legal.MAX_ATTACHMENT)
    assert "at most 10 MB" in str(too_big.value)
    assert len(legal.attachments(db, lawyer, case.id)) == 2


@pytest.mark.parametrize("role", [Role.CLERK, Role.CASHIER, Role.AUDITOR])
def test_only_legal_staff_and_supervisors_use_the_register(
        sqlite_db: Database, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        legal.list_cases(sqlite_db, make_operator(role))
    with pytest.raises(PermissionDenied):
        legal.open_case(sqlite_db, make_operator(role), _case(1))


def test_candidates_are_old_enough_debts_not_yet_sued(
        db: Database, clerk: Operator, lawyer: Operator) -> None:
    on = date(2024, 9, 1)
    big_old = debtor(db, clerk, "Bojović", "900.00", date(2024, 1, 25), status="I")
    debtor(db, clerk, "Mrvaljević", "900.00", date(2024, 8, 25))          # too recent
    debtor(db, clerk, "Kaluđerović", "40.00", date(2024, 1, 25))          # too small
    older = debtor(db, clerk, "Šćekić", "300.00", date(2024, 2, 25))
    sued = debtor(db, clerk, "Lazarević", "700.00", date(2024, 1, 25))
    debtor(db, clerk, "Radović", "800.00", date(2024, 1, 25), status="N")   # contract ended
    legal.open_case(db, lawyer, _case(sued))
    found = legal.candidates(db, lawyer, "100", 90, on)
    assert [(c.customer_id, c.debt, c.status) for c in found] == [
        (big_old, D("900.00"), "I"), (older, D("300.00"), None)]
    assert found[0].days_overdue == (on - date(2024, 1, 25)).days


def _audit(db: Database) -> list[str]:
    from office_app.services.integrity import CHECKS, Scope

    with db.unit_of_work() as s:
        return [v.message_id.format(**v.params) for v in CHECKS["legal_status"](s, Scope())]


def test_the_audit_is_clean_after_use_and_names_a_tampered_status(
        db: Database, clerk: Operator, lawyer: Operator) -> None:
    from office_app.models import Customer

    cid = debtor(db, clerk, "Vuković", "240.00")
    other = debtor(db, clerk, "Perović", "99.00")
    case = legal.open_case(db, lawyer, _case(cid))
    legal.open_case(db, lawyer, _case(other, "I 9/24"))
    legal.close_case(db, lawyer, case.id, "written_off", "uncollectable", date(2025, 1, 10))
    assert _audit(db) == []
    with db.unit_of_work() as s:       # what the old T filter on the customer list allowed
        for customer_id, status in ((cid, "T"), (other, None)):
            row = s.get(Customer, customer_id)
            assert row is not None
            row.status = status
        codes = {customer_id: s.get(Customer, customer_id).code for customer_id in (cid, other)}
    found = _audit(db)
    assert found == [
        f"Customer {codes[cid]} is marked T (sued) but has no open case in the litigation "
        "register.",
        f"Case Osnovni sud u Baru I 9/24 is open but customer {codes[other]} is not marked T "
        "(sued)."]
