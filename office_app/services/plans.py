"""Installment plans (reprogram; 000, 003 III.2, 004 §25.1i): a customer's overdue debt
rescheduled into a down payment and monthly installments. docs/plans.md is the long version.

Guarantees:

- A plan covers ALL the customer's debt overdue on the agreement day (every open debit whose
  due date, or document date when it has none, is before that day). Payments settle the oldest
  debts first (004 §35.2), so a plan over part of the overdue debt would not stay covered.
- The schedule is exact to the cent: the down payment plus the installments' principal equal
  the covered debt; interest is simple, ``rate`` % a year, one month per installment on the
  principal still owed before it (rounded half-up per installment).
- Money moves only through the ledger, as new entries: one ``reschedule`` credit of the covered
  debt on the agreement day (it settles the covered items), and one ``installment`` debit per
  installment with its own due date (the down payment is installment 0, due that day).
- A plan is broken by ``check_plans`` when an installment is still open ``grace_days`` after its
  due date: the open rest of every installment is re-dated to the check day (a ``reschedule``
  credit and one ``installment`` debit due that day, both numbered ``<plan>/B``). A plan whose
  installments are all settled is marked completed.
- Creating a plan needs CORRECT_INVOICES (it re-dates debt); the check needs RUN_BILLING;
  reading plans needs VIEW_LEDGER. PostgreSQL grants say the same (office_app/privileges.py).
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    InstallmentPlan,
    LedgerEntry,
    PlanCoveredItem,
    PlanInstallment,
)
from office_app.models.base import utcnow
from office_app.services import ledger
from office_app.services.collection import hooks
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission
from office_app.services.runs import exclusive_run

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_INSTALLMENTS = 60
MAX_GRACE_DAYS = 90
#: Suffix of the documents that re-date the rest of a broken plan.
BREAK_SUFFIX = "/B"

STATE_LABELS = {
    "paid_on_time": N_("Paid on time"),
    "paid_late": N_("Paid late"),
    "open": N_("Not yet due"),
    "due": N_("Due, within the grace period"),
    "missed": N_("Missed"),
    "accelerated": N_("Fell due when the plan broke"),
}
STATUS_LABELS = {"active": N_("Active"), "completed": N_("Completed"), "broken": N_("Broken")}


# --- the schedule -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ScheduleLine:
    """One installment: ``sequence`` 0 is the down payment."""

    sequence: int
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def equal_principals(principal: Decimal, count: int) -> list[Decimal]:
    """``principal`` split into ``count`` parts that differ by at most a cent and sum to it
    exactly; the extra cents go to the first installments."""
    cents = int(principal / CENT)
    base, extra = divmod(cents, count)
    return [(base + (1 if i < extra else 0)) * CENT for i in range(count)]


def schedule(debt: Decimal, down_payment: Decimal, rate: Decimal, agreed_on: date,
             first_due: date, principals: Sequence[Decimal]) -> list[ScheduleLine]:
    """The schedule for principals already checked: the down payment due on ``agreed_on``
    (when there is one), then one installment a month from ``first_due``, each with a month of
    simple interest at ``rate`` % a year on the principal still owed before it."""
    lines = []
    if down_payment > 0:
        lines.append(ScheduleLine(0, agreed_on, down_payment, ZERO))
    owed = debt - down_payment
    for n, part in enumerate(principals, start=1):
        interest = (owed * rate / Decimal(1200)).quantize(CENT, ROUND_HALF_UP)
        lines.append(ScheduleLine(n, add_months(first_due, n - 1), part, interest))
        owed -= part
    return lines


# --- what a clerk asks for --------------------------------------------------------------------

@dataclass(frozen=True)
class PlanTerms:
    """The terms of a new plan. ``principals`` empty: equal installments; else the principal
    of each installment as agreed (they must sum to the debt less the down payment)."""

    customer_id: int
    agreed_on: date
    installment_count: int
    down_payment: Decimal = ZERO
    interest_rate: Decimal = ZERO
    minimum_installment: Decimal = ZERO
    grace_days: int = 15
    first_due: date | None = None
    principals: tuple[Decimal, ...] = ()

    @property
    def first_due_date(self) -> date:
        return self.first_due or add_months(self.agreed_on, 1)


@dataclass(frozen=True)
class CoveredItem:
    entry_id: int
    document_type: str
    document_number: str
    due_date: date | None
    amount: Decimal


@dataclass(frozen=True)
class PlanPreview:
    customer_id: int
    debt: Decimal
    covered: tuple[CoveredItem, ...]
    lines: tuple[ScheduleLine, ...]

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.debt + self.interest


def covered_items(session: Session, customer_id: int, on: date) -> list[CoveredItem]:
    """The customer's debits overdue on ``on`` (due before it) with what is open of them."""
    card = ledger.entries(session, [customer_id], on)[customer_id]
    found = []
    for item in ledger.allocate(card).items:
        if item.order[0] < on and item.open > 0:
            found.append(CoveredItem(item.entry_id, item.document_type, item.document_number,
                                     item.due_date, item.open))
    return found


