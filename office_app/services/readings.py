"""Keying readings from the returned books (001 Član 2; 003 I).

Guarantees: each call is one transaction, so every keyed row is committed on its own and a
crash loses at most the row being keyed; readings go only into the open period; registers are
checked against the meter (digits, two-rate, peak load) before anything is written; an
implausible value is written only when the caller confirms it (the clerk keyed it twice), and
then waits for a field record; no access stores an estimate from the previous period's
consumption, which the next real reading settles.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    DisconnectionRecord,
    Meter,
    MeteringPoint,
    MeterInstallation,
    PointHolding,
    Reading,
)
from office_app.models.base import utcnow
from office_app.services import audit
from office_app.services.consumption import (
    ChainReading,
    chain_select,
    shift_period,
    step,
    to_chain,
)
from office_app.services.periods import PlausibilitySettings, require_open, settings_in
from office_app.services.permissions import Operator, Permission
from office_app.services.plausibility import Assessment, Finding, assess, daily_average

#: Reader's remark codes, keyed in the book's remark column.
REMARKS: dict[str, str] = {
    "N": N_("No access to the meter (estimate)"),
    "S": N_("Self-reading by the customer"),
    "O": N_("Meter damaged"),
    "P": N_("Seal damaged or missing"),
    "Z": N_("Premises closed or empty"),
    "X": N_("Other, see the remark"),
}
NO_ACCESS = "N"
SELF_READING = "S"
REGISTER_NAMES = {"vt": "VT", "mt": "MT", "peak": N_("Peak load")}
#: ASCII digits only: Arabic-Indic or full-width digits would pass a plain \d (issue 9).
_REGISTER = re.compile(r"^([0-9]+)(?:[.,]([0-9]{1,3}))?$")


@dataclass(frozen=True)
class ReadingEntry:
    """One row as typed: registers as text (checked against the meter), the remark code, the
    date. ``source`` is reader, self or remote; remark N (no access) makes an estimate."""

    point_id: int
    period: str
    read_on: date
    vt: str = ""
    mt: str = ""
    peak: str = ""
    remark_code: str = ""
    remark: str = ""
    source: str = "reader"


@dataclass(frozen=True)
class ReadingState:
    """A stored reading as the book shows it."""

    id: int
    point_id: int
    read_on: date
    vt: Decimal
    mt: Decimal | None
    peak: Decimal | None
    source: str
    remark_code: str
    remark: str
    check_state: str
    flags: tuple[str, ...]
    consumption: Decimal | None


@dataclass(frozen=True)
class KeyResult:
    """``saved`` False means the values are implausible and were not written: show the
    findings and let the clerk key the value again to confirm it (or correct it)."""

    saved: bool
    reading: ReadingState | None
    assessment: Assessment | None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.assessment.findings if self.assessment else ()


# --- parsing ----------------------------------------------------------------------------------

def parse_register(text: str, name: str, digits: int) -> Decimal | None:
    """A register as typed (digits, optionally a decimal comma and up to 3 decimals) checked
    against the meter's digit count. Empty gives None."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    label = REGISTER_NAMES.get(name, name)
    match = _REGISTER.match(text)
    if not match:
        raise ValidationError([FieldError(name, N_(
            "{field}: enter digits only, e.g. 012345 or 12345,5."), {"field": label})])
    whole = match.group(1).lstrip("0") or "0"
    if len(whole) > digits:
        raise ValidationError([FieldError(name, N_(
            "{field}: the meter has {digits} digits; {value} has {count}."),
            {"field": label, "digits": digits, "value": text, "count": len(whole)})])
    return Decimal(f"{match.group(1)}.{match.group(2) or '0'}")


Registers = tuple[Decimal | None, Decimal | None, Decimal | None]


def _registers(entry: ReadingEntry, meter: MeterSpec) -> Registers:
    errors: list[FieldError] = []
    values: dict[str, Decimal | None] = {}
    for name in ("vt", "mt", "peak"):
        try:
            values[name] = parse_register(getattr(entry, name), name, meter.digits)
        except ValidationError as exc:
            errors += exc.errors
            values[name] = None
    if values["mt"] is not None and not meter.two_rate:
        errors.append(FieldError("mt", N_(
            "MT: meter {meter} is single-rate; leave MT empty."), {"meter": meter.number}))
    if values["peak"] is not None and meter.peak_load_constant is None:
        errors.append(FieldError("peak", N_(
            "Peak load: meter {meter} has no peak-load register."), {"meter": meter.number}))
    if entry.remark_code != NO_ACCESS and not errors:
        if values["vt"] is None:
            errors.append(FieldError("vt", N_(
                "VT: enter the reading, or remark N when there was no access.")))
        elif meter.two_rate and values["mt"] is None:
            errors.append(FieldError("mt", N_("MT: meter {meter} is two-rate; enter MT too."),
                                     {"meter": meter.number}))
    if errors:
        raise ValidationError(errors)
    return values["vt"], values["mt"], values["peak"]


