"""The readings step: thirteen billing orders (the opening month and twelve months of
consumption), the readings of every metered point with seasonal use, and the month's work in
progress.

- Periods: the thirteen months before the demo's "today"; all closed but the last, which is
  open with about three books in four keyed (the rest are left for a clerk to key).
- Use per point: households around 300 kWh a month (winter heating makes January about twice
  July), businesses thousands of kWh on meters behind current transformers (register units =
  kWh / constant), with peak load and reactive energy; building common meters a little.
  Two-rate meters split about 60/40 between VT and MT. The water demo: households about
  12 m³ a month (more in summer: gardens, tourists), businesses tens to thousands of m³, one
  register, no peak load or reactive energy.
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
#: The water demo's: gardens and the tourist season on the coast in summer.
WATER_SEASON = (0.8, 0.8, 0.85, 0.9, 1.0, 1.2, 1.45, 1.45, 1.15, 0.9, 0.8, 0.8)
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
class _PointState:
    """What the point's last written reading was, and the use an estimate would add."""

    streak: bool
    business: bool
    peak_kw: float
    day: date | None = None
    meter_id: int = 0
    vt: int = 0
    mt: int = 0
    use_vt: int = 0
    use_mt: int = 0


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
        self.routes: dict[int, list[tuple[date, str, int]]] = {}
        #: A field record waiting for the id of the reading it settles.
        self.pending_record: tuple | None = None

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
        water = self.ctx.utility == "water"
        seasons = WATER_SEASON if water else SEASON
        if water:   # m³ a month: a household about 12, a business tens to thousands
            monthly = 15.0 if p.common else (
                min(4000.0, max(5.0, rng.lognormvariate(math.log(45), 1.0))) if business
                else min(60.0, max(2.0, rng.lognormvariate(math.log(12), 0.45))))
        else:
            monthly = 120.0 if p.common else (
                min(400_000.0, max(300.0, rng.lognormvariate(math.log(6000), 0.9)))
                if business else min(2000.0, max(40.0, rng.lognormvariate(math.log(300), 0.45))))
        flat = 0.4 if business else 1.0
        mt_share = rng.uniform(0.25, 0.35) if business else rng.uniform(0.35, 0.45)
        events = self._events(p)
        meter = self._meter_at(p, events[0][0]) if events else None
        if meter is None:
            return
        regs = self._start(meter)
        state = _PointState(streak=rng.random() < STREAK_SHARE, business=business,
                            peak_kw=monthly / 300)
        leave_open = p.zone_id % LEAVE_OPEN == 0
        today = self.ctx.today
        for day, kind, index in events:
            current = self._meter_at(p, day, kind == "final")
            if current is None:
                continue
            if state.day is not None:
                season = seasons[(day - timedelta(days=15)).month - 1]
                use = monthly * (1 + (season - 1) * flat) * (day - state.day).days / 30.4 \
                    * rng.uniform(0.88, 1.12)
                self._turn(regs, use, mt_share, current, business)
            if kind == "initial":
                regs = _Registers(0.0, 0.0, 0.0, 0.0)
            period = self.periods[index]
            if kind == "regular" and period.is_open and (leave_open or day > today):
                continue
            self._reading(p, current, day, kind, index, regs, state)

    def _events(self, p: _Point) -> list[tuple[date, str, int]]:
        """Dated readings of the point: a regular reading per period while it has a holder
        and a meter, and the final/initial, transfer and termination readings on the way."""
        route = self._route(p.zone_id)
        if len(p.meters) == 1 and len(p.holdings) == 1:
            meter, (since, until, _c, _b) = p.meters[0], p.holdings[0]
            first, last_day_ = route[0][0], route[-1][0]
            if meter.installed_on <= first and since <= first and (
                    until is None or until > last_day_) and (
                    meter.removed_on is None or meter.removed_on > last_day_):
                return route     # the usual point: one meter, one holder all year
        out = [(day, kind, index) for day, kind, index in route
               if self._holder_at(p, day) is not None and self._meter_at(p, day) is not None]
        start, end = out[0][0] if out else None, self.ends[-1]
        first_meter = min(p.meters, key=lambda m: m.installed_on)
        connected = first_meter.installed_on
        if route[0][0] < connected <= min(end, self.ctx.today) and self._holder_at(
                p, connected) is not None:
            # a new connection: the meter's initial reading on the day it was installed,
            # which its first invoice bills from
            out.append((connected, "initial", self._period_index(connected)))
            start = min(start or connected, connected)
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

    def _route(self, zone_id: int) -> list[tuple[date, str, int]]:
        """The days a zone is read in each period (a zone is read on one day)."""
        route = self.routes.get(zone_id)
        if route is None:
            route = [(period.read_base + timedelta(days=(zone_id * 7 + index * 3) % 5 - 2),
                      "regular", index) for index, period in enumerate(self.periods)]
            self.routes[zone_id] = route
        return route

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
                 regs: _Registers, st: _PointState) -> None:
        rng, span = self.rng, 10 ** m.digits
        period = self.periods[index]
        vt = int(regs.vt) % span
        mt = int(regs.mt) % span if m.two_rate else None
        reactive = st.business and m.constant > 1
        vtr = int(regs.vtr) % span if reactive else None
        mtr = int(regs.mtr) % span if reactive and m.two_rate else None
        peak = None
        if m.peak_constant and kind == "regular":
            peak = Decimal(round(st.peak_kw * rng.uniform(0.85, 1.15) / m.peak_constant * 100)
                           ) / 100
        source, remark_code, flags, check = "reader", "", "", "ok"
        same_meter = st.meter_id == m.id and st.day is not None
        if kind == "regular" and same_meter:
            if (st.streak and index >= MONTHS - 4) or rng.random() < ESTIMATE_SHARE:
                source, remark_code = "estimate", "N"
                vt = (st.vt + st.use_vt) % span
                mt = (st.mt + st.use_mt) % span if mt is not None else None
            elif not st.business and rng.random() < SELF_SHARE:
                source, remark_code = "self", "S"
            elif rng.random() < (PENDING_SHARE if period.is_open else FIELD_SHARE):
                vt, flags, check = self._implausible(period, day, vt, mt, span)
        if kind == "regular" and same_meter:
            st.use_vt, st.use_mt = (vt - st.vt) % span, ((mt or 0) - st.mt) % span
        reading_id = self.next_id["reading"]
        self.next_id["reading"] = reading_id + 1
        self.rows["reading"].append((
            reading_id, p.id, m.id, period.label, day, kind, source, vt, mt, peak, vtr, mtr,
            remark_code, "", flags, check, self.now, self.by))
        if self.pending_record is not None:
            self.rows["field_record"].append((self.next_id["field_record"], reading_id,
                                              *self.pending_record))
            self.next_id["field_record"] += 1
            self.pending_record = None
        st.day, st.meter_id, st.vt, st.mt = day, m.id, vt, mt or 0
        if kind == "initial":
            self._replacement(p, day, reading_id)

    def _implausible(self, period: _Period, day: date, vt: int, mt: int | None,
                     span: int) -> tuple[int, str, str]:
        """A value the plausibility check stops: waiting for the field in the open period;
        settled by a field record (confirmed, or corrected keeping the original) before."""
        wrong = (vt + int(self.rng.uniform(3, 9) * span / 1000)) % span
        if period.is_open:
            return wrong, "band_high", "pending"
        corrected = self.rng.random() < 0.4
        outcome = "corrected" if corrected else "confirmed"
        number = f"ZN-{self.next_id['field_record']:05d}"
        self.pending_record = (
            number, day + timedelta(days=4), outcome, wrong if corrected else vt, mt, None,
            vt if corrected else None, mt if corrected else None, None,
            "keyed wrong, the meter shows the corrected value" if corrected
            else "meter checked, value confirmed", self.now, self.by)
        return vt, "band_high", outcome

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

