"""Warnings before suspension (001 Član 5) and the water reminders of 004 §32.

The warning run for a date selects the customers whose overdue debt — interest-bearing debits
past their due date by at least ``min_days`` and still open on the date, as ``ledger.allocate``
settles them — is above ``min_debt``, within the chosen zones, categories and status letters.
It leaves out customers who paid after the date, those another register keeps out
(``hooks.EXCLUSIONS``: installment plans in force) and those warned within ``min_days``; it
does not demand what another register says is not due (``hooks.DEDUCTIONS``: the amount open
complaints dispute, taken off the latest debits), and leaves out a customer when what is left
is not above ``min_debt``. Socially vulnerable customers are marked for review and issued only
when approved. docs/collection.md has the rules.

Electricity offices issue one warning (deadline ``ELECTRICITY_DEADLINE`` working days); water
offices a first reminder (5 working days) and, once its deadline passed unpaid, a second one
printed in red: disconnection follows without further notice.

Guarantees: one warning per customer, level and date (a unique key): a run repeated for the
date issues nothing twice. Each warning keeps the debits it chases with what was open of them.
Documents are numbered gapless per office and year (OP-01-2026-000001).
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    DebtWarning,
    DunningRun,
    LedgerEntry,
    MeteringPoint,
    PointHolding,
    WarningItem,
)
from office_app.models.base import utcnow
from office_app.models.collection import DELIVERY_METHODS, WARNING_OUTCOMES
from office_app.models.customers import CATEGORIES, STATUSES
from office_app.models.ledger import table_of
from office_app.services import audit, ledger, runs
from office_app.services.bulk_insert import insert_tuples, one_of
from office_app.services.calendar import add_working_days, calendar_in
from office_app.services.collection import hooks
from office_app.services.ledger import CENT, ZERO
from office_app.services.numbering import next_numbers
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

#: Working days a warning gives to pay: electricity (001 Član 5), water reminders (004 §32).
ELECTRICITY_DEADLINE = 8
WATER_FIRST_DEADLINE = 5
WATER_SECOND_DEADLINE = 3
DEFAULT_MIN_DEBT = Decimal("20.00")
DEFAULT_MIN_DAYS = 30
#: Customers per committed batch of a run.
BATCH = 1000
_CHUNK = 2000
PAYMENT_TYPES = ("payment", "subsidy", "compensation")

REASONS = {
    "payment": N_("paid after the selection date"),
    "warned": N_("already warned within the last {days} days"),
    "issued": N_("already warned on this date"),
    "review": N_("socially vulnerable: review before issue"),
    "no_debt": N_("no overdue debt above the amount"),
}


@dataclass(frozen=True)
class WarningCriteria:
    """What the run selects. ``statuses`` lists the status letters to include (None: no
    letter, an active customer); by default active customers only."""

    as_of: date
    min_debt: Decimal = DEFAULT_MIN_DEBT
    min_days: int = DEFAULT_MIN_DAYS
    zone_ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str | None, ...] = (None,)


@dataclass(frozen=True)
class ChasedItem:
    entry_id: int
    invoice_id: int | None
    document_number: str
    due_date: date
    open_amount: Decimal


@dataclass(frozen=True)
class WarningCandidate:
    """A customer the run would warn (``reason`` empty), or leaves out and why."""

    customer_id: int
    code: str
    name: str
    address: str
    category: str
    language: str
    level: int
    debt: Decimal
    items: tuple[ChasedItem, ...]
    review: bool = False
    reason: str = ""
    reason_params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WarningPreview:
    criteria: WarningCriteria
    utility: str
    candidates: tuple[WarningCandidate, ...]

    @property
    def to_issue(self) -> list[WarningCandidate]:
        return [c for c in self.candidates if not c.reason]


@dataclass(frozen=True)
class WarningRunResult:
    run_id: int | None
    as_of: date
    issued: int
    already_issued: int
    for_review: int
    left_out: int
    warning_ids: tuple[int, ...]
    dry_run: bool = False
    total_debt: Decimal = ZERO
    #: Stopped between batches at the user's request; run again for the date to go on.
    cancelled: bool = False


# --- checking the criteria --------------------------------------------------------------------

def check_criteria(criteria: WarningCriteria) -> None:
    errors = []
    if criteria.min_debt < 0 or criteria.min_debt != criteria.min_debt.quantize(CENT):
        errors.append(FieldError("min_debt", N_(
            "Minimum debt: an amount in euros and cents, zero or more.")))
    if not 0 <= criteria.min_days <= 3650:
        errors.append(FieldError("min_days", N_(
            "Days overdue: a whole number of days from 0 to 3650.")))
    if any(c not in CATEGORIES for c in criteria.categories):
        errors.append(FieldError("categories", N_(
            "Category: choose household, commercial or institutional.")))
    if any(s is not None and s not in STATUSES for s in criteria.statuses):
        errors.append(FieldError("statuses", N_("Status: use I, T or N, or none.")))
    errors += as_of_errors(criteria.as_of)
    if errors:
        raise ValidationError(errors)


def as_of_errors(as_of: date, today: date | None = None) -> list[FieldError]:
    """A run's date must not be after today: a warning or an order dated ahead would chase a
    debt not yet overdue, and the field record of such an order is refused until that day."""
    today = today or date.today()
    if as_of <= today:
        return []
    return [FieldError("as_of", N_(
        "Date: the run's date cannot be after today ({today}); choose today or an earlier day."),
        {"today": today.strftime("%d.%m.%Y")})]


def check_as_of(as_of: date) -> None:
    """Raise ValidationError on field ``as_of`` when the run's date is after today."""
    errors = as_of_errors(as_of)
    if errors:
        raise ValidationError(errors)