def _check_remark(entry: ReadingEntry) -> None:
    errors = []
    if entry.remark_code and entry.remark_code not in REMARKS:
        errors.append(FieldError("remark_code", N_(
            "Remark: use one of the codes {codes}, or leave it empty."),
            {"codes": " ".join(REMARKS)}))
    if len(entry.remark) > 200:
        errors.append(FieldError("remark", N_("Remark: at most 200 characters.")))
    if entry.source not in ("reader", "self", "remote"):
        errors.append(FieldError("source", N_("Source: reader, self or remote.")))
    if errors:
        raise ValidationError(errors)


# --- the point, its meter and its history -----------------------------------------------------

@dataclass(frozen=True)
class PointContext:
    point: MeteringPoint
    meter: Meter
    installed_on: date
    customer_id: int


def point_context(s: Session, point_id: int, day: date) -> PointContext:
    """The point with its active meter and holder; refused when either is missing."""
    point = s.get(MeteringPoint, point_id)
    if point is None:
        raise NotFound(N_("Metering point {id} does not exist."), "point", id=point_id)
    found = s.execute(select(Meter, MeterInstallation.installed_on).join(
        MeterInstallation, MeterInstallation.meter_id == Meter.id).where(
        MeterInstallation.point_id == point_id,
        MeterInstallation.removed_on.is_(None))).first()
    if found is None:
        raise Conflict(N_("Point {number} has no meter; there is nothing to read."), "point",
                       number=point.number)
    holder = s.scalar(select(PointHolding.customer_id).where(
        PointHolding.point_id == point_id, PointHolding.valid_to.is_(None)))
    if holder is None:
        raise Conflict(N_("Point {number} has no customer; its contract has ended."),
                       "point", number=point.number)
    meter, installed_on = found
    if day < installed_on:
        raise ValidationError([FieldError("read_on", N_(
            "Reading date: meter {meter} was installed on {date}."),
            {"meter": meter.number, "date": installed_on.strftime("%d.%m.%Y")})])
    return PointContext(point, meter, installed_on, holder)


def history(s: Session, point_id: int, until: date, months: int,
            exclude_id: int | None = None) -> list[ChainReading]:
    """Usable readings of the point from ``months`` (plus a margin) before ``until``."""
    since = until - timedelta(days=round((months + 2) * 30.44))
    stmt = chain_select().where(Reading.point_id == point_id, Reading.read_on >= since,
                                Reading.check_state != "pending")
    if exclude_id is not None:
        stmt = stmt.where(Reading.id != exclude_id)
    rows = s.execute(stmt.order_by(Reading.read_on, Reading.id))
    return [to_chain(r) for r in rows]


def book_reading(s: Session, point_id: int, period: str) -> Reading | None:
    """The point's regular reading of the period (the last one when there are several)."""
    return s.scalar(select(Reading).where(
        Reading.point_id == point_id, Reading.period == period, Reading.kind == "regular")
        .order_by(Reading.read_on.desc(), Reading.id.desc()).limit(1))


# --- estimates --------------------------------------------------------------------------------

def _usage(chain: list[ChainReading]) -> tuple[Decimal, Decimal]:
    vt, mt = Decimal(0), Decimal(0)
    for a, b in zip(chain, chain[1:], strict=False):
        s = step(a, b)
        vt += s.vt
        mt += s.mt or Decimal(0)
    return vt, mt


def estimate_usage(past: list[ChainReading], period: str, day: date,
                   months: int) -> tuple[Decimal, Decimal]:
    """The previous period's consumption (003 I.2.2) per register, in kWh or m³; without a
    previous period, the daily average times the days since the last reading; else zero."""
    previous = shift_period(period, -1)
    ends = [i for i, r in enumerate(past) if r.period == previous]
    if ends:
        first = ends[0]
        opening = first - 1 if first > 0 else first
        return _usage(past[opening:ends[-1] + 1])
    if not past:
        return Decimal(0), Decimal(0)
    daily = daily_average(past, past[-1].read_on, months)
    if daily is None:
        return Decimal(0), Decimal(0)
    vt, mt = _usage(past)
    total = vt + mt
    expected = daily * (day - past[-1].read_on).days
    share = vt / total if total > 0 else Decimal(1)
    return expected * share, expected * (1 - share)