def _money_error(name: str, value: Decimal, message: str) -> FieldError | None:
    if value < 0 or value != value.quantize(CENT):
        return FieldError(name, message)
    return None


def _term_errors(terms: PlanTerms) -> list[FieldError]:
    errors = [e for e in (
        _money_error("down_payment", terms.down_payment,
                     N_("Down payment: an amount in euros and cents, zero or more.")),
        _money_error("minimum_installment", terms.minimum_installment,
                     N_("Minimum installment: an amount in euros and cents, zero or more.")),
    ) if e is not None]
    if not 1 <= terms.installment_count <= MAX_INSTALLMENTS:
        errors.append(FieldError("installment_count", N_(
            "Number of installments: from 1 to {most}."), {"most": MAX_INSTALLMENTS}))
    if not (0 <= terms.interest_rate <= 100) or terms.interest_rate != \
            terms.interest_rate.quantize(Decimal("0.001")):
        errors.append(FieldError("interest_rate", N_(
            "Interest rate: a yearly rate in percent from 0 to 100, at most three decimals.")))
    if not 0 <= terms.grace_days <= MAX_GRACE_DAYS:
        errors.append(FieldError("grace_days", N_(
            "Grace period: from 0 to {most} days."), {"most": MAX_GRACE_DAYS}))
    if terms.first_due_date <= terms.agreed_on:
        errors.append(FieldError("first_due", N_(
            "First installment: due after the agreement date.")))
    return errors


def _amount_errors(terms: PlanTerms, debt: Decimal) -> list[FieldError]:
    if terms.down_payment > debt:
        return [FieldError("down_payment", N_(
            "Down payment: {amount} is more than the overdue debt of {debt}."),
            {"amount": terms.down_payment, "debt": debt})]
    if terms.down_payment == debt:
        return [FieldError("down_payment", N_(
            "Down payment: it equals the whole debt of {debt}; take it as a payment, a plan "
            "is not needed."), {"debt": debt})]
    rest = debt - terms.down_payment
    if terms.principals:
        return _principal_errors(terms, rest)
    if rest < terms.installment_count * CENT:
        return [FieldError("installment_count", N_(
            "Number of installments: {rest} cannot be split into {count} installments of at "
            "least a cent; choose at most {most}."),
            {"rest": rest, "count": terms.installment_count, "most": int(rest / CENT)})]
    return []


def _principal_errors(terms: PlanTerms, rest: Decimal) -> list[FieldError]:
    if len(terms.principals) != terms.installment_count:
        return [FieldError("installments", N_(
            "Installments: {given} amounts for {count} installments."),
            {"given": len(terms.principals), "count": terms.installment_count})]
    for n, part in enumerate(terms.principals, start=1):
        if part <= 0 or part != part.quantize(CENT):
            return [FieldError("installments", N_(
                "Installment {n}: a positive amount in euros and cents."), {"n": n})]
    total = sum(terms.principals, ZERO)
    if total != rest:
        return [FieldError("installments", N_(
            "Installments: they sum to {total}, but the debt less the down payment is "
            "{rest}; the difference is {difference}."),
            {"total": total, "rest": rest, "difference": rest - total})]
    return []


