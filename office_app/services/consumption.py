"""Consumption of a billing period per metering point, computed from its readings.

This is the contract with billing (issue 5): ``period_consumption``, ``unresolved_implausible``
and ``billable_period`` take the caller's Session (billing runs them inside its own units of
work) and return frozen data.

How consumption is counted:

- Readings of a point form one chain ordered by date (then entry order). The period's
  consumption runs from the last usable reading before the period (the *opening* reading) to
  the last usable reading of the period. A reading is usable unless it is an implausible
  reading still waiting for its field re-check (``check_state == 'pending'``).
- Between two readings of the same meter: (new − old) × constant, per register. A register
  lower than before is a rollover past the meter's digit count when that is the smaller
  explanation (the wrapped difference is under half the register's range): new + 10^digits −
  old. Otherwise the difference is negative and stays negative.
- Between readings of different meters (old meter's final reading, new meter's initial
  reading) nothing is consumed, so a period with a meter replacement counts the old meter up
  to its final reading and the new one from its initial reading.
- An estimate (no access, 003 I.2.2) stores the estimated register, so the next real reading
  settles the difference by itself; that line is marked ``settlement``.
- An ownership transfer or contract termination reading ends a line: the consumption before
  it belongs to the customer who held the point until that date, the rest to the new holder.
  So a point has one line per period, or two when it changed hands inside the period; each
  line carries the ``customer_id`` it belongs to.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from office_app.errors import N_, NotFound
from office_app.models import BillingPeriod, Meter, PointHolding, Reading

QUANTUM = Decimal("0.001")
#: Readings that end a holder's line (the point passes to someone else, or to no one).
HOLDER_BREAKS = ("transfer", "termination")
_CHUNK = 2000
#: How far back the opening reading is looked for first (a fallback looks further).
_OPENING_LOOKBACK_MONTHS = 24


@dataclass(frozen=True)
class ConsumptionLine:
    """One point's consumption in one period (quantities already multiplied by constants)."""

    point_id: int
    period: str
    meter_numbers: tuple[str, ...]
    previous_date: date | None
    current_date: date | None
    previous_vt: Decimal | None
    current_vt: Decimal | None
    vt_quantity: Decimal
    previous_mt: Decimal | None
    current_mt: Decimal | None
    #: None for single-rate meters (and water meters).
    mt_quantity: Decimal | None
    #: kW after the peak-load constant; None when the meter has no peak-load register.
    peak_load: Decimal | None
    constant: Decimal
    estimated: bool
    self_read: bool
    #: The line settles an earlier estimate (its opening reading was estimated).
    settlement: bool
    #: The customer the line belongs to (the holder until a transfer or termination reading).
    customer_id: int | None = None
    #: The billed-interval view (services.intervals.Interval): the unbilled pairs of
    #: consecutive readings the line is made of; empty for the period view.
    intervals: tuple[Any, ...] = ()


@dataclass(frozen=True)
class BillingPeriodInfo:
    """The billing order of a period (001 Član 2)."""

    id: int
    period: str
    books_made_on: date
    handed_out_on: date
    last_reading_on: date
    processing_on: date
    invoice_issue_on: date
    status: str

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class ChainReading(NamedTuple):
    """A stored reading with what its meter contributes to arithmetic (a named tuple: chains
    of hundreds of thousands of readings are built for imports and billing)."""

    id: int
    point_id: int
    meter_id: int
    meter_number: str
    period: str
    read_on: date
    kind: str
    source: str
    vt: Decimal
    mt: Decimal | None
    peak: Decimal | None
    vt_reactive: Decimal | None
    mt_reactive: Decimal | None
    check_state: str
    remark_code: str
    constant: Decimal
    peak_constant: Decimal | None
    digits: int
    two_rate: bool
    flags: str = ""
    remark: str = ""

    @property
    def estimated(self) -> bool:
        return self.source == "estimate"


@dataclass(frozen=True)
class Step:
    """Consumption between two consecutive readings (kWh or m³, after the constant)."""

    vt: Decimal
    mt: Decimal | None
    vt_reactive: Decimal | None
    mt_reactive: Decimal | None
    rollover: bool = False
    same_meter: bool = True

    @property
    def total(self) -> Decimal:
        return self.vt + (self.mt or Decimal(0))


#: Who held a point when a line ends: (point id, the line's last reading) -> customer id.
HolderLookup = Callable[[int, "ChainReading"], "int | None"]

ZERO_STEP = Step(Decimal(0), None, None, None, same_meter=False)


# --- arithmetic -------------------------------------------------------------------------------

def register_delta(old: Decimal, new: Decimal, digits: int) -> tuple[Decimal, bool]:
    """new − old in register units, and whether the register rolled over past ``digits``."""
    if new >= old:
        return new - old, False
    span = Decimal(10) ** digits
    wrapped = new + span - old
    if wrapped < span / 2:
        return wrapped, True
    return new - old, False


