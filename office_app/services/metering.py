"""Metering points and meters: which meter sits on which point, and which customer holds it.

Guarantees: point and meter numbers are unique; a meter is active on at most one point and a
point has at most one active meter (also enforced by partial unique indexes); history rows are
closed, never deleted; every change is audited under the customer holding the point.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    Meter,
    MeteringPoint,
    MeterInstallation,
    MeterReader,
    PointHolding,
    Reading,
    Zone,
)
from office_app.models.base import utcnow
from office_app.services import audit
from office_app.services.fields import check_text, strip_all
from office_app.services.periods import period_for_date
from office_app.services.permissions import Operator, Permission
from office_app.services.readings import parse_register


@dataclass(frozen=True)
class PointInput:
    number: str = ""
    address: str = ""
    place: str = ""
    zone_id: int | None = None
    reader_id: int | None = None
    reading_code: int | None = None
    kind: str = "regular"
    connection_diameter: int | None = None
    #: For a flat under a building's common meter: the common point's number.
    common_point_number: str = ""


@dataclass(frozen=True)
class MeterInput:
    number: str = ""
    type: str = ""
    two_rate: bool = False
    production_date: date | None = None
    constant: Decimal = Decimal(1)
    digits: int = 6
    nominal_current: str = ""
    nominal_voltage: str = ""
    calibration_date: date | None = None
    time_switch_number: str = ""
    time_switch_type: str = ""
    peak_load_constant: Decimal | None = None
    size: str = ""
    seal_numbers: str = ""


@dataclass(frozen=True)
class MeterRecord(MeterInput):
    id: int = 0


@dataclass(frozen=True)
class PointRecord:
    id: int
    number: str
    kind: str
    address: str
    place: str
    zone_id: int
    zone_code: str
    reader_id: int
    reader_code: str
    reading_code: int
    connection_diameter: int | None
    common_point_id: int | None
    common_point_number: str
    holder_id: int | None
    holder_code: str
    holder_name: str
    held_since: date | None
    meter: MeterRecord | None
    meter_installed_on: date | None
    flats: int

    def as_input(self) -> PointInput:
        return PointInput(self.number, self.address, self.place, self.zone_id, self.reader_id,
                          self.reading_code, self.kind, self.connection_diameter,
                          self.common_point_number)


@dataclass(frozen=True)
class InstallationRecord:
    meter_id: int
    meter_number: str
    point_number: str
    installed_on: date
    removed_on: date | None


@dataclass(frozen=True)
class HoldingRecord:
    customer_id: int
    customer_code: str
    customer_name: str
    point_number: str
    valid_from: date
    valid_to: date | None


_METER_FIELDS = [f.name for f in fields(MeterInput)]
_POINT_COLUMNS = ("number", "address", "place", "zone_id", "reader_id", "reading_code", "kind",
                  "connection_diameter")


# --- reading records --------------------------------------------------------------------------

def _meter_record(m: Meter) -> MeterRecord:
    return MeterRecord(**{name: getattr(m, name) for name in _METER_FIELDS}, id=m.id)


def _point_record(s: Session, p: MeteringPoint) -> PointRecord:
    zone = s.get(Zone, p.zone_id)
    reader = s.get(MeterReader, p.reader_id)
    holding = s.scalar(select(PointHolding).where(PointHolding.point_id == p.id,
                                                  PointHolding.valid_to.is_(None)))
    holder = s.get(Customer, holding.customer_id) if holding else None
    installation = s.scalar(select(MeterInstallation).where(
        MeterInstallation.point_id == p.id, MeterInstallation.removed_on.is_(None)))
    meter = s.get(Meter, installation.meter_id) if installation else None
    common = s.get(MeteringPoint, p.common_point_id) if p.common_point_id else None
    flats = s.scalar(select(func.count()).select_from(MeteringPoint)
                     .where(MeteringPoint.common_point_id == p.id)) if p.kind == "common" else 0
    return PointRecord(
        p.id, p.number, p.kind, p.address, p.place, p.zone_id, zone.code if zone else "",
        p.reader_id, reader.code if reader else "", p.reading_code, p.connection_diameter,
        p.common_point_id, common.number if common else "",
        holder.id if holder else None, holder.code if holder else "",
        holder.name if holder else "", holding.valid_from if holding else None,
        _meter_record(meter) if meter else None,
        installation.installed_on if installation else None, int(flats or 0))


def _holder_id(s: Session, point_id: int) -> int | None:
    return s.scalar(select(PointHolding.customer_id).where(
        PointHolding.point_id == point_id, PointHolding.valid_to.is_(None)))


def get_point(db: Database, operator: Operator, point_id: int) -> PointRecord:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        return _point_record(s, _get_point(s, point_id))


def find_point(db: Database, operator: Operator, number: str) -> PointRecord:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        point = s.scalar(select(MeteringPoint).where(MeteringPoint.number == number.strip()))
        if point is None:
            raise NotFound(N_("There is no metering point {number}."), "number",
                           number=number)
        return _point_record(s, point)


def points_of_customer(db: Database, operator: Operator, customer_id: int) -> list[PointRecord]:
    """The points the customer holds now, in reading-route order."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        points = s.scalars(select(MeteringPoint).join(PointHolding, and_(
            PointHolding.point_id == MeteringPoint.id, PointHolding.valid_to.is_(None)))
            .where(PointHolding.customer_id == customer_id)
            .order_by(MeteringPoint.zone_id, MeteringPoint.reading_code))
        return [_point_record(s, p) for p in points]


