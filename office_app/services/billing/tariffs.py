"""Tariffs, VAT rates and statutory interest rates with effective dates; supervisors edit them.

Guarantees:

- History is kept: rows are never deleted or repriced. A new price is a new row; when it starts
  while an open-ended row of the same element is in force, that row is closed the day before
  (who and when is recorded). Any other overlap of dates is refused.
- Nothing already billed changes: a price (or rate) cannot start or end on or before the last
  day already invoiced (for interest rates: the last month an interest run posted).
- Every change is in the audit log.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import BillingRun, InterestRate, Invoice, Tariff, VatRate
from office_app.models.base import utcnow
from office_app.services import audit
from office_app.services.billing.elements import ELEMENTS, MONTHLY_BASES, Period, check_key
from office_app.services.billing.pricing import PriceBook, Rate
from office_app.services.permissions import Operator, Permission

RATE_KINDS = ("vat", "interest")
_RATE_MODELS: dict[str, type[VatRate] | type[InterestRate]] = {
    "vat": VatRate, "interest": InterestRate}


@dataclass(frozen=True)
class TariffRecord:
    id: int
    category: str
    tariff_group: str
    element: str
    price: Decimal
    valid_from: date
    valid_to: date | None
    source: str
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    #: A monthly charge kept while the point is disconnected.
    while_disconnected: bool = False


@dataclass(frozen=True)
class RateRecord:
    id: int
    kind: str
    rate: Decimal
    valid_from: date
    valid_to: date | None
    source: str
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str | None


def _tariff_record(t: Tariff) -> TariffRecord:
    return TariffRecord(t.id, t.category, t.tariff_group, t.element, t.price, t.valid_from,
                        t.valid_to, t.source, t.created_at, t.created_by, t.closed_at,
                        t.closed_by, bool(t.while_disconnected))


def _rate_record(kind: str, r: VatRate | InterestRate) -> RateRecord:
    return RateRecord(r.id, kind, r.rate, r.valid_from, r.valid_to, r.source, r.created_at,
                      r.created_by, r.closed_at, r.closed_by)


# --- reading ----------------------------------------------------------------------------------

def list_tariffs(db: Database, operator: Operator, category: str | None = None,
                 group: str | None = None, current_on: date | None = None) -> list[TariffRecord]:
    """Tariff rows, newest first within each element; ``current_on`` keeps the rows in force
    that day."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        stmt = select(Tariff)
        if category:
            stmt = stmt.where(Tariff.category == category)
        if group:
            stmt = stmt.where(Tariff.tariff_group == group)
        if current_on is not None:
            stmt = stmt.where(Tariff.valid_from <= current_on,
                              (Tariff.valid_to.is_(None)) | (Tariff.valid_to >= current_on))
        stmt = stmt.order_by(Tariff.category, Tariff.tariff_group, Tariff.element,
                             Tariff.valid_from.desc())
        return [_tariff_record(t) for t in s.scalars(stmt)]


def list_rates(db: Database, operator: Operator, kind: str) -> list[RateRecord]:
    operator.require(Permission.VIEW_LEDGER)
    model = _rate_model(kind)
    with db.unit_of_work() as s:
        rows: list[VatRate | InterestRate] = list(
            s.scalars(select(model).order_by(model.valid_from.desc())))
        return [_rate_record(kind, r) for r in rows]


def price_book(session: Session) -> PriceBook:
    """Every tariff, VAT and interest rate as plain data for the arithmetic."""
    tariffs: dict[tuple[str, str, str], list[Rate]] = defaultdict(list)
    for t in session.scalars(select(Tariff).order_by(Tariff.valid_from)):
        tariffs[(t.category, t.tariff_group, t.element)].append(
            Rate(t.price, t.valid_from, t.valid_to, t.while_disconnected))
    vat = [Rate(r.rate, r.valid_from, r.valid_to)
           for r in session.scalars(select(VatRate).order_by(VatRate.valid_from))]
    interest = [Rate(r.rate, r.valid_from, r.valid_to)
                for r in session.scalars(select(InterestRate).order_by(InterestRate.valid_from))]
    return PriceBook(dict(tariffs), vat, interest)


def load_price_book(db: Database) -> PriceBook:
    with db.unit_of_work() as s:
        return price_book(s)


def last_billed_day(session: Session) -> date | None:
    """The last day any posted invoice covers: prices before it can no longer change."""
    return session.scalar(select(func.max(Invoice.period_end)))


def last_interest_day(session: Session) -> date | None:
    period = session.scalar(select(func.max(BillingRun.period)).where(
        BillingRun.kind == "interest", BillingRun.documents_made > 0))
    return Period.parse(period).end if period else None