# --- selection --------------------------------------------------------------------------------

def _debtors(s: Session, criteria: WarningCriteria) -> list[int]:
    """Customers whose whole balance on the date is above the amount (overdue debt never is
    more than the balance), within the filters."""
    balance = func.sum(LedgerEntry.debit - LedgerEntry.credit)
    query = (select(LedgerEntry.customer_id)
             .join(Customer, Customer.id == LedgerEntry.customer_id)
             .where(LedgerEntry.document_date <= criteria.as_of)
             .group_by(LedgerEntry.customer_id)
             .having(balance > criteria.min_debt))
    if criteria.categories:
        query = query.where(Customer.category.in_(criteria.categories))
    letters = [s for s in criteria.statuses if s is not None]
    if criteria.statuses:
        wanted: list[Any] = [Customer.status.in_(letters)] if letters else []
        if None in criteria.statuses:
            wanted.append(Customer.status.is_(None))
        query = query.where(or_(*wanted))
    if criteria.zone_ids:
        query = query.where(exists().where(
            PointHolding.customer_id == Customer.id, PointHolding.valid_to.is_(None),
            MeteringPoint.id == PointHolding.point_id,
            MeteringPoint.zone_id.in_(criteria.zone_ids)))
    return sorted(s.scalars(query))


def overdue_items(card: Sequence[ledger.EntryData], as_of: date,
                  min_days: int) -> list[ChasedItem]:
    """The debits overdue by at least ``min_days`` on ``as_of`` and what is open of them."""
    limit = as_of - timedelta(days=min_days)
    items = ledger.overdue(ledger.allocate(card).items, as_of)
    return [ChasedItem(i.entry_id, i.invoice_id, i.document_number, i.due_date,
                       i.open_on(as_of))
            for i in items if i.due_date is not None and i.due_date <= limit]


def undisputed_items(items: Sequence[ChasedItem], disputed: Decimal) -> list[ChasedItem]:
    """The items less ``disputed`` (what open complaints dispute), taken from the latest due
    first: payments settle the oldest debts, so what a customer contests is the recent bill.
    Items reduced to nothing are dropped; the rest still sum to the demanded debt."""
    kept: list[ChasedItem] = []
    for item in sorted(items, key=lambda i: (i.due_date, i.entry_id), reverse=True):
        taken = min(disputed, item.open_amount)
        disputed -= taken
        if item.open_amount > taken:
            kept.append(ChasedItem(item.entry_id, item.invoice_id, item.document_number,
                                   item.due_date, item.open_amount - taken))
    return sorted(kept, key=lambda i: (i.due_date, i.entry_id))


def _paid_after(s: Session, ids: Sequence[int], as_of: date) -> set[int]:
    return set(s.scalars(select(LedgerEntry.customer_id).distinct().where(
        one_of(s, LedgerEntry.customer_id, ids), LedgerEntry.document_date > as_of,
        LedgerEntry.document_type.in_(PAYMENT_TYPES))))