def flats_of(db: Database, operator: Operator, common_point_id: int) -> list[PointRecord]:
    """The flats whose consumption a building's common meter is split among."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        points = s.scalars(select(MeteringPoint).where(
            MeteringPoint.common_point_id == common_point_id).order_by(MeteringPoint.number))
        return [_point_record(s, p) for p in points]


def meter_history(db: Database, operator: Operator, point_id: int) -> list[InstallationRecord]:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.execute(select(MeterInstallation, Meter.number, MeteringPoint.number)
                         .join(Meter, Meter.id == MeterInstallation.meter_id)
                         .join(MeteringPoint, MeteringPoint.id == MeterInstallation.point_id)
                         .where(MeterInstallation.point_id == point_id)
                         .order_by(MeterInstallation.installed_on.desc(),
                                   MeterInstallation.id.desc()))
        return [InstallationRecord(i.meter_id, meter, point, i.installed_on, i.removed_on)
                for i, meter, point in rows]


def holding_history(db: Database, operator: Operator, point_id: int) -> list[HoldingRecord]:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.execute(select(PointHolding, Customer.code, Customer.name, MeteringPoint.number)
                         .join(Customer, Customer.id == PointHolding.customer_id)
                         .join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
                         .where(PointHolding.point_id == point_id)
                         .order_by(PointHolding.valid_from.desc(), PointHolding.id.desc()))
        return [HoldingRecord(h.customer_id, code, name, number, h.valid_from, h.valid_to)
                for h, code, name, number in rows]


# --- metering points --------------------------------------------------------------------------

def _get_point(s: Session, point_id: int) -> MeteringPoint:
    point = s.get(MeteringPoint, point_id)
    if point is None:
        raise NotFound(N_("Metering point {id} does not exist."), id=point_id)
    return point


def _point_values(s: Session, data: PointInput, own_id: int | None) -> dict:
    values = strip_all(asdict(data))
    errors = check_text(MeteringPoint.__table__, values, ("number", "address", "place"))
    if values["zone_id"] is None or s.get(Zone, values["zone_id"]) is None:
        errors.append(FieldError("zone_id", N_("Zone: choose the zone of the point.")))
    if values["reader_id"] is None or s.get(MeterReader, values["reader_id"]) is None:
        errors.append(FieldError("reader_id", N_("Meter reader: choose who reads the point.")))
    code = values["reading_code"]
    if code is None or not 1 <= code <= 999999:
        errors.append(FieldError("reading_code", N_(
            "Reading code: enter the point's place in the route, a number from 1 to 999999.")))
    if values["kind"] not in ("regular", "common"):
        errors.append(FieldError("kind", N_("Kind: choose regular or building common meter.")))
    diameter = values["connection_diameter"]
    if diameter is not None and not 10 <= diameter <= 600:
        errors.append(FieldError("connection_diameter", N_(
            "Connection diameter: enter millimetres from 10 to 600, or leave it empty.")))
    values["common_point_id"] = _common_point(s, values, own_id, errors)
    if errors:
        raise ValidationError(errors)
    clash = s.scalar(select(MeteringPoint.id).where(MeteringPoint.number == values["number"]))
    if clash and clash != own_id:
        raise Conflict(N_("Number: metering point {number} already exists."), "number",
                       number=values["number"])
    return values


def _common_point(s: Session, values: dict, own_id: int | None,
                  errors: list[FieldError]) -> int | None:
    number = values.pop("common_point_number")
    if not number:
        return None
    common = s.scalar(select(MeteringPoint).where(MeteringPoint.number == number))
    if common is None or common.kind != "common" or common.id == own_id:
        errors.append(FieldError("common_point_number", N_(
            "Common meter: {number} is not a building's common metering point."),
            {"number": number}))
        return None
    if values["kind"] == "common":
        errors.append(FieldError("common_point_number", N_(
            "Common meter: a common point cannot itself belong to another common point.")))
    return common.id


def create_point(db: Database, operator: Operator, customer_id: int, data: PointInput,
                 valid_from: date | None = None) -> PointRecord:
    """A new metering point held by ``customer_id`` from ``valid_from`` (default today)."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        if s.get(Customer, customer_id) is None:
            raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
        values = _point_values(s, data, None)
        point = MeteringPoint(created_by=operator.code, **values)
        s.add(point)
        s.flush()
        s.add(PointHolding(point_id=point.id, customer_id=customer_id,
                           valid_from=valid_from or date.today(), created_by=operator.code))
        audit.record(s, operator, "metering_point", point.id, customer_id, "create", None,
                     values)
        return _point_record(s, point)


