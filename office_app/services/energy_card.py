"""The energy card (001 Član 3.1): per customer, every change on the points they held —
readings, estimates, meter replacements, transfers — with old and new registers, the
consumption, meter number, constant and the customer's status; businesses also peak load and
reactive registers. Copies go back 12 months (001 Član 3).

Readings still waiting for a field re-check are left out until a field record settles them,
so the card shows what billing uses.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, NotFound
from office_app.models import Customer, CustomerStatusChange, MeteringPoint, PointHolding
from office_app.services.consumption import ChainReading, point_chain, step
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission

#: One-letter marks printed beside a row.
MARKS = {"estimate": "E", "self": "S", "remote": "D"}
KIND_LABELS = {"regular": N_("Reading"), "initial": N_("New meter"),
               "final": N_("Meter removed"), "transfer": N_("Ownership transfer"),
               "termination": N_("Contract ended")}


@dataclass(frozen=True)
class EnergyCardRow:
    read_on: date
    period: str
    point_number: str
    kind: str
    mark: str
    meter_number: str
    constant: Decimal
    old_vt: Decimal | None
    new_vt: Decimal
    vt_quantity: Decimal | None
    old_mt: Decimal | None
    new_mt: Decimal | None
    mt_quantity: Decimal | None
    peak_load: Decimal | None
    peak_constant: Decimal | None
    old_vt_reactive: Decimal | None
    new_vt_reactive: Decimal | None
    vt_reactive_quantity: Decimal | None
    old_mt_reactive: Decimal | None
    new_mt_reactive: Decimal | None
    mt_reactive_quantity: Decimal | None
    customer_status: str


@dataclass(frozen=True)
class PeriodUse:
    period: str
    vt: Decimal
    mt: Decimal

    @property
    def total(self) -> Decimal:
        return self.vt + self.mt


@dataclass(frozen=True)
class EnergyCard:
    office: OfficeInfo
    customer_id: int
    customer_code: str
    customer_name: str
    address: str
    business: bool
    status: str
    unit: str
    since: date | None
    rows: tuple[EnergyCardRow, ...]
    periods: tuple[PeriodUse, ...]
    printed_at: datetime
    operator_code: str
    #: The customer's document language (the copy is printed in it).
    language: str = "sr_Latn"

    @property
    def has_reactive(self) -> bool:
        return any(r.new_vt_reactive is not None for r in self.rows)

    @property
    def has_peak(self) -> bool:
        return any(r.peak_load is not None for r in self.rows)


def _statuses(s: Session, customer_id: int) -> list[tuple[date, str]]:
    rows = s.execute(select(CustomerStatusChange.status, CustomerStatusChange.status_date,
                            CustomerStatusChange.at)
                     .where(CustomerStatusChange.customer_id == customer_id)
                     .order_by(CustomerStatusChange.at, CustomerStatusChange.id))
    return sorted(((day or at.date(), status or "") for status, day, at in rows),
                  key=lambda x: x[0])


def _status_on(history: list[tuple[date, str]], day: date) -> str:
    current = ""
    for since, status in history:
        if since <= day:
            current = status
    return current


def _row(point: str, prev: ChainReading | None, r: ChainReading, status: str) -> EnergyCardRow:
    s = step(prev, r) if prev is not None else None
    same = prev is not None and prev.meter_id == r.meter_id
    peak = None if r.peak is None else r.peak * (r.peak_constant or Decimal(1))
    return EnergyCardRow(
        r.read_on, r.period, point, r.kind, MARKS.get(r.source, ""), r.meter_number,
        r.constant, prev.vt if same and prev else None, r.vt, s.vt if s and same else None,
        prev.mt if same and prev else None, r.mt, s.mt if s and same else None, peak,
        r.peak_constant, prev.vt_reactive if same and prev else None, r.vt_reactive,
        s.vt_reactive if s and same else None, prev.mt_reactive if same and prev else None,
        r.mt_reactive, s.mt_reactive if s and same else None, status)


def _points(s: Session, customer_id: int) -> list[tuple[int, str, date, date | None]]:
    rows = s.execute(select(PointHolding.point_id, MeteringPoint.number,
                            PointHolding.valid_from, PointHolding.valid_to)
                     .join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
                     .where(PointHolding.customer_id == customer_id)
                     .order_by(PointHolding.valid_from, MeteringPoint.number))
    return [(p, n, a, b) for p, n, a, b in rows]


def card_rows(s: Session, customer_id: int, since: date | None) -> list[EnergyCardRow]:
    """Rows of every point the customer held, while they held it, in date order."""
    statuses = _statuses(s, customer_id)
    rows: list[EnergyCardRow] = []
    for point_id, number, start, end in _points(s, customer_id):
        chain = point_chain(s, point_id, include_pending=False)
        for prev, cur in zip([None, *chain], chain, strict=False):
            if cur.read_on < start or (end is not None and cur.read_on > end):
                continue
            if since is not None and cur.read_on < since:
                continue
            if cur.kind == "transfer" and cur.read_on == start:
                prev = None  # the new holder's card starts at the transfer reading
            rows.append(_row(number, prev, cur, _status_on(statuses, cur.read_on)))
    return sorted(rows, key=lambda r: (r.read_on, r.point_number))


def period_totals(rows: list[EnergyCardRow]) -> list[PeriodUse]:
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in rows:
        if r.vt_quantity is not None:
            totals[r.period][0] += r.vt_quantity
            totals[r.period][1] += r.mt_quantity or Decimal(0)
    return [PeriodUse(p, vt, mt) for p, (vt, mt) in sorted(totals.items())]


def energy_card(db: Database, operator: Operator, customer_id: int,
                months: int | None = None) -> EnergyCard:
    """The customer's energy card; with ``months`` only that many months back from today
    (12 for a copy on request, 001 Član 3)."""
    operator.require(Permission.VIEW_CUSTOMERS)
    since = date.today() - timedelta(days=round(months * 30.44)) if months else None
    with db.unit_of_work() as s:
        c = s.get(Customer, customer_id)
        if c is None:
            raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
        office = office_in(s)
        rows = card_rows(s, customer_id, since)
        return EnergyCard(office, c.id, c.code, c.name, f"{c.address}, {c.place}",
                          c.kind == "business", c.status or "",
                          "m³" if office.utility == "water" else "kWh", since, tuple(rows),
                          tuple(period_totals(rows)), datetime.now(UTC), operator.code,
                          c.language)