@dataclass(frozen=True)
class _Earlier:
    level: int
    as_of: date
    deadline: date
    chased: tuple[int, ...]


def _earlier_warnings(s: Session, ids: Sequence[int], as_of: date) -> dict[int, _Earlier]:
    """Each customer's latest warning before or on ``as_of``."""
    found: dict[int, _Earlier] = {}
    rows = s.execute(select(DebtWarning.id, DebtWarning.customer_id, DebtWarning.level,
                            DebtWarning.as_of, DebtWarning.deadline)
                     .where(one_of(s, DebtWarning.customer_id, ids),
                            DebtWarning.as_of <= as_of)
                     .order_by(DebtWarning.as_of, DebtWarning.id)).all()
    chased: dict[int, list[int]] = {}
    if rows:
        for warning_id, entry_id in s.execute(
                select(WarningItem.warning_id, WarningItem.entry_id)
                .where(one_of(s, WarningItem.warning_id, [r[0] for r in rows]))):
            chased.setdefault(warning_id, []).append(entry_id)
    for warning_id, customer_id, level, on, deadline in rows:
        found[customer_id] = _Earlier(level, on, deadline, tuple(chased.get(warning_id, ())))
    return found


def _address(c: Customer) -> str:
    return ", ".join(p for p in (c.billing_address or c.address,
                                 c.billing_place or c.place) if p)


def _select(s: Session, criteria: WarningCriteria, ids: Sequence[int],
            utility: str) -> list[WarningCandidate]:
    cards = ledger.entries(s, ids, criteria.as_of)
    customers = {c.id: c for c in s.scalars(select(Customer).where(one_of(s, Customer.id, ids)))}
    paid = _paid_after(s, ids, criteria.as_of)
    kept_out = hooks.excluded(s, ids, criteria.as_of)
    held = hooks.not_demanded(s, ids, criteria.as_of)
    earlier = _earlier_warnings(s, ids, criteria.as_of)
    found = []
    for customer_id in ids:
        overdue = overdue_items(cards[customer_id], criteria.as_of, criteria.min_days)
        if sum((i.open_amount for i in overdue), ZERO) <= criteria.min_debt:
            continue
        disputed, held_reason = held.get(customer_id, (ZERO, ""))
        items = undisputed_items(overdue, disputed)
        debt = sum((i.open_amount for i in items), ZERO)
        c = customers[customer_id]
        level, reason, params = _level(earlier.get(customer_id), criteria, utility, items)
        if not reason and customer_id in paid:
            reason = REASONS["payment"]
        if not reason and customer_id in kept_out:
            reason = kept_out[customer_id]
        if not reason and debt <= criteria.min_debt:
            reason = held_reason
        found.append(WarningCandidate(
            c.id, c.code, c.name, _address(c), c.category, c.language, level, debt,
            tuple(items), review=c.socially_vulnerable and not reason, reason=reason,
            reason_params=params))
    return found


def _level(before: _Earlier | None, criteria: WarningCriteria, utility: str,
           items: Sequence[ChasedItem]) -> tuple[int, str, dict]:
    """Which warning the customer gets, or why none: a water customer whose first reminder ran
    out unpaid (a debit it chased still open) gets the second; anyone warned within
    ``min_days`` (or on this very date) gets nothing new."""
    if before is None:
        return 1, "", {}
    still_open = {i.entry_id for i in items} & set(before.chased)
    if (utility == "water" and before.level == 1 and before.deadline < criteria.as_of
            and still_open):
        return 2, "", {}
    if before.as_of == criteria.as_of:
        return before.level, REASONS["issued"], {}
    if criteria.as_of - before.as_of < timedelta(days=max(criteria.min_days, 1)):
        return before.level, REASONS["warned"], {"days": max(criteria.min_days, 1)}
    return 1, "", {}


def _candidates(s: Session, criteria: WarningCriteria,
                progress: Callable[[int, int], None] | None = None) -> list[WarningCandidate]:
    utility = office_in(s).utility
    ids = _debtors(s, criteria)
    found: list[WarningCandidate] = []
    for start in range(0, len(ids), _CHUNK):
        found += _select(s, criteria, ids[start:start + _CHUNK], utility)
        if progress is not None:
            progress(min(start + _CHUNK, len(ids)), len(ids))
    return found


