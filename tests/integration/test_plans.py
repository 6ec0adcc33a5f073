"""Installment plans on both databases (issue 11): a plan re-dates the covered debt through
new entries, payments settle its installments on time or late, a missed installment breaks
it after the grace period and the rest falls due; bad input saves nothing; roles are checked
by the service and (tests/integration/test_plan_privileges.py) by PostgreSQL."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, text

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.models import InstallmentPlan, LedgerEntry
from office_app.services import ledger, plans
from office_app.services.integrity import CHECKS, Scope
from office_app.services.permissions import SYSTEM, Operator
from tests.plan_setup import AGREED, customer_with_debt, pay, standard_terms


def _card(db: Database, customer: int) -> list[tuple[str, str, D, D, date | None]]:
    with db.unit_of_work() as s:
        return [(e.document_type, e.document_number, e.debit, e.credit, e.due_date)
                for e in ledger.entries(s, [customer])[customer]
                if e.document_type in ("reschedule", "installment")]


def _balance(db: Database, customer: int) -> D:
    with db.unit_of_work() as s:
        return ledger.balance(s, customer)


def _entry_count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def _audit(db: Database) -> list[str]:
    with db.unit_of_work() as s:
        return [v.message_id.format(**v.params)
                for v in CHECKS["installment_plans"](s, Scope())]


def test_a_plan_redates_the_overdue_debt_into_installments(db: Database,
                                                            supervisor: Operator) -> None:
    customer = customer_with_debt(db)
    before = _balance(db, customer)
    preview = plans.preview_plan(db, supervisor, standard_terms(customer))
    assert preview.debt == D("130.50")
    assert [c.amount for c in preview.covered] == [D("80.00"), D("50.50")]
    ref = plans.create_plan(db, supervisor, standard_terms(customer))
    assert ref.number == "RP-01-2024-00001"
    assert _card(db, customer) == [
        ("reschedule", "RP-01-2024-00001", D("0.00"), D("130.50"), None),
        ("installment", "RP-01-2024-00001/00", D("30.50"), D("0.00"), date(2024, 3, 10)),
        ("installment", "RP-01-2024-00001/01", D("26.00"), D("0.00"), date(2024, 4, 10)),
        ("installment", "RP-01-2024-00001/02", D("25.75"), D("0.00"), date(2024, 5, 10)),
        ("installment", "RP-01-2024-00001/03", D("25.50"), D("0.00"), date(2024, 6, 10)),
        ("installment", "RP-01-2024-00001/04", D("25.25"), D("0.00"), date(2024, 7, 10))]
    # the balance grows only by the agreed interest; the covered debt is no longer overdue
    assert _balance(db, customer) == before + D("2.50")
    with db.unit_of_work() as s:
        card = ledger.entries(s, [customer])[customer]
        overdue = ledger.overdue(ledger.allocate(card).items, date(2024, 3, 11))
        assert [i.document_number for i in overdue] == ["RP-01-2024-00001/00"]  # down payment
        assert plans.has_active_plan(s, customer, AGREED)
        assert not plans.has_active_plan(s, customer, date(2024, 3, 9))
        assert plans.customers_with_active_plan(s, AGREED) == {customer}
    state = plans.plan_state(db, supervisor, ref.id, date(2024, 3, 9))
    assert state.status == "active" and state.total == D("133.00")
    assert [i.state for i in state.installments] == ["open"] * 5
    assert _audit(db) == []


def test_payments_on_time_late_then_a_missed_installment_breaks_the_plan(
        db: Database, supervisor: Operator) -> None:
    customer = customer_with_debt(db)
    ref = plans.create_plan(db, supervisor, standard_terms(customer))
    pay(db, customer, "30.50", date(2024, 3, 10))     # down payment, on the day
    pay(db, customer, "30.00", date(2024, 3, 20))     # the invoice outside the plan
    pay(db, customer, "26.00", date(2024, 4, 9))      # installment 1, on time
    pay(db, customer, "25.75", date(2024, 5, 20))     # installment 2, ten days late
    assert plans.check_plans(db, supervisor, date(2024, 5, 21)).broken == ()
    state = plans.plan_state(db, supervisor, ref.id, date(2024, 6, 20))
    assert [i.state for i in state.installments] == [
        "paid_on_time", "paid_on_time", "paid_late", "due", "open"]
    assert state.paid == D("82.25") and state.expected == D("107.75")
    assert plans.check_plans(db, supervisor, date(2024, 6, 25)).broken == ()   # grace: 15 days
    before = _balance(db, customer)
    card = _card(db, customer)
    preview = plans.preview_check(db, supervisor, date(2024, 6, 26))   # what the desk confirms
    assert (preview.broken, preview.completed) == (("RP-01-2024-00001",), ())
    assert _card(db, customer) == card                                 # nothing posted
    result = plans.check_plans(db, supervisor, date(2024, 6, 26))
    assert result.broken == ("RP-01-2024-00001",)
    assert _card(db, customer)[-2:] == [
        ("reschedule", "RP-01-2024-00001/B", D("0.00"), D("50.75"), None),
        ("installment", "RP-01-2024-00001/B", D("50.75"), D("0.00"), date(2024, 6, 26))]
    assert _balance(db, customer) == before
    state = plans.plan_state(db, supervisor, ref.id, date(2024, 6, 26))
    assert (state.status, state.broken_on) == ("broken", date(2024, 6, 26))
    assert [i.state for i in state.installments] == [
        "paid_on_time", "paid_on_time", "paid_late", "missed", "accelerated"]
    assert (state.paid, state.open, state.expected) == (D("82.25"), D("50.75"), D("133.00"))
    with db.unit_of_work() as s:
        assert plans.has_active_plan(s, customer, date(2024, 6, 25))
        assert not plans.has_active_plan(s, customer, date(2024, 6, 26))
    # checking again breaks nothing twice
    assert plans.check_plans(db, supervisor, date(2024, 6, 27)).broken == ()
    assert _audit(db) == []
    summary = plans.summarise(plans.plans(db, supervisor, date(2024, 6, 27)), date(2024, 6, 27))
    assert summary.by_status == {"active": 0, "completed": 0, "broken": 1}
    assert summary.by_state["paid_late"] == 1 and summary.by_state["missed"] == 1


def test_a_plan_paid_in_full_is_completed(db: Database, supervisor: Operator) -> None:
    customer = customer_with_debt(db)
    ref = plans.create_plan(db, supervisor, standard_terms(
        customer, installment_count=2, down_payment=D("0.00"), interest_rate=D("0")))
    pay(db, customer, "30.00", date(2024, 3, 20))
    pay(db, customer, "65.25", date(2024, 4, 10))
    pay(db, customer, "65.25", date(2024, 5, 3))
    assert plans.preview_check(db, supervisor, date(2024, 5, 4)).completed == (
        "RP-01-2024-00001",)
    result = plans.check_plans(db, supervisor, date(2024, 5, 4))
    assert result.completed == ("RP-01-2024-00001",)
    state = plans.plan_state(db, supervisor, ref.id, date(2024, 5, 4))
    assert (state.status, state.completed_on, state.open) == ("completed", date(2024, 5, 3),
                                                              D("0.00"))
    with db.unit_of_work() as s:
        assert not plans.has_active_plan(s, customer, date(2024, 5, 4))


@pytest.mark.parametrize(("kw", "field", "words"), [
    (dict(down_payment=D("140.00")), "down_payment", "140.00 is more than the overdue debt "
                                                     "of 130.50"),
    (dict(principals=(D("25.00"), D("25.00"), D("25.00"), D("24.00"))), "installments",
     "sum to 99.00, but the debt less the down payment is 100.00"),
    (dict(minimum_installment=D("40.00")), "installment_count", "choose at most 2"),
])
def test_bad_terms_save_nothing(db: Database, supervisor: Operator, kw: dict, field: str,
                                words: str) -> None:
    customer = customer_with_debt(db)
    entries = _entry_count(db)
    with pytest.raises(ValidationError) as caught:
        plans.create_plan(db, supervisor, standard_terms(customer, **kw))
    error = caught.value.errors[0]
    assert error.field == field and words in error.msg_id.format(**error.params)
    assert _entry_count(db) == entries
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(InstallmentPlan)) == 0


def test_no_overdue_debt_or_a_second_plan_is_refused(db: Database,
                                                     supervisor: Operator) -> None:
    customer = customer_with_debt(db)
    with pytest.raises(Conflict, match="no overdue debt on 2024-01-10"):
        plans.create_plan(db, supervisor, standard_terms(customer, agreed_on=date(2024, 1, 10)))
    plans.create_plan(db, supervisor, standard_terms(customer))
    with pytest.raises(Conflict, match="already has an active installment plan RP-01-2024"):
        plans.create_plan(db, supervisor, standard_terms(customer))


def test_roles_the_service_refuses(db: Database, cashier: Operator, clerk: Operator) -> None:
    customer = customer_with_debt(db)
    for operator in (cashier, clerk):
        with pytest.raises(PermissionDenied):
            plans.create_plan(db, operator, standard_terms(customer))
        with pytest.raises(PermissionDenied):
            plans.check_plans(db, operator, date(2024, 6, 1))
    plans.create_plan(db, SYSTEM, standard_terms(customer))
    assert len(plans.plans(db, cashier, date(2024, 4, 1))) == 1   # cashiers follow plans


def test_the_audit_names_a_tampered_plan(db: Database, supervisor: Operator) -> None:
    customer = customer_with_debt(db)
    plans.create_plan(db, supervisor, standard_terms(customer))
    with db.engine.begin() as conn:   # as the schema owner would: the register row changes
        conn.execute(text("UPDATE installment_plan SET debt = 131.50"))
    found = _audit(db)
    assert any("RP-01-2024-00001: its installments' principal sums to 130.50, not to its "
               "debt of 131.50" in f for f in found)


def test_the_daily_check_from_the_command_line(db: Database, supervisor: Operator,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from office_app import cli

    customer = customer_with_debt(db)
    plans.create_plan(db, supervisor, standard_terms(customer))
    argv = ["plans", "check", "--as-of", "2024-04-01", "--json", "--db", db.url]
    assert cli.main(argv) == 0
    assert json.loads(capsys.readouterr().out) == {
        "as_of": "2024-04-01", "broken": ["RP-01-2024-00001"], "completed": []}
    assert cli.main(argv) == 0                       # idempotent: nothing broken twice
    assert json.loads(capsys.readouterr().out)["broken"] == []
    assert cli.main(["plans", "list", "--as-of", "2024-04-01", "--json", "--db", db.url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["by_status"]["broken"] == 1
    assert listed["plans"][0]["installments"] == ["missed", "accelerated", "accelerated",
                                                  "accelerated", "accelerated"]


def test_the_database_keeps_one_active_plan_per_customer(db: Database,
                                                         supervisor: Operator) -> None:
    """Two desks setting up a plan for the same customer at once: the unique index refuses
    the second active plan even though each service saw none."""
    from sqlalchemy.exc import IntegrityError

    customer = customer_with_debt(db)
    plans.create_plan(db, supervisor, standard_terms(customer))
    copy = ("INSERT INTO installment_plan (number, customer_id, agreed_on, debt, down_payment, "
            "installment_count, interest_rate, interest, minimum_installment, grace_days, "
            "first_due, entry_id, status, created_by, created_at) SELECT number || 'X', "
            "customer_id, agreed_on, debt, down_payment, installment_count, interest_rate, "
            "interest, minimum_installment, grace_days, first_due, entry_id, 'active', "
            "created_by, created_at FROM installment_plan")
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text(copy))


def test_the_warning_run_leaves_out_a_customer_whose_plan_is_in_force(
        db: Database, supervisor: Operator) -> None:
    """Issue 11: an unpaid installment still within the plan is not warned; once the plan is
    broken the customer is warned again for the rest that fell due."""
    from office_app.services.collection.warnings import WarningCriteria, preview_warnings

    customer = customer_with_debt(db)
    plans.create_plan(db, supervisor, standard_terms(customer))
    criteria = WarningCriteria(as_of=date(2024, 4, 20), min_debt=D("10.00"), min_days=0)
    (found,) = [c for c in preview_warnings(db, supervisor, criteria).candidates
                if c.customer_id == customer]
    assert found.reason == plans.IN_PLAN and found.debt == D("86.50")
    plans.check_plans(db, supervisor, date(2024, 4, 26))
    later = WarningCriteria(as_of=date(2024, 4, 27), min_debt=D("10.00"), min_days=0)
    (found,) = [c for c in preview_warnings(db, supervisor, later).candidates
                if c.customer_id == customer]
    assert found.reason == ""


def test_a_payment_settles_the_due_installment_before_an_older_invoice(
        db: Database, supervisor: Operator) -> None:
    """docs/plans.md "How payments reach the plan": the 30.00 due 25.03 was not covered (not
    yet due on the agreement day); the installment paid on its due date goes to the plan, so
    the plan is not broken, and the 30.00 stays open."""
    customer = customer_with_debt(db)
    plans.create_plan(db, supervisor, standard_terms(customer))
    pay(db, customer, "30.50", AGREED)
    pay(db, customer, "26.00", date(2024, 4, 10))
    plans.check_plans(db, supervisor, date(2024, 4, 30))
    with db.unit_of_work() as s:
        assert plans.has_active_plan(s, customer, date(2024, 4, 30))
        items = ledger.allocate(ledger.entries(s, [customer])[customer]).items
    still_open = {i.document_number: i.open for i in items if i.open > 0}
    assert "RP-01-2024-00001/01" not in still_open
    assert [n for n in still_open if n.startswith("OB-")] == [f"OB-{customer}-3"]
    assert still_open[f"OB-{customer}-3"] == D("30.00")


@pytest.mark.parametrize("order", ["oldest_first", "costs_first"])
def test_the_counter_settles_the_due_installment_first_in_either_allocation_order(
        db: Database, supervisor: Operator, cashier: Operator, admin: Operator,
        order: str) -> None:
    """The counter computes its own allocation when the office puts costs first; a plan's
    installment due by the payment's day still comes before everything else."""
    from office_app.services.cashdesk import counter, drawers

    customer = customer_with_debt(db)
    plans.create_plan(db, supervisor, standard_terms(customer))
    pay(db, customer, "30.50", AGREED)
    counter.set_allocation_order(db, admin, order)
    day = date(2024, 4, 10)
    with db.unit_of_work() as s:
        payer = counter.payer_in(s, customer, day=day)
    assert payer.items[0].document_number == "RP-01-2024-00001/01"
    drawer = drawers.open_drawer(db, cashier, "KASA1", D("0.00"), day)
    counter.pay(db, cashier, counter.PaymentRequest(
        f"plan-{order}", drawer.id, "KASA1", customer, "cash", D("26.00"), None, (), day))
    with db.unit_of_work() as s:
        items = ledger.allocate(ledger.entries(s, [customer])[customer]).items
    still_open = {i.document_number: i.open for i in items if i.open > 0}
    assert "RP-01-2024-00001/01" not in still_open
    assert still_open[f"OB-{customer}-3"] == D("30.00")