def estimate_registers(past: list[ChainReading], meter: MeterSpec, period: str, day: date,
                       months: int) -> tuple[Decimal, Decimal | None]:
    """Registers of an estimate: the last reading plus the previous period's consumption in
    register units (whole units, past the digit count wrapping round)."""
    last = past[-1] if past else None
    if last is None or last.meter_id != meter.id:
        raise Conflict(N_("Meter {meter} has no reading yet, so there is nothing to estimate "
                          "from; it needs a real reading."), "vt", meter=meter.number)
    vt_use, mt_use = estimate_usage(past, period, day, months)
    span = Decimal(10) ** meter.digits

    def advance(register: Decimal | None, use: Decimal) -> Decimal | None:
        if register is None:
            return None
        units = (max(use, Decimal(0)) / meter.constant).quantize(Decimal(1), ROUND_HALF_UP)
        return (register + units) % span

    vt = advance(last.vt, vt_use)
    assert vt is not None
    return vt, advance(last.mt, mt_use) if meter.two_rate else None


# --- keying -----------------------------------------------------------------------------------

class MeterSpec(Protocol):
    """What keying needs of a meter (a Meter row or a prefetched record)."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def digits(self) -> int: ...
    @property
    def constant(self) -> Decimal: ...
    @property
    def two_rate(self) -> bool: ...
    @property
    def peak_load_constant(self) -> Decimal | None: ...


def evaluate(point_id: int, meter: MeterSpec, entry: ReadingEntry, past: list[ChainReading],
             settings: PlausibilitySettings, others: int) -> tuple[ChainReading, Assessment]:
    """Parse and judge one entry against the point's usable readings (``past``, in chain
    order, without the reading it replaces): the reading to store and what is wrong with it.
    Raises ValidationError for bad input, Conflict when an estimate has nothing to go on."""
    last = past[-1] if past else None
    if last is not None and entry.read_on < last.read_on:
        raise ValidationError([FieldError("read_on", N_(
            "Reading date: cannot be before the last reading on {date}."),
            {"date": last.read_on.strftime("%d.%m.%Y")})])
    vt, mt, peak = _registers(entry, meter)
    source = _source(entry)
    if source == "estimate":
        vt, mt = estimate_registers(past, meter, entry.period, entry.read_on,
                                    settings.history_months)
    assert vt is not None
    candidate = ChainReading(0, point_id, meter.id, meter.number, entry.period, entry.read_on,
                             "regular", source, vt, mt, peak, None, None, "ok",
                             entry.remark_code, meter.constant, meter.peak_load_constant,
                             meter.digits, meter.two_rate, "", entry.remark.strip())
    if source == "estimate":
        use = step(last, candidate).total if last and last.meter_id == meter.id else None
        return candidate, Assessment(use, None, None, ())
    return candidate, assess(candidate, past, settings, date.today(), others)


def _source(entry: ReadingEntry) -> str:
    if entry.remark_code == NO_ACCESS:
        return "estimate"
    if entry.remark_code == SELF_READING:
        return "self"
    return entry.source


def key_reading(db: Database, operator: Operator, entry: ReadingEntry, confirm: bool = False,
                replace: bool = True) -> KeyResult:
    """Store the point's reading of an open period.

    With ``replace`` (keying a book) the point's regular reading of the period is corrected
    in place (a keying error fixed at once); without it (an import) another reading is added,
    which counts as "several readings in one period". Implausible values come back unsaved
    (``saved`` False) unless ``confirm`` is set; confirmed ones wait for a field record.
    Remark N stores an estimate. Raises ValidationError, Conflict, NotFound."""
    operator.require(Permission.KEY_READINGS)
    _check_remark(entry)
    with db.unit_of_work() as s:
        require_open(s, entry.period)
        ctx = point_context(s, entry.point_id, entry.read_on)
        existing = book_reading(s, ctx.point.id, entry.period) if replace else None
        if existing is not None and existing.check_state in ("confirmed", "corrected"):
            raise Conflict(N_("The reading of point {number} was settled by a field record; "
                              "it can no longer be keyed over."), "vt", number=ctx.point.number)
        return _key(s, operator, ctx, entry, existing, confirm)


def disconnected_on(s: Session, point_ids: Sequence[int], on: date) -> dict[int, date]:
    """{point: its disconnection date} of the points disconnected on ``on``: their last
    field record up to that day is a disconnection (issue 11)."""
    found: dict[int, date] = {}
    ids = sorted(set(point_ids))
    for start in range(0, len(ids), 2000):
        rows = s.execute(select(DisconnectionRecord.point_id, DisconnectionRecord.kind,
                                DisconnectionRecord.done_on)
                         .where(DisconnectionRecord.point_id.in_(ids[start:start + 2000]),
                                DisconnectionRecord.done_on <= on)
                         .order_by(DisconnectionRecord.done_on, DisconnectionRecord.id))
        for point_id, kind, done_on in rows:
            if kind == "disconnection":
                found[point_id] = done_on
            else:
                found.pop(point_id, None)
    return found


def no_estimate(number: str, since: date) -> Conflict:
    """The refusal of an estimate for a disconnected point: it has no supply to estimate."""
    return Conflict(N_("Point {number} is disconnected since {date}: it gets no estimated "
                       "reading. Key the meter's reading, or leave the point unread."),
                    "remark_code", number=number, date=since.strftime("%d.%m.%Y"))


def _key(s: Session, operator: Operator, ctx: PointContext, entry: ReadingEntry,
         existing: Reading | None, confirm: bool) -> KeyResult:
    settings = settings_in(s)
    if _source(entry) == "estimate":
        off = disconnected_on(s, [ctx.point.id], entry.read_on)
        if ctx.point.id in off:
            raise no_estimate(ctx.point.number, off[ctx.point.id])
    exclude = existing.id if existing else None
    past = history(s, ctx.point.id, entry.read_on, settings.history_months, exclude)
    others = _others_in_period(s, ctx.point.id, entry.period, exclude)
    candidate, assessment = evaluate(ctx.point.id, ctx.meter, entry, past, settings, others)
    if not assessment.plausible and not confirm:
        return KeyResult(False, None, assessment)
    reading = _store(s, operator, ctx, entry, existing, candidate, assessment)
    return KeyResult(True, state_of(reading, assessment.consumption), assessment)


def _store(s: Session, operator: Operator, ctx: PointContext, entry: ReadingEntry,
           existing: Reading | None, c: ChainReading, assessment: Assessment) -> Reading:
    reading = existing or Reading(point_id=ctx.point.id, period=entry.period, kind="regular",
                                  created_by=operator.code)
    old = _values(reading) if existing else None
    reading.meter_id, reading.read_on, reading.source = ctx.meter.id, entry.read_on, c.source
    reading.vt, reading.mt, reading.peak = c.vt, c.mt, c.peak
    reading.remark_code, reading.remark = entry.remark_code, entry.remark.strip()
    reading.flags = ",".join(assessment.codes)
    reading.check_state = "ok" if assessment.plausible else "pending"
    if existing is not None:
        reading.updated_at, reading.updated_by = utcnow(), operator.code
    s.add(reading)
    s.flush()
    if old is not None:
        audit.record(s, operator, "reading", reading.id, ctx.customer_id, "update", old,
                     _values(reading))
    return reading


def _others_in_period(s: Session, point_id: int, period: str, exclude: int | None) -> int:
    stmt = select(func.count()).select_from(Reading).where(
        Reading.point_id == point_id, Reading.period == period, Reading.kind == "regular")
    if exclude is not None:
        stmt = stmt.where(Reading.id != exclude)
    return int(s.scalar(stmt) or 0)


def _values(r: Reading) -> dict[str, object]:
    return {"read_on": r.read_on, "vt": r.vt, "mt": r.mt, "peak": r.peak, "source": r.source,
            "remark_code": r.remark_code, "check_state": r.check_state}


def state_of(r: Reading, consumption: Decimal | None) -> ReadingState:
    return ReadingState(r.id, r.point_id, r.read_on, r.vt, r.mt, r.peak, r.source,
                        r.remark_code, r.remark, r.check_state,
                        tuple(f for f in r.flags.split(",") if f), consumption)


def clear_reading(db: Database, operator: Operator, point_id: int, period: str) -> None:
    """Remove the point's book reading of an open period (keyed on the wrong row). Readings
    settled by a field record stay."""
    operator.require(Permission.KEY_READINGS)
    with db.unit_of_work() as s:
        require_open(s, period)
        reading = book_reading(s, point_id, period)
        if reading is None:
            return
        if reading.check_state in ("confirmed", "corrected"):
            raise Conflict(N_("This reading was settled by a field record and stays."), "vt")
        holder = s.scalar(select(PointHolding.customer_id).where(
            PointHolding.point_id == point_id, PointHolding.valid_to.is_(None)))
        audit.record(s, operator, "reading", reading.id, holder, "delete", _values(reading),
                     {k: None for k in _values(reading)})
        s.delete(reading)
