"""Readings that go with a change on a point: a meter replacement (000), an ownership
transfer (003 I.1.6) and a contract termination (001 Član 9).

Guarantees: each change and its readings are one transaction (the meter is not swapped without
its final and initial readings, the point does not pass to a new holder without its transfer
reading); the meter and holding history is written by services.metering's own helpers; the
reading goes into the open period up to its last reading day, else into the month of the
date; closed periods are refused.

Photographs of meters and seals are stored in the database (table meter_photo), not as paths:
every desk on the LAN sees them, and the office's database backup keeps them with the record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    Meter,
    MeteringPoint,
    MeterInstallation,
    MeterPhoto,
    MeterReplacement,
    PointHolding,
    Reading,
)
from office_app.models.base import utcnow
from office_app.services import audit, customer_status, metering
from office_app.services.consumption import ChainReading, chain_reading, register_delta
from office_app.services.customer_status import StatusOrigin
from office_app.services.metering import MeterInput, Registers, parse_registers
from office_app.services.periods import period_for_date
from office_app.services.permissions import Operator, Permission
from office_app.services.readings import point_context

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class PhotoInput:
    file_name: str
    data: bytes


@dataclass(frozen=True)
class ReplacementInput:
    point_id: int
    replaced_on: date
    final: Registers
    initial: Registers
    #: The new meter: registered here (new_meter) or already in the register (new_meter_id).
    new_meter: MeterInput | None = None
    new_meter_id: int | None = None
    seal_numbers: str = ""
    record_number: str = ""
    reason: str = ""
    photos: tuple[PhotoInput, ...] = ()


@dataclass(frozen=True)
class ReplacementInfo:
    id: int
    point_id: int
    replaced_on: date
    old_meter_number: str
    new_meter_number: str
    final_vt: Decimal
    final_mt: Decimal | None
    initial_vt: Decimal
    initial_mt: Decimal | None
    seal_numbers: str
    record_number: str
    reason: str
    period: str
    photos: int
    operator_code: str


@dataclass(frozen=True)
class PhotoInfo:
    id: int
    point_id: int
    replacement_id: int | None
    file_name: str
    content_type: str
    size: int
    created_at: datetime
    created_by: str


# --- shared pieces ----------------------------------------------------------------------------

def _last(s: Session, point_id: int) -> tuple[Reading, Meter] | None:
    row = s.execute(select(Reading, Meter).join(Meter, Meter.id == Reading.meter_id).where(
        Reading.point_id == point_id, Reading.check_state != "pending")
        .order_by(Reading.read_on.desc(), Reading.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def _closing_reading(s: Session, operator: Operator, point_id: int, meter: Meter, day: date,
                     kind: str, registers: Registers, prefix: str) -> Reading:
    """The reading that closes a meter's or a holder's run: not before the last reading, and
    not lower than it (a rollover past the digit count is fine)."""
    vt, mt, peak = parse_registers(registers, meter, prefix)
    last = _last(s, point_id)
    if last is not None:
        previous, previous_meter = last
        if day < previous.read_on:
            raise ValidationError([FieldError("date", N_(
                "Date: cannot be before the last reading on {date}."),
                {"date": previous.read_on.strftime("%d.%m.%Y")})])
        if previous_meter.id == meter.id:
            _not_lower(chain_reading(previous, meter), vt, mt, meter, prefix)
    reading = Reading(point_id=point_id, meter_id=meter.id, period=period_for_date(s, day),
                      read_on=day, kind=kind, source="reader", vt=vt, mt=mt, peak=peak,
                      created_by=operator.code)
    s.add(reading)
    s.flush()
    return reading


def _not_lower(previous: ChainReading, vt: Decimal, mt: Decimal | None, meter: Meter,
               prefix: str) -> None:
    errors = []
    for name, old, new in (("vt", previous.vt, vt), ("mt", previous.mt, mt)):
        if old is not None and new is not None and register_delta(old, new, meter.digits)[0] < 0:
            errors.append(FieldError(f"{prefix}_{name}", N_(
                "{field}: {value} is lower than the last reading {last}."),
                {"field": name.upper(), "value": new, "last": old}))
    if errors:
        raise ValidationError(errors)


def _photo(s: Session, operator: Operator, point_id: int, meter_id: int | None,
           replacement_id: int | None, photo: PhotoInput) -> MeterPhoto:
    kind = next((t for magic, t in PHOTO_TYPES.items() if photo.data.startswith(magic)), None)
    if kind is None:
        raise ValidationError([FieldError("photos", N_(
            "Photograph {name}: only JPEG and PNG pictures can be attached."),
            {"name": photo.file_name})])
    if len(photo.data) > MAX_PHOTO_BYTES:
        raise ValidationError([FieldError("photos", N_(
            "Photograph {name}: larger than 10 MB; attach a smaller picture."),
            {"name": photo.file_name})])
    row = MeterPhoto(point_id=point_id, meter_id=meter_id, replacement_id=replacement_id,
                     file_name=photo.file_name[-200:], content_type=kind,
                     size=len(photo.data), data=photo.data, created_by=operator.code)
    s.add(row)
    return row


# --- meter replacement ------------------------------------------------------------------------

def _new_meter(s: Session, operator: Operator, point: MeteringPoint,
               data: ReplacementInput) -> Meter:
    if data.new_meter is not None:
        return metering.new_meter_in(s, operator, point, data.new_meter)
    meter = s.get(Meter, data.new_meter_id) if data.new_meter_id else None
    if meter is None:
        raise ValidationError([FieldError("new_meter", N_(
            "New meter: choose a registered meter or enter the new one."))])
    return meter


def replace_meter(db: Database, operator: Operator, data: ReplacementInput) -> ReplacementInfo:
    """Replace the point's meter on ``replaced_on``: the old meter's final reading, removal,
    the new meter (registered here when new), its installation and initial reading, seal
    numbers and photographs. The period's consumption then spans both meters."""
    operator.require(Permission.KEY_READINGS)
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        ctx = point_context(s, data.point_id, data.replaced_on)
        old = ctx.meter
        final = _closing_reading(s, operator, ctx.point.id, old, data.replaced_on, "final",
                                 data.final, "final")
        metering.remove_in(s, operator, ctx.point, data.replaced_on)
        new = _new_meter(s, operator, ctx.point, data)
        metering.install_in(s, operator, ctx.point, new, data.replaced_on)
        if data.seal_numbers.strip():
            new.seal_numbers = data.seal_numbers.strip()[:120]
        vt, mt, peak = parse_registers(data.initial, new, "initial")
        initial = Reading(point_id=ctx.point.id, meter_id=new.id, period=final.period,
                          read_on=data.replaced_on, kind="initial", source="reader", vt=vt,
                          mt=mt, peak=peak, created_by=operator.code)
        s.add(initial)
        s.flush()
        row = MeterReplacement(
            point_id=ctx.point.id, old_meter_id=old.id, new_meter_id=new.id,
            replaced_on=data.replaced_on, final_reading_id=final.id,
            initial_reading_id=initial.id, seal_numbers=data.seal_numbers.strip()[:120],
            record_number=data.record_number.strip()[:30], reason=data.reason.strip()[:200],
            created_by=operator.code)
        s.add(row)
        s.flush()
        for photo in data.photos:
            _photo(s, operator, ctx.point.id, new.id, row.id, photo)
        audit.record(s, operator, "metering_point", ctx.point.id, ctx.customer_id, "replace",
                     {"meter": old.number, "final_vt": final.vt, "final_mt": final.mt},
                     {"meter": new.number, "initial_vt": vt, "initial_mt": mt,
                      "seal_numbers": row.seal_numbers})
        return _replacement_info(s, row)