def _minimum_errors(terms: PlanTerms, rest: Decimal,
                   lines: Sequence[ScheduleLine]) -> list[FieldError]:
    low = [line for line in lines if line.sequence > 0
           and line.amount < terms.minimum_installment]
    if not low:
        return []
    if terms.principals:
        return [FieldError("installments", N_(
            "Installment {n}: {amount} is less than the minimum installment of {minimum}."),
            {"n": low[0].sequence, "amount": low[0].amount,
             "minimum": terms.minimum_installment})]
    most = int(rest / terms.minimum_installment)
    if most < 1:
        return [FieldError("minimum_installment", N_(
            "Minimum installment: {minimum} is more than the debt left after the down "
            "payment ({rest})."), {"minimum": terms.minimum_installment, "rest": rest})]
    return [FieldError("installment_count", N_(
        "Number of installments: with {count} installments one would be {amount}, less than "
        "the minimum installment of {minimum}; choose at most {most}."),
        {"count": terms.installment_count, "amount": low[0].amount,
         "minimum": terms.minimum_installment, "most": most})]


def build_schedule(terms: PlanTerms, debt: Decimal) -> list[ScheduleLine]:
    """The schedule of ``terms`` for ``debt`` (no database): ValidationError naming the field
    when the down payment is above the debt, the installments do not sum to it or one is
    below the minimum."""
    errors = _term_errors(terms) or _amount_errors(terms, debt)
    if errors:
        raise ValidationError(errors)
    rest = debt - terms.down_payment
    principals = list(terms.principals) or equal_principals(rest, terms.installment_count)
    lines = schedule(debt, terms.down_payment, terms.interest_rate, terms.agreed_on,
                     terms.first_due_date, principals)
    errors = _minimum_errors(terms, rest, lines)
    if errors:
        raise ValidationError(errors)
    return lines


def _active_plan(session: Session, customer_id: int) -> InstallmentPlan | None:
    return session.scalar(select(InstallmentPlan).where(
        InstallmentPlan.customer_id == customer_id, InstallmentPlan.status == "active"))


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    return customer


def preview_in(session: Session, terms: PlanTerms) -> PlanPreview:
    """Validate ``terms`` against the customer's card and compute the schedule; raises
    ValidationError (every wrong field), Conflict (a plan is already active) or NotFound."""
    _customer(session, terms.customer_id)
    errors = _term_errors(terms)
    if errors:
        raise ValidationError(errors)
    active = _active_plan(session, terms.customer_id)
    if active is not None:
        raise Conflict(N_("The customer already has an active installment plan {number}."),
                       "customer", number=active.number)
    covered = covered_items(session, terms.customer_id, terms.agreed_on)
    debt = sum((c.amount for c in covered), ZERO)
    if debt <= 0:
        raise Conflict(N_("The customer has no overdue debt on {date}; there is nothing to "
                          "reschedule."), "customer", date=terms.agreed_on)
    lines = build_schedule(terms, debt)
    return PlanPreview(terms.customer_id, debt, tuple(covered), tuple(lines))


