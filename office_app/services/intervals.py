"""Billing by reading intervals: what of each meter's advance is not billed yet, and whose it is.

An *interval* is a pair of consecutive usable readings of one meter. Each is billed exactly
once (table ``billed_interval``, unique on its start and on its end reading), to the customer
who held the point on its days: the days from the start reading's date up to the day before
the end reading's (a transfer or termination reading on day T closes the old holder's last
interval, whose holding ended on T; the new holder's first interval starts with it).

For a period P the billing run takes, for every meter of a point, the intervals not billed yet
whose end reading belongs to a period up to P:

- a meter with billed intervals continues from the end reading of its last one, so whatever
  was held back or keyed late is billed with the next invoice, and nothing is billed twice;
- a meter never billed starts at the point's opening reading (the last usable reading before
  P) when that reading is the meter's, else at the meter's first reading (the initial reading
  of a new connection or of a replacement meter);
- an old meter runs up to its final reading and a new one from its initial reading, each
  interval keeping the register kind of its own meter (its tariff group), so an old
  single-rate meter's kWh are priced as single-rate on a two-rate point.

What cannot be billed is a *problem* of the point, with a message naming the point, the
dates and the fix: an interval whose days two holders share (a transfer without a reading of
the transfer day), a replacement without the old meter's final or the new meter's initial
reading, an interval that belongs to a holder who has no invoice in the period. The run holds
such a point back whole; ``billing check`` shows the same problems (the same function).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from office_app.errors import N_, DomainError
from office_app.models import BilledInterval, BillingRun, Invoice, PointHolding, Reading
from office_app.services.consumption import (
    ChainReading,
    ConsumptionLine,
    _id_chunks,
    _load_chains,
    _period_chains,
    chain_select,
    one_of,
    openings,
    peak_kw,
    step,
    to_chain,
)
from office_app.services.office import office_in


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


@dataclass(frozen=True)
class Interval:
    """One unbilled pair of consecutive readings of one meter, with the holder of its days."""

    point_id: int
    start: ChainReading
    end: ChainReading
    #: Register quantities after the constant.
    vt: Decimal
    mt: Decimal | None
    #: The tariff group of the interval's own meter.
    register_kind: str
    customer_id: int | None

    @property
    def meter_id(self) -> int:
        return self.end.meter_id

    @property
    def negative(self) -> bool:
        return self.vt < 0 or (self.mt or Decimal(0)) < 0


@dataclass(frozen=True)
class Billable:
    """What a period's run can bill for the points asked about."""

    #: One line per (point, holder), each carrying its intervals.
    lines: list[ConsumptionLine]
    #: Points that cannot be billed, with the reason (a DomainError to translate).
    problems: dict[int, DomainError] = field(default_factory=dict)
    #: The date of each point's last usable reading up to the period.
    last_read: dict[int, date] = field(default_factory=dict)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def register_kind(utility: str, reading: ChainReading) -> str:
    """The tariff group the reading's meter implies (a meter, so never 'flat')."""
    if utility != "electricity":
        return "metered"
    if reading.peak_constant is not None:
        return "peak"
    return "two" if reading.two_rate else "single"


# --- loading -----------------------------------------------------------------------------------

def _billed_ends(session: Session, point_ids: Sequence[int]) -> dict[int, tuple[date, int]]:
    """The end reading (date, id) of each meter's last billed interval, by meter id."""
    ends: dict[int, tuple[date, int]] = {}
    connection = session.connection()
    for chunk in _id_chunks(session, point_ids):
        rows = connection.execute(select(
            BilledInterval.meter_id, BilledInterval.end_on, BilledInterval.end_reading_id)
            .where(one_of(session, BilledInterval.point_id, chunk)))
        for meter_id, end_on, reading_id in rows:
            if meter_id not in ends or (end_on, reading_id) > ends[meter_id]:
                ends[meter_id] = (end_on, reading_id)
    return ends


