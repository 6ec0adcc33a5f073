"""The contract termination notice (001 Član 9): when a contract ends (status ``N``, set by
meter_events.terminate_contract), the customer is told in writing — the date, the final
reading of each point, what is still owed or to be refunded, and how long the papers are kept.
Printed in two copies (customer, archive) in the customer's language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from office_app.db import Database
from office_app.errors import N_, Conflict, NotFound
from office_app.models import (
    Customer,
    CustomerStatusChange,
    MeteringPoint,
    PointHolding,
    Reading,
)
from office_app.models.base import utcnow
from office_app.services import ledger
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission
from office_app.services.retention import keep_until


@dataclass(frozen=True)
class FinalReading:
    point_number: str
    point_address: str
    read_on: date
    vt: Decimal
    mt: Decimal | None


@dataclass(frozen=True)
class TerminationNotice:
    office: OfficeInfo
    customer_code: str
    customer_name: str
    customer_address: str
    language: str
    ended_on: date
    reason: str
    readings: tuple[FinalReading, ...]
    balance: Decimal
    papers_kept_until: date


def notice_data(db: Database, operator: Operator, customer_id: int) -> TerminationNotice:
    """What the notice says; refused while the customer's contract has not ended."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        customer = s.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
        if customer.status != "N" or customer.status_date is None:
            raise Conflict(N_("The contract of customer {code} has not ended: there is no "
                              "termination notice to print."), "status", code=customer.code)
        ended = customer.status_date
        reason = s.scalar(select(CustomerStatusChange.reason).where(
            CustomerStatusChange.customer_id == customer.id,
            CustomerStatusChange.status == "N").order_by(CustomerStatusChange.id.desc())) or ""
        rows = s.execute(select(MeteringPoint.number, MeteringPoint.address, Reading.read_on,
                                Reading.vt, Reading.mt)
                         .join(Reading, Reading.point_id == MeteringPoint.id)
                         .where(Reading.kind == "termination", Reading.read_on == ended,
                                MeteringPoint.id.in_(select(PointHolding.point_id).where(
                                    PointHolding.customer_id == customer.id)))
                         .order_by(MeteringPoint.number))
        address = ", ".join(p for p in (customer.billing_address or customer.address,
                                        customer.billing_place or customer.place) if p)
        return TerminationNotice(
            office_in(s), customer.code, customer.name, address, customer.language, ended,
            reason, tuple(FinalReading(*r) for r in rows), ledger.balance(s, customer.id),
            keep_until("contract", ended))


def termination_notice(db: Database, operator: Operator, customer_id: int) -> bytes:
    """The notice as PDF, two copies (customer, archive)."""
    from office_app.printing.termination import termination_notice_pdf

    data = notice_data(db, operator, customer_id)
    return termination_notice_pdf(data, operator.code, utcnow())