def _replacement_info(s: Session, row: MeterReplacement) -> ReplacementInfo:
    old, new = s.get(Meter, row.old_meter_id), s.get(Meter, row.new_meter_id)
    final, initial = s.get(Reading, row.final_reading_id), s.get(Reading, row.initial_reading_id)
    assert old and new and final and initial
    photos = len(s.scalars(select(MeterPhoto.id).where(
        MeterPhoto.replacement_id == row.id)).all())
    return ReplacementInfo(row.id, row.point_id, row.replaced_on, old.number, new.number,
                           final.vt, final.mt, initial.vt, initial.mt, row.seal_numbers,
                           row.record_number, row.reason, final.period, photos, row.created_by)


def replacements(db: Database, operator: Operator, point_id: int) -> list[ReplacementInfo]:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.scalars(select(MeterReplacement).where(MeterReplacement.point_id == point_id)
                         .order_by(MeterReplacement.replaced_on.desc(),
                                   MeterReplacement.id.desc()))
        return [_replacement_info(s, r) for r in rows]


# --- photographs ------------------------------------------------------------------------------

def add_photos(db: Database, operator: Operator, point_id: int,
               photos: tuple[PhotoInput, ...], replacement_id: int | None = None) -> int:
    """Attach photographs of the point's meter and seals; returns how many were stored."""
    operator.require(Permission.KEY_READINGS)
    with db.unit_of_work() as s:
        point = metering.point_in(s, point_id)
        meter_id = s.scalar(select(MeterInstallation.meter_id).where(
            MeterInstallation.point_id == point.id,
            MeterInstallation.removed_on.is_(None)))
        for photo in photos:
            _photo(s, operator, point.id, meter_id, replacement_id, photo)
        return len(photos)