def _chains(session: Session, period: str, ids: Sequence[int],
            ends: dict[int, tuple[date, int]], opening: dict[int, ChainReading],
            legacy: dict[int, date],
            initial: dict[int, date] | None = None) -> dict[int, list[ChainReading]]:
    """Each point's usable readings up to ``period`` from where its billing continues: the
    opening reading and the period's readings, and further back for a meter whose last
    billed interval (or the point's last invoice before billing by intervals, ``legacy``)
    ends before the opening (a point held back or keyed late), or when the opening is dated
    inside the period (a reading keyed into an earlier, still open period: the reading
    before it by date is loaded too)."""
    in_period = _period_chains(session, period, ids)
    start_of_period = first_day(period)
    chains: dict[int, list[ChainReading]] = {}
    behind: dict[int, date] = {}
    late = [pid for pid in ids if pid in opening and opening[pid].read_on >= start_of_period
            and pid not in legacy]
    before = _last_before(session, late, start_of_period) if late else {}
    for pid in ids:
        chain = ([opening[pid]] if pid in opening else []) + list(in_period.get(pid, ()))
        # a back-dated reading (an installation keyed late) belongs to the open period
        chain.sort(key=lambda r: (r.read_on, r.id))
        chains[pid] = chain
        first = before.get(pid, opening.get(pid))
        if first is None:
            continue
        if pid in before:
            behind[pid] = first.read_on
        stops = [ends[m][0] for m in {r.meter_id for r in chain} if m in ends]
        if pid in legacy:
            stops.append(legacy[pid])
        if initial and pid in initial:
            stops.append(initial[pid])
        for stop in stops:
            if stop < first.read_on:
                behind[pid] = min(behind.get(pid, stop), stop)
    if behind:
        _load_behind(session, period, behind, chains)
    return chains


def _legacy_ends(session: Session, period: str, point_ids: Sequence[int]) -> dict[int, date]:
    """For points with a meter never billed by intervals: the last reading date their last
    earlier invoice billed (invoices issued before billing by intervals, or of another
    meter), so a meter's first intervals start where that invoice stopped, never before."""
    found: dict[int, date] = {}
    connection = session.connection()
    for chunk in _id_chunks(session, point_ids):
        rows = connection.execute(
            select(Invoice.point_id, func.max(Invoice.current_date))
            .where(one_of(session, Invoice.point_id, chunk), Invoice.period < period,
                   Invoice.current_date.is_not(None))
            .group_by(Invoice.point_id))
        found.update((pid, day) for pid, day in rows if day is not None)
    return found


def _billing_since(session: Session) -> date | None:
    """The first day of the first period a billing run was started for (None: never)."""
    first = session.scalar(select(func.min(BillingRun.period)).where(
        BillingRun.kind == "billing"))
    return first_day(first) if first else None


def _initial_readings(session: Session, point_ids: Sequence[int], since: date,
                      before: date) -> dict[int, date]:
    """The date of each point's first usable initial reading (a new connection's or a
    replacement meter's) from ``since`` to before ``before``."""
    found: dict[int, date] = {}
    connection = session.connection()
    for chunk in _id_chunks(session, point_ids):
        rows = connection.execute(
            select(Reading.point_id, func.min(Reading.read_on))
            .where(one_of(session, Reading.point_id, chunk), Reading.kind == "initial",
                   Reading.read_on >= since, Reading.read_on < before,
                   Reading.check_state != "pending")
            .group_by(Reading.point_id))
        found.update((pid, day) for pid, day in rows if day is not None)
    return found


def _last_before(session: Session, point_ids: Sequence[int],
                 day: date) -> dict[int, ChainReading]:
    """The last usable reading dated before ``day`` of each point."""
    found: dict[int, ChainReading] = {}
    for chunk in _id_chunks(session, point_ids):
        rank = func.row_number().over(partition_by=Reading.point_id,
                                      order_by=(Reading.read_on.desc(), Reading.id.desc()))
        inner = chain_select().add_columns(rank.label("rank")).where(
            Reading.read_on < day, Reading.check_state != "pending",
            one_of(session, Reading.point_id, chunk)).subquery()
        for row in session.connection().execute(select(*inner.c).where(inner.c.rank == 1)):
            found[row[1]] = to_chain(row[:-1])
    return found


def _load_behind(session: Session, period: str, behind: dict[int, date],
                 chains: dict[int, list[ChainReading]]) -> None:
    since = min(behind.values())
    found: dict[int, list[ChainReading]] = defaultdict(list)
    for chunk in _id_chunks(session, sorted(behind)):
        _load_chains(session, found, one_of(session, Reading.point_id, chunk),
                     Reading.read_on >= since, Reading.period <= period,
                     Reading.check_state != "pending")
    for pid, chain in found.items():
        chains[pid] = [r for r in chain if r.read_on >= behind[pid]]


