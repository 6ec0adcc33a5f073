"""Plausibility of a new reading against the point's history (001 Član 2: implausible readings
are found against the customer's average consumption).

Pure functions over plain data, so keying, import and tests share one rule set. Everything is
measured from the last *real* reading of the same meter (an estimate in between is settled by
the new reading and is not a fault); the expected consumption is the daily average over the
configured months of history times the days since that reading.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from office_app.errors import N_
from office_app.services.consumption import ChainReading, register_delta, step, use_between
from office_app.services.periods import PlausibilitySettings

#: Finding codes stored in Reading.flags, with how they are explained to the clerk.
FLAGS: dict[str, str] = {
    "band_low": N_("Consumption {quantity} is {percent} % of the expected {expected} "
                   "(below {limit} %)."),
    "band_high": N_("Consumption {quantity} is {percent} % of the expected {expected} "
                    "(above {limit} %)."),
    "zero": N_("No consumption since the last reading."),
    "negative": N_("Negative consumption: {quantity}."),
    "lower": N_("{register} {value} is lower than the last reading {last}."),
    "several": N_("The point already has a reading in period {period}."),
    "future": N_("The reading date {date} is in the future."),
}
#: Short names for reports and the book's status column.
FLAG_NAMES: dict[str, str] = {
    "band_low": N_("far below average"), "band_high": N_("far above average"),
    "zero": N_("zero use"), "negative": N_("negative use"), "lower": N_("lower than last"),
    "several": N_("several readings"), "future": N_("future date"),
}
#: Days of history below which no average is taken.
MIN_HISTORY_DAYS = 20
DAYS_PER_MONTH = Decimal("30.4")


@dataclass(frozen=True)
class Finding:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def msg_id(self) -> str:
        return FLAGS[self.code]


@dataclass(frozen=True)
class Assessment:
    """What the new reading means: its consumption since the previous reading, the expected
    consumption and monthly average (None without enough history), and what is wrong."""

    consumption: Decimal | None
    expected: Decimal | None
    monthly_average: Decimal | None
    findings: tuple[Finding, ...]

    @property
    def plausible(self) -> bool:
        return not self.findings

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.code for f in self.findings))


def daily_average(history: Sequence[ChainReading], until: date,
                  months: int) -> Decimal | None:
    """Average consumption per day over ``months`` before ``until`` (None when the history
    covers fewer than MIN_HISTORY_DAYS)."""
    since = until - timedelta(days=round(months * 30.44))
    window = [r for r in history if since <= r.read_on <= until]
    if len(window) < 2:
        return None
    days = (window[-1].read_on - window[0].read_on).days
    if days < MIN_HISTORY_DAYS:
        return None
    total = sum((use_between(a, b) for a, b in zip(window, window[1:], strict=False)),
                Decimal(0))
    return total / days


def _last_real(history: Sequence[ChainReading], meter_id: int) -> ChainReading | None:
    for reading in reversed(history):
        if reading.meter_id != meter_id:
            return None
        if not reading.estimated:
            return reading
    return None


def _lower(base: ChainReading, new: ChainReading) -> list[Finding]:
    found = []
    for name, old, value in (("VT", base.vt, new.vt), ("MT", base.mt, new.mt)):
        if old is None or value is None:
            continue
        delta, _rolled = register_delta(old, value, new.digits)
        if delta < 0:
            found.append(Finding("lower", {"register": name, "value": value, "last": old}))
    return found


def _band(total: Decimal, expected: Decimal, settings: PlausibilitySettings) -> list[Finding]:
    if expected <= 0:
        return []
    percent = (total * 100 / expected).quantize(Decimal(1), ROUND_HALF_UP)
    params = {"quantity": total, "percent": percent,
              "expected": expected.quantize(Decimal(1), ROUND_HALF_UP)}
    if percent < settings.band_low_percent and total > 0:
        return [Finding("band_low", {**params, "limit": settings.band_low_percent})]
    if percent > settings.band_high_percent:
        return [Finding("band_high", {**params, "limit": settings.band_high_percent})]
    return []


def assess(new: ChainReading, history: Sequence[ChainReading], settings: PlausibilitySettings,
           today: date, readings_in_period: int = 0) -> Assessment:
    """Check ``new`` against ``history`` (the point's usable readings before it, in chain
    order). ``readings_in_period`` counts the point's other readings in the same period."""
    findings: list[Finding] = []
    if new.read_on > today:
        findings.append(Finding("future", {"date": new.read_on}))
    if readings_in_period:
        findings.append(Finding("several", {"period": new.period}))
    previous = history[-1] if history else None
    consumption = step(previous, new).total if previous and previous.meter_id == new.meter_id \
        else None
    base = _last_real(history, new.meter_id)
    daily = daily_average(history, base.read_on, settings.history_months) if base else None
    expected = None
    if base is not None:
        since_real = step(base, new).total
        lower = _lower(base, new)
        findings += lower
        if since_real < 0 and not (lower and new.mt is None):
            findings.append(Finding("negative", {"quantity": since_real}))
        elif since_real == 0 and (daily is None or daily > 0):
            findings.append(Finding("zero"))
        if daily is not None:
            expected = daily * (new.read_on - base.read_on).days
            if since_real > 0:
                findings += _band(since_real, expected, settings)
    monthly = (daily * DAYS_PER_MONTH).quantize(Decimal(1), ROUND_HALF_UP) \
        if daily is not None else None
    return Assessment(consumption, expected, monthly, tuple(findings))
