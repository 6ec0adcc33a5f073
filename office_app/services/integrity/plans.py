"""Installment plans keep their books: the schedule's principal (down payment included) and
the covered items each equal the plan's debt; the rescheduling credit is that debt; every
installment's debit on the card is its principal plus interest, and the interest adds up to
the plan's; a broken plan's re-dating credit and debit are equal. So the plan's entries net to
zero against the covered items, interest apart."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import (
    Customer,
    InstallmentPlan,
    LedgerEntry,
    PlanCoveredItem,
    PlanInstallment,
)
from office_app.services.integrity.base import Scope, Violation, integrity_check

ZERO = Decimal("0.00")
NAME = "installment_plans"


def _sums(session: Session, column: Any, plan_column: Any) -> dict[int, Decimal]:
    rows = session.execute(select(plan_column, func.sum(column)).group_by(plan_column))
    return {p: Decimal(v) for p, v in rows}


@integrity_check(NAME)
def plans_balance(session: Session, scope: Scope) -> Iterable[Violation]:
    stmt = select(InstallmentPlan, Customer.code).join(
        Customer, Customer.id == InstallmentPlan.customer_id).order_by(InstallmentPlan.id)
    if scope.period:
        year, month = (int(x) for x in scope.period.split("-"))
        stmt = stmt.where(func.extract("year", InstallmentPlan.agreed_on) == year,
                          func.extract("month", InstallmentPlan.agreed_on) == month)
    principal = _sums(session, PlanInstallment.principal, PlanInstallment.plan_id)
    interest = _sums(session, PlanInstallment.interest, PlanInstallment.plan_id)
    covered = _sums(session, PlanCoveredItem.amount, PlanCoveredItem.plan_id)
    for plan, code in session.execute(stmt).all():
        yield from _plan_violations(session, plan, code, principal.get(plan.id, ZERO),
                                    interest.get(plan.id, ZERO), covered.get(plan.id, ZERO))


def _violation(message: str, plan: InstallmentPlan, code: str, **params: object) -> Violation:
    return Violation(NAME, message, {"plan": plan.number, **params}, customer_code=code,
                     document=plan.number)


def _plan_violations(session: Session, plan: InstallmentPlan, code: str, principal: Decimal,
                     interest: Decimal, covered: Decimal) -> Iterator[Violation]:
    if principal != plan.debt:
        yield _violation(N_("Plan {plan}: its installments' principal sums to {sum}, not to "
                            "its debt of {debt}."), plan, code, sum=principal, debt=plan.debt)
    if covered != plan.debt:
        yield _violation(N_("Plan {plan}: the covered items sum to {sum}, not to its debt of "
                            "{debt}."), plan, code, sum=covered, debt=plan.debt)
    if interest != plan.interest:
        yield _violation(N_("Plan {plan}: its installments' interest sums to {sum}, not to "
                            "{interest}."), plan, code, sum=interest, interest=plan.interest)
    credit = session.scalar(select(LedgerEntry.credit).where(LedgerEntry.id == plan.entry_id))
    if credit != plan.debt:
        yield _violation(N_("Plan {plan}: the rescheduling credit on the card is {amount}, "
                            "not the debt of {debt}."), plan, code, amount=credit,
                         debt=plan.debt)
    yield from _installment_violations(session, plan, code)
    if plan.status == "broken":
        yield from _break_violations(session, plan, code)


def _installment_violations(session: Session, plan: InstallmentPlan,
                            code: str) -> Iterator[Violation]:
    rows = session.execute(
        select(PlanInstallment.sequence, PlanInstallment.principal, PlanInstallment.interest,
               PlanInstallment.amount, LedgerEntry.debit, LedgerEntry.due_date,
               PlanInstallment.due_date)
        .join(LedgerEntry, LedgerEntry.id == PlanInstallment.entry_id)
        .where(PlanInstallment.plan_id == plan.id).order_by(PlanInstallment.sequence))
    for seq, part, extra, amount, debit, entry_due, due in rows:
        if amount != part + extra or debit != amount or entry_due != due:
            yield _violation(N_("Plan {plan}: installment {n} on the card ({debit}, due "
                                "{due}) differs from the schedule ({amount}, due {scheduled})."),
                             plan, code, n=seq, debit=debit, due=entry_due, amount=amount,
                             scheduled=due)


def _break_violations(session: Session, plan: InstallmentPlan,
                      code: str) -> Iterator[Violation]:
    number = plan.number + "/B"
    amounts = dict(session.execute(select(LedgerEntry.document_type,
                                          LedgerEntry.debit + LedgerEntry.credit).where(
        LedgerEntry.document_number == number,
        LedgerEntry.document_type.in_(("reschedule", "installment")))).all())
    if amounts.get("reschedule", ZERO) != amounts.get("installment", ZERO):
        yield _violation(N_("Plan {plan}: the rest re-dated when it broke does not net to "
                            "zero (credit {credit}, debit {debit})."), plan, code,
                         credit=amounts.get("reschedule", ZERO),
                         debit=amounts.get("installment", ZERO))
