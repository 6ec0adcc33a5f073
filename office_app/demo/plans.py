"""Installment plans in the demo office: a few debtors whose overdue debt was rescheduled, in
every state a supervisor meets — completed (paid on time), broken (installments missed),
active with installments paid late but within the grace period, and active on time — and the
daily check run on the demo's day. Needs the billing step before it (the debt comes from its
invoices); skipped for very large demos, where billing is skipped."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal as D

from sqlalchemy import func, select

from office_app.demo.billing import BIG
from office_app.demo.context import DemoContext
from office_app.models import Customer, InstallmentPlan
from office_app.services import ledger, plans

#: (what happens, days before the demo's day the plan was agreed, number of installments)
SCENARIOS = (("completed", 150, 2), ("broken", 130, 4), ("late", 100, 5),
             ("on_time", 20, 3))


#: Document numbers of the payments this step posts.
PAYMENT_PREFIX = "RP-UPL-"


def build_plans(ctx: DemoContext) -> None:
    if ctx.customers >= BIG:
        return
    end = min(ctx.today, date.today())
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(InstallmentPlan)):
            return
        first, last = ctx.created.get("customer", (1, 0))
        ids = list(s.scalars(select(Customer.id).where(Customer.id.between(first, last))
                             .order_by(Customer.id)))
    rng = ctx.rng("plans")
    used: set[int] = set()
    for kind, days, count in SCENARIOS:
        agreed = end - timedelta(days=days)
        found = _debtor(ctx, ids, agreed, used, rng)
        if found is None:
            continue
        customer, debt = found
        plan = plans.create_plan(ctx.db, ctx.operator, _terms(customer, agreed, count, debt))
        paid_until = _pay(ctx, customer, plan.id, kind, end)
        if kind == "completed" and paid_until is not None:
            # paid off: the check marks it completed, and the customer may get a new plan
            plans.check_plans(ctx.db, ctx.operator, paid_until)
        else:
            used.add(customer)
    plans.check_plans(ctx.db, ctx.operator, end)


def _debtor(ctx: DemoContext, ids: list[int], agreed: date, used: set[int],
            rng: random.Random) -> tuple[int, D] | None:
    """A customer (not yet in a plan) with at least 20 € overdue on ``agreed`` who paid
    nothing after it (the billing step's later payments would otherwise settle the plan's
    installments and the scenario would not be what it says)."""
    with ctx.db.unit_of_work() as s:
        cards = ledger.entries(s, ids)
    debts = []
    for customer, card in cards.items():
        if any(e.credit > 0 and e.document_date > agreed
               and not e.document_number.startswith(PAYMENT_PREFIX) for e in card):
            continue
        items = ledger.allocate([e for e in card if e.document_date <= agreed]).items
        owed = sum((i.open for i in items if i.order[0] < agreed and i.open > 0), D("0.00"))
        if customer not in used and owed >= 20:
            debts.append((customer, owed))
    return rng.choice(debts) if debts else None


def _terms(customer: int, agreed: date, count: int, debt: D) -> plans.PlanTerms:
    down = (debt * D("0.2")).quantize(D("1"))
    rest = debt - down
    minimum = D("5.00") if rest / count >= 6 else D("0.00")
    return plans.PlanTerms(customer, agreed, count, down_payment=down,
                           interest_rate=D("6"), minimum_installment=minimum, grace_days=15)


def _pay(ctx: DemoContext, customer: int, plan_id: int, kind: str, end: date) -> date | None:
    """Pay the plan's installments as the scenario says; the day of the last payment."""
    state = plans.plan_state(ctx.db, ctx.operator, plan_id, end)
    last = None
    for n, line in enumerate(state.installments):
        if kind == "broken" and n >= 2:
            break
        day = line.due_date + timedelta(days=10 if kind == "late" and n else 0)
        if day <= end:
            _pay_due(ctx, customer, day)
            last = day
    return last


def _pay_due(ctx: DemoContext, customer: int, day: date) -> None:
    """The customer pays everything due by ``day`` (the installment and older invoices)."""
    with ctx.db.unit_of_work() as s:
        items = ledger.allocate(ledger.entries(s, [customer], day)[customer]).items
    due = sum((i.open for i in items if i.order[0] <= day and i.open > 0), D("0.00"))
    if due > 0:
        ledger.post_payment(ctx.db, ctx.operator, customer, due, day,
                            f"{PAYMENT_PREFIX}{customer}-{day:%Y%m%d}", "Uplata po reprogramu")