# --- writing ----------------------------------------------------------------------------------

def _decimal(value: Any, name: str, label: str, places: int) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        number = Decimal(-1)
    if not number.is_finite() or number < 0 or number != round(number, places):
        raise ValidationError([FieldError(name, N_(
            "{field}: a number not below zero with at most {places} decimals."),
            {"field": label, "places": places})])
    return number


def _check_dates(valid_from: date | None, valid_to: date | None) -> date:
    if valid_from is None:
        raise ValidationError([FieldError("valid_from", N_("Valid from: required."))])
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError([FieldError("valid_to", N_(
            "Valid until: must not be before the first day."))])
    return valid_from


def _check_not_billed(first_day: date, billed: date | None) -> None:
    if billed is not None and first_day <= billed:
        raise Conflict(N_("Days up to {date} are already billed; a change can take effect on "
                          "{next} at the earliest."), "valid_from",
                       date=billed.strftime("%d.%m.%Y"),
                       next=(billed + timedelta(days=1)).strftime("%d.%m.%Y"))


def _place(rows: list[Any], valid_from: date, valid_to: date | None,
           operator: Operator) -> Any | None:
    """Refuse an overlap with ``rows``; return the open-ended row the new one supersedes."""
    superseded = None
    for row in rows:
        ends_before = row.valid_to is not None and row.valid_to < valid_from
        starts_after = valid_to is not None and row.valid_from > valid_to
        if ends_before or starts_after:
            continue
        if row.valid_to is None and row.valid_from < valid_from and valid_to is None:
            superseded = row
            continue
        raise Conflict(N_("The dates overlap a price already entered, valid from {start} "
                          "until {end}."), "valid_from",
                       start=row.valid_from.strftime("%d.%m.%Y"),
                       end=row.valid_to.strftime("%d.%m.%Y") if row.valid_to else "…")
    if superseded is not None:
        superseded.valid_to = valid_from - timedelta(days=1)
        superseded.closed_at, superseded.closed_by = utcnow(), operator.code
    return superseded


def add_tariff(db: Database, operator: Operator, category: str, group: str, element: str,
               price: Decimal | str, valid_from: date | None, valid_to: date | None = None,
               source: str = "", while_disconnected: bool = False) -> TariffRecord:
    """Enter a price. ``while_disconnected``: a monthly charge kept while the point is
    disconnected (by default a disconnected point pays none after its disconnection date).
    Raises ValidationError (bad value), Conflict (overlapping dates, or a day already
    billed)."""
    operator.require(Permission.MANAGE_TARIFFS)
    check_key(category, group, element)
    amount = _decimal(price, "price", N_("Price"), 5)
    start = _check_dates(valid_from, valid_to)
    if while_disconnected and ELEMENTS[element].basis not in MONTHLY_BASES:
        raise ValidationError([FieldError("while_disconnected", N_(
            "Charged while disconnected: only a monthly charge can be; {element} is billed "
            "by consumption or once."), {"element": ELEMENTS[element].label})])
    with db.unit_of_work() as s:
        _check_not_billed(start, last_billed_day(s))
        rows = list(s.scalars(select(Tariff).where(
            Tariff.category == category, Tariff.tariff_group == group,
            Tariff.element == element).with_for_update()))
        closed = _place(rows, start, valid_to, operator)
        row = Tariff(category=category, tariff_group=group, element=element, price=amount,
                     valid_from=start, valid_to=valid_to, source=source.strip()[:80],
                     while_disconnected=while_disconnected, created_by=operator.code)
        s.add(row)
        s.flush()
        if closed is not None:
            audit.record(s, operator, "tariff", closed.id, None, "close", {"valid_to": None},
                         {"valid_to": closed.valid_to})
        audit.record(s, operator, "tariff", row.id, None, "create", None, {
            "key": f"{category}/{group}/{element}", "price": amount, "valid_from": start,
            "valid_to": valid_to, "source": row.source,
            "while_disconnected": while_disconnected})
        return _tariff_record(row)


def end_tariff(db: Database, operator: Operator, tariff_id: int, valid_to: date) -> TariffRecord:
    """Stop charging an element after ``valid_to`` (e.g. a fixed charge abolished)."""
    operator.require(Permission.MANAGE_TARIFFS)
    with db.unit_of_work() as s:
        row = s.get(Tariff, tariff_id, with_for_update=True)
        if row is None:
            raise NotFound(N_("Tariff {id} does not exist."), id=tariff_id)
        _end(s, operator, row, valid_to, last_billed_day(s), "tariff")
        return _tariff_record(row)