def preview_warnings(db: Database, operator: Operator, criteria: WarningCriteria,
                     progress: Callable[[int, int], None] | None = None) -> WarningPreview:
    """Who the run for the date would warn and who it leaves out, issuing nothing."""
    operator.require(Permission.COLLECT_DEBT)
    check_criteria(criteria)
    with db.unit_of_work() as s:
        utility = office_in(s).utility
        return WarningPreview(criteria, utility, tuple(_candidates(s, criteria, progress)))


# --- issuing ----------------------------------------------------------------------------------

def deadline_days(utility: str, level: int) -> int:
    if utility == "water":
        return WATER_FIRST_DEADLINE if level == 1 else WATER_SECOND_DEADLINE
    return ELECTRICITY_DEADLINE


def format_number(office_code: str, year: int, sequence: int) -> str:
    return f"OP-{office_code}-{year}-{sequence:06d}"


_WARNING_COLUMNS = ("number", "customer_id", "utility", "level", "as_of", "issued_on", "debt",
                    "deadline", "language", "run_id", "delivery", "outcome", "created_at",
                    "created_by")
_ITEM_COLUMNS = ("warning_id", "entry_id", "invoice_id", "document_number", "due_date",
                 "open_amount")


def _write(s: Session, operator: Operator, run_id: int | None, as_of: date,
           chosen: Sequence[WarningCandidate]) -> list[int]:
    """Insert the warnings of one batch and their items; ids in order."""
    if not chosen:
        return []
    office = office_in(s)
    calendar = calendar_in(s)
    block = next_numbers(s, f"warning:{office.code}:{as_of.year}", len(chosen))
    now = utcnow()
    rows = [(format_number(office.code, as_of.year, n), c.customer_id, office.utility, c.level,
             as_of, as_of, c.debt,
             add_working_days(as_of, deadline_days(office.utility, c.level), calendar),
             c.language, run_id, "", "", now, operator.code)
            for n, c in zip(block, chosen, strict=True)]
    ids = insert_tuples(s, table_of(DebtWarning), _WARNING_COLUMNS, rows)
    items = [(warning_id, i.entry_id, i.invoice_id, i.document_number, i.due_date,
              i.open_amount)
             for warning_id, c in zip(ids, chosen, strict=True) for i in c.items]
    insert_tuples(s, table_of(WarningItem), _ITEM_COLUMNS, items, want_ids=False)
    return ids


def _issued_on(s: Session, ids: Sequence[int], as_of: date) -> set[tuple[int, int]]:
    return {(c, lv) for c, lv in s.execute(select(DebtWarning.customer_id, DebtWarning.level)
                                            .where(one_of(s, DebtWarning.customer_id, ids),
                                                   DebtWarning.as_of == as_of))}


def run_warnings(db: Database, operator: Operator, criteria: WarningCriteria,
                 approved: Collection[int] = (), dry_run: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 take_over: bool = False, cancelled: Callable[[], bool] | None = None,
                 batch_size: int = BATCH) -> WarningRunResult:
    """Issue the warnings of the date on the shared run machinery (services/runs.py: one run
    at a time, committed in batches, heartbeat, resumable). ``cancelled`` is asked between
    batches: the run stops as "cancelled" with what it committed; run again for the date, it
    resumes and issues only what is still missing. Socially vulnerable customers are issued
    only when their id is in ``approved``. ``dry_run``: count what would be issued, write
    nothing."""
    operator.require(Permission.COLLECT_DEBT)
    check_criteria(criteria)
    if dry_run:
        preview = preview_warnings(db, operator, criteria, progress)
        return _summary(None, criteria.as_of, preview.candidates, set(approved), (), 0, True)
    approved = set(approved)
    with runs.exclusive_run(db, operator, take_over, record=DunningRun) as claim:
        with claim.session() as s:
            run, _resumed = claim.claim(s, "warnings", criteria.as_of.isoformat())
            run_id = run.id
        with db.unit_of_work() as s:
            candidates = _candidates(s, criteria)
        issued: list[int] = []
        already = 0
        stopped = False
        to_issue = [c for c in candidates if not c.reason and (not c.review
                                                               or c.customer_id in approved)]
        for start in range(0, len(to_issue), batch_size):
            if cancelled is not None and cancelled():
                stopped = True
                break
            batch = to_issue[start:start + batch_size]
            with db.unit_of_work() as s:
                claim.check(s)
                done = _issued_on(s, [c.customer_id for c in batch], criteria.as_of)
                fresh = [c for c in batch if (c.customer_id, c.level) not in done]
                already += len(batch) - len(fresh)
                issued += _write(s, operator, run_id, criteria.as_of, fresh)
                s.execute(update(DunningRun).where(DunningRun.id == run_id).values(
                    points_total=len(to_issue), documents_made=DunningRun.documents_made
                    + len(fresh)))
            if progress is not None:
                progress(min(start + batch_size, len(to_issue)), len(to_issue))
        claim.finish("cancelled" if stopped else "completed")
    result = _summary(run_id, criteria.as_of, candidates, approved, tuple(issued), already,
                      False)
    return replace(result, cancelled=stopped)


