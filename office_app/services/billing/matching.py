"""Which unbilled reading intervals go on which invoice, and why a point is held back.

The billing plan (what ``billing check`` and the run page show) and every batch of the run
call the same functions here over the same query (``services.intervals.billable``), so what
the check says will be held back is what the run holds back.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.errors import N_, DomainError
from office_app.models import BilledInterval, Customer, Invoice
from office_app.services import consumption, intervals
from office_app.services.billing.elements import Period
from office_app.services.billing.points import WorkItem
from office_app.services.billing.pricing import RegisterUse
from office_app.services.bulk_insert import one_of
from office_app.services.consumption import ConsumptionLine
from office_app.services.intervals import Billable, Interval


class IntervalSource:
    """Billing by unbilled reading intervals (services.intervals)."""

    def billable(self, session: Session, period: str, point_ids: Collection[int],
                 numbers: dict[int, str]) -> Billable:
        return intervals.billable(session, period, point_ids, numbers)

    def unresolved_implausible(self, session: Session, period: str) -> list[int]:
        return consumption.unresolved_implausible(session, period)

    def billable_period(self, session: Session, period: str) -> Any:
        return consumption.billable_period(session, period)


def billed_keys(s: Session, period: str,
                point_ids: Collection[int] | None = None) -> set[tuple[int, int]]:
    stmt = select(Invoice.point_id, Invoice.customer_id).where(Invoice.period == period)
    conn = s.connection()
    if point_ids is not None:
        ids = sorted(point_ids)
        found: set[tuple[int, int]] = set()
        for start in range(0, len(ids), 2000):
            found |= {(p, c) for p, c in conn.execute(
                stmt.where(one_of(s, Invoice.point_id, ids[start:start + 2000])))}
        return found
    return {(p, c) for p, c in conn.execute(stmt)}


def billed_marks(s: Session, point_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per point, how many billed intervals it has and the last one's id (billed_interval is
    append-only: the pair changes exactly when an interval of the point is billed)."""
    found: dict[int, tuple[int, int]] = {}
    conn = s.connection()
    for start in range(0, len(point_ids), 2000):
        chunk = point_ids[start:start + 2000]
        found.update((p, (int(n), int(last))) for p, n, last in conn.execute(
            select(BilledInterval.point_id, func.count(), func.max(BilledInterval.id))
            .where(one_of(s, BilledInterval.point_id, chunk))
            .group_by(BilledInterval.point_id)))
    return found


@dataclass
class Matched:
    """The lines of a set of work items, and the points that cannot be billed."""

    lines: dict[tuple[int, int], ConsumptionLine] = field(default_factory=dict)
    problems: dict[int, DomainError] = field(default_factory=dict)
    last_read: dict[int, date] = field(default_factory=dict)


def match(s: Session, period: Period, found: Billable,
          holders: Mapping[int, Collection[int]], numbers: Mapping[int, str]) -> Matched:
    """Attach each line to its (point, holder). ``holders``: every customer who holds each
    point in the period (billed or not). A line of a customer who does not hold the point in
    the period is consumption of an earlier period still unbilled: the point is held back
    until that period is billed for it."""
    result = Matched(problems=dict(found.problems), last_read=found.last_read)
    for line in found.lines:
        if line.customer_id in holders.get(line.point_id, ()):
            result.lines[(line.point_id, line.customer_id or 0)] = line
        elif line.point_id not in result.problems:
            result.problems[line.point_id] = _earlier(
                s, period, numbers.get(line.point_id, str(line.point_id)), line)
    return result


def first_stretch(matched: Matched, last_days: Mapping[tuple[int, int], date]) -> None:
    """Keep, of the line of a customer who held the point twice in the period, the intervals
    of the first stretch (those starting up to its ``last_days``): the later ones stay
    unbilled for the customer's next invoice."""
    for key, last_day in last_days.items():
        line = matched.lines.get(key)
        if line is None:
            continue
        kept = [i for i in line.intervals if i.start.read_on <= last_day]
        if kept:
            matched.lines[key] = intervals.line_of(line.point_id, line.period, key[1], kept)
        else:
            del matched.lines[key]


def _earlier(s: Session, period: Period, number: str, line: ConsumptionLine) -> DomainError:
    code = s.scalar(select(Customer.code).where(Customer.id == line.customer_id)) or ""
    first, last = line.intervals[0], line.intervals[-1]
    return DomainError(N_(
        "Point {point}: the consumption from {start} to {end} belongs to customer {customer}, "
        "who does not hold the point in {period}; bill the period of those readings for this "
        "point first."), point=number, start=_day(first.start.read_on),
        end=_day(last.end.read_on), customer=code, period=period.code)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def verdict(item: WorkItem, matched: Matched,
            implausible: Collection[int]) -> tuple[str, DomainError | None] | None:
    """Why the item is held back (reason, detail), or None when it can be priced."""
    if item.point_id in implausible:
        return "implausible", None
    if item.point_id in matched.problems:
        return "intervals", matched.problems[item.point_id]
    if not item.has_meter:
        return None
    line = matched.lines.get((item.point_id, item.customer_id))
    last = matched.last_read.get(item.point_id)
    if last is None or last < item.service_start:
        # not read since the holder's days in the period began; a point disconnected at the
        # end of them is not read (no supply, no estimate): its days before are billed
        off_at_end = bool(item.disconnected) and item.disconnected[-1][1] == item.service_end
        return None if off_at_end else ("no_reading", None)
    if line is None:
        # No unbilled interval is the holder's: all of it billed already, or none consumed.
        return None
    if any(i.negative for i in line.intervals) or line.vt_quantity < 0 or (
            line.mt_quantity or 0) < 0:
        return "negative", None
    return None


def registers(line: ConsumptionLine | None) -> tuple[Decimal | None, Decimal | None,
                                                      tuple[RegisterUse, ...]]:
    """The line's VT and MT measured by the point's own kind of meter (the kind of the last
    interval's meter), and what meters of another kind measured, priced by their own."""
    if line is None:
        return None, None, ()
    intervals: Sequence[Interval] = line.intervals
    if not intervals:
        return line.vt_quantity, line.mt_quantity, ()
    own_kind = intervals[-1].register_kind
    vt = Decimal(0)
    mt: Decimal | None = None
    others: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    has_mt: dict[tuple[str, str], bool] = {}
    for i in intervals:
        if i.register_kind == own_kind:
            vt += i.vt
            if i.mt is not None:
                mt = (mt or Decimal(0)) + i.mt
            continue
        key = (i.end.meter_number, i.register_kind)
        others[key][0] += i.vt
        others[key][1] += i.mt or Decimal(0)
        has_mt[key] = has_mt.get(key, False) or i.mt is not None
    if line.mt_quantity is not None and mt is None and own_kind != "single":
        mt = Decimal(0)
    uses = tuple(RegisterUse(number, kind, q[0], q[1] if has_mt[(number, kind)] else None)
                 for (number, kind), q in others.items())
    return vt, mt, uses


def interval_rows(invoice_id: int, customer_id: int, line: Any) -> list[tuple[Any, ...]]:
    """The billed_interval rows of an invoice's line (INTERVAL_COLUMNS order)."""
    if line is None:
        return []
    return [(invoice_id, i.point_id, i.meter_id, customer_id, i.start.id, i.end.id,
             i.start.read_on, i.end.read_on, i.vt, i.mt, i.register_kind)
            for i in line.intervals]


INTERVAL_COLUMNS = ("invoice_id", "point_id", "meter_id", "customer_id", "start_reading_id",
                    "end_reading_id", "start_on", "end_on", "vt", "mt", "register_kind")
