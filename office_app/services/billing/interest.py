"""Late-payment interest at the statutory rate (003 III.3), and the monthly interest run.

How it is computed (simple interest, as the statutory-interest laws of the region prescribe):

- Per overdue document (an invoice, a debit note, an opening balance), from the day after its
  due date up to and including the day it was paid: days × open amount × annual rate / 365.
- Payments settle documents as the ledger allocates them (named invoice first, then oldest
  due date first), so a partly paid invoice bears interest on what is still open.
- The rate is the one in force each day (a dated table); a rate change splits the days.
- Interest never bears interest; amounts are rounded half-up per line (document × rate ×
  stretch of days).
- The monthly run charges, per customer, the interest of the month's days on what was open
  then, as one interest document on the financial card with its lines kept beside it; the
  next invoice shows it. A customer is charged at most once per month (unique index), so the
  run can be repeated or resumed safely.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, FieldError, ValidationError
from office_app.models import BillingRun, InterestCharge, LedgerEntry
from office_app.models.ledger import table_of
from office_app.services import ledger
from office_app.services.billing.elements import Period
from office_app.services.billing.pricing import ZERO, Rate, money
from office_app.services.billing.run import Cancelled, Progress
from office_app.services.billing.tariffs import price_book
from office_app.services.bulk_insert import insert_rows
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission
from office_app.services.posting_seals import seal_posted
from office_app.services.runs import RunClaim, exclusive_run

DAYS_IN_YEAR = Decimal(365)


@dataclass(frozen=True)
class InterestLine:
    item_entry_id: int
    document_number: str
    base: Decimal
    rate: Decimal
    date_from: date
    date_to: date
    days: int
    amount: Decimal


def _rate_on(rates: Sequence[Rate], day: date) -> Decimal:
    for rate in rates:
        if rate.covers(day):
            return rate.value
    return ZERO


def _boundaries(item: ledger.OpenItem, rates: Sequence[Rate], first: date,
                stop: date) -> list[date]:
    """Days on which the base or the rate may change, within [first, stop]."""
    days = {first, stop}
    days |= {d + timedelta(days=1) for d, _a in item.settlements}
    for rate in rates:
        days.add(rate.valid_from)
        if rate.valid_to is not None:
            days.add(rate.valid_to + timedelta(days=1))
    return sorted(d for d in days if first <= d <= stop)


def interest_lines(items: Iterable[ledger.OpenItem], rates: Sequence[Rate], start: date,
                   end: date) -> list[InterestLine]:
    """Interest on ``items`` for the days ``start``..``end`` (inclusive)."""
    lines = []
    for item in items:
        if not item.bears_interest or item.due_date is None or item.due_date >= end:
            continue
        first = max(start, item.due_date + timedelta(days=1))
        cuts = _boundaries(item, rates, first, end + timedelta(days=1))
        for lo, hi in zip(cuts, cuts[1:], strict=False):
            base = item.amount - sum((a for d, a in item.settlements if d < lo), ZERO)
            rate = _rate_on(rates, lo)
            days = (hi - lo).days
            if base <= 0 or rate <= 0 or days <= 0:
                continue
            amount = money(base * rate / 100 * days / DAYS_IN_YEAR)
            if amount > 0:
                lines.append(InterestLine(item.entry_id, item.document_number, base, rate, lo,
                                          hi - timedelta(days=1), days, amount))
    return lines


def interest_until_paid(items: Iterable[ledger.OpenItem], rates: Sequence[Rate],
                        on: date) -> Decimal:
    """Interest accrued on overdue documents from their due dates up to ``on`` (what a
    customer asking "how much with interest?" is told)."""
    lines = interest_lines(items, rates, date(1900, 1, 1), on)
    return sum((line.amount for line in lines), ZERO)


# --- the monthly run --------------------------------------------------------------------------

@dataclass(frozen=True)
class InterestRunResult:
    run_id: int
    period: str
    status: str
    customers_charged: int
    total: Decimal
    order_number: str


def _candidates(s: Session, period: Period) -> list[int]:
    """Customers who may have had an overdue document open on some day of the month, and no
    interest posted for it yet. Open documents mean a balance above zero (an advance is used
    up by the next debit at once); with no credit during the month the balance only grows,
    so whoever owed on some day owed at the month's end. Hence: owing at the end, or paid
    something during the month."""
    done = select(LedgerEntry.customer_id).where(LedgerEntry.document_type == "interest",
                                                  LedgerEntry.period == period.code)
    owing = (select(LedgerEntry.customer_id)
             .where(LedgerEntry.document_date <= period.end)
             .group_by(LedgerEntry.customer_id)
             .having(func.sum(LedgerEntry.debit - LedgerEntry.credit) > 0))
    paying = select(LedgerEntry.customer_id).where(
        LedgerEntry.credit > 0, LedgerEntry.document_date >= period.start,
        LedgerEntry.document_date <= period.end)
    late = (select(LedgerEntry.customer_id).distinct()
            .where(LedgerEntry.document_type.in_(sorted(ledger.INTEREST_BEARING)),
                   LedgerEntry.due_date < period.end, LedgerEntry.debit > 0,
                   or_(LedgerEntry.customer_id.in_(owing), LedgerEntry.customer_id.in_(paying)),
                   LedgerEntry.customer_id.not_in(done)))
    return sorted(s.scalars(late))


@dataclass(frozen=True)
class InterestPreview:
    """What the interest run of ``period`` would do now: how many customers it would charge
    and how much in all, and how many were charged for the month before."""

    period: str
    customers: int
    total: Decimal
    already_charged: int


def _month_to_charge(period: str) -> Period:
    month = Period.parse(period)
    if month.end >= date.today():
        raise ValidationError([FieldError("period", N_(
            "Interest is charged for a month that has ended."))])
    return month


def preview_interest(db: Database, operator: Operator, period: str,
                     progress: Progress | None = None,
                     batch_size: int = 1000) -> InterestPreview:
    """The counts the interest run of ``period`` would post, computed the same way and
    posting nothing (what the supervisor confirms before the run). ``progress`` may raise to
    stop the preview."""
    operator.require(Permission.RUN_BILLING)
    month = _month_to_charge(period)
    with db.unit_of_work() as s:
        customers = _candidates(s, month)
        rates = tuple(price_book(s).interest)
        already = s.scalar(select(func.count(func.distinct(LedgerEntry.customer_id))).where(
            LedgerEntry.document_type == "interest", LedgerEntry.period == month.code)) or 0
    charged, total = 0, ZERO
    for start in range(0, len(customers), batch_size):
        with db.unit_of_work() as s:
            charges = _charges(s, month, rates, customers[start:start + batch_size])
        charged += len(charges)
        total += sum((amount for _c, amount, _l in charges), ZERO)
        if progress:
            progress(min(start + batch_size, len(customers)), len(customers))
    return InterestPreview(month.code, charged, total, already)


def run_interest(db: Database, operator: Operator, period: str,
                 progress: Progress | None = None, cancelled: Cancelled | None = None,
                 batch_size: int = 1000, take_over: bool = False) -> InterestRunResult:
    """Charge late interest for the days of ``period`` (a month that has ended). Exclusive
    like the billing run (office_app.services.runs); an interrupted run is resumed."""
    operator.require(Permission.RUN_BILLING)
    month = _month_to_charge(period)
    with exclusive_run(db, operator, take_over) as claim:
        with claim.session() as s:
            customers = _candidates(s, month)
            office = office_in(s)
            rates = tuple(price_book(s).interest)
            run, _resumed = claim.claim(s, "interest", month.code)
            run.points_total = len(customers)
            run_id = run.id
        return _interest_batches(db, operator, month, office.code, rates, customers, run_id,
                                 progress, cancelled, batch_size, claim)


def _interest_batches(db: Database, operator: Operator, month: Period, office_code: str,
                      rates: Sequence[Rate], customers: list[int], run_id: int,
                      progress: Progress | None, cancelled: Cancelled | None,
                      batch_size: int, claim: RunClaim) -> InterestRunResult:
    status, charged, total, order = "completed", 0, ZERO, ""
    try:
        for start in range(0, len(customers), batch_size):
            if cancelled is not None and cancelled():
                status = "cancelled"
                break
            with db.unit_of_work() as s:
                claim.check(s)
                n, amount, order = _interest_batch(s, operator, month, office_code, rates,
                                                   customers[start:start + batch_size], order)
                s.execute(update(BillingRun).where(BillingRun.id == run_id).values(
                    documents_made=BillingRun.documents_made + n,
                    order_number=order or None, order_date=month.end))
            charged, total = charged + n, total + amount
            if progress:
                progress(min(start + batch_size, len(customers)), len(customers))
    except BaseException:
        claim.finish("interrupted")
        raise
    claim.finish(status)
    seal_posted(db, operator.code, month.code, "interest")
    return InterestRunResult(run_id, month.code, status, charged, total, order)


def _charges(s: Session, month: Period, rates: Sequence[Rate], customers: Sequence[int]
             ) -> list[tuple[int, Decimal, list[InterestLine]]]:
    """The month's interest of each of ``customers`` who owes any: (customer, amount, lines)."""
    cards = ledger.entries(s, customers, month.end)
    charges = []
    for customer_id in customers:
        items = ledger.allocate(cards[customer_id]).items
        lines = interest_lines(items, rates, month.start, month.end)
        amount = sum((line.amount for line in lines), ZERO)
        if amount > 0:
            charges.append((customer_id, amount, lines))
    return charges


