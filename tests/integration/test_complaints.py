"""The complaint book on both databases: numbering and the 10-working-day deadline, answers
that need a decision, the correction of a justified complaint on the card and in the complaint,
the disputed amount left out of what is demanded, and who may use the book."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.services import complaints, ledger
from office_app.services.billing import corrections
from office_app.services.billing import run as billing
from office_app.services.calendar import OfficeCalendar
from office_app.services.complaints import ComplaintInput
from office_app.services.permissions import SYSTEM, Operator, Role
from tests.billing_setup import PERIOD, build_office
from tests.conftest import make_operator
from tests.integration.legal_setup import debtor


def _invoice(db: Database, supervisor: Operator, clerk: Operator) -> tuple[int, int, D]:
    """P-100's invoice of 2024-05 (57,03 with VAT): (customer, invoice id, total)."""
    office = build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    cid = office.customers["P-100"]
    entry = next(r for r in ledger.card(db, supervisor, cid).rows
                 if r.document_type == "invoice")
    assert entry.invoice_id is not None
    return cid, entry.invoice_id, entry.debit


@pytest.mark.parametrize(("received", "deadline"), [
    (date(2024, 6, 10), date(2024, 6, 24)),   # Monday: two weeks later
    (date(2024, 6, 14), date(2024, 6, 28)),   # Friday
    (date(2024, 6, 15), date(2024, 6, 28)),   # Saturday counts from Monday
    (date(2024, 4, 26), date(2024, 5, 14)),   # Labour Day: 1 and 2 May
    (date(2024, 7, 10), date(2024, 7, 25)),   # Statehood Day, a Saturday, observed 15 July
])
def test_the_answer_deadline_is_ten_working_days_in_montenegro(received: date,
                                                              deadline: date) -> None:
    assert complaints.answer_deadline(received, OfficeCalendar("ME")) == deadline


def test_an_office_closed_day_moves_the_deadline(db: Database, clerk: Operator,
                                                 supervisor: Operator) -> None:
    from office_app.services import calendar

    calendar.add_closed_day(db, supervisor, date(2024, 6, 21), "Dan opštine")
    cid = debtor(db, clerk, "Vuković", "100.00")
    entered = complaints.register(db, clerk, ComplaintInput(
        cid, date(2024, 6, 10), "written", "meter", "Meter stopped.", "0"))
    assert entered.deadline == date(2024, 6, 25)


