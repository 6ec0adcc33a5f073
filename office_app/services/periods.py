"""Billing orders (001 Član 2): one calendar month each, with the five dates of the order.

Guarantees: at most one period is open at a time (also a partial unique index); periods are
opened in calendar order; a closed period's readings can no longer change (every reading
service checks ``require_open``/``require_not_closed``); a period with implausible readings
still waiting for their field re-check cannot be closed.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import BillingPeriod, Reading, ReadingSettings
from office_app.models.base import utcnow
from office_app.services.consumption import BillingPeriodInfo, period_info, shift_period
from office_app.services.permissions import Operator, Permission

_LABEL = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DATE_FIELDS = ("books_made_on", "handed_out_on", "last_reading_on", "processing_on",
               "invoice_issue_on")
DATE_LABELS = {
    "books_made_on": N_("Books made on"),
    "handed_out_on": N_("Books handed to the field on"),
    "last_reading_on": N_("Last reading day"),
    "processing_on": N_("Processing date"),
    "invoice_issue_on": N_("Invoice issue date"),
}


@dataclass(frozen=True)
class PeriodInput:
    period: str
    books_made_on: date
    handed_out_on: date
    last_reading_on: date
    processing_on: date
    invoice_issue_on: date


@dataclass(frozen=True)
class PlausibilitySettings:
    band_low_percent: int = 40
    band_high_percent: int = 250
    history_months: int = 12
    estimate_streak: int = 2


def check_label(period: str) -> str:
    """A period label "YYYY-MM"; ValidationError otherwise."""
    period = period.strip()
    if not _LABEL.match(period):
        raise ValidationError([FieldError("period", N_(
            "Period: write it as year-month, e.g. 2025-03."), {})])
    return period


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def last_day(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def label_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def default_order(period: str) -> PeriodInput:
    """The usual calendar (003 I.1.1, II): books made on the 20th and handed out on the 25th,
    read until the 3rd of the next month, processed on the 5th, invoices issued on the 8th
    so they reach customers by the 15th."""
    period = check_label(period)
    month_end = last_day(period)
    return PeriodInput(period, month_end.replace(day=20), month_end.replace(day=25),
                       month_end + timedelta(days=3), month_end + timedelta(days=5),
                       month_end + timedelta(days=8))


# --- reading the orders -----------------------------------------------------------------------

def open_in(session: Session) -> BillingPeriod | None:
    return session.scalar(select(BillingPeriod).where(BillingPeriod.status == "open"))


def current_period_label(db: Database) -> str:
    """The open period ("YYYY-MM") for the status bar; "" when no period is open."""
    with db.unit_of_work() as s:
        row = open_in(s)
        return row.period if row else ""


def current_period(db: Database, operator: Operator) -> BillingPeriodInfo | None:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        row = open_in(s)
        return period_info(row) if row else None


def list_periods(db: Database, operator: Operator) -> list[BillingPeriodInfo]:
    """All billing orders, newest first."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.scalars(select(BillingPeriod).order_by(BillingPeriod.period.desc()))
        return [period_info(r) for r in rows]


def get_period(session: Session, period: str) -> BillingPeriod:
    row = session.scalar(select(BillingPeriod).where(BillingPeriod.period == period))
    if row is None:
        raise NotFound(N_("There is no billing order for period {period}."), "period",
                       period=period)
    return row


def require_open(session: Session, period: str) -> BillingPeriod:
    """The period's order, which must be open for readings to be keyed into it."""
    row = get_period(session, period)
    if row.status != "open":
        raise Conflict(N_("Period {period} is closed; its readings can no longer change."),
                       "period", period=period)
    return row


def require_not_closed(session: Session, period: str) -> None:
    """Readings of a period not opened yet may be stored (a replacement after the open
    period's last reading day); a closed period's may not."""
    row = session.scalar(select(BillingPeriod).where(BillingPeriod.period == period))
    if row is not None and row.status == "closed":
        raise Conflict(N_("Period {period} is closed; its readings can no longer change."),
                       "period", period=period)
    latest_closed = session.scalar(select(func.max(BillingPeriod.period)).where(
        BillingPeriod.status == "closed"))
    if row is None and latest_closed and period <= latest_closed:
        raise Conflict(N_("Period {period} lies before the last closed period {closed}."),
                       "period", period=period, closed=latest_closed)


def period_for_date(session: Session, day: date) -> str:
    """The period a reading taken on ``day`` outside a book belongs to (replacement, transfer,
    termination): the open period up to its last reading day, a later month after it; with no
    open period, the calendar month of the date. Refused when that period is closed."""
    row = open_in(session)
    if row is None:
        period = label_of(day)
    elif day <= row.last_reading_on:
        period = row.period
    else:
        period = max(label_of(day), shift_period(row.period, 1))
    require_not_closed(session, period)
    return period


# --- changing the orders ----------------------------------------------------------------------