def _scaled(old: Decimal | None, new: Decimal | None, digits: int,
            constant: Decimal) -> tuple[Decimal | None, bool]:
    if old is None or new is None:
        return None, False
    delta, rolled = register_delta(old, new, digits)
    return (delta * constant).quantize(QUANTUM, ROUND_HALF_UP), rolled


def step(prev: ChainReading, cur: ChainReading) -> Step:
    """What was consumed from ``prev`` to ``cur``; nothing across a change of meter."""
    if prev.meter_id != cur.meter_id:
        return ZERO_STEP
    digits, constant = cur.digits, cur.constant
    vt, vt_rolled = _scaled(prev.vt, cur.vt, digits, constant)
    mt, mt_rolled = _scaled(prev.mt, cur.mt, digits, constant)
    vtr, _ = _scaled(prev.vt_reactive, cur.vt_reactive, digits, constant)
    mtr, _ = _scaled(prev.mt_reactive, cur.mt_reactive, digits, constant)
    return Step(vt or Decimal(0), mt, vtr, mtr, vt_rolled or mt_rolled)


def use_between(prev: ChainReading, cur: ChainReading) -> Decimal:
    """VT + MT consumed from ``prev`` to ``cur`` (unrounded; the averages' fast path)."""
    if prev.meter_id != cur.meter_id:
        return Decimal(0)
    units = register_delta(prev.vt, cur.vt, cur.digits)[0]
    if prev.mt is not None and cur.mt is not None:
        units += register_delta(prev.mt, cur.mt, cur.digits)[0]
    return units * cur.constant


def peak_kw(reading: ChainReading) -> Decimal | None:
    if reading.peak is None:
        return None
    factor = reading.peak_constant if reading.peak_constant is not None else Decimal(1)
    return (reading.peak * factor).quantize(QUANTUM, ROUND_HALF_UP)


@dataclass
class _Segment:
    start: ChainReading | None
    readings: list[ChainReading] = field(default_factory=list)


def _segments(opening: ChainReading | None, in_period: Sequence[ChainReading]) -> list[_Segment]:
    """Split the period's readings into holder lines at transfer/termination readings."""
    segments = [_Segment(opening)]
    for reading in in_period:
        segments[-1].readings.append(reading)
        if reading.kind in HOLDER_BREAKS:
            segments.append(_Segment(reading))
    return [s for s in segments if s.readings]


def _line(point_id: int, period: str, segment: _Segment,
          customer_id: int | None) -> ConsumptionLine:
    chain = ([segment.start] if segment.start else []) + segment.readings
    vt, mt = Decimal(0), Decimal(0)
    for prev, cur in zip(chain, chain[1:], strict=False):
        s = step(prev, cur)
        vt += s.vt
        mt += s.mt or Decimal(0)
    last = chain[-1]
    has_mt = any(r.two_rate for r in chain)
    peaks = [p for p in (peak_kw(r) for r in segment.readings) if p is not None]
    numbers = tuple(dict.fromkeys(r.meter_number for r in chain))
    start = segment.start
    return ConsumptionLine(
        point_id=point_id, period=period, meter_numbers=numbers,
        previous_date=start.read_on if start else None, current_date=last.read_on,
        previous_vt=start.vt if start else None, current_vt=last.vt, vt_quantity=vt,
        previous_mt=start.mt if start else None, current_mt=last.mt,
        mt_quantity=mt if has_mt else None, peak_load=max(peaks) if peaks else None,
        constant=last.constant, estimated=last.estimated, self_read=last.source == "self",
        settlement=not last.estimated and any(r.estimated for r in chain[:-1]),
        customer_id=customer_id)


def lines_for_point(point_id: int, period: str, opening: ChainReading | None,
                    in_period: Sequence[ChainReading],
                    holder_at: HolderLookup | None = None) -> list[ConsumptionLine]:
    """The point's lines for ``period`` from its opening reading and the period's readings."""
    lines = []
    for segment in _segments(opening, in_period):
        end = segment.readings[-1]
        customer = holder_at(point_id, end) if holder_at else None
        lines.append(_line(point_id, period, segment, customer))
    return lines


# --- loading ----------------------------------------------------------------------------------

def chain_select() -> Select:
    """Readings joined with what their meter contributes (see ``to_chain``)."""
    return (select(Reading.id, Reading.point_id, Reading.meter_id, Meter.number, Reading.period,
                   Reading.read_on, Reading.kind, Reading.source, Reading.vt, Reading.mt,
                   Reading.peak, Reading.vt_reactive, Reading.mt_reactive, Reading.check_state,
                   Reading.remark_code, Meter.constant, Meter.peak_load_constant, Meter.digits,
                   Meter.two_rate, Reading.flags, Reading.remark)
            .join(Meter, Meter.id == Reading.meter_id))