def _summary(run_id: int | None, as_of: date, candidates: Iterable[WarningCandidate],
             approved: set[int], issued: tuple[int, ...], already: int,
             dry_run: bool) -> WarningRunResult:
    candidates = list(candidates)
    review = [c for c in candidates if c.review and c.customer_id not in approved]
    left_out = [c for c in candidates if c.reason]
    waiting = {c.customer_id for c in review}     # a set: a list made this quadratic
    going = [c for c in candidates if not c.reason and c.customer_id not in waiting]
    earlier = sum(1 for c in left_out if c.reason == REASONS["issued"])
    return WarningRunResult(
        run_id, as_of, len(going) if dry_run else len(issued), already + earlier, len(review),
        len(left_out) - earlier, issued, dry_run, sum((c.debt for c in going), ZERO))


def issue_warning(db: Database, operator: Operator, customer_id: int,
                  criteria: WarningCriteria) -> int:
    """Warn one customer now (from the customer's card); refuses a customer without overdue
    debt above the amount, or already warned, with the reason. Returns the warning's id."""
    operator.require(Permission.COLLECT_DEBT)
    check_criteria(criteria)
    with db.unit_of_work() as s:
        customer = s.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
        found = _select(s, criteria, [customer_id], office_in(s).utility)
        if not found:
            raise Conflict(N_(
                "Customer {code} has no debt overdue by {days} days or more above {amount} € "
                "on {date}; there is nothing to warn about."), "customer",
                code=customer.code, days=criteria.min_days, amount=str(criteria.min_debt),
                date=criteria.as_of.strftime("%d.%m.%Y"))
        candidate = found[0]
        if candidate.reason:
            raise Conflict(N_("Customer {code} is not warned: {reason}."), "customer",
                           code=customer.code, reason=candidate.reason)
        if _issued_on(s, [customer_id], criteria.as_of):
            raise Conflict(N_("Customer {code} already has a warning of {date}."), "customer",
                           code=customer.code, date=criteria.as_of.strftime("%d.%m.%Y"))
        (warning_id,) = _write(s, operator, None, criteria.as_of, [candidate])
        audit.record(s, operator, "debt_warning", warning_id, customer_id, "create", None,
                     {"debt": candidate.debt, "level": candidate.level})
        return warning_id


# --- the register -----------------------------------------------------------------------------

@dataclass(frozen=True)
class WarningRecord:
    id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    utility: str
    level: int
    as_of: date
    issued_on: date
    debt: Decimal
    deadline: date
    language: str
    delivery: str
    delivered_on: date | None
    outcome: str
    created_by: str
    items: tuple[ChasedItem, ...] = ()


@dataclass(frozen=True)
class WarningQuery:
    since: date | None = None
    until: date | None = None
    customer_id: int | None = None
    invoice_id: int | None = None
    level: int | None = None
    limit: int = 5000


