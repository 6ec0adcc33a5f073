"""The audit of exactly-once billing (issue 8): every meter's advance billed once.

Three invariants over ``billed_interval`` and ``invoice``, each violation naming the invoice
number, the customer code and the point number:

- no two billed intervals of one meter overlap (whoever they were billed to);
- no gap between the billed intervals of a meter, up to its last billed reading: each one
  starts at the reading where the one before it ended;
- no day of a point is billed twice: the service days of two invoices of the same point
  (any customer) never overlap, so fixed charges are billed once per point and day.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from office_app.errors import N_
from office_app.models import BilledInterval, Invoice, Meter
from office_app.services.integrity.base import Scope, Violation, integrity_check

CHECK = "billed_intervals"


def _day(value: Any) -> str:
    return value.strftime("%d.%m.%Y")


@integrity_check(CHECK)
def billed_intervals(session: Session, scope: Scope) -> Iterable[Violation]:
    """Overlapping and missing billed intervals per meter, and service days billed twice."""
    yield from overlapping_intervals(session, scope)
    yield from missing_intervals(session, scope)
    yield from days_billed_twice(session, scope)


def overlapping_intervals(session: Session, scope: Scope) -> Iterator[Violation]:
    a, b = aliased(BilledInterval), aliased(BilledInterval)
    ia, ib = aliased(Invoice), aliased(Invoice)
    stmt = (select(ia.number, ia.customer_code, ia.point_number, ib.number, ib.customer_code,
                   Meter.number, b.start_on, b.end_on)
            .select_from(a)
            .join(b, and_(b.meter_id == a.meter_id, b.id > a.id, a.start_on < b.end_on,
                          b.start_on < a.end_on))
            .join(ia, ia.id == a.invoice_id).join(ib, ib.id == b.invoice_id)
            .join(Meter, Meter.id == a.meter_id)
            .order_by(ia.point_number, b.start_on))
    if scope.period:
        stmt = stmt.where(or_(ia.period == scope.period, ib.period == scope.period))
    for number, customer, point, other, other_customer, meter, start, end in session.execute(
            stmt):
        yield Violation(CHECK, N_(
            "Meter {meter}: the consumption from {start} to {end} is billed on invoice {other} "
            "(customer {other_customer}) and again on invoice {invoice}."),
            {"meter": meter, "start": _day(start), "end": _day(end), "other": other,
             "other_customer": other_customer, "invoice": number},
            customer_code=customer, point_number=point, document=number)


def _chained() -> Select:
    previous = func.lag(BilledInterval.end_reading_id, type_=Integer).over(
        partition_by=BilledInterval.meter_id,
        order_by=(BilledInterval.end_on, BilledInterval.end_reading_id))
    previous_end = func.lag(BilledInterval.end_on, type_=Date).over(
        partition_by=BilledInterval.meter_id,
        order_by=(BilledInterval.end_on, BilledInterval.end_reading_id))
    return select(BilledInterval.id, BilledInterval.invoice_id, BilledInterval.meter_id,
                  BilledInterval.start_reading_id, BilledInterval.start_on,
                  previous.label("previous_end_id"), previous_end.label("previous_end_on"))


def missing_intervals(session: Session, scope: Scope) -> Iterator[Violation]:
    chained = _chained().subquery()
    stmt = (select(Invoice.number, Invoice.customer_code, Invoice.point_number, Meter.number,
                   chained.c.previous_end_on, chained.c.start_on)
            .select_from(chained)
            .join(Invoice, Invoice.id == chained.c.invoice_id)
            .join(Meter, Meter.id == chained.c.meter_id)
            .where(chained.c.previous_end_id.is_not(None),
                   chained.c.previous_end_id != chained.c.start_reading_id)
            .order_by(Invoice.point_number, chained.c.start_on))
    if scope.period:
        stmt = stmt.where(Invoice.period == scope.period)
    for number, customer, point, meter, gap_from, gap_to in session.execute(stmt):
        yield Violation(CHECK, N_(
            "Meter {meter}: the readings between {start} and {end} are not billed; invoice "
            "{invoice} continues after the gap."),
            {"meter": meter, "start": _day(gap_from), "end": _day(gap_to), "invoice": number},
            customer_code=customer, point_number=point, document=number)


def days_billed_twice(session: Session, scope: Scope) -> Iterator[Violation]:
    a, b = aliased(Invoice), aliased(Invoice)
    stmt = (select(b.number, b.customer_code, b.point_number, a.number, a.customer_code,
                   a.service_start, a.service_end, b.service_start, b.service_end)
            .select_from(a)
            .join(b, and_(b.point_id == a.point_id, b.id > a.id,
                          a.service_start <= b.service_end, b.service_start <= a.service_end))
            .order_by(b.point_number, b.service_start))
    if scope.period:
        stmt = stmt.where(or_(a.period == scope.period, b.period == scope.period))
    for row in session.execute(stmt):
        number, customer, point, other, other_customer = row[:5]
        start = max(row[5], row[7])
        end = min(row[6], row[8])
        yield Violation(CHECK, N_(
            "Point {point}: the days from {start} to {end} are billed on invoice {other} "
            "(customer {other_customer}) and again on invoice {invoice}."),
            {"point": point, "start": _day(start), "end": _day(end), "other": other,
             "other_customer": other_customer, "invoice": number},
            customer_code=customer, point_number=point, document=number)


__all__ = ["billed_intervals", "days_billed_twice", "missing_intervals", "overlapping_intervals"]
