"""Collection of debt: every disconnected customer (I) has the field record it came from, no
disconnection order without a warning whose deadline had passed, and the runs issued nothing
twice for a date."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import (
    Customer,
    CustomerStatusChange,
    DebtWarning,
    DisconnectionOrder,
    DisconnectionRecord,
)
from office_app.services.integrity.base import Scope, Violation, integrity_check


@integrity_check("status_I_has_field_record")
def status_i_has_field_record(s: Session, _scope: Scope) -> Iterator[Violation]:
    """A customer with I got it from a disconnection field record (or carried it over from
    the old system), and that record exists."""
    latest = (select(CustomerStatusChange.customer_id,
                     func.max(CustomerStatusChange.id).label("id"))
              .group_by(CustomerStatusChange.customer_id).subquery())
    rows = s.execute(
        select(Customer.code, CustomerStatusChange.origin_kind, CustomerStatusChange.origin_id,
               DisconnectionRecord.id)
        .outerjoin(latest, latest.c.customer_id == Customer.id)
        .outerjoin(CustomerStatusChange, CustomerStatusChange.id == latest.c.id)
        .outerjoin(DisconnectionRecord, (DisconnectionRecord.id == CustomerStatusChange.origin_id)
                   & (DisconnectionRecord.kind == "disconnection")
                   & (DisconnectionRecord.customer_id == Customer.id))
        .where(Customer.status == "I"))
    for code, origin, _origin_id, record_id in rows:
        if origin == "import":
            continue
        if origin not in ("disconnection", "lawsuit", "lawsuit_closed") or (
                origin == "disconnection" and record_id is None):
            yield Violation("status_I_has_field_record", N_(
                "Customer {code} has status I without the field record of a disconnection."),
                {"code": code}, customer_code=code)


@integrity_check("order_after_expired_warning")
def order_after_expired_warning(s: Session, _scope: Scope) -> Iterator[Violation]:
    """Every disconnection order follows a warning of the customer whose deadline had passed
    when the order was issued."""
    rows = s.execute(
        select(DisconnectionOrder.number, Customer.code, DebtWarning.id, DebtWarning.deadline,
               DebtWarning.customer_id, DisconnectionOrder.customer_id,
               DisconnectionOrder.issued_on)
        .join(Customer, Customer.id == DisconnectionOrder.customer_id)
        .outerjoin(DebtWarning, DebtWarning.id == DisconnectionOrder.warning_id)
        .where(DisconnectionOrder.kind == "disconnection"))
    for number, code, warning_id, deadline, warned, ordered, issued_on in rows:
        if warning_id is None or warned != ordered or deadline >= issued_on:
            yield Violation("order_after_expired_warning", N_(
                "Disconnection order {number} was issued without a warning whose deadline "
                "had passed."), {"number": number}, customer_code=code, document=number)


@integrity_check("dunning_runs_idempotent")
def dunning_runs_idempotent(s: Session, _scope: Scope) -> Iterator[Violation]:
    """No customer got two warnings of one level for one date, and no point two open
    disconnection orders."""
    twice = s.execute(
        select(Customer.code, DebtWarning.as_of, DebtWarning.level)
        .join(Customer, Customer.id == DebtWarning.customer_id)
        .group_by(Customer.code, DebtWarning.as_of, DebtWarning.level)
        .having(func.count() > 1))
    for code, as_of, level in twice:
        yield Violation("dunning_runs_idempotent", N_(
            "Customer {code} got warning level {level} of {date} more than once."),
            {"code": code, "level": level, "date": as_of.strftime("%d.%m.%Y")},
            customer_code=code)
    open_twice = s.execute(
        select(Customer.code, DisconnectionOrder.point_id)
        .join(Customer, Customer.id == DisconnectionOrder.customer_id)
        .where(DisconnectionOrder.status == "issued")
        .group_by(Customer.code, DisconnectionOrder.point_id, DisconnectionOrder.kind)
        .having(func.count() > 1))
    for code, _point in open_twice:
        yield Violation("dunning_runs_idempotent", N_(
            "Customer {code} has two open orders of one kind for one metering point."),
            {"code": code}, customer_code=code)