def _records(s: Session, warnings: Sequence[DebtWarning]) -> list[WarningRecord]:
    ids = [w.id for w in warnings]
    items: dict[int, list[ChasedItem]] = {}
    customers: dict[int, Customer] = {}
    if ids:
        for row in s.scalars(select(WarningItem).where(one_of(s, WarningItem.warning_id, ids))
                             .order_by(WarningItem.due_date, WarningItem.id)):
            items.setdefault(row.warning_id, []).append(ChasedItem(
                row.entry_id, row.invoice_id, row.document_number, row.due_date,
                row.open_amount))
        cids = sorted({w.customer_id for w in warnings})
        customers = {c.id: c for c in s.scalars(select(Customer).where(
            one_of(s, Customer.id, cids)))}
    return [WarningRecord(
        w.id, w.number, w.customer_id, customers[w.customer_id].code,
        customers[w.customer_id].name, _address(customers[w.customer_id]), w.utility, w.level,
        w.as_of, w.issued_on, w.debt, w.deadline, w.language, w.delivery, w.delivered_on,
        w.outcome, w.created_by, tuple(items.get(w.id, ()))) for w in warnings]


def warning_register(db: Database, operator: Operator,
                     query: WarningQuery = WarningQuery()) -> list[WarningRecord]:
    """Warnings, newest first, with the debits each chases."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        stmt = select(DebtWarning)
        if query.since is not None:
            stmt = stmt.where(DebtWarning.issued_on >= query.since)
        if query.until is not None:
            stmt = stmt.where(DebtWarning.issued_on <= query.until)
        if query.customer_id is not None:
            stmt = stmt.where(DebtWarning.customer_id == query.customer_id)
        if query.level is not None:
            stmt = stmt.where(DebtWarning.level == query.level)
        if query.invoice_id is not None:
            stmt = stmt.where(exists().where(and_(
                WarningItem.warning_id == DebtWarning.id,
                WarningItem.invoice_id == query.invoice_id)))
        rows = s.scalars(stmt.order_by(DebtWarning.issued_on.desc(), DebtWarning.id.desc())
                         .limit(query.limit)).all()
        return _records(s, rows)


def get_warnings(db: Database, operator: Operator, ids: Sequence[int]) -> list[WarningRecord]:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        rows = s.scalars(select(DebtWarning).where(one_of(s, DebtWarning.id, list(ids)))
                         .order_by(DebtWarning.id)).all()
        return _records(s, rows)


def record_delivery(db: Database, operator: Operator, warning_id: int, delivery: str,
                    delivered_on: date | None, outcome: str = "") -> WarningRecord:
    """Note how the warning was delivered (post or delivery book, and the date) and, later,
    its outcome."""
    operator.require(Permission.COLLECT_DEBT)
    errors = []
    if delivery not in DELIVERY_METHODS:
        errors.append(FieldError("delivery", N_(
            "Delivery: choose by post or through the delivery book.")))
    if delivered_on is None:
        errors.append(FieldError("delivered_on", N_("Delivered on: enter the date.")))
    if outcome and outcome not in WARNING_OUTCOMES:
        errors.append(FieldError("outcome", N_("Outcome: choose one from the list.")))
    if errors:
        raise ValidationError(errors)
    assert delivered_on is not None
    with db.unit_of_work() as s:
        row = s.get(DebtWarning, warning_id)
        if row is None:
            raise NotFound(N_("Warning {id} does not exist."), id=warning_id)
        if delivered_on < row.issued_on or delivered_on > date.today():
            raise ValidationError([FieldError("delivered_on", N_(
                "Delivered on: between the warning's date {date} and today."),
                {"date": row.issued_on.strftime("%d.%m.%Y")})])
        old = {"delivery": row.delivery, "delivered_on": row.delivered_on,
               "outcome": row.outcome}
        row.delivery, row.delivered_on = delivery, delivered_on
        row.outcome = outcome or row.outcome
        row.updated_at, row.updated_by = utcnow(), operator.code
        s.flush()
        audit.record(s, operator, "debt_warning", row.id, row.customer_id, "update", old,
                     {"delivery": delivery, "delivered_on": delivered_on,
                      "outcome": row.outcome})
        return _records(s, [row])[0]


__all__ = ["ChasedItem", "WarningCandidate", "WarningCriteria", "WarningPreview",
           "WarningQuery", "WarningRecord", "WarningRunResult", "as_of_errors", "check_as_of",
           "check_criteria",
           "get_warnings", "issue_warning", "overdue_items", "preview_warnings",
           "record_delivery", "run_warnings", "warning_register"]