class _Holders:
    """Who held each point on a day (holdings are [valid_from, valid_to))."""

    def __init__(self, session: Session, point_ids: Sequence[int]) -> None:
        self.spans: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
        connection = session.connection()
        for chunk in _id_chunks(session, point_ids):
            rows = connection.execute(select(PointHolding.point_id, PointHolding.valid_from,
                                             PointHolding.valid_to, PointHolding.customer_id)
                                      .where(one_of(session, PointHolding.point_id, chunk)))
            for point_id, start, end, customer in rows:
                self.spans[point_id].append((start, end, customer))

    def on(self, point_id: int, day: date) -> int | None:
        for start, stop, customer in self.spans.get(point_id, ()):
            if start <= day and (stop is None or day < stop):
                return customer
        return None


# --- the intervals of one point ----------------------------------------------------------------

class PointProblem(DomainError):
    """A point's readings cannot be billed as they are."""


def _by_meter(chain: Sequence[ChainReading]) -> dict[int, list[ChainReading]]:
    meters: dict[int, list[ChainReading]] = {}
    for reading in chain:
        meters.setdefault(reading.meter_id, []).append(reading)
    return meters


def _check_replacements(number: str, chain: Sequence[ChainReading]) -> None:
    """Where the chain passes from one meter to another, the old one must end with its final
    reading and the new one start with its initial reading."""
    for prev, cur in zip(chain, chain[1:], strict=False):
        if prev.meter_id == cur.meter_id:
            continue
        if prev.kind != "final":
            raise PointProblem(N_(
                "Point {point}: meter {meter} was replaced without its final reading (last "
                "reading {date}); enter the replacement with the old meter's final reading."),
                point=number, meter=prev.meter_number, date=_day(prev.read_on))
        if cur.kind != "initial":
            raise PointProblem(N_(
                "Point {point}: meter {meter} has no initial reading (first reading {date}); "
                "enter the replacement with the new meter's initial reading."),
                point=number, meter=cur.meter_number, date=_day(cur.read_on))


def _start(readings: list[ChainReading], billed_end: tuple[date, int] | None,
           period_start: date, legacy: date | None, since: date | None = None) -> int | None:
    """Index of the reading the meter's unbilled intervals start from (None: nothing): the
    end of its last billed interval; for a meter never billed, its last reading up to the
    point's last invoice (before billing by intervals), or else its initial reading taken
    since billing began (``since``: a new connection held back, or not billed, in an earlier
    period keeps the days from its initial reading), or else its last reading before the
    period (the opening); failing all, its first reading (the initial reading)."""
    if billed_end is not None:
        ids = [r.id for r in readings]
        return ids.index(billed_end[1]) if billed_end[1] in ids else None
    if legacy is None and since is not None:
        for i, r in enumerate(readings):
            if r.kind == "initial" and r.read_on >= since:
                return i
    if legacy is not None:
        earlier = [i for i, r in enumerate(readings) if r.read_on <= legacy]
    else:
        earlier = [i for i, r in enumerate(readings) if r.read_on < period_start]
    return earlier[-1] if earlier else 0


def point_intervals(number: str, utility: str, chain: Sequence[ChainReading],
                    ends: dict[int, tuple[date, int]], period_start: date,
                    holders: _Holders, legacy: date | None = None,
                    since: date | None = None) -> list[Interval]:
    """The point's unbilled intervals in chain order; PointProblem when they cannot be
    billed as they are."""
    _check_replacements(number, chain)
    found: list[Interval] = []
    for meter_id, readings in _by_meter(chain).items():
        first = _start(readings, ends.get(meter_id), period_start, legacy, since)
        if first is None:
            continue
        for prev, cur in zip(readings[first:], readings[first + 1:], strict=False):
            found.append(_interval(number, utility, prev, cur, holders))
    found.sort(key=lambda i: (i.end.read_on, i.end.id))
    return found


def _interval(number: str, utility: str, prev: ChainReading, cur: ChainReading,
              holders: _Holders) -> Interval:
    last_day = max(prev.read_on, cur.read_on - timedelta(days=1))
    first_holder = holders.on(cur.point_id, prev.read_on)
    last_holder = holders.on(cur.point_id, last_day)
    if first_holder != last_holder and first_holder is not None:
        raise PointProblem(N_(
            "Point {point} changed holder between the readings of {start} and {end} without "
            "a reading of the transfer day; enter the transfer with its reading."),
            point=number, start=_day(prev.read_on), end=_day(cur.read_on))
    s = step(prev, cur)
    return Interval(cur.point_id, prev, cur, s.vt, s.mt, register_kind(utility, cur),
                    last_holder if last_holder is not None else first_holder)


# --- lines -------------------------------------------------------------------------------------

