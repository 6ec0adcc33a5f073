"""What billing needs to know about metering points: who held each point in a period and for
which days, how it is measured (its tariff group), its billing profile, and the approved
one-off charges waiting for its next invoice."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    DisconnectionRecord,
    InvoiceLine,
    Meter,
    MeteringPoint,
    MeterInstallation,
    OtherCharge,
    PointBillingProfile,
    PointHolding,
    Zone,
)
from office_app.models.base import utcnow
from office_app.services import audit
from office_app.services.billing.elements import (
    CHARGE_ELEMENTS,
    GROUPS,
    Period,
    derived_group,
    groups_for,
)
from office_app.services.billing.pricing import ChargeItem
from office_app.services.bulk_insert import one_of
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

COMMON_BILLING = ("split", "representative")
_CHUNK = 2000


@dataclass(frozen=True)
class WorkItem:
    """One invoice to make: a point, the customer who held it, the days held in the period."""

    point_id: int
    point_number: str
    point_kind: str
    common_point_id: int | None
    point_address: str
    zone_code: str
    reading_code: int
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    customer_kind: str
    category: str
    tax_number: str
    language: str
    group: str
    sewage: bool
    common_billing: str
    has_meter: bool
    service_start: date
    service_end: date
    #: The days (first, last) the point was disconnected inside the service days: after a
    #: disconnection's date until the day before the reconnection (issue 11).
    disconnected: tuple[tuple[date, date], ...] = ()


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _meters(session: Session, period: Period,
            point_ids: Collection[int] | None) -> dict[int, tuple[bool, bool]]:
    """Per point, the meter that sat on it last in the period: (two-rate, peak-load)."""
    stmt = (select(MeterInstallation.point_id, MeterInstallation.installed_on,
                   MeterInstallation.id, Meter.two_rate, Meter.peak_load_constant)
            .join(Meter, Meter.id == MeterInstallation.meter_id)
            .where(MeterInstallation.installed_on <= period.end,
                   or_(MeterInstallation.removed_on.is_(None),
                       MeterInstallation.removed_on > period.start)))
    found: dict[int, tuple[date, int, bool, bool]] = {}
    stmts = [stmt] if point_ids is None else [
        stmt.where(MeterInstallation.point_id.in_(c)) for c in _chunks(sorted(point_ids))]
    conn = session.connection()
    for query in stmts:
        for point_id, installed, row_id, two_rate, peak in conn.execute(query):
            key = (installed, row_id)
            if point_id not in found or key > found[point_id][:2]:
                found[point_id] = (installed, row_id, bool(two_rate), peak is not None)
    return {p: (v[2], v[3]) for p, v in found.items()}


def _address(street: str | None, place: str | None) -> str:
    return ", ".join(p for p in (street, place) if p)


def work_items(session: Session, period: Period,
               point_ids: Collection[int] | None = None) -> list[WorkItem]:
    """Every (point, holder) with days held in ``period``, in customer order."""
    utility = office_in(session).utility
    meters = _meters(session, period, point_ids)
    stmt = (select(MeteringPoint.id, MeteringPoint.number, MeteringPoint.kind,
                   MeteringPoint.common_point_id, MeteringPoint.address, MeteringPoint.place,
                   Zone.code, MeteringPoint.reading_code, PointHolding.customer_id,
                   PointHolding.valid_from, PointHolding.valid_to, Customer.code,
                   Customer.name, Customer.address, Customer.place, Customer.postal_code,
                   Customer.billing_address, Customer.billing_place, Customer.kind,
                   Customer.category, Customer.tax_number, Customer.language,
                   PointBillingProfile.tariff_group, PointBillingProfile.sewage,
                   PointBillingProfile.common_billing)
            .join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
            .join(Customer, Customer.id == PointHolding.customer_id)
            .join(Zone, Zone.id == MeteringPoint.zone_id)
            .outerjoin(PointBillingProfile, PointBillingProfile.point_id == MeteringPoint.id)
            .where(PointHolding.valid_from <= period.end,
                   or_(PointHolding.valid_to.is_(None), PointHolding.valid_to > period.start)))
    stmts = [stmt] if point_ids is None else [
        stmt.where(PointHolding.point_id.in_(c)) for c in _chunks(sorted(point_ids))]
    items = []
    conn = session.connection()
    for query in stmts:
        for row in conn.execute(query):
            items.append(_item(row, period, utility, meters.get(row[0])))
    off = disconnected_days(session, period, point_ids)
    items = [_without(i, off[i.point_id]) if i.point_id in off else i for i in items]
    items.sort(key=lambda i: (i.customer_id, i.point_id, i.service_start))
    return items


def disconnected_days(session: Session, period: Period, point_ids: Collection[int] | None
                      ) -> dict[int, list[tuple[date, date]]]:
    """Per point, the (first, last) days of ``period`` it was disconnected: from the day
    after a disconnection's field record until the day before the reconnection's (or the
    period's end). Only points with a field record up to the period's end are looked at."""
    stmt = (select(DisconnectionRecord.point_id, DisconnectionRecord.kind,
                   DisconnectionRecord.done_on)
            .where(DisconnectionRecord.done_on <= period.end)
            .order_by(DisconnectionRecord.point_id, DisconnectionRecord.done_on,
                      DisconnectionRecord.id))
    stmts = [stmt] if point_ids is None else [
        stmt.where(DisconnectionRecord.point_id.in_(c)) for c in _chunks(sorted(point_ids))]
    records: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for query in stmts:
        for point_id, kind, done_on in session.execute(query):
            records[point_id].append((kind, done_on))
    found: dict[int, list[tuple[date, date]]] = {}
    for point_id, events in records.items():
        stretches = _off_stretches(events, period)
        if stretches:
            found[point_id] = stretches
    return found


def _off_stretches(events: Sequence[tuple[str, date]],
                   period: Period) -> list[tuple[date, date]]:
    stretches: list[tuple[date, date]] = []
    off_from: date | None = None
    for kind, done_on in events:
        if kind == "disconnection" and off_from is None:
            off_from = done_on + timedelta(days=1)
        elif kind == "reconnection" and off_from is not None:
            stretches.append((off_from, done_on - timedelta(days=1)))
            off_from = None
    if off_from is not None:
        stretches.append((off_from, period.end))
    return [(max(a, period.start), min(b, period.end)) for a, b in stretches
            if max(a, period.start) <= min(b, period.end)]


def _without(item: WorkItem, stretches: Sequence[tuple[date, date]]) -> WorkItem:
    inside = tuple((max(a, item.service_start), min(b, item.service_end)) for a, b in stretches
                   if max(a, item.service_start) <= min(b, item.service_end))
    return replace(item, disconnected=inside) if inside else item


def _item(row: Sequence, period: Period, utility: str,
          meter: tuple[bool, bool] | None) -> WorkItem:
    (point_id, number, kind, common_id, p_address, p_place, zone, reading_code, customer_id,
     held_from, held_to, code, name, address, place, postal, billing_address, billing_place,
     customer_kind, category, tax_number, language, group, sewage, common_billing) = row
    derived = derived_group(utility, meter is not None, bool(meter and meter[0]),
                            bool(meter and meter[1]))
    start = max(period.start, held_from)
    end = period.end if held_to is None else min(period.end, held_to - timedelta(days=1))
    where = billing_place or " ".join(p for p in (postal, place) if p)
    return WorkItem(
        point_id, number, kind, common_id, _address(p_address, p_place), zone, reading_code,
        customer_id, code, name, _address(billing_address or address, where), customer_kind,
        category, tax_number or "", language, group or derived,
        True if sewage is None else bool(sewage), common_billing or "split",
        meter is not None, start, end)


# --- billing profiles -------------------------------------------------------------------------

@dataclass(frozen=True)
class BillingProfile:
    point_id: int
    #: Set by hand; None means the group the meter implies (``derived_group``).
    tariff_group: str | None
    derived_group: str
    sewage: bool
    common_billing: str


def get_profile(db: Database, operator: Operator, point_id: int) -> BillingProfile:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return _profile(s, point_id)


def _profile(s: Session, point_id: int) -> BillingProfile:
    if s.get(MeteringPoint, point_id) is None:
        raise NotFound(N_("Metering point {id} does not exist."), id=point_id)
    today = date.today()
    period = Period(today.year, today.month)
    meter = _meters(s, period, [point_id]).get(point_id)
    derived = derived_group(office_in(s).utility, meter is not None,
                            bool(meter and meter[0]), bool(meter and meter[1]))
    row = s.get(PointBillingProfile, point_id)
    if row is None:
        return BillingProfile(point_id, None, derived, True, "split")
    return BillingProfile(point_id, row.tariff_group, derived, row.sewage, row.common_billing)


def set_profile(db: Database, operator: Operator, point_id: int, tariff_group: str | None,
                sewage: bool = True, common_billing: str = "split") -> BillingProfile:
    """Set how a point is billed (supervisors). ``tariff_group`` None: follow the meter."""
    operator.require(Permission.MANAGE_TARIFFS)
    errors = []
    if tariff_group is not None and tariff_group not in GROUPS:
        errors.append(FieldError("tariff_group", N_("Tariff group: choose one from the list.")))
    if common_billing not in COMMON_BILLING:
        errors.append(FieldError("common_billing", N_(
            "Common consumption: billed to the representative or split among the flats.")))
    if errors:
        raise ValidationError(errors)
    with db.unit_of_work() as s:
        if tariff_group is not None and tariff_group not in groups_for(office_in(s).utility):
            raise ValidationError([FieldError("tariff_group", N_(
                "Tariff group: choose one from the list."))])
        before = _profile(s, point_id)
        row = s.get(PointBillingProfile, point_id) or PointBillingProfile(point_id=point_id)
        row.tariff_group, row.sewage, row.common_billing = tariff_group, sewage, common_billing
        row.updated_at, row.updated_by = utcnow(), operator.code
        s.add(row)
        holder = s.scalar(select(PointHolding.customer_id).where(
            PointHolding.point_id == point_id, PointHolding.valid_to.is_(None)))
        audit.record(s, operator, "metering_point", point_id, holder, "billing_profile",
                     {"tariff_group": before.tariff_group, "sewage": before.sewage,
                      "common_billing": before.common_billing},
                     {"tariff_group": tariff_group, "sewage": sewage,
                      "common_billing": common_billing})
        s.flush()
        return _profile(s, point_id)


# --- other charges ----------------------------------------------------------------------------

def add_charge_in(session: Session, operator_code: str, point_id: int, element: str,
                  charged_on: date, quantity: Decimal = Decimal(1), note: str = "") -> int:
    """Record an approved one-off charge for the point's next invoice, in the caller's
    transaction (disconnection and reconnection orders call this)."""
    if element not in CHARGE_ELEMENTS:
        raise ValidationError([FieldError("element", N_("Charge: choose one from the list."))])
    if quantity <= 0:
        raise ValidationError([FieldError("quantity", N_("Quantity: more than zero."))])
    holder = session.scalar(select(PointHolding.customer_id).where(
        PointHolding.point_id == point_id, PointHolding.valid_from <= charged_on,
        or_(PointHolding.valid_to.is_(None), PointHolding.valid_to > charged_on)))
    if holder is None:
        raise NotFound(N_("Nobody held the metering point on {date}."), "charged_on",
                       date=charged_on.strftime("%d.%m.%Y"))
    row = OtherCharge(point_id=point_id, customer_id=holder, element=element,
                      charged_on=charged_on, quantity=quantity, note=note[:120],
                      created_by=operator_code)
    session.add(row)
    session.flush()
    return row.id


def add_charge(db: Database, operator: Operator, point_id: int, element: str,
               charged_on: date, quantity: Decimal = Decimal(1), note: str = "") -> int:
    operator.require(Permission.CORRECT_INVOICES)
    with db.unit_of_work() as s:
        return add_charge_in(s, operator.code, point_id, element, charged_on, quantity, note)


def pending_charges(session: Session, keys: Collection[tuple[int, int]],
                    until: date) -> dict[tuple[int, int], list[ChargeItem]]:
    """Charges up to ``until`` not yet on an invoice, per (point, customer)."""
    points = sorted({p for p, _c in keys})
    found: dict[tuple[int, int], list[ChargeItem]] = defaultdict(list)
    connection = session.connection()
    for chunk in _chunks(points):
        rows = connection.execute(
            select(OtherCharge.id, OtherCharge.point_id, OtherCharge.customer_id,
                   OtherCharge.element, OtherCharge.charged_on, OtherCharge.quantity)
            .outerjoin(InvoiceLine, InvoiceLine.charge_id == OtherCharge.id)
            .where(and_(one_of(session, OtherCharge.point_id, chunk),
                        OtherCharge.charged_on <= until,
                        InvoiceLine.id.is_(None)))
            .order_by(OtherCharge.charged_on, OtherCharge.id))
        for charge_id, point_id, customer_id, element, on, qty in rows:
            if (point_id, customer_id) in keys:
                found[(point_id, customer_id)].append(ChargeItem(element, on, qty, charge_id))
    return found