def _end(s: Session, operator: Operator, row: Any, valid_to: date, billed: date | None,
         entity: str) -> None:
    if valid_to < row.valid_from:
        raise ValidationError([FieldError("valid_to", N_(
            "Valid until: must not be before the first day."))])
    if row.valid_to is not None and row.valid_to <= valid_to:
        raise Conflict(N_("The price already ends on {date}."), "valid_to",
                       date=row.valid_to.strftime("%d.%m.%Y"))
    _check_not_billed(valid_to + timedelta(days=1), billed)
    old = row.valid_to
    row.valid_to, row.closed_at, row.closed_by = valid_to, utcnow(), operator.code
    audit.record(s, operator, entity, row.id, None, "close", {"valid_to": old},
                 {"valid_to": valid_to})


def _rate_model(kind: str) -> type[VatRate] | type[InterestRate]:
    if kind not in _RATE_MODELS:
        raise ValidationError([FieldError("kind", N_("Rate: choose VAT or interest."))])
    return _RATE_MODELS[kind]


def add_rate(db: Database, operator: Operator, kind: str, rate: Decimal | str,
             valid_from: date | None, valid_to: date | None = None,
             source: str = "") -> RateRecord:
    """Enter a VAT rate or a statutory interest rate (percent) with its dates."""
    operator.require(Permission.MANAGE_TARIFFS)
    model = _rate_model(kind)
    value = _decimal(rate, "rate", N_("Rate"), 3)
    if value > 100:
        raise ValidationError([FieldError("rate", N_("Rate: a percentage up to 100."))])
    start = _check_dates(valid_from, valid_to)
    with db.unit_of_work() as s:
        billed = last_billed_day(s) if kind == "vat" else last_interest_day(s)
        _check_not_billed(start, billed)
        rows = list(s.scalars(select(model).with_for_update()))
        closed = _place(rows, start, valid_to, operator)
        row: VatRate | InterestRate = model(
            rate=value, valid_from=start, valid_to=valid_to, source=source.strip()[:80],
            created_by=operator.code)
        s.add(row)
        s.flush()
        entity = f"{kind}_rate"
        if closed is not None:
            audit.record(s, operator, entity, closed.id, None, "close", {"valid_to": None},
                         {"valid_to": closed.valid_to})
        audit.record(s, operator, entity, row.id, None, "create", None, {
            "rate": value, "valid_from": start, "valid_to": valid_to, "source": row.source})
        return _rate_record(kind, row)  # type: ignore[arg-type]


def end_rate(db: Database, operator: Operator, kind: str, rate_id: int,
             valid_to: date) -> RateRecord:
    operator.require(Permission.MANAGE_TARIFFS)
    model = _rate_model(kind)
    with db.unit_of_work() as s:
        row = s.get(model, rate_id, with_for_update=True)  # type: ignore[assignment]
        if row is None:
            raise NotFound(N_("Rate {id} does not exist."), id=rate_id)
        billed = last_billed_day(s) if kind == "vat" else last_interest_day(s)
        _end(s, operator, row, valid_to, billed, f"{kind}_rate")
        return _rate_record(kind, row)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TariffChange:
    """One change of a price or rate: who, when, what and the values (one line each)."""

    at: datetime
    operator_code: str
    entity: str
    entity_id: int
    action: str
    changes: str
    #: The same changes as (field, old value, new value), for a screen to put into words.
    values: tuple[tuple[str, str | None, str | None], ...] = ()


def tariff_history(db: Database, operator: Operator, limit: int = 500) -> list[TariffChange]:
    """Who entered or closed which price or rate, and when (newest first)."""
    operator.require(Permission.VIEW_LEDGER)
    from office_app.models import AuditEntry

    with db.unit_of_work() as s:
        rows = list(s.scalars(select(AuditEntry).where(
            AuditEntry.entity.in_(("tariff", "vat_rate", "interest_rate")))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit * 8)))
    changes: list[TariffChange] = []
    parts: list[str] = []
    values: list[tuple[str, str | None, str | None]] = []
    for n, r in enumerate(rows):
        if r.field and (r.new_value is not None or r.old_value is not None):
            change = r.new_value if r.old_value is None else f"{r.old_value} → {r.new_value}"
            parts.insert(0, f"{r.field}: {change}")
            values.insert(0, (r.field, r.old_value, r.new_value))
        following = rows[n + 1] if n + 1 < len(rows) else None
        key = (r.operator_code, r.entity, r.entity_id, r.action)
        if following is None or key != (following.operator_code, following.entity,
                                        following.entity_id, following.action):
            changes.append(TariffChange(r.at, r.operator_code, r.entity, r.entity_id, r.action,
                                        " · ".join(parts), tuple(values)))
            parts, values = [], []
    return changes[:limit]
