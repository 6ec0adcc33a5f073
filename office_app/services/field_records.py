"""Implausible readings sent to the field and the field records (zapisnik) that settle them
(001 Član 2: confirmed or corrected before invoices are made).

Guarantees: a correction keeps the original values and the operator who applied it in the
field record; a reading is settled once (applying a second record is refused); records are
applied only while the reading's period is not closed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    FieldRecord,
    Meter,
    MeteringPoint,
    MeterReader,
    PointHolding,
    Reading,
    Zone,
)
from office_app.services import audit
from office_app.services.consumption import BillingPeriodInfo, chain_reading, period_info, step
from office_app.services.office import OfficeInfo, office_in
from office_app.services.periods import get_period, require_not_closed, settings_in
from office_app.services.permissions import Operator, Permission
from office_app.services.plausibility import assess
from office_app.services.readings import history, parse_register

OUTCOMES = ("confirmed", "corrected")


@dataclass(frozen=True)
class ImplausibleRow:
    reading_id: int
    point_id: int
    point_number: str
    reading_code: int
    address: str
    customer_code: str
    customer_name: str
    meter_number: str
    two_rate: bool
    previous_date: date | None
    previous_vt: Decimal | None
    previous_mt: Decimal | None
    read_on: date
    vt: Decimal
    mt: Decimal | None
    consumption: Decimal | None
    monthly_average: Decimal | None
    flags: tuple[str, ...]
    keyed_by: str


@dataclass(frozen=True)
class ImplausibleGroup:
    """The report's part for one zone and reader (a separate sheet for the field)."""

    zone_code: str
    zone_name: str
    reader_code: str
    reader_name: str
    rows: tuple[ImplausibleRow, ...]


@dataclass(frozen=True)
class ImplausibleReport:
    office: OfficeInfo
    period: BillingPeriodInfo
    groups: tuple[ImplausibleGroup, ...]
    printed_at: datetime
    operator_code: str


@dataclass(frozen=True)
class FieldRecordInput:
    reading_id: int
    outcome: str                  # confirmed | corrected
    checked_on: date | None
    record_number: str = ""
    vt: str = ""                  # the corrected registers, as typed (outcome corrected)
    mt: str = ""
    peak: str = ""
    note: str = ""


@dataclass(frozen=True)
class FieldRecordInfo:
    id: int
    reading_id: int
    record_number: str
    checked_on: date
    outcome: str
    original_vt: Decimal
    original_mt: Decimal | None
    original_peak: Decimal | None
    corrected_vt: Decimal | None
    corrected_mt: Decimal | None
    corrected_peak: Decimal | None
    note: str
    operator_code: str
    at: datetime


# --- the report -------------------------------------------------------------------------------

def _pending(s: Session, period: str, zone_id: int | None,
             reader_id: int | None) -> Sequence:
    stmt = (select(Reading, MeteringPoint, Meter, Customer, Zone, MeterReader)
            .join(MeteringPoint, MeteringPoint.id == Reading.point_id)
            .join(Meter, Meter.id == Reading.meter_id)
            .join(Zone, Zone.id == MeteringPoint.zone_id)
            .join(MeterReader, MeterReader.id == MeteringPoint.reader_id)
            .join(PointHolding, (PointHolding.point_id == MeteringPoint.id)
                  & (PointHolding.valid_from <= Reading.read_on)
                  & ((PointHolding.valid_to.is_(None))
                     | (PointHolding.valid_to >= Reading.read_on)))
            .join(Customer, Customer.id == PointHolding.customer_id)
            .where(Reading.period == period, Reading.check_state == "pending"))
    if zone_id is not None:
        stmt = stmt.where(MeteringPoint.zone_id == zone_id)
    if reader_id is not None:
        stmt = stmt.where(MeteringPoint.reader_id == reader_id)
    return s.execute(stmt.order_by(Zone.code, MeterReader.code, MeteringPoint.reading_code,
                                   MeteringPoint.number, Reading.id)).all()


def _row(s: Session, reading: Reading, point: MeteringPoint, meter: Meter,
         customer: Customer) -> ImplausibleRow:
    settings = settings_in(s)
    past = history(s, point.id, reading.read_on, settings.history_months, reading.id)
    past = [r for r in past if (r.read_on, r.id) < (reading.read_on, reading.id)]
    previous = past[-1] if past else None
    me = chain_reading(reading, meter)
    verdict = assess(me, past, settings, reading.read_on)
    use = step(previous, me).total if previous and previous.meter_id == meter.id else None
    return ImplausibleRow(
        reading.id, point.id, point.number, point.reading_code,
        f"{point.address}, {point.place}", customer.code, customer.name, meter.number,
        meter.two_rate, previous.read_on if previous else None,
        previous.vt if previous else None, previous.mt if previous else None,
        reading.read_on, reading.vt, reading.mt, use, verdict.monthly_average,
        tuple(f for f in reading.flags.split(",") if f),
        reading.updated_by or reading.created_by)


