"""The readings step: thirteen billing orders (the opening month and twelve months of
consumption), the readings of every metered point with seasonal use, and the month's work in
progress.

- Periods: the thirteen months before the demo's "today"; all closed but the last, which is
  open with about three books in four keyed (the rest are left for a clerk to key).
- Use per point: households around 300 kWh a month (winter heating makes January about twice
  July), businesses thousands of kWh on meters behind current transformers (register units =
  kWh / constant), with peak load and reactive energy; building common meters a little.
  Two-rate meters split about 60/40 between VT and MT.
- Readings fall around the end of each month, a zone read on the same day. Some are estimates
  (no access: the previous period's use; the next real reading settles it), a few points
  estimated three periods in a row, some self-readings. A few meters roll over past their
  digit count.
- Meter replacements from the register step that fall inside the year get their final and
  initial readings and a replacement record; points that changed hands get a transfer reading,
  customers who left a final reading.
- Implausible values: in closed periods a few confirmed or corrected by a field record (the
  original value kept); in the open period some wait for the field.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Connection, func, select

from office_app.demo.bulk import Loader, loading, table_of, vacuum_analyze
from office_app.demo.context import DemoContext
from office_app.models import (
    BillingPeriod,
    Customer,
    FieldRecord,
    Meter,
    MeteringPoint,
    MeterInstallation,
    MeterReplacement,
    PointHolding,
    Reading,
)
from office_app.services.consumption import shift_period
from office_app.services.periods import default_order, last_day

MONTHS = 13
#: Use of each calendar month relative to the year's average (heating in winter, some air
#: conditioning in July and August).
SEASON = (1.45, 1.3, 1.1, 0.9, 0.75, 0.75, 0.9, 0.95, 0.75, 0.85, 1.05, 1.4)
ESTIMATE_SHARE = 0.015
STREAK_SHARE = 0.002
SELF_SHARE = 0.03
FIELD_SHARE = 0.003
PENDING_SHARE = 0.006
ROLLOVER_SHARE = 0.01
LEAVE_OPEN = 4          # one zone in LEAVE_OPEN is not keyed yet in the open period
BIG = 50_000            # from this many customers, indexes are built after the load

READING_COLUMNS = ("id", "point_id", "meter_id", "period", "read_on", "kind", "source", "vt",
                   "mt", "peak", "vt_reactive", "mt_reactive", "remark_code", "remark",
                   "flags", "check_state", "created_at", "created_by")
RECORD_COLUMNS = ("id", "reading_id", "record_number", "checked_on", "outcome", "original_vt",
                  "original_mt", "original_peak", "corrected_vt", "corrected_mt",
                  "corrected_peak", "note", "created_at", "created_by")
REPLACEMENT_COLUMNS = ("id", "point_id", "old_meter_id", "new_meter_id", "replaced_on",
                       "final_reading_id", "initial_reading_id", "seal_numbers",
                       "record_number", "reason", "created_at", "created_by")


@dataclass
class _Meter:
    id: int
    two_rate: bool
    constant: float
    digits: int
    peak_constant: float | None
    installed_on: date
    removed_on: date | None


@dataclass
class _Point:
    id: int
    zone_id: int
    common: bool
    meters: list[_Meter] = field(default_factory=list)
    #: (from, until, customer id, business)
    holdings: list[tuple[date, date | None, int, bool]] = field(default_factory=list)


@dataclass
class _Registers:
    """The true registers of a meter as it turns (floats; rounded when written)."""

    vt: float
    mt: float
    vtr: float
    mtr: float


@dataclass
class _Period:
    label: str
    read_base: date
    last_reading_on: date
    is_open: bool


class _ReadingsBuilder:
    def __init__(self, ctx: DemoContext, loader: Loader) -> None:
        self.ctx, self.loader, self.rng = ctx, loader, ctx.rng("readings")
        self.now = datetime.combine(ctx.today, time(8, 0), tzinfo=UTC)
        self.by = ctx.operator.code
        self.next_id = {t: loader.next_id(table_of(m)) for t, m in (
            ("reading", Reading), ("field_record", FieldRecord),
            ("meter_replacement", MeterReplacement))}
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        first = shift_period(f"{ctx.today:%Y-%m}", -MONTHS)
        self.periods = [self._period(shift_period(first, i), i == MONTHS - 1)
                        for i in range(MONTHS)]
        self.ends = [p.last_reading_on for p in self.periods]
        #: Per point: the last reading written (id, VT, MT) and the last regular use in
        #: register units (VT, MT), what an estimate adds.
        self.last: dict[int, tuple[int, Decimal, Decimal | None]] = {}
        self.previous_use: dict[int, tuple[Decimal, Decimal]] = {}

    def _period(self, label: str, is_open: bool) -> _Period:
        order = default_order(label)
        return _Period(label, last_day(label), order.last_reading_on, is_open)

    # --- the step ---------------------------------------------------------------------------

    def build(self) -> None:
        self._orders()
        points = self._load_points()
        total = len(points)
        self.ctx.progress("Readings", 0, total)
        for done, point in enumerate(points, start=1):
            self._point(point)
            if done % 20000 == 0:
                self._flush()
                self.ctx.progress("Readings", done, total)
        self._flush()
        self.ctx.progress("Readings", total, total)
        self.loader.finish([table_of(Reading), table_of(FieldRecord),
                            table_of(MeterReplacement), table_of(BillingPeriod)])

    def _orders(self) -> None:
        rows = []
        first_id = self.loader.next_id(table_of(BillingPeriod))
        for i, p in enumerate(self.periods):
            order = default_order(p.label)
            closed = None if p.is_open else datetime.combine(order.invoice_issue_on,
                                                             time(15, 0), tzinfo=UTC)
            rows.append((first_id + i, p.label, order.books_made_on, order.handed_out_on,
                         order.last_reading_on, order.processing_on, order.invoice_issue_on,
                         "open" if p.is_open else "closed", closed,
                         None if p.is_open else self.by, self.now, self.by))
        self.loader.insert(table_of(BillingPeriod), (
            "id", "period", "books_made_on", "handed_out_on", "last_reading_on",
            "processing_on", "invoice_issue_on", "status", "closed_at", "closed_by",
            "created_at", "created_by"), rows)

    def _load_points(self) -> list[_Point]:
        conn: Connection = self.loader.conn
        points: dict[int, _Point] = {}
        for pid, zone, kind in conn.execute(select(
                MeteringPoint.id, MeteringPoint.zone_id, MeteringPoint.kind)):
            points[pid] = _Point(pid, zone, kind == "common")
        rows = conn.execute(select(
            MeterInstallation.point_id, Meter.id, Meter.two_rate, Meter.constant, Meter.digits,
            Meter.peak_load_constant, MeterInstallation.installed_on,
            MeterInstallation.removed_on).join(Meter, Meter.id == MeterInstallation.meter_id)
            .order_by(MeterInstallation.point_id, MeterInstallation.installed_on,
                      MeterInstallation.id))
        for pid, mid, two, constant, digits, peak, since, until in rows:
            points[pid].meters.append(_Meter(mid, two, float(constant), digits,
                                             float(peak) if peak else None, since, until))
        holdings = conn.execute(select(
            PointHolding.point_id, PointHolding.valid_from, PointHolding.valid_to,
            PointHolding.customer_id, Customer.kind)
            .join(Customer, Customer.id == PointHolding.customer_id)
            .order_by(PointHolding.point_id, PointHolding.valid_from, PointHolding.id))
        for pid, since, until, customer, kind in holdings:
            points[pid].holdings.append((since, until, customer, kind == "business"))
        return [p for p in points.values() if p.meters and p.holdings]

    # --- one point ----------------------------------------------------------------------------

    def _point(self, p: _Point) -> None:
        rng = self.rng
        business = p.holdings[-1][3]
        monthly = 120.0 if p.common else (
            min(400_000.0, max(300.0, rng.lognormvariate(math.log(6000), 0.9))) if business
            else min(2000.0, max(40.0, rng.lognormvariate(math.log(300), 0.45))))
        flat = 0.4 if business else 1.0
        mt_share = rng.uniform(0.25, 0.35) if business else rng.uniform(0.35, 0.45)
        events = self._events(p)
        meter = self._meter_at(p, events[0][0]) if events else None
        if meter is None:
            return
        regs = self._start(meter)
        previous: tuple[date, _Meter, int] | None = None
        streak = rng.random() < STREAK_SHARE
        leave_open = p.zone_id % LEAVE_OPEN == 0
        for day, kind, index in events:
            current = self._meter_at(p, day, kind == "final")
            if current is None:
                continue
            if previous is not None:
                days = (day - previous[0]).days
                season = SEASON[(day - timedelta(days=15)).month - 1]
                use = monthly * (1 + (season - 1) * flat) * days / 30.4 * rng.uniform(0.88, 1.12)
                self._turn(regs, use, mt_share, current, business)
            if kind == "initial":
                regs = _Registers(0.0, 0.0, 0.0, 0.0)
            period = self.periods[index]
            if kind == "regular" and period.is_open and (leave_open or day > self.ctx.today):
                continue
            peak_kw = monthly / 300 * self.rng.uniform(0.85, 1.15)
            self._reading(p, current, day, kind, index, regs, previous, streak, business,
                          peak_kw)
            previous = (day, current, index)

    def _events(self, p: _Point) -> list[tuple[date, str, int]]:
        """Dated readings of the point: a regular reading per period while it has a holder
        and a meter, and the final/initial, transfer and termination readings on the way."""
        out: list[tuple[date, str, int]] = []
        for index, period in enumerate(self.periods):
            offset = (p.zone_id * 7 + index * 3) % 5 - 2
            day = period.read_base + timedelta(days=offset)
            if self._holder_at(p, day) is not None and self._meter_at(p, day) is not None:
                out.append((day, "regular", index))
        start, end = out[0][0] if out else None, self.ends[-1]
        if start is None:
            return out
        for m in p.meters:
            if m.removed_on and start < m.removed_on <= min(end, self.ctx.today):
                index = self._period_index(m.removed_on)
                out += [(m.removed_on, "final", index), (m.removed_on, "initial", index)]
        for since, _until, _customer, _business in p.holdings[1:]:
            if start < since <= min(end, self.ctx.today):
                out.append((since, "transfer", self._period_index(since)))
        last = p.holdings[-1][1]
        if last is not None and start < last <= min(end, self.ctx.today):
            out.append((last, "termination", self._period_index(last)))
        order = {"regular": 0, "final": 1, "initial": 2, "transfer": 3, "termination": 4}
        out.sort(key=lambda e: (e[0], order[e[1]]))
        return out

    def _period_index(self, day: date) -> int:
        """The period whose reading days hold ``day`` (up to its last reading day)."""
        return min(bisect_left(self.ends, day), len(self.ends) - 1)

    @staticmethod
    def _holder_at(p: _Point, day: date) -> int | None:
        for since, until, customer, _b in p.holdings:
            if since <= day and (until is None or day < until):
                return customer
        return None

    @staticmethod
    def _meter_at(p: _Point, day: date, ending: bool = False) -> _Meter | None:
        for m in p.meters:
            if m.installed_on <= day and (m.removed_on is None or day < m.removed_on
                                          or (ending and day == m.removed_on)):
                return m
        return None

    def _start(self, m: _Meter) -> _Registers:
        span = 10 ** m.digits
        top = span * (0.985 if self.rng.random() < ROLLOVER_SHARE else 0.6)
        vt = self.rng.uniform(0, top)
        return _Registers(vt, self.rng.uniform(0, span * 0.4) if m.two_rate else 0.0,
                          self.rng.uniform(0, span * 0.3), self.rng.uniform(0, span * 0.2))

    @staticmethod
    def _turn(regs: _Registers, use: float, mt_share: float, m: _Meter,
              business: bool) -> None:
        units = use / m.constant
        if m.two_rate:
            regs.vt += units * (1 - mt_share)
            regs.mt += units * mt_share
        else:
            regs.vt += units
        if business and m.constant > 1:
            regs.vtr += units * 0.25
            regs.mtr += units * 0.08

    # --- writing a reading --------------------------------------------------------------------

    def _reading(self, p: _Point, m: _Meter, day: date, kind: str, index: int,
                 regs: _Registers, previous: tuple[date, _Meter, int] | None, streak: bool,
                 business: bool, peak_kw: float) -> None:
        rng, span = self.rng, 10 ** m.digits
        period = self.periods[index]
        vt = Decimal(int(regs.vt) % span)
        mt = Decimal(int(regs.mt) % span) if m.two_rate else None
        reactive = business and m.constant > 1
        vtr = Decimal(int(regs.vtr) % span) if reactive else None
        mtr = Decimal(int(regs.mtr) % span) if reactive and m.two_rate else None
        peak = None
        if m.peak_constant and kind == "regular":
            peak = Decimal(str(round(peak_kw / m.peak_constant, 2)))
        source, remark_code, flags, state = "reader", "", "", "ok"
        if kind == "regular" and previous is not None and previous[1].id == m.id:
            late = index >= MONTHS - 4
            if (streak and late) or rng.random() < ESTIMATE_SHARE:
                source, remark_code = "estimate", "N"
                vt, mt = self._estimate(p, m)
            elif not business and rng.random() < SELF_SHARE:
                source, remark_code = "self", "S"
        reading_id = self._add(p, m, period.label, day, kind, source, vt, mt, peak, vtr, mtr,
                               remark_code, flags, state)
        self.last[p.id] = (reading_id, vt, mt)
        if kind == "regular" and source == "reader" and previous is not None:
            self._maybe_implausible(reading_id, period, day, vt, mt, m)
        if kind == "initial":
            self._replacement(p, day, reading_id)

    def _estimate(self, p: _Point, m: _Meter) -> tuple[Decimal, Decimal | None]:
        _rid, vt, mt = self.last[p.id]
        span = Decimal(10 ** m.digits)
        use_vt, use_mt = self.previous_use.get(p.id, (Decimal(0), Decimal(0)))
        return (vt + use_vt) % span, ((mt or Decimal(0)) + use_mt) % span if m.two_rate \
            else None

    def _add(self, p: _Point, m: _Meter, period: str, day: date, kind: str, source: str,
             vt: Decimal, mt: Decimal | None, peak: Decimal | None, vtr: Decimal | None,
             mtr: Decimal | None, remark_code: str, flags: str, state: str) -> int:
        reading_id = self.next_id["reading"]
        self.next_id["reading"] += 1
        before = self.last.get(p.id)
        if before is not None and kind == "regular":
            span = Decimal(10 ** m.digits)
            self.previous_use[p.id] = ((vt - before[1]) % span,
                                       ((mt or Decimal(0)) - (before[2] or Decimal(0))) % span)
        self.rows["reading"].append((
            reading_id, p.id, m.id, period, day, kind, source, vt, mt, peak, vtr, mtr,
            remark_code, "", flags, state, self.now, self.by))
        return reading_id

    def _maybe_implausible(self, reading_id: int, period: _Period, day: date, vt: Decimal,
                           mt: Decimal | None, m: _Meter) -> None:
        rng = self.rng
        roll = rng.random()
        row = self.rows["reading"][-1]
        wrong = (vt + Decimal(int(rng.uniform(3, 9) * 10 ** max(1, m.digits - 3)))) % Decimal(
            10 ** m.digits)
        if period.is_open and roll < PENDING_SHARE:
            self.rows["reading"][-1] = row[:7] + (wrong,) + row[8:14] + ("band_high",
                                                                         "pending") + row[16:]
        elif not period.is_open and roll < FIELD_SHARE:
            corrected = rng.random() < 0.4
            outcome = "corrected" if corrected else "confirmed"
            self.rows["reading"][-1] = row[:14] + ("band_high", outcome) + row[16:]
            record_id = self.next_id["field_record"]
            self.next_id["field_record"] += 1
            original = wrong if corrected else vt
            self.rows["field_record"].append((
                record_id, reading_id, f"ZN-{record_id:05d}", day + timedelta(days=4), outcome,
                original, mt, None, vt if corrected else None, mt if corrected else None, None,
                "keyed wrong, meter shows the corrected value" if corrected
                else "meter checked, value confirmed", self.now, self.by))

    def _replacement(self, p: _Point, day: date, initial_id: int) -> None:
        final_id = initial_id - 1
        new = self._meter_at(p, day)
        old = next((m for m in p.meters if m.removed_on == day), None)
        if new is None or old is None:
            return
        replacement_id = self.next_id["meter_replacement"]
        self.next_id["meter_replacement"] += 1
        seal = self.rng.randrange(10**6, 10**7 - 1)
        self.rows["meter_replacement"].append((
            replacement_id, p.id, old.id, new.id, day, final_id, initial_id,
            f"{seal}, {seal + 1}", f"ZZ-{replacement_id:05d}", "periodic replacement",
            self.now, self.by))

    def _flush(self) -> None:
        for name, model, columns in (("reading", Reading, READING_COLUMNS),
                                     ("field_record", FieldRecord, RECORD_COLUMNS),
                                     ("meter_replacement", MeterReplacement,
                                      REPLACEMENT_COLUMNS)):
            if self.rows[name]:
                self.loader.insert(table_of(model), columns, self.rows[name])
                self.rows[name].clear()


def build_readings(ctx: DemoContext) -> None:
    """The readings step (after the register step in office_app.demo.STEPS). Skipped when the
    database already has billing orders (a demo added with --force to a working office)."""
    with loading(ctx.db) as loader:
        if loader.conn.scalar(select(func.count()).select_from(table_of(BillingPeriod))):
            return
        builder = _ReadingsBuilder(ctx, loader)
        tables = [table_of(Reading), table_of(FieldRecord), table_of(MeterReplacement)]
        if ctx.customers >= BIG:
            with loader.checks_deferred(tables):
                builder.build()
        else:
            builder.build()
    if ctx.customers >= BIG:
        vacuum_analyze(ctx.db, [table_of(Reading)])