def line_of(point_id: int, period: str, customer_id: int,
            intervals: Sequence[Interval]) -> ConsumptionLine:
    """One holder's consumption line from their intervals (in chain order)."""
    first, last = intervals[0].start, intervals[-1].end
    vt = sum((i.vt for i in intervals), Decimal(0))
    two_rate = any(i.end.two_rate for i in intervals)
    mt = sum((i.mt or Decimal(0) for i in intervals), Decimal(0)) if two_rate else None
    peaks = [p for p in (peak_kw(i.end) for i in intervals) if p is not None]
    numbers = tuple(dict.fromkeys(r.meter_number for i in intervals for r in (i.start, i.end)))
    return ConsumptionLine(
        point_id=point_id, period=period, meter_numbers=numbers, previous_date=first.read_on,
        current_date=last.read_on, previous_vt=first.vt, current_vt=last.vt, vt_quantity=vt,
        previous_mt=first.mt, current_mt=last.mt, mt_quantity=mt,
        peak_load=max(peaks) if peaks else None, constant=last.constant,
        estimated=last.estimated, self_read=last.source == "self",
        settlement=not last.estimated and any(i.start.estimated for i in intervals),
        customer_id=customer_id, intervals=tuple(intervals))


def billable(session: Session, period: str, point_ids: Collection[int],
             numbers: dict[int, str]) -> Billable:
    """The unbilled intervals of ``point_ids`` up to ``period`` as one line per (point,
    holder), and the points that cannot be billed with why. ``numbers``: point numbers for
    the messages. Reads only."""
    ids = sorted(set(point_ids))
    utility = office_in(session).utility
    ends = _billed_ends(session, ids)
    opening = openings(session, period, ids)
    unbilled_meters = [pid for pid in ids if opening.get(pid) is None
                       or opening[pid].meter_id not in ends]
    legacy = _legacy_ends(session, period, unbilled_meters) if unbilled_meters else {}
    since = _billing_since(session)
    fresh = [pid for pid in unbilled_meters if pid not in legacy]
    initial = (_initial_readings(session, fresh, since, first_day(period))
               if since is not None and fresh else {})
    chains = _chains(session, period, ids, ends, opening, legacy, initial)
    holders = _Holders(session, ids)
    result = Billable([])
    for pid in ids:
        chain = chains.get(pid, [])
        if not chain:
            continue
        result.last_read[pid] = chain[-1].read_on
        try:
            found = point_intervals(numbers.get(pid, str(pid)), utility, chain, ends,
                                    first_day(period), holders, legacy.get(pid), since)
        except PointProblem as problem:
            result.problems[pid] = problem
            continue
        by_holder: dict[int, list[Interval]] = defaultdict(list)
        for interval in found:
            if interval.customer_id is not None:
                by_holder[interval.customer_id].append(interval)
        result.lines.extend(line_of(pid, period, c, i) for c, i in by_holder.items())
    _refuse_billed_twice(session, result, numbers)
    return result


def _refuse_billed_twice(session: Session, result: Billable, numbers: dict[int, str]) -> None:
    """A point whose interval starts at the start reading, or ends at the end reading, of an
    interval billed already (readings re-keyed or moved after billing) is not billed: the
    same consumption would be billed twice. (The unique indexes refuse it too; this names
    the point, the dates and the invoice.)"""
    starts: dict[int, Interval] = {}
    ends: dict[int, Interval] = {}
    for line in result.lines:
        for interval in line.intervals:
            starts[interval.start.id], ends[interval.end.id] = interval, interval
    if not starts:
        return
    connection = session.connection()
    for chunk in _id_chunks(session, sorted(set(starts) | set(ends))):
        rows = connection.execute(
            select(BilledInterval.start_reading_id, BilledInterval.end_reading_id,
                   BilledInterval.start_on, BilledInterval.end_on, Invoice.number)
            .join(Invoice, Invoice.id == BilledInterval.invoice_id)
            .where(or_(one_of(session, BilledInterval.start_reading_id, chunk),
                       one_of(session, BilledInterval.end_reading_id, chunk))))
        for start_id, end_id, start_on, end_on, invoice in rows:
            interval = starts.get(start_id) or ends.get(end_id)
            if interval is None:
                continue
            result.problems.setdefault(interval.point_id, PointProblem(N_(
                "Point {point}: the consumption from {start} to {end} is already billed on "
                "invoice {invoice}; nothing is billed twice. Check the readings of those "
                "dates (a correction is a credit or debit note)."),
                point=numbers.get(interval.point_id, str(interval.point_id)),
                start=_day(start_on), end=_day(end_on), invoice=invoice))
    result.lines[:] = [ln for ln in result.lines if ln.point_id not in result.problems]
