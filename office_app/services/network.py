"""Zones (transformer areas) and meter readers: small registers edited by supervisors."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from office_app.db import Database
from office_app.errors import N_, Conflict, NotFound, ValidationError
from office_app.models import MeterReader, Zone
from office_app.models.base import utcnow
from office_app.services.fields import check_text
from office_app.services.permissions import Operator, Permission


@dataclass(frozen=True)
class ZoneRecord:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ReaderRecord:
    id: int
    code: str
    name: str
    phone: str
    active: bool


def list_zones(db: Database, operator: Operator) -> list[ZoneRecord]:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        zones = s.scalars(select(Zone).order_by(Zone.code))
        return [ZoneRecord(z.id, z.code, z.name) for z in zones]


def list_readers(db: Database, operator: Operator, active_only: bool = False) -> list[ReaderRecord]:
    operator.require(Permission.VIEW_CUSTOMERS)
    stmt = select(MeterReader).order_by(MeterReader.code)
    if active_only:
        stmt = stmt.where(MeterReader.active.is_(True))
    with db.unit_of_work() as s:
        return [ReaderRecord(r.id, r.code, r.name, r.phone, r.active) for r in s.scalars(stmt)]


def save_zone(db: Database, operator: Operator, code: str, name: str,
              zone_id: int | None = None) -> ZoneRecord:
    """Create a zone (zone_id None) or rename one; codes are unique."""
    operator.require(Permission.EDIT_NETWORK)
    values = {"code": code.strip().upper(), "name": name.strip()}
    errors = check_text(Zone.__table__, values, ("code", "name"))
    if errors:
        raise ValidationError(errors)
    with db.unit_of_work() as s:
        clash = s.scalar(select(Zone.id).where(Zone.code == values["code"]))
        if clash and clash != zone_id:
            raise Conflict(N_("Code: zone {code} already exists."), "code", code=values["code"])
        zone = Zone(created_by=operator.code) if zone_id is None else s.get(Zone, zone_id)
        if zone is None:
            raise NotFound(N_("Zone {id} does not exist."), id=zone_id)
        if zone_id is not None:
            zone.updated_at, zone.updated_by = utcnow(), operator.code
        zone.code, zone.name = values["code"], values["name"]
        s.add(zone)
        s.flush()
        return ZoneRecord(zone.id, zone.code, zone.name)


def save_reader(db: Database, operator: Operator, code: str, name: str, phone: str = "",
                active: bool = True, reader_id: int | None = None) -> ReaderRecord:
    """Create or change a meter reader; codes are unique."""
    operator.require(Permission.EDIT_NETWORK)
    values = {"code": code.strip().upper(), "name": name.strip(), "phone": phone.strip()}
    errors = check_text(MeterReader.__table__, values, ("code", "name"))
    if errors:
        raise ValidationError(errors)
    with db.unit_of_work() as s:
        clash = s.scalar(select(MeterReader.id).where(MeterReader.code == values["code"]))
        if clash and clash != reader_id:
            raise Conflict(N_("Code: reader {code} already exists."), "code",
                           code=values["code"])
        reader = (MeterReader(created_by=operator.code) if reader_id is None
                  else s.get(MeterReader, reader_id))
        if reader is None:
            raise NotFound(N_("Meter reader {id} does not exist."), id=reader_id)
        if reader_id is not None:
            reader.updated_at, reader.updated_by = utcnow(), operator.code
        reader.code, reader.name, reader.phone, reader.active = (
            values["code"], values["name"], values["phone"], active)
        s.add(reader)
        s.flush()
        return ReaderRecord(reader.id, reader.code, reader.name, reader.phone, reader.active)