def preview_plan(db: Database, operator: Operator, terms: PlanTerms) -> PlanPreview:
    """What a plan with ``terms`` would cover and its schedule; nothing is saved."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return preview_in(s, terms)


# --- setting a plan up ------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanRef:
    id: int
    number: str


def create_plan(db: Database, operator: Operator, terms: PlanTerms) -> PlanRef:
    """Set up a plan in one unit of work: the plan, what it covers, the rescheduling credit
    and one installment debit per installment. Nothing is saved when anything is wrong."""
    operator.require(Permission.CORRECT_INVOICES)
    with db.unit_of_work() as s:
        preview = preview_in(s, terms)
        office = office_in(s)
        _seq, number = ledger.issue_number(s, "plan", office.code, terms.agreed_on.year)
        credit = ledger.post(s, operator, ledger.Posting(
            terms.customer_id, "reschedule", number, terms.agreed_on,
            f"{number} ({len(preview.covered)})", credit=preview.debt))
        plan = InstallmentPlan(
            number=number, customer_id=terms.customer_id, agreed_on=terms.agreed_on,
            debt=preview.debt, down_payment=terms.down_payment,
            installment_count=terms.installment_count, interest_rate=terms.interest_rate,
            interest=preview.interest, minimum_installment=terms.minimum_installment,
            grace_days=terms.grace_days, first_due=terms.first_due_date, entry_id=credit,
            status="active", created_by=operator.code)
        s.add(plan)
        s.flush()
        s.add_all(PlanCoveredItem(plan_id=plan.id, entry_id=c.entry_id,
                                  document_number=c.document_number, due_date=c.due_date,
                                  amount=c.amount) for c in preview.covered)
        count = terms.installment_count
        for line in preview.lines:
            entry = ledger.post(s, operator, ledger.Posting(
                terms.customer_id, "installment", f"{number}/{line.sequence:02d}",
                terms.agreed_on, f"{number} {line.sequence}/{count}", debit=line.amount,
                due_date=line.due_date))
            s.add(PlanInstallment(plan_id=plan.id, sequence=line.sequence,
                                  due_date=line.due_date, principal=line.principal,
                                  interest=line.interest, amount=line.amount, entry_id=entry))
        s.flush()
        return PlanRef(plan.id, number)


# --- the hook of the warning run --------------------------------------------------------------

def _active_on(on: date) -> ColumnElement[bool]:
    return and_(InstallmentPlan.agreed_on <= on, or_(
        InstallmentPlan.status == "active",
        and_(InstallmentPlan.status == "broken", InstallmentPlan.broken_on > on),
        and_(InstallmentPlan.status == "completed", InstallmentPlan.completed_on > on)))


def has_active_plan(session: Session, customer_id: int, on: date) -> bool:
    """Whether the customer had a plan in force on ``on`` (agreed by then, neither broken nor
    completed by then). The warning run leaves such customers out."""
    return session.scalar(select(InstallmentPlan.id).where(
        InstallmentPlan.customer_id == customer_id, _active_on(on)).limit(1)) is not None


def customers_with_active_plan(session: Session, on: date,
                               customer_ids: Iterable[int] | None = None) -> set[int]:
    """The customers (of ``customer_ids``, or all) with a plan in force on ``on``."""
    stmt = select(InstallmentPlan.customer_id).where(_active_on(on))
    if customer_ids is None:
        return {c for (c,) in session.execute(stmt)}
    wanted = sorted(set(customer_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), 2000):
        found |= {c for (c,) in session.execute(
            stmt.where(InstallmentPlan.customer_id.in_(wanted[start:start + 2000])))}
    return found


#: Why the warning run leaves a customer out (shown in its preview).
IN_PLAN = N_("an installment plan is in force")


def _in_plan(session: Session, customer_ids: Sequence[int], on: date) -> dict[int, str]:
    return {c: IN_PLAN for c in customers_with_active_plan(session, on, customer_ids)}


hooks.EXCLUSIONS.append(_in_plan)


# --- the line on the invoice ------------------------------------------------------------------

@dataclass(frozen=True)
class InstallmentNote:
    """What an invoice says of the customer's plan: the next installment due on or after
    the issue date."""

    plan_number: str
    sequence: int
    count: int
    due_date: date
    amount: Decimal


def installment_notes(session: Session, wanted: Iterable[tuple[int, date]]
                      ) -> dict[tuple[int, date], InstallmentNote]:
    """For each (customer, issue date): the next installment of the plan in force that day."""
    wanted = set(wanted)
    customers = sorted({c for c, _d in wanted})
    if not customers:
        return {}
    rows = session.execute(
        select(InstallmentPlan, PlanInstallment.sequence, PlanInstallment.due_date,
               PlanInstallment.amount)
        .join(PlanInstallment, PlanInstallment.plan_id == InstallmentPlan.id)
        .where(InstallmentPlan.customer_id.in_(customers))
        .order_by(PlanInstallment.due_date, PlanInstallment.sequence)).all()
    found: dict[tuple[int, date], InstallmentNote] = {}
    for plan, sequence, due, amount in rows:
        for key in [k for k in wanted if k[0] == plan.customer_id and k not in found]:
            if _in_force(plan, key[1]) and due >= key[1] and sequence > 0:
                found[key] = InstallmentNote(plan.number, sequence, plan.installment_count,
                                             due, amount)
    return found


def _in_force(plan: InstallmentPlan, on: date) -> bool:
    ended = plan.broken_on if plan.status == "broken" else \
        plan.completed_on if plan.status == "completed" else None
    return plan.agreed_on <= on and (ended is None or ended > on)


# --- following a plan -------------------------------------------------------------------------

@dataclass(frozen=True)
class InstallmentState:
    sequence: int
    due_date: date
    principal: Decimal
    interest: Decimal
    amount: Decimal
    paid: Decimal
    paid_on: date | None
    state: str


@dataclass(frozen=True)
class PlanState:
    """A plan as followed on ``as_of``: every installment's state and the plan's figures."""

    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    agreed_on: date
    status: str
    broken_on: date | None
    completed_on: date | None
    debt: Decimal
    down_payment: Decimal
    interest: Decimal
    interest_rate: Decimal
    grace_days: int
    installments: tuple[InstallmentState, ...]
    #: What was due by ``as_of`` (everything once broken) and what was paid of the plan.
    expected: Decimal
    paid: Decimal
    open: Decimal
    as_of: date

    @property
    def total(self) -> Decimal:
        return self.debt + self.interest

    def count(self, state: str) -> int:
        return sum(1 for i in self.installments if i.state == state)


def _installment_state(row: PlanInstallment, item: ledger.OpenItem | None, as_of: date,
                       grace: int, broken_on: date | None) -> InstallmentState:
    paid = item.settled if item is not None else ZERO
    paid_on = max((d for d, _a in item.settlements), default=None) if item else None
    if item is not None and item.open <= 0:
        state = "paid_on_time" if paid_on is not None and paid_on <= row.due_date \
            else "paid_late"
    elif broken_on is not None:
        state = "missed" if row.due_date + timedelta(days=grace) < broken_on \
            else "accelerated"
    elif row.due_date >= as_of:
        state = "open"
    elif row.due_date + timedelta(days=grace) < as_of:
        state = "missed"
    else:
        state = "due"
    return InstallmentState(row.sequence, row.due_date, row.principal, row.interest,
                            row.amount, paid, paid_on if state.startswith("paid") else None,
                            state)


def _items(session: Session, customer_id: int, until: date) -> dict[int, ledger.OpenItem]:
    card = ledger.entries(session, [customer_id], until)[customer_id]
    return {i.entry_id: i for i in ledger.allocate(card).items}


def _break_debit(session: Session, plan: InstallmentPlan) -> int | None:
    return session.scalar(select(LedgerEntry.id).where(
        LedgerEntry.document_type == "installment",
        LedgerEntry.document_number == plan.number + BREAK_SUFFIX))


def plan_state_in(session: Session, plan: InstallmentPlan, as_of: date) -> PlanState:
    rows = session.scalars(select(PlanInstallment).where(PlanInstallment.plan_id == plan.id)
                           .order_by(PlanInstallment.sequence)).all()
    broken_on = plan.broken_on if plan.status == "broken" else None
    # A broken plan's installments are judged on the card before the break re-dated them.
    items = _items(session, plan.customer_id,
                   broken_on - timedelta(days=1) if broken_on else as_of)
    states = tuple(_installment_state(r, items.get(r.entry_id), as_of, plan.grace_days,
                                      broken_on) for r in rows)
    total = plan.debt + plan.interest
    if broken_on is not None:
        rest = _items(session, plan.customer_id, as_of).get(_break_debit(session, plan) or 0)
        open_ = rest.open if rest is not None else ZERO
        expected = total
    else:
        open_ = sum((i.amount - i.paid for i in states), ZERO)
        expected = sum((i.amount for i in states if i.due_date <= as_of), ZERO)
    customer = _customer(session, plan.customer_id)
    return PlanState(plan.id, plan.number, plan.customer_id, customer.code, customer.name,
                     plan.agreed_on, plan.status, plan.broken_on, plan.completed_on,
                     plan.debt, plan.down_payment, plan.interest, plan.interest_rate,
                     plan.grace_days, states, expected, total - open_, open_, as_of)


def _plan(session: Session, plan_id: int) -> InstallmentPlan:
    plan = session.get(InstallmentPlan, plan_id)
    if plan is None:
        raise NotFound(N_("Installment plan {id} does not exist."), id=plan_id)
    return plan


def plan_state(db: Database, operator: Operator, plan_id: int, as_of: date) -> PlanState:
    """One plan followed on ``as_of``: each installment paid on time, late, missed or open."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return plan_state_in(s, _plan(s, plan_id), as_of)


