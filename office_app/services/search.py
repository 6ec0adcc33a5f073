"""Search as the user types over the customer register.

Every term the user types must match (AND); a term matches a customer when it occurs anywhere
in the folded name and addresses, or (from three characters on) starts the customer code,
personal number, tax number, billing number, or the number of a metering point or meter the
customer holds now. A one- or two-letter term alone matches the start of the name (too short
for the trigram index); beside a longer word it matches anywhere, like a house number in
"tomaševića 24". Words of three letters or more drive the search through the trigram index
(PostgreSQL); the other terms are then checked on those candidates, and a number alone is a
union of prefix-index scans, so search stays fast at 500,000 customers
(bench/bench_register.py). Only ids are returned; rows are built on demand for the visible
part of a table.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, FieldError, ValidationError
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


#: Numbers are matched from this many characters on: a shorter prefix of a meter, point or
#: personal number selects thousands of records and is never what the clerk means.
MIN_NUMBER_PREFIX = 3


@dataclass(frozen=True)
class _Term:
    folded: str
    raw: str

    @property
    def is_number(self) -> bool:
        return len(self.raw) >= MIN_NUMBER_PREFIX and any(c.isdigit() for c in self.raw)

    @property
    def drives(self) -> bool:
        """Long enough for the trigram index, and not a number: it picks the candidates."""
        return len(self.folded) >= 3 and not any(c.isdigit() for c in self.raw)


#: A search is a few words of a name, an address or a number; more is a paste gone wrong
#: (20,000 terms took seconds to compile and run).
MAX_TERMS = 12
MAX_TEXT = 300


def _clean(text: str) -> str:
    """The search text without control characters (a NUL cannot be sent to PostgreSQL)."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def _terms(text: str) -> list[_Term]:
    words = _clean(text).split()
    if len(words) > MAX_TERMS or len(text) > MAX_TEXT:
        raise ValidationError([FieldError("text", N_(
            "Search: at most {limit} words and {chars} characters; shorten the search."),
            {"limit": MAX_TERMS, "chars": MAX_TEXT})])
    terms = [_Term(fold(t).replace("%", "").replace("_", ""),
                   t.strip().upper().replace("%", "").replace("_", "")) for t in words]
    return [t for t in terms if t.folded]


def _literal(text: str) -> str:
    """``text`` for a LIKE pattern whose escape character is the backslash: a backslash the
    user typed matches a backslash (a trailing one made PostgreSQL refuse the pattern)."""
    return text.replace("\\", "\\\\")


def _like(column: Any, pattern: str) -> ColumnElement[bool]:
    return column.like(pattern, escape="\\")


def _name_match(term: _Term, anywhere: bool) -> ColumnElement[bool]:
    folded = _literal(term.folded)
    key = f"%{folded}%" if anywhere else f"{folded}%"
    return _like(Customer.search_key, key)


def _number_branches(raw: str) -> list[Select]:
    prefix = f"{_literal(raw)}%"
    branches = [select(Customer.id).where(_like(column, prefix)) for column in (
        Customer.code, Customer.personal_number, Customer.tax_number, Customer.billing_number)]
    branches.append(_holders().join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
                    .where(_like(MeteringPoint.number, prefix)))
    branches.append(_holders()
                    .join(MeterInstallation, and_(
                        MeterInstallation.point_id == PointHolding.point_id,
                        MeterInstallation.removed_on.is_(None)))
                    .join(Meter, Meter.id == MeterInstallation.meter_id)
                    .where(_like(Meter.number, prefix)))
    return branches


def _term_condition(term: _Term, driven: bool) -> ColumnElement[bool]:
    """Where a term matches. With a driving term in the query (``driven``), short terms match
    anywhere in the name and addresses (a house number), and number terms are checked on the
    driving term's candidates; alone, each branch is an index scan of its own."""
    name = _name_match(term, anywhere=driven or len(term.folded) >= 3)
    if not term.is_number:
        return name
    branches = _number_branches(term.raw)
    if driven:
        return or_(name, *(Customer.id.in_(b) for b in branches))
    return Customer.id.in_(union(select(Customer.id).where(name), *branches))


def _holders() -> Select:
    return select(PointHolding.customer_id).where(PointHolding.valid_to.is_(None))


def _query(query: CustomerQuery) -> Select:
    stmt = select(Customer.id)
    terms = _terms(query.text)
    drivers = [t for t in terms if t.drives]
    for term in terms:
        stmt = stmt.where(_term_condition(term, driven=bool(drivers) and term not in drivers))
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
    # The code is unique: ordering by it alone lets PostgreSQL read its index in order.
    return stmt.order_by(order) if column is Customer.code else stmt.order_by(order, Customer.id)


def search_customer_ids(db: Database, operator: Operator, query: CustomerQuery,
                        limit: int | None = None) -> list[int]:
    """Ids of matching customers in display order. ValidationError when the text has more
    than MAX_TERMS words or MAX_TEXT characters; control characters are taken as spaces."""
    operator.require(Permission.VIEW_CUSTOMERS)
    stmt = _query(query)
    if limit:
        stmt = stmt.limit(limit)
    with db.unit_of_work() as s:
        # Core execution: the ids need none of the ORM's row processing (500,000 of them
        # when the register opens unfiltered).
        return list(s.connection().execute(stmt).scalars())


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