def test_a_justified_complaint_is_corrected_and_linked_both_ways(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    cid, invoice_id, total = _invoice(db, supervisor, clerk)
    assert total == D("57.03")
    entered = complaints.register(db, clerk, ComplaintInput(
        cid, date(2024, 6, 12), "written", "reading", "The meter was read wrongly.",
        "12.10", [invoice_id]))
    assert entered.number == "RK-01-2024-000001"
    assert entered.deadline == date(2024, 6, 26)
    assert entered.invoice_numbers == ("01-2024-0000001",)
    answered = complaints.answer(db, clerk, entered.id, "justified",
                                 "Reading keyed as 10350 instead of 10250.", date(2024, 6, 20))
    assert answered.decision == "justified" and not answered.is_open
    with pytest.raises(PermissionDenied):     # a clerk may not issue credit notes
        complaints.correct(db, clerk, entered.id, invoice_id, "credit", "10.00",
                           date(2024, 6, 20))
    corrected = complaints.correct(db, supervisor, entered.id, invoice_id, "credit", "10.00",
                                   date(2024, 6, 20))
    assert corrected.correction_number == "CN-01-2024-000001"
    card = ledger.card(db, supervisor, cid)
    note = next(r for r in card.rows if r.document_type == "credit_note")
    assert (note.document_number, note.credit) == ("CN-01-2024-000001", D("12.10"))
    assert "RK-01-2024-000001" in note.description
    assert card.closing_balance == D("44.93")
    [issued] = corrections.notes_of(db, supervisor, invoice_id)
    back = complaints.complaint_of_note(db, supervisor, issued.id)
    assert back is not None and back.number == "RK-01-2024-000001"
    with pytest.raises(Conflict):
        complaints.correct(db, supervisor, entered.id, invoice_id, "credit", "1.00",
                           date(2024, 6, 21))


def test_answers_without_a_decision_and_bad_complaints_are_refused(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    cid, invoice_id, _total = _invoice(db, supervisor, clerk)
    other = debtor(db, clerk, "Perović", "10.00")
    entered = complaints.register(db, clerk, ComplaintInput(
        cid, date(2024, 6, 12), "electronic", "bill_amount", "Too much.", "5.00"))
    with pytest.raises(ValidationError) as no_decision:
        complaints.answer(db, clerk, entered.id, None, "We checked.", date(2024, 6, 13))
    assert no_decision.value.field == "decision"
    with pytest.raises(ValidationError) as no_reason:
        complaints.answer(db, clerk, entered.id, "rejected", " ", date(2024, 6, 13))
    assert no_reason.value.field == "reason"
    with pytest.raises(Conflict) as not_justified:
        complaints.correct(db, supervisor, entered.id, invoice_id, "credit", "1.00",
                           date(2024, 6, 13))
    assert "not decided justified" in str(not_justified.value)
    with pytest.raises(ValidationError) as foreign:
        complaints.register(db, clerk, ComplaintInput(
            other, date(2024, 6, 12), "written", "meter", "x", "1.00", [invoice_id]))
    assert foreign.value.field == "invoice_ids"
    with pytest.raises(ValidationError) as too_much:
        complaints.register(db, clerk, ComplaintInput(
            cid, date(2024, 6, 12), "written", "meter", "x", "60.00", [invoice_id]))
    assert too_much.value.field == "disputed_amount" and "57.03" in str(too_much.value)
    assert [c.number for c in complaints.list_complaints(db, clerk)] == ["RK-01-2024-000001"]


def test_overdue_complaints_and_the_disputed_amounts_of_open_ones(
        db: Database, clerk: Operator) -> None:
    late = debtor(db, clerk, "Vuković", "100.00")
    answered = debtor(db, clerk, "Perović", "100.00")
    fresh = debtor(db, clerk, "Bojović", "100.00")
    for cid, received, amount in ((late, date(2024, 6, 3), "30.00"),
                                  (late, date(2024, 6, 4), "5.50"),
                                  (answered, date(2024, 6, 3), "20.00"),
                                  (fresh, date(2024, 6, 20), "7.00")):
        complaints.register(db, clerk, ComplaintInput(
            cid, received, "written", "bill_amount", "Too much.", amount))
    done = complaints.list_complaints(db, clerk, customer_id=answered)[0]
    complaints.answer(db, clerk, done.id, "rejected", "Bill is right.", date(2024, 6, 10))
    found = complaints.overdue(db, clerk, date(2024, 6, 21))
    assert [(c.customer_id, c.deadline) for c in found] == [
        (late, date(2024, 6, 17)), (late, date(2024, 6, 18))]
    with db.unit_of_work() as s:
        on_5th = complaints.disputed_amounts(s, [late, answered, fresh], date(2024, 6, 5))
        on_21st = complaints.disputed_amounts(s, [late, answered, fresh], date(2024, 6, 21))
    assert on_5th == {late: D("35.50"), answered: D("20.00")}
    assert on_21st == {late: D("35.50"), fresh: D("7.00")}


@pytest.mark.parametrize("role", [Role.LEGAL, Role.CASHIER, Role.AUDITOR])
def test_only_customer_care_and_supervisors_use_the_book(sqlite_db: Database,
                                                         role: Role) -> None:
    with pytest.raises(PermissionDenied):
        complaints.list_complaints(sqlite_db, make_operator(role))
    with pytest.raises(PermissionDenied):
        complaints.overdue(sqlite_db, make_operator(role), date(2024, 1, 1))


def test_the_warning_run_leaves_out_a_debt_the_customer_disputes(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    from office_app.services.collection.warnings import WarningCriteria, preview_warnings

    disputing = debtor(db, clerk, "Vuković", "80.00", date(2024, 4, 25))
    partly = debtor(db, clerk, "Perović", "80.00", date(2024, 4, 25))
    answered = debtor(db, clerk, "Bojović", "80.00", date(2024, 4, 25))
    for cid, amount in ((disputing, "80.00"), (partly, "30.00"), (answered, "80.00")):
        complaints.register(db, clerk, ComplaintInput(
            cid, date(2024, 5, 20), "written", "bill_amount", "Too much.", amount))
    done = complaints.list_complaints(db, clerk, customer_id=answered)[0]
    complaints.answer(db, clerk, done.id, "rejected", "Bill is right.", date(2024, 5, 27))
    preview = preview_warnings(db, supervisor, WarningCriteria(as_of=date(2024, 6, 3),
                                                               min_debt=D("10.00")))
    reasons = {c.customer_id: c.reason for c in preview.candidates}
    assert reasons[disputing] == complaints.DISPUTED
    assert reasons[partly] == "" and reasons[answered] == ""
    assert {c.customer_id for c in preview.to_issue} == {partly, answered}
    debts = {c.customer_id: c.debt for c in preview.candidates}
    assert debts[partly] == D("50.00") and debts[answered] == D("80.00")


def test_a_partly_disputed_debt_is_warned_for_the_undisputed_rest_only(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    """Issue 11: the run subtracts the disputed AMOUNT, not just fully disputed debts; it is
    taken from the latest bill, and what is left below the minimum is not warned at all."""
    from office_app.services.collection.warnings import (
        WarningCriteria,
        get_warnings,
        preview_warnings,
        run_warnings,
    )

    mostly = debtor(db, clerk, "Vuković", "80.00", date(2024, 3, 25))
    partly = debtor(db, clerk, "Perović", "60.00", date(2024, 3, 25))
    with db.unit_of_work() as s:  # a second, newer bill of 40.00 for the partial dispute
        ledger.post(s, SYSTEM, ledger.Posting(partly, "opening_balance", "OB-2", date(2024, 4, 1),
                                              debit=D("40.00"), due_date=date(2024, 4, 25)))
    for cid, amount in ((mostly, "75.00"), (partly, "55.00")):
        complaints.register(db, clerk, ComplaintInput(
            cid, date(2024, 5, 20), "written", "bill_amount", "Too much.", amount))
    criteria = WarningCriteria(as_of=date(2024, 6, 3), min_debt=D("10.00"))
    found = {c.customer_id: c for c in preview_warnings(db, supervisor, criteria).candidates}
    assert found[mostly].reason == complaints.DISPUTED and found[mostly].debt == D("5.00")
    assert found[partly].reason == "" and found[partly].debt == D("45.00")
    assert [(i.document_number, i.open_amount) for i in found[partly].items] == [
        (f"OB-{found[partly].code}", D("45.00"))]
    result = run_warnings(db, supervisor, criteria)
    assert result.issued == 1
    (warning,) = get_warnings(db, supervisor, result.warning_ids)
    assert warning.customer_id == partly and warning.debt == D("45.00")
    assert sum(i.open_amount for i in warning.items) == D("45.00")