def update_point(db: Database, operator: Operator, point_id: int,
                 data: PointInput) -> PointRecord:
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        point = _get_point(s, point_id)
        old = {k: getattr(point, k) for k in (*_POINT_COLUMNS, "common_point_id")}
        values = _point_values(s, data, point.id)
        if point.kind == "common" and values["kind"] != "common" and s.scalar(
                select(MeteringPoint.id).where(MeteringPoint.common_point_id == point.id)):
            raise Conflict(N_("Kind: flats still belong to this common point; move them "
                              "first."), "kind")
        for name, value in values.items():
            setattr(point, name, value)
        point.updated_at, point.updated_by = utcnow(), operator.code
        audit.record(s, operator, "metering_point", point.id, _holder_id(s, point.id),
                     "update", old, values)
        return _point_record(s, point)


def transfer_point(db: Database, operator: Operator, point_id: int, customer_id: int,
                   on_date: date) -> PointRecord:
    """The point passes to ``customer_id`` from ``on_date``; the old holding is closed."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        return _point_record(s, transfer_in(s, operator, point_id, customer_id, on_date))


def transfer_in(s: Session, operator: Operator, point_id: int, customer_id: int,
                on_date: date) -> MeteringPoint:
    """``transfer_point`` inside the caller's unit of work (a transfer with its reading)."""
    point = _get_point(s, point_id)
    if s.get(Customer, customer_id) is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    current = s.scalar(select(PointHolding).where(PointHolding.point_id == point_id,
                                                  PointHolding.valid_to.is_(None)))
    if current is not None:
        if current.customer_id == customer_id:
            raise Conflict(N_("New holder: the customer already holds this point."),
                           "customer_id")
        if on_date <= current.valid_from:
            raise ValidationError([FieldError("on_date", N_(
                "Transfer date: must be after {date}, when the current holder took over."),
                {"date": current.valid_from.strftime("%d.%m.%Y")})])
        current.valid_to = on_date
        audit.record(s, operator, "metering_point", point.id, current.customer_id,
                     "transfer", {"holder": current.customer_id}, {"holder": customer_id})
    s.add(PointHolding(point_id=point.id, customer_id=customer_id, valid_from=on_date,
                       created_by=operator.code))
    s.flush()
    audit.record(s, operator, "metering_point", point.id, customer_id, "transfer",
                 {"holder": current.customer_id if current else None},
                 {"holder": customer_id})
    return point


# --- meters -----------------------------------------------------------------------------------

def _meter_values(s: Session, data: MeterInput, own_id: int | None) -> dict:
    values = strip_all(asdict(data))
    errors = check_text(Meter.__table__, values, ("number", "type"))
    for name in ("constant", "peak_load_constant"):
        value = values[name]
        if value is None and name == "peak_load_constant":
            continue
        try:
            value = Decimal(str(value).replace(",", "."))
            if not Decimal("0") < value <= Decimal("100000"):
                raise InvalidOperation
            values[name] = value
        except (InvalidOperation, ValueError):
            errors.append(FieldError(name, N_(
                "{field}: enter a positive number, e.g. 1 or 40."),
                {"field": N_("Constant") if name == "constant" else N_("Peak-load constant")}))
    if not isinstance(values["digits"], int) or not 3 <= values["digits"] <= 10:
        errors.append(FieldError("digits", N_("Digits: enter a number from 3 to 10.")))
    if errors:
        raise ValidationError(errors)
    clash = s.scalar(select(Meter.id).where(Meter.number == values["number"]))
    if clash and clash != own_id:
        raise Conflict(N_("Number: meter {number} is already registered."), "number",
                       number=values["number"])
    return values