def _check_dates(data: PeriodInput) -> None:
    errors: list[FieldError] = []
    values = [getattr(data, name) for name in DATE_FIELDS]
    for name, value in zip(DATE_FIELDS, values, strict=True):
        if value is None:
            errors.append(FieldError(name, N_("{field}: enter the date."),
                                     {"field": DATE_LABELS[name]}))
    if errors:
        raise ValidationError(errors)
    for (before, a), (after, b) in zip(zip(DATE_FIELDS, values, strict=True),
                                       list(zip(DATE_FIELDS, values, strict=True))[1:],
                                       strict=False):
        if b < a:
            errors.append(FieldError(after, N_("{field}: cannot be before {other}."),
                                     {"field": DATE_LABELS[after],
                                      "other": DATE_LABELS[before]}))
    if data.last_reading_on < first_day(data.period):
        errors.append(FieldError("last_reading_on", N_(
            "Last reading day: cannot be before the period begins.")))
    if errors:
        raise ValidationError(errors)


def open_period(db: Database, operator: Operator, data: PeriodInput) -> BillingPeriodInfo:
    """Issue the billing order of a new period and open it. Refused while another period is
    open, or when the period is not later than every existing one."""
    operator.require(Permission.MANAGE_PERIODS)
    period = check_label(data.period)
    _check_dates(data)
    with db.unit_of_work() as s:
        current = open_in(s)
        if current is not None:
            raise Conflict(N_("Period {period} is still open; close it before opening "
                              "another."), "period", period=current.period)
        latest = s.scalar(select(func.max(BillingPeriod.period)))
        if latest and period <= latest:
            raise Conflict(N_("Period: {period} must come after the last period {latest}."),
                           "period", period=period, latest=latest)
        row = BillingPeriod(period=period, status="open", created_by=operator.code,
                            **{name: getattr(data, name) for name in DATE_FIELDS})
        s.add(row)
        s.flush()
        return period_info(row)


def update_period(db: Database, operator: Operator, data: PeriodInput) -> BillingPeriodInfo:
    """Change the dates of an open period's order."""
    operator.require(Permission.MANAGE_PERIODS)
    _check_dates(data)
    with db.unit_of_work() as s:
        row = require_open(s, check_label(data.period))
        for name in DATE_FIELDS:
            setattr(row, name, getattr(data, name))
        row.updated_at, row.updated_by = utcnow(), operator.code
        return period_info(row)


def close_period(db: Database, operator: Operator, period: str) -> BillingPeriodInfo:
    """Close the period: its readings are locked from now on. Refused while implausible
    readings of the period wait for their field re-check."""
    operator.require(Permission.MANAGE_PERIODS)
    with db.unit_of_work() as s:
        row = require_open(s, check_label(period))
        pending = s.scalar(select(func.count()).select_from(Reading).where(
            Reading.period == row.period, Reading.check_state == "pending"))
        if pending:
            raise Conflict(N_("Period {period} has {count} implausible readings waiting for "
                              "a field record; apply the records first."), "period",
                           period=row.period, count=pending)
        row.status, row.closed_at, row.closed_by = "closed", utcnow(), operator.code
        return period_info(row)


def close_billed(db: Database, operator: Operator, period: str) -> None:
    """A period whose billing run completed with nothing held back is billed: its reading
    books are closed (its readings locked; the next period's are keyed as before). With
    points held back it stays open, so their readings can still be fixed and billed."""
    with db.unit_of_work() as s:
        row = s.scalar(select(BillingPeriod).where(BillingPeriod.period == period,
                                                   BillingPeriod.status == "open"))
        if row is not None:
            row.status, row.closed_at, row.closed_by = "closed", utcnow(), operator.code


# --- plausibility settings --------------------------------------------------------------------

def settings_in(session: Session) -> PlausibilitySettings:
    row = session.get(ReadingSettings, 1)
    if row is None:
        return PlausibilitySettings()
    return PlausibilitySettings(row.band_low_percent, row.band_high_percent,
                                row.history_months, row.estimate_streak)


def get_settings(db: Database, operator: Operator) -> PlausibilitySettings:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        return settings_in(s)


def save_settings(db: Database, operator: Operator,
                  data: PlausibilitySettings) -> PlausibilitySettings:
    """Change the plausibility band (percent of the average), the months the average is
    taken over, and after how many estimates in a row a point is highlighted."""
    operator.require(Permission.MANAGE_PERIODS)
    errors: list[FieldError] = []
    if not 0 <= data.band_low_percent < 100:
        errors.append(FieldError("band_low_percent", N_(
            "Lower limit: enter a percentage from 0 to 99.")))
    if not 100 < data.band_high_percent <= 10000:
        errors.append(FieldError("band_high_percent", N_(
            "Upper limit: enter a percentage above 100.")))
    if not 1 <= data.history_months <= 36:
        errors.append(FieldError("history_months", N_(
            "Months of history: enter a number from 1 to 36.")))
    if not 1 <= data.estimate_streak <= 12:
        errors.append(FieldError("estimate_streak", N_(
            "Estimates in a row: enter a number from 1 to 12.")))
    if errors:
        raise ValidationError(errors)
    with db.unit_of_work() as s:
        row = s.get(ReadingSettings, 1) or ReadingSettings(id=1)
        for f in fields(PlausibilitySettings):
            setattr(row, f.name, getattr(data, f.name))
        row.updated_at, row.updated_by = utcnow(), operator.code
        s.add(row)
    return data


__all__ = ["PeriodInput", "PlausibilitySettings", "close_billed", "close_period",
           "current_period", "current_period_label", "default_order", "list_periods", "open_period",
           "period_for_date", "save_settings", "shift_period", "update_period"]