def plans(db: Database, operator: Operator, as_of: date, status: str | None = None,
          customer_id: int | None = None) -> list[PlanState]:
    """Every plan (of a status, of a customer) followed on ``as_of``, newest first."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        stmt = select(InstallmentPlan).order_by(InstallmentPlan.agreed_on.desc(),
                                                InstallmentPlan.id.desc())
        if status:
            stmt = stmt.where(InstallmentPlan.status == status)
        if customer_id is not None:
            stmt = stmt.where(InstallmentPlan.customer_id == customer_id)
        return [plan_state_in(s, p, as_of) for p in s.scalars(stmt)]


@dataclass(frozen=True)
class CollectionSummary:
    """Collection over all plans on a date: plans by status, money expected and paid, and
    installments by how they were paid."""

    as_of: date
    plans: int
    by_status: dict[str, int]
    expected: Decimal
    paid: Decimal
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Decimal:
        """Paid as a share of expected, in percent (100 when nothing was expected yet)."""
        if self.expected <= 0:
            return Decimal("100.0")
        return (min(self.paid, self.expected) * 100 / self.expected).quantize(Decimal("0.1"))


def collection(db: Database, operator: Operator, as_of: date,
               status: str | None = None) -> tuple[list[PlanState], CollectionSummary]:
    """Collection analysis for all plans (of a status) on ``as_of``: each plan and the
    totals."""
    states = plans(db, operator, as_of, status)
    return states, summarise(states, as_of)


def summarise(states: Sequence[PlanState], as_of: date) -> CollectionSummary:
    by_status = {k: sum(1 for p in states if p.status == k) for k in STATUS_LABELS}
    by_state = {k: sum(p.count(k) for p in states) for k in STATE_LABELS}
    return CollectionSummary(as_of, len(states), by_status,
                             sum((p.expected for p in states), ZERO),
                             sum((p.paid for p in states), ZERO), by_state)


# --- the daily check: broken and completed plans ----------------------------------------------

@dataclass(frozen=True)
class CheckResult:
    as_of: date
    broken: tuple[str, ...]
    completed: tuple[str, ...]


def check_plans(db: Database, operator: Operator, as_of: date) -> CheckResult:
    """Break every active plan with an installment still open ``grace_days`` after its due
    date (the rest falls due on ``as_of``), and mark fully paid plans completed. Runs under the
    office's run lock (services/runs.py) and is idempotent: a plan is broken once."""
    operator.require(Permission.RUN_BILLING)
    broken: list[str] = []
    completed: list[str] = []
    with exclusive_run(db, operator), db.unit_of_work() as s:
        for plan, state, verdict in _verdicts(s, as_of):
            if verdict == "broken":
                _break(s, operator, plan, state, as_of)
                broken.append(plan.number)
            else:
                plan.status = "completed"
                plan.completed_on = max(i.paid_on or plan.agreed_on
                                        for i in state.installments)
                completed.append(plan.number)
        s.flush()
    return CheckResult(as_of, tuple(broken), tuple(completed))