def _meter_holder(s: Session, meter_id: int) -> int | None:
    point_id = s.scalar(select(MeterInstallation.point_id).where(
        MeterInstallation.meter_id == meter_id, MeterInstallation.removed_on.is_(None)))
    return _holder_id(s, point_id) if point_id else None


def create_meter(db: Database, operator: Operator, data: MeterInput) -> MeterRecord:
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        values = _meter_values(s, data, None)
        meter = Meter(created_by=operator.code, **values)
        s.add(meter)
        s.flush()
        audit.record(s, operator, "meter", meter.id, None, "create", None, values)
        return _meter_record(meter)


def update_meter(db: Database, operator: Operator, meter_id: int,
                 data: MeterInput) -> MeterRecord:
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        meter = s.get(Meter, meter_id)
        if meter is None:
            raise NotFound(N_("Meter {id} does not exist."), id=meter_id)
        old = {k: getattr(meter, k) for k in _METER_FIELDS}
        values = _meter_values(s, data, meter.id)
        for name, value in values.items():
            setattr(meter, name, value)
        meter.updated_at, meter.updated_by = utcnow(), operator.code
        audit.record(s, operator, "meter", meter.id, _meter_holder(s, meter.id), "update", old,
                     values)
        return _meter_record(meter)


def find_meter(db: Database, operator: Operator, number: str) -> MeterRecord:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        meter = s.scalar(select(Meter).where(Meter.number == number.strip()))
        if meter is None:
            raise NotFound(N_("There is no meter {number}."), "number", number=number)
        return _meter_record(meter)


@dataclass(frozen=True)
class Registers:
    """Register values as typed."""

    vt: str = ""
    mt: str = ""
    peak: str = ""


def parse_registers(registers: Registers, meter: Meter,
                    prefix: str) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """The typed registers of ``meter`` as numbers; errors name ``{prefix}_vt`` etc."""
    errors: list[FieldError] = []
    values: dict[str, Decimal | None] = {}
    for name in ("vt", "mt", "peak"):
        try:
            values[name] = parse_register(getattr(registers, name), name, meter.digits)
        except ValidationError as exc:
            errors += [FieldError(f"{prefix}_{e.field}", e.msg_id, e.params)
                       for e in exc.errors]
            values[name] = None
    if values["vt"] is None and not errors:
        errors.append(FieldError(f"{prefix}_vt", N_("VT: enter the register of meter "
                                                    "{meter}."), {"meter": meter.number}))
    if meter.two_rate and values["mt"] is None and not errors:
        errors.append(FieldError(f"{prefix}_mt", N_("MT: meter {meter} is two-rate; enter "
                                                    "MT too."), {"meter": meter.number}))
    if not meter.two_rate and values["mt"] is not None:
        errors.append(FieldError(f"{prefix}_mt", N_("MT: meter {meter} is single-rate; leave "
                                                    "MT empty."), {"meter": meter.number}))
    if values["peak"] is not None and meter.peak_load_constant is None:
        values["peak"] = None
    if errors:
        raise ValidationError(errors)
    vt = values["vt"]
    assert vt is not None
    return vt, values["mt"], values["peak"]


def install_meter(db: Database, operator: Operator, point_id: int, meter_id: int,
                  installed_on: date, initial: Registers) -> PointRecord:
    """Put a meter on a point with its initial reading (a new connection bills from it).
    Refused when the meter is active on another point or the point already has a meter
    (remove it first, or replace it with the reading-book process), or the initial reading
    is missing or not the meter's (nothing is saved then)."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        point = _get_point(s, point_id)
        meter = s.get(Meter, meter_id)
        if meter is None:
            raise NotFound(N_("Meter {id} does not exist."), id=meter_id)
        _install(s, operator, point, meter, installed_on)
        initial_reading_in(s, operator, point, meter, installed_on, initial)
        return _point_record(s, point)


def install_new_meter(db: Database, operator: Operator, point_id: int, data: MeterInput,
                      installed_on: date, initial: Registers) -> PointRecord:
    """Register a new meter and put it on a point with its initial reading in one
    transaction: either all of it happens or, on any error (invalid meter data, number taken,
    point already metered, no initial reading), none of it does."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        point = _get_point(s, point_id)
        meter = new_meter_in(s, operator, point, data)
        _install(s, operator, point, meter, installed_on)
        initial_reading_in(s, operator, point, meter, installed_on, initial)
        return _point_record(s, point)


