"""Search as the user types over the customer register.

Every term the user types must match (AND); a term matches a customer when it occurs anywhere
in the folded name and addresses, or starts the customer code, personal number, tax number,
billing number, or the number of a metering point or meter the customer holds now. Each branch
is an index scan (trigram and prefix indexes on PostgreSQL), so search stays fast at 500,000
customers. Only ids are returned; rows are built on demand for the visible part of a table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, select, union
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.models import Customer, Meter, MeteringPoint, MeterInstallation, PointHolding, Zone
from office_app.services.permissions import Operator, Permission
from office_app.services.validation import fold

# Names sort by the folded key, so Č, Đ and Š sort beside C, D and S on both databases.
SORT_COLUMNS = {"code": Customer.code, "name": Customer.search_key, "address": Customer.address,
                "place": Customer.place, "status": Customer.status,
                "category": Customer.category}
NO_STATUS = "-"


@dataclass(frozen=True)
class CustomerQuery:
    text: str = ""
    zone_id: int | None = None
    #: A status letter, NO_STATUS for customers without one, or None for any.
    status: str | None = None
    category: str | None = None
    sort: str = "code"
    descending: bool = False


@dataclass(frozen=True)
class CustomerRow:
    id: int
    code: str
    name: str
    address: str
    place: str
    category: str
    kind: str
    status: str | None
    status_date: date | None
    identifier: str
    zones: str
    points: str
    meters: str


def _term_ids(term: str) -> Select | None:
    folded = fold(term).replace("%", "").replace("_", "")
    if not folded:
        return None
    key = f"%{folded}%" if len(folded) >= 3 else f"{folded}%"
    branches = [select(Customer.id).where(Customer.search_key.like(key))]
    raw = term.strip().upper().replace("%", "").replace("_", "")
    if any(c.isdigit() for c in raw):
        prefix = f"{raw}%"
        for column in (Customer.code, Customer.personal_number, Customer.tax_number,
                       Customer.billing_number):
            branches.append(select(Customer.id).where(column.like(prefix)))
        branches.append(_holders().join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
                        .where(MeteringPoint.number.like(prefix)))
        branches.append(_holders()
                        .join(MeterInstallation, and_(
                            MeterInstallation.point_id == PointHolding.point_id,
                            MeterInstallation.removed_on.is_(None)))
                        .join(Meter, Meter.id == MeterInstallation.meter_id)
                        .where(Meter.number.like(prefix)))
    return union(*branches) if len(branches) > 1 else branches[0]  # type: ignore[return-value]


def _holders() -> Select:
    return select(PointHolding.customer_id).where(PointHolding.valid_to.is_(None))


def _query(query: CustomerQuery) -> Select:
    stmt = select(Customer.id)
    for term in query.text.split():
        ids = _term_ids(term)
        if ids is not None:
            stmt = stmt.where(Customer.id.in_(ids))
    if query.zone_id is not None:
        stmt = stmt.where(Customer.id.in_(_holders().join(
            MeteringPoint, MeteringPoint.id == PointHolding.point_id)
            .where(MeteringPoint.zone_id == query.zone_id)))
    if query.status == NO_STATUS:
        stmt = stmt.where(Customer.status.is_(None))
    elif query.status:
        stmt = stmt.where(Customer.status == query.status)
    if query.category:
        stmt = stmt.where(Customer.category == query.category)
    column = SORT_COLUMNS.get(query.sort, Customer.code)
    order = column.desc() if query.descending else column.asc()
    return stmt.order_by(order, Customer.id)


def search_customer_ids(db: Database, operator: Operator, query: CustomerQuery,
                        limit: int | None = None) -> list[int]:
    """Ids of matching customers in display order."""
    operator.require(Permission.VIEW_CUSTOMERS)
    stmt = _query(query)
    if limit:
        stmt = stmt.limit(limit)
    with db.unit_of_work() as s:
        return list(s.scalars(stmt))


def count_customers(db: Database, operator: Operator) -> int:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(Customer)) or 0)


def customer_rows(db: Database, operator: Operator, ids: list[int]) -> list[CustomerRow]:
    """Table rows for ``ids``, in the same order; ids that vanished are left out."""
    operator.require(Permission.VIEW_CUSTOMERS)
    if not ids:
        return []
    with db.unit_of_work() as s:
        customers = {c.id: c for c in s.scalars(select(Customer).where(Customer.id.in_(ids)))}
        extras = _point_summaries(s, ids)
    rows = []
    for cid in ids:
        c = customers.get(cid)
        if c is None:
            continue
        zones, points, meters = extras.get(cid, ((), (), ()))
        rows.append(CustomerRow(
            c.id, c.code, c.name, c.address, c.place, c.category, c.kind, c.status,
            c.status_date, c.tax_number or "" if c.kind == "business" else
            c.personal_number or "", ", ".join(zones), ", ".join(points), ", ".join(meters)))
    return rows


def _point_summaries(s: Session, ids: list[int]) -> dict[int, tuple[list, list, list]]:
    stmt = (select(PointHolding.customer_id, Zone.code, MeteringPoint.number, Meter.number)
            .join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
            .join(Zone, Zone.id == MeteringPoint.zone_id)
            .outerjoin(MeterInstallation, and_(MeterInstallation.point_id == MeteringPoint.id,
                                               MeterInstallation.removed_on.is_(None)))
            .outerjoin(Meter, Meter.id == MeterInstallation.meter_id)
            .where(PointHolding.customer_id.in_(ids), PointHolding.valid_to.is_(None))
            .order_by(MeteringPoint.number))
    out: dict[int, tuple[list, list, list]] = {}
    for cid, zone, point, meter in s.execute(stmt):
        zones, points, meters = out.setdefault(cid, ([], [], []))
        if zone not in zones:
            zones.append(zone)
        points.append(point)
        if meter:
            meters.append(meter)
    return out