def preview_check(db: Database, operator: Operator, as_of: date) -> CheckResult:
    """The plans ``check_plans`` would break and complete on ``as_of``; writes nothing."""
    operator.require(Permission.RUN_BILLING)
    with db.unit_of_work() as s:
        verdicts = _verdicts(s, as_of)
        return CheckResult(as_of, tuple(p.number for p, _s, v in verdicts if v == "broken"),
                           tuple(p.number for p, _s, v in verdicts if v == "completed"))


def _verdicts(s: Session, as_of: date) -> list[tuple[InstallmentPlan, PlanState, str]]:
    """Each active plan that is broken (an installment missed) or completed (all paid)."""
    found = []
    for plan in s.scalars(select(InstallmentPlan).where(
            InstallmentPlan.status == "active", InstallmentPlan.agreed_on <= as_of)
            .order_by(InstallmentPlan.id)).all():
        state = plan_state_in(s, plan, as_of)
        if any(i.state == "missed" for i in state.installments):
            found.append((plan, state, "broken"))
        elif all(i.state.startswith("paid") for i in state.installments):
            found.append((plan, state, "completed"))
    return found


def _break(s: Session, operator: Operator, plan: InstallmentPlan, state: PlanState,
           as_of: date) -> None:
    rest = sum((i.amount - i.paid for i in state.installments), ZERO)
    number = plan.number + BREAK_SUFFIX
    if rest > 0:
        ledger.post(s, operator, ledger.Posting(
            plan.customer_id, "reschedule", number, as_of, number, credit=rest))
        ledger.post(s, operator, ledger.Posting(
            plan.customer_id, "installment", number, as_of, number, debit=rest,
            due_date=as_of))
    plan.status, plan.broken_on = "broken", as_of