def initial_reading_in(s: Session, operator: Operator, point: MeteringPoint, meter: Meter,
                       installed_on: date, initial: Registers) -> Reading:
    """The initial reading of a meter put on a point: the first invoice of a new connection
    bills from it (without it the days the meter ran before its first reading are lost)."""
    vt, mt, peak = parse_registers(initial, meter, "initial")
    reading = Reading(point_id=point.id, meter_id=meter.id,
                      period=period_for_date(s, installed_on), read_on=installed_on,
                      kind="initial", source="reader", vt=vt, mt=mt, peak=peak,
                      created_by=operator.code)
    s.add(reading)
    s.flush()
    return reading


def _install(s: Session, operator: Operator, point: MeteringPoint, meter: Meter,
             installed_on: date) -> None:
    elsewhere = s.scalar(select(MeteringPoint.number).join(
        MeterInstallation, MeterInstallation.point_id == MeteringPoint.id).where(
        MeterInstallation.meter_id == meter.id, MeterInstallation.removed_on.is_(None)))
    if elsewhere:
        raise Conflict(N_("Meter: {meter} is still on metering point {point}; remove it "
                          "there first."), "meter", meter=meter.number, point=elsewhere)
    if s.scalar(select(MeterInstallation.id).where(
            MeterInstallation.point_id == point.id, MeterInstallation.removed_on.is_(None))):
        raise Conflict(N_("Meter: point {point} already has a meter; remove or replace it "
                          "first."), "meter", point=point.number)
    last_removed = s.scalar(select(func.max(MeterInstallation.removed_on)).where(
        MeterInstallation.point_id == point.id))
    if last_removed and installed_on < last_removed:
        raise ValidationError([FieldError("installed_on", N_(
            "Installed on: cannot be before {date}, when the previous meter was removed."),
            {"date": last_removed.strftime("%d.%m.%Y")})])
    s.add(MeterInstallation(meter_id=meter.id, point_id=point.id, installed_on=installed_on,
                            created_by=operator.code))
    audit.record(s, operator, "metering_point", point.id, _holder_id(s, point.id),
                 "install", {"meter": None}, {"meter": meter.number})
    s.flush()


def remove_meter(db: Database, operator: Operator, point_id: int,
                 removed_on: date) -> PointRecord:
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        point = _get_point(s, point_id)
        remove_in(s, operator, point, removed_on)
        return _point_record(s, point)


def remove_in(s: Session, operator: Operator, point: MeteringPoint, removed_on: date) -> Meter:
    """Take the point's meter off on ``removed_on`` inside the caller's unit of work (a meter
    replacement with its readings); returns the removed meter."""
    installation = s.scalar(select(MeterInstallation).where(
        MeterInstallation.point_id == point.id, MeterInstallation.removed_on.is_(None)))
    if installation is None:
        raise Conflict(N_("Meter: point {point} has no meter."), "meter", point=point.number)
    if removed_on < installation.installed_on:
        raise ValidationError([FieldError("removed_on", N_(
            "Removed on: cannot be before {date}, when the meter was installed."),
            {"date": installation.installed_on.strftime("%d.%m.%Y")})])
    installation.removed_on = removed_on
    installation.updated_at, installation.updated_by = utcnow(), operator.code
    meter = s.get(Meter, installation.meter_id)
    assert meter is not None
    audit.record(s, operator, "metering_point", point.id, _holder_id(s, point.id),
                 "remove", {"meter": meter.number}, {"meter": None})
    s.flush()
    return meter


def install_in(s: Session, operator: Operator, point: MeteringPoint, meter: Meter,
               installed_on: date) -> None:
    """``install_meter`` inside the caller's unit of work."""
    _install(s, operator, point, meter, installed_on)


def new_meter_in(s: Session, operator: Operator, point: MeteringPoint,
                 data: MeterInput) -> Meter:
    """Register a new meter (checked like ``create_meter``) inside the caller's unit of work."""
    values = _meter_values(s, data, None)
    meter = Meter(created_by=operator.code, **values)
    s.add(meter)
    s.flush()
    audit.record(s, operator, "meter", meter.id, _holder_id(s, point.id), "create", None,
                 values)
    return meter


def point_in(s: Session, point_id: int) -> MeteringPoint:
    """The point, or NotFound."""
    return _get_point(s, point_id)