def photos_of(db: Database, operator: Operator, point_id: int) -> list[PhotoInfo]:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.execute(select(MeterPhoto.id, MeterPhoto.point_id, MeterPhoto.replacement_id,
                                MeterPhoto.file_name, MeterPhoto.content_type, MeterPhoto.size,
                                MeterPhoto.created_at, MeterPhoto.created_by)
                         .where(MeterPhoto.point_id == point_id).order_by(MeterPhoto.id))
        return [PhotoInfo(*r) for r in rows]


def photo_data(db: Database, operator: Operator, photo_id: int) -> bytes:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        data = s.scalar(select(MeterPhoto.data).where(MeterPhoto.id == photo_id))
        if data is None:
            raise NotFound(N_("Photograph {id} does not exist."), id=photo_id)
        return bytes(data)


# --- ownership transfer and termination -------------------------------------------------------

def transfer_with_reading(db: Database, operator: Operator, point_id: int, customer_id: int,
                          on_date: date, registers: Registers) -> int:
    """The point passes to ``customer_id`` on ``on_date`` with a reading of that day: what
    was consumed before it stays with the old holder (003 I.1.6). Returns the reading id."""
    operator.require(Permission.KEY_READINGS)
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        ctx = point_context(s, point_id, on_date)
        reading = _closing_reading(s, operator, ctx.point.id, ctx.meter, on_date, "transfer",
                                   registers, "transfer")
        metering.transfer_in(s, operator, ctx.point.id, customer_id, on_date)
        return reading.id


def transfer_unmetered(db: Database, operator: Operator, point_id: int, customer_id: int,
                       on_date: date) -> None:
    """The point passes to ``customer_id`` on ``on_date`` when it has no meter, so there is
    nothing to read. Refused when a meter is installed: that transfer needs its reading
    (``transfer_with_reading``), so no path from the GUI skips it."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        point = metering.point_in(s, point_id)
        if s.scalar(select(MeterInstallation.id).where(
                MeterInstallation.point_id == point.id,
                MeterInstallation.removed_on.is_(None))) is not None:
            raise Conflict(N_("Point {number} has a meter: the transfer needs the reading "
                              "of the transfer day."), "point", number=point.number)
        metering.transfer_in(s, operator, point.id, customer_id, on_date)


def terminate_contract(db: Database, operator: Operator, customer_id: int, on_date: date,
                       readings: dict[int, Registers], reason: str = "") -> list[int]:
    """End the customer's contract (001 Član 9): a final reading on every metered point the
    customer holds (``readings`` by point id), the holdings closed on ``on_date``, status N.
    Returns the ids of the final readings."""
    operator.require(Permission.KEY_READINGS)
    operator.require(Permission.SET_CUSTOMER_STATUS)
    with db.unit_of_work() as s:
        customer = s.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
        if customer.status == "N":
            raise Conflict(N_("The contract of customer {code} has already ended."), "status",
                           code=customer.code)
        holdings = s.scalars(select(PointHolding).where(
            PointHolding.customer_id == customer_id, PointHolding.valid_to.is_(None))).all()
        ids = [_terminate_point(s, operator, h, on_date, readings) for h in holdings]
        customer_status.set_status(s, operator, customer.id, "N", on_date,
                                   StatusOrigin("termination", customer.id, customer.code),
                                   reason.strip() or "contract terminated")
        return [i for i in ids if i is not None]


def _terminate_point(s: Session, operator: Operator, holding: PointHolding, on_date: date,
                     readings: dict[int, Registers]) -> int | None:
    if on_date < holding.valid_from:
        raise ValidationError([FieldError("date", N_(
            "Date: cannot be before {date}, when the customer took the point over."),
            {"date": holding.valid_from.strftime("%d.%m.%Y")})])
    meter = s.scalar(select(Meter).join(
        MeterInstallation, MeterInstallation.meter_id == Meter.id).where(
        MeterInstallation.point_id == holding.point_id,
        MeterInstallation.removed_on.is_(None)))
    reading_id = None
    if meter is not None:
        point = s.get(MeteringPoint, holding.point_id)
        assert point is not None
        registers = readings.get(point.id)
        if registers is None:
            raise ValidationError([FieldError("readings", N_(
                "Final reading: enter the registers of point {number}."),
                {"number": point.number})])
        reading_id = _closing_reading(s, operator, point.id, meter, on_date, "termination",
                                      registers, f"p{point.id}").id
    holding.valid_to = on_date
    holding.updated_at, holding.updated_by = utcnow(), operator.code
    audit.record(s, operator, "metering_point", holding.point_id, holding.customer_id,
                 "terminate", {"holder": holding.customer_id}, {"holder": None})
    return reading_id