def implausible_report(db: Database, operator: Operator, period: str,
                       zone_id: int | None = None,
                       reader_id: int | None = None) -> ImplausibleReport:
    """Readings of the period confirmed as keyed but implausible, waiting for the field,
    grouped by zone and reader in route order."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        info = period_info(get_period(s, period))
        groups: dict[tuple[str, str], tuple[Zone, MeterReader, list[ImplausibleRow]]] = {}
        for reading, point, meter, customer, zone, reader in _pending(s, period, zone_id,
                                                                      reader_id):
            key = (zone.code, reader.code)
            groups.setdefault(key, (zone, reader, []))[2].append(
                _row(s, reading, point, meter, customer))
        return ImplausibleReport(
            office_in(s), info,
            tuple(ImplausibleGroup(z.code, z.name, r.code, r.name, tuple(rows))
                  for z, r, rows in groups.values()),
            datetime.now(UTC), operator.code)


# --- field records ----------------------------------------------------------------------------

def _check(data: FieldRecordInput, reading: Reading, meter: Meter) -> dict[str, Decimal | None]:
    errors: list[FieldError] = []
    if data.outcome not in OUTCOMES:
        errors.append(FieldError("outcome", N_("Outcome: choose confirmed or corrected.")))
    if data.checked_on is None:
        errors.append(FieldError("checked_on", N_("Checked on: enter the date of the check.")))
    elif data.checked_on < reading.read_on:
        errors.append(FieldError("checked_on", N_(
            "Checked on: cannot be before the reading date {date}."),
            {"date": reading.read_on.strftime("%d.%m.%Y")}))
    if len(data.record_number) > 30 or len(data.note) > 200:
        errors.append(FieldError("note", N_("Record number or note: too long.")))
    values: dict[str, Decimal | None] = {"vt": None, "mt": None, "peak": None}
    if data.outcome == "corrected":
        for name in values:
            try:
                values[name] = parse_register(getattr(data, name), name, meter.digits)
            except ValidationError as exc:
                errors += exc.errors
        if values["vt"] is None and not any(e.field == "vt" for e in errors):
            errors.append(FieldError("vt", N_("VT: enter the value the field found.")))
        if meter.two_rate and values["mt"] is None and not any(e.field == "mt" for e in errors):
            errors.append(FieldError("mt", N_("MT: enter the value the field found.")))
    if errors:
        raise ValidationError(errors)
    return values


def apply_field_record(db: Database, operator: Operator,
                       data: FieldRecordInput) -> FieldRecordInfo:
    """Settle an implausible reading with the field's record: confirm it as it stands, or
    correct its registers. Refused for readings not waiting for a re-check."""
    operator.require(Permission.KEY_READINGS)
    with db.unit_of_work() as s:
        reading = s.get(Reading, data.reading_id)
        if reading is None:
            raise NotFound(N_("Reading {id} does not exist."), id=data.reading_id)
        if reading.check_state != "pending":
            raise Conflict(N_("This reading is not waiting for a field re-check."), "outcome")
        require_not_closed(s, reading.period)
        meter = s.get(Meter, reading.meter_id)
        assert meter is not None
        values = _check(data, reading, meter)
        assert data.checked_on is not None
        record = FieldRecord(
            reading_id=reading.id, record_number=data.record_number.strip(),
            checked_on=data.checked_on, outcome=data.outcome, original_vt=reading.vt,
            original_mt=reading.mt, original_peak=reading.peak, note=data.note.strip(),
            created_by=operator.code)
        old = {"vt": reading.vt, "mt": reading.mt, "peak": reading.peak,
               "check_state": reading.check_state}
        if data.outcome == "corrected":
            record.corrected_vt, record.corrected_mt = values["vt"], values["mt"]
            record.corrected_peak = values["peak"] if values["peak"] is not None \
                else reading.peak
            reading.vt, reading.mt = values["vt"] or reading.vt, values["mt"]
            reading.peak = record.corrected_peak
        reading.check_state = data.outcome
        reading.updated_by = operator.code
        s.add(record)
        s.flush()
        holder = s.scalar(select(PointHolding.customer_id).where(
            PointHolding.point_id == reading.point_id, PointHolding.valid_to.is_(None)))
        audit.record(s, operator, "reading", reading.id, holder, "field_record", old,
                     {"vt": reading.vt, "mt": reading.mt, "peak": reading.peak,
                      "check_state": reading.check_state})
        return _info(record)


def _info(r: FieldRecord) -> FieldRecordInfo:
    return FieldRecordInfo(r.id, r.reading_id, r.record_number, r.checked_on, r.outcome,
                           r.original_vt, r.original_mt, r.original_peak, r.corrected_vt,
                           r.corrected_mt, r.corrected_peak, r.note, r.created_by,
                           r.created_at)


def field_records(db: Database, operator: Operator, reading_id: int) -> list[FieldRecordInfo]:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.scalars(select(FieldRecord).where(FieldRecord.reading_id == reading_id)
                         .order_by(FieldRecord.id))
        return [_info(r) for r in rows]