# --- the agreement ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AgreementData:
    """Everything the agreement for signature prints."""

    office: OfficeInfo
    number: str
    agreed_on: date
    customer_code: str
    customer_name: str
    customer_address: str
    language: str
    debt: Decimal
    down_payment: Decimal
    interest_rate: Decimal
    interest: Decimal
    minimum_installment: Decimal
    grace_days: int
    covered: tuple[CoveredItem, ...]
    lines: tuple[ScheduleLine, ...]
    operator_code: str
    printed_at: datetime

    @property
    def total(self) -> Decimal:
        return self.debt + self.interest

    @property
    def installment_count(self) -> int:
        return sum(1 for line in self.lines if line.sequence > 0)


def agreement(db: Database, operator: Operator, plan_id: int) -> AgreementData:
    """The plan's agreement as plain data (printing/plan_agreement.py prints it)."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        plan = _plan(s, plan_id)
        customer = _customer(s, plan.customer_id)
        covered = tuple(CoveredItem(c.entry_id, "", c.document_number, c.due_date, c.amount)
                        for c in s.scalars(select(PlanCoveredItem).where(
                            PlanCoveredItem.plan_id == plan.id).order_by(PlanCoveredItem.id)))
        lines = tuple(ScheduleLine(r.sequence, r.due_date, r.principal, r.interest)
                      for r in s.scalars(select(PlanInstallment).where(
                          PlanInstallment.plan_id == plan.id)
                          .order_by(PlanInstallment.sequence)))
        address = ", ".join(p for p in (customer.billing_address or customer.address,
                                        customer.billing_place or customer.place) if p)
        return AgreementData(
            office_in(s), plan.number, plan.agreed_on, customer.code, customer.name, address,
            customer.language, plan.debt, plan.down_payment, plan.interest_rate,
            plan.interest, plan.minimum_installment, plan.grace_days, covered, lines,
            operator.code, utcnow())