def to_chain(row: Sequence) -> ChainReading:
    return ChainReading._make(row)


def chain_reading(r: Reading, m: Meter) -> ChainReading:
    """A loaded reading and its meter as chain data."""
    return ChainReading(r.id, r.point_id, m.id, m.number, r.period, r.read_on, r.kind,
                        r.source, r.vt, r.mt, r.peak, r.vt_reactive, r.mt_reactive,
                        r.check_state, r.remark_code, m.constant, m.peak_load_constant,
                        m.digits, m.two_rate, r.flags, r.remark)


_READING_COLUMNS = (Reading.id, Reading.point_id, Reading.meter_id, Reading.period,
                    Reading.read_on, Reading.kind, Reading.source, Reading.vt, Reading.mt,
                    Reading.peak, Reading.vt_reactive, Reading.mt_reactive, Reading.check_state,
                    Reading.remark_code, Reading.flags, Reading.remark)
_METER_COLUMNS = (Meter.id, Meter.number, Meter.constant, Meter.peak_load_constant,
                  Meter.digits, Meter.two_rate)


def one_of(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """``column IN values`` for many values: one array parameter on PostgreSQL (so the
    planner sees a single value and the statement is not thousands of parameters long), a
    plain IN elsewhere (keep ``values`` under SQLite's parameter limit)."""
    if session.get_bind().dialect.name == "postgresql":
        kind = Integer if values and isinstance(values[0], int) else String
        return column == any_(bindparam(None, list(values), type_=ARRAY(kind)))
    return column.in_(values)


def _id_chunks(session: Session, ids: Sequence[int]) -> Iterable[Sequence[int]]:
    """``ids`` in pieces for ``one_of``: large ones on PostgreSQL (one array parameter
    each), small ones elsewhere (SQLite's parameter limit)."""
    size = 20000 if session.get_bind().dialect.name == "postgresql" else 900
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _load_chains(session: Session, found: dict[int, list[ChainReading]],
                 *conditions: Any) -> None:
    """Add the readings matching ``conditions`` to ``found`` in chain order, by point id.

    Readings and meters are fetched apart: a join would make PostgreSQL scan the whole meter
    table for a large set of points. Rows are plain Core rows turned straight into
    ``ChainReading`` (no ORM objects: billing reads thousands per batch)."""
    connection = session.connection()
    rows = connection.execute(select(*_READING_COLUMNS).where(*conditions).order_by(
        Reading.point_id, Reading.read_on, Reading.id)).all()
    meters: dict[int, tuple] = {}
    wanted = sorted({r[2] for r in rows})
    for chunk in _id_chunks(session, wanted):
        meters.update((m[0], tuple(m[1:])) for m in connection.execute(
            select(*_METER_COLUMNS).where(one_of(session, Meter.id, chunk))))
    for (rid, pid, mid, period, read_on, kind, source, vt, mt, peak, vtr, mtr, check,
         remark_code, flags, remark) in rows:
        number, constant, peak_constant, digits, two_rate = meters[mid]
        found[pid].append(ChainReading(
            rid, pid, mid, number, period, read_on, kind, source, vt, mt, peak, vtr, mtr,
            check, remark_code, constant, peak_constant, digits, two_rate, flags, remark))


def chains_since(session: Session, point_ids: Sequence[int],
                 since: date) -> dict[int, list[ChainReading]]:
    """Usable readings from ``since`` of many points, in chain order, by point id."""
    found: dict[int, list[ChainReading]] = defaultdict(list)
    for chunk in _id_chunks(session, point_ids):
        _load_chains(session, found, one_of(session, Reading.point_id, chunk),
                     Reading.read_on >= since, Reading.check_state != "pending")
    return found


def _period_chains(session: Session, period: str,
                   point_ids: Collection[int] | None) -> dict[int, list[ChainReading]]:
    """Usable readings of ``period`` (of the given points, or of all), by point id."""
    usable = (Reading.period == period, Reading.check_state != "pending")
    found: dict[int, list[ChainReading]] = defaultdict(list)
    if point_ids is None:
        _load_chains(session, found, *usable)
        return found
    for chunk in _id_chunks(session, sorted(set(point_ids))):
        _load_chains(session, found, one_of(session, Reading.point_id, chunk), *usable)
    return found


def point_chain(session: Session, point_id: int, include_pending: bool = True,
                since: date | None = None) -> list[ChainReading]:
    """Every reading of one point in chain order (from ``since`` when given)."""
    stmt = chain_select().where(Reading.point_id == point_id)
    if not include_pending:
        stmt = stmt.where(Reading.check_state != "pending")
    if since is not None:
        stmt = stmt.where(Reading.read_on >= since)
    return [to_chain(r) for r in session.execute(stmt.order_by(Reading.read_on, Reading.id))]


def shift_period(period: str, months: int) -> str:
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def openings(session: Session, period: str,
              point_ids: Sequence[int]) -> dict[int, ChainReading]:
    """The last usable reading before ``period`` for each point.

    Periods follow the calendar, so a point's last reading of the previous period is its last
    reading before this one: one indexed pass over the previous period finds most openings;
    the points without a reading there (estimates missed, new, long unread) are looked up
    one chunk at a time."""
    found = _previous_period_last(session, period, point_ids)
    lookback = shift_period(period, -_OPENING_LOOKBACK_MONTHS)
    for lower in (lookback, None):
        missing = [p for p in point_ids if p not in found]
        for chunk in _chunks(missing):
            found.update(_openings_chunk(session, period, chunk, lower))
        if lower is None or len(found) == len(point_ids):
            break
    return found


def _previous_period_last(session: Session, period: str,
                          point_ids: Sequence[int]) -> dict[int, ChainReading]:
    wanted = set(point_ids)
    # Most of a period's points: one pass over the whole previous period beats the lookups.
    whole = len(wanted) > 20 * _CHUNK
    chains = _period_chains(session, shift_period(period, -1), None if whole else wanted)
    # Chains come in chain order: the last reading is the opening.
    return {pid: chain[-1] for pid, chain in chains.items() if pid in wanted}


def _openings_chunk(session: Session, period: str, chunk: Sequence[int],
                    lower: str | None) -> dict[int, ChainReading]:
    rank = func.row_number().over(partition_by=Reading.point_id,
                                  order_by=(Reading.read_on.desc(), Reading.id.desc()))
    inner = chain_select().add_columns(rank.label("rank")).where(
        Reading.period < period, Reading.check_state != "pending",
        one_of(session, Reading.point_id, chunk))
    if lower is not None:
        inner = inner.where(Reading.period >= lower)
    sub = inner.subquery()
    rows = session.connection().execute(select(*sub.c).where(sub.c.rank == 1))
    return {row[1]: to_chain(row[:-1]) for row in rows}


class _Holders:
    """Who held each point when: the line ending at a transfer or termination reading belongs
    to the holder whose holding ended on that date; any other line to the holder of its date."""

    def __init__(self, session: Session, point_ids: Sequence[int]) -> None:
        self.spans: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
        connection = session.connection()
        for chunk in _id_chunks(session, point_ids):
            rows = connection.execute(select(PointHolding.point_id, PointHolding.valid_from,
                                          PointHolding.valid_to, PointHolding.customer_id)
                                   .where(one_of(session, PointHolding.point_id, chunk))
                                   .order_by(PointHolding.valid_from, PointHolding.id))
            for point_id, start, end, customer in rows:
                self.spans[point_id].append((start, end, customer))

    def __call__(self, point_id: int, end: ChainReading) -> int | None:
        spans = self.spans.get(point_id, [])
        if end.kind in HOLDER_BREAKS:
            for _start, stop, customer in spans:
                if stop == end.read_on:
                    return customer
        for start, stop, customer in reversed(spans):
            if start <= end.read_on and (stop is None or end.read_on < stop):
                return customer
        return spans[-1][2] if spans else None


# --- the contract -----------------------------------------------------------------------------

def period_consumption(session: Session, period: str,
                       point_ids: Collection[int] | None = None) -> list[ConsumptionLine]:
    """Lines for every point (or the given points) with usable readings in ``period``, ordered
    by point id. Readings waiting for a field re-check are left out (see
    ``unresolved_implausible``); estimates and field-confirmed readings are used."""
    in_period = _period_chains(session, period, point_ids)
    ids = sorted(in_period)
    opening = openings(session, period, ids)
    holders = _Holders(session, ids)
    lines: list[ConsumptionLine] = []
    for point_id in ids:
        lines += lines_for_point(point_id, period, opening.get(point_id), in_period[point_id],
                                 holders)
    return lines


def unresolved_implausible(session: Session, period: str) -> list[int]:
    """Points with an implausible reading in ``period`` that no field record has settled."""
    rows = session.scalars(select(Reading.point_id).where(
        Reading.period == period, Reading.check_state == "pending").distinct())
    return sorted(rows)


def period_info(row: BillingPeriod) -> BillingPeriodInfo:
    return BillingPeriodInfo(row.id, row.period, row.books_made_on, row.handed_out_on,
                             row.last_reading_on, row.processing_on, row.invoice_issue_on,
                             row.status)


def billable_period(session: Session, period: str) -> BillingPeriodInfo:
    """The billing order of ``period``; NotFound (a DomainError) when there is none."""
    row = session.scalar(select(BillingPeriod).where(BillingPeriod.period == period))
    if row is None:
        raise NotFound(N_("There is no billing order for period {period}."), "period",
                       period=period)
    return period_info(row)
