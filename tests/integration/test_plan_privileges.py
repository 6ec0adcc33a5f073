"""Installment plans under PostgreSQL's own guard (issue 11): a cashier (or a forged operator
of any role without the grant) cannot set up or alter a plan at the database, the schedule is
append-only even for the supervisor who made it, and the rows record the session's user."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from office_app.models import InstallmentPlan
from office_app.services import plans
from office_app.services.permissions import Role
from tests.integration.test_privileges import Office, _refused, office  # noqa: F401
from tests.plan_setup import customer_with_debt, pay, standard_terms


def test_a_supervisor_sets_up_and_the_check_breaks_a_plan_under_their_connection(
        office: Office) -> None:  # noqa: F811
    customer = customer_with_debt(office.db)
    supervisor = office.as_role(Role.SUPERVISOR)
    ref = plans.create_plan(supervisor, office.forged(Role.SUPERVISOR), standard_terms(customer))
    pay(office.db, customer, "30.50", date(2024, 3, 10))
    result = plans.check_plans(supervisor, office.forged(Role.SUPERVISOR), date(2024, 5, 1))
    assert result.broken == (ref.number,)
    with office.db.unit_of_work() as s:
        plan = s.scalar(select(InstallmentPlan))
        assert plan is not None and plan.created_by == "SUP-REAL"
        stamps = s.execute(text("SELECT DISTINCT operator_code FROM ledger_entry WHERE "
                                "document_type IN ('reschedule', 'installment')")).scalars()
        assert set(stamps) == {"SUP-REAL"}


@pytest.mark.parametrize("role", [Role.CASHIER, Role.CLERK, Role.LEGAL, Role.AUDITOR])
def test_postgresql_refuses_plans_to_roles_without_the_grant(office: Office,  # noqa: F811
                                                              role: Role) -> None:
    customer = customer_with_debt(office.db)
    plans.create_plan(office.db, office.operators[Role.SUPERVISOR], standard_terms(customer))
    desk = office.as_role(role)
    for statement in (
            "INSERT INTO installment_plan (id) VALUES (-1)",
            "INSERT INTO plan_installment (id) VALUES (-1)",
            "UPDATE installment_plan SET status = 'completed'",
            "UPDATE installment_plan SET debt = 1",
            "INSERT INTO ledger_entry (id) VALUES (-1)" if role is not Role.CASHIER
            else "DELETE FROM plan_covered_item"):
        assert _refused(desk, statement) == "42501", (role, statement)
    # what the role may do: read the plans
    assert len(plans.plans(desk, office.forged(role), date(2024, 4, 1))) == 1


def test_the_schedule_is_append_only_even_for_the_supervisor(office: Office) -> None:  # noqa: F811
    customer = customer_with_debt(office.db)
    plans.create_plan(office.db, office.operators[Role.SUPERVISOR], standard_terms(customer))
    supervisor = office.as_role(Role.SUPERVISOR)
    for statement in ("UPDATE plan_installment SET amount = 0",
                      "DELETE FROM plan_covered_item", "UPDATE installment_plan SET debt = 1"):
        assert _refused(supervisor, statement) == "42501", statement
    with office.db.engine.begin() as conn:    # the owner's trigger stops even the superuser
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("UPDATE plan_installment SET amount = 0"))