def _interest_batch(s: Session, operator: Operator, month: Period, office_code: str,
                    rates: Sequence[Rate], customers: Sequence[int],
                    order: str) -> tuple[int, Decimal, str]:
    charges = _charges(s, month, rates, customers)
    if not charges:
        return 0, ZERO, order
    if not order:
        _seq, order = ledger.issue_number(s, "order", office_code, month.end.year)
    numbers = ledger.issue_numbers(s, "interest", office_code, month.end.year, len(charges))
    ids = ledger.post_many(s, operator.code, [
        ledger.Posting(customer_id, "interest", number, month.end, month.code, debit=amount,
                       due_date=month.due_date(), period=month.code, order_number=order,
                       order_date=month.end)
        for (customer_id, amount, _lines), (_seq, number) in zip(charges, numbers, strict=True)])
    insert_rows(s, table_of(InterestCharge), [
        {"entry_id": entry_id, "item_entry_id": line.item_entry_id,
         "document_number": line.document_number, "base": line.base, "rate": line.rate,
         "date_from": line.date_from, "date_to": line.date_to, "days": line.days,
         "amount": line.amount}
        for entry_id, (_c, _a, lines) in zip(ids, charges, strict=True) for line in lines],
        want_ids=False)
    return len(charges), sum((a for _c, a, _l in charges), ZERO), order


def interest_details(db: Database, operator: Operator, entry_id: int) -> list[InterestLine]:
    """How an interest document was computed, line by line."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        rows = s.scalars(select(InterestCharge).where(InterestCharge.entry_id == entry_id)
                         .order_by(InterestCharge.id))
        return [InterestLine(r.item_entry_id, r.document_number, r.base, r.rate, r.date_from,
                             r.date_to, r.days, r.amount) for r in rows]
