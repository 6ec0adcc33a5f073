"""Working days of the office: Monday to Friday, less the public holidays of its country (the
``holidays`` package: Montenegro, Bosnia and Herzegovina with its entities — Republika Srpska,
the Federation, Brčko — and Kosovo) and the days the office itself is closed (kept in
``office_closed_day`` by a supervisor).

Deadlines in working days (a warning's 5 or 8 working days, 004 §32) are counted here and
nowhere else: ``add_working_days(day, n, calendar)`` is the n-th working day after ``day``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import Office, OfficeClosedDay
from office_app.services import audit
from office_app.services.permissions import Operator, Permission

#: The countries the office can be in, with their subdivisions whose holidays differ.
COUNTRIES: dict[str, tuple[str, ...]] = {"ME": (), "BA": ("SRP", "BIH", "BRC"), "XK": ()}
#: A deadline never runs further than this many calendar days (guards a bad closed-day list).
_HORIZON = 3660


@lru_cache(maxsize=32)
def _public_holidays(country: str, region: str, year: int) -> frozenset[date]:
    found = holidays.country_holidays(country, subdiv=region or None, years=year)
    return frozenset(found.keys())


@dataclass(frozen=True)
class OfficeCalendar:
    """The working-day calendar of one office: its country, region and closed days."""

    country: str = "ME"
    region: str = ""
    closed: frozenset[date] = field(default_factory=frozenset)

    def holiday(self, day: date) -> bool:
        return day in _public_holidays(self.country, self.region, day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed and not self.holiday(day)


def is_working_day(day: date, office: OfficeCalendar) -> bool:
    return office.is_working_day(day)


def add_working_days(day: date, n: int, office: OfficeCalendar) -> date:
    """The n-th working day after ``day`` (n = 0: ``day`` itself if it is a working day, else
    the next one). A deadline of "5 working days" from a warning dated ``day`` ends on
    ``add_working_days(day, 5, office)``."""
    if n < 0:
        raise ValueError("n must not be negative")
    current, left = day, n
    if n == 0:
        return next_working_day(day, office)
    while left:
        current += timedelta(days=1)
        if (current - day).days > _HORIZON:
            raise ValueError("no working day within ten years")
        if office.is_working_day(current):
            left -= 1
    return current


def next_working_day(day: date, office: OfficeCalendar) -> date:
    """``day`` if the office works on it, else the first working day after it."""
    current = day
    while not office.is_working_day(current):
        current += timedelta(days=1)
        if (current - day).days > _HORIZON:
            raise ValueError("no working day within ten years")
    return current


def working_days_between(start: date, end: date, office: OfficeCalendar) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += office.is_working_day(current)
    return count


def calendar_in(s: Session) -> OfficeCalendar:
    """The calendar of the office whose database ``s`` is."""
    office = s.scalar(select(Office).order_by(Office.id).limit(1))
    country = office.country if office is not None else "ME"
    region = office.holiday_region if office is not None else ""
    closed = frozenset(s.scalars(select(OfficeClosedDay.day)))
    return OfficeCalendar(country or "ME", region or "", closed)


def office_calendar(db: Database) -> OfficeCalendar:
    with db.unit_of_work() as s:
        return calendar_in(s)


@dataclass(frozen=True)
class ClosedDay:
    day: date
    reason: str
    created_by: str


def closed_days(db: Database, operator: Operator, year: int | None = None) -> list[ClosedDay]:
    """The office's own closed days (of ``year``, or all), in date order."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        query = select(OfficeClosedDay).order_by(OfficeClosedDay.day)
        if year is not None:
            query = query.where(OfficeClosedDay.day.between(date(year, 1, 1),
                                                            date(year, 12, 31)))
        return [ClosedDay(r.day, r.reason, r.created_by) for r in s.scalars(query)]


def add_closed_day(db: Database, operator: Operator, day: date | None, reason: str) -> ClosedDay:
    """Mark a day the office is closed. Refuses a missing day, a missing reason, a weekend or
    public holiday (already closed) and a day already on the list."""
    operator.require(Permission.MANAGE_PERIODS)
    reason = (reason or "").strip()
    errors = []
    if day is None:
        errors.append(FieldError("day", N_("Day: enter the date the office is closed.")))
    if not reason:
        errors.append(FieldError("reason", N_("Reason: say why the office is closed.")))
    elif len(reason) > 120:
        errors.append(FieldError("reason", N_("Reason: at most 120 characters.")))
    if errors:
        raise ValidationError(errors)
    assert day is not None
    with db.unit_of_work() as s:
        calendar = calendar_in(s)
        if day.weekday() >= 5 or calendar.holiday(day):
            raise ValidationError([FieldError("day", N_(
                "Day: {date} is a weekend or public holiday; the office is closed anyway."),
                {"date": day.strftime("%d.%m.%Y")})])
        if day in calendar.closed:
            raise Conflict(N_("Day: {date} is already on the list of closed days."), "day",
                           date=day.strftime("%d.%m.%Y"))
        row = OfficeClosedDay(day=day, reason=reason, created_by=operator.code)
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            raise Conflict(N_("Day: {date} is already on the list of closed days."), "day",
                           date=day.strftime("%d.%m.%Y")) from None
        audit.record(s, operator, "office_closed_day", row.id, None, "create", None,
                     {"day": day, "reason": reason})
        return ClosedDay(row.day, row.reason, row.created_by)


def remove_closed_day(db: Database, operator: Operator, day: date) -> None:
    """Take a day off the list (deadlines already printed keep their date)."""
    operator.require(Permission.MANAGE_PERIODS)
    with db.unit_of_work() as s:
        row = s.scalar(select(OfficeClosedDay).where(OfficeClosedDay.day == day))
        if row is None:
            raise NotFound(N_("Day: {date} is not on the list of closed days."), "day",
                           date=day.strftime("%d.%m.%Y"))
        audit.record(s, operator, "office_closed_day", row.id, None, "delete",
                     {"day": day, "reason": row.reason}, {"day": None, "reason": None})
        s.execute(delete(OfficeClosedDay).where(OfficeClosedDay.id == row.id))


__all__ = ["COUNTRIES", "ClosedDay", "OfficeCalendar", "add_closed_day", "add_working_days",
           "calendar_in", "closed_days", "is_working_day", "next_working_day",
           "office_calendar", "remove_closed_day", "working_days_between"]
