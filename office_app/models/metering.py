"""Metering points, meters, which meter sat on which point and which customer held which point."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, Quantity, Stamped

POINT_KINDS = ("regular", "common")


class MeteringPoint(Stamped, Base):
    """The place that is metered (mjerno mjesto). A building's common point (kind 'common')
    has flats whose points name it in ``common_point_id``; its consumption is split among them."""

    __tablename__ = "metering_point"
    __table_args__ = (
        CheckConstraint("kind IN ('regular', 'common')", name="kind"),
        Index("ix_metering_point_route", "zone_id", "reading_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    address: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(60))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    reader_id: Mapped[int] = mapped_column(ForeignKey("meter_reader.id"), index=True)
    #: Order of the point in the reader's route (čitački kod).
    reading_code: Mapped[int]
    #: Water connection diameter in millimetres.
    connection_diameter: Mapped[int | None]
    common_point_id: Mapped[int | None] = mapped_column(ForeignKey("metering_point.id"),
                                                        index=True)


class Meter(Stamped, Base):
    __tablename__ = "meter"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    #: Two-rate electricity meters have VT and MT registers.
    two_rate: Mapped[bool] = mapped_column(default=False)
    production_date: Mapped[date | None]
    constant: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(1))
    digits: Mapped[int] = mapped_column(default=6)
    nominal_current: Mapped[str] = mapped_column(String(20), default="")
    nominal_voltage: Mapped[str] = mapped_column(String(20), default="")
    calibration_date: Mapped[date | None]
    time_switch_number: Mapped[str] = mapped_column(String(20), default="")
    time_switch_type: Mapped[str] = mapped_column(String(30), default="")
    peak_load_constant: Mapped[Decimal | None] = mapped_column(Quantity)
    #: Water meter size (e.g. DN20).
    size: Mapped[str] = mapped_column(String(20), default="")
    seal_numbers: Mapped[str] = mapped_column(String(120), default="")


class MeterInstallation(Stamped, Base):
    """Meter ``meter_id`` sat on point ``point_id`` from ``installed_on`` until ``removed_on``."""

    __tablename__ = "meter_installation"
    __table_args__ = (
        # At most one active installation per meter and per point.
        Index("uq_meter_installation_active_meter", "meter_id", unique=True,
              postgresql_where=text("removed_on IS NULL"),
              sqlite_where=text("removed_on IS NULL")),
        Index("uq_meter_installation_active_point", "point_id", unique=True,
              postgresql_where=text("removed_on IS NULL"),
              sqlite_where=text("removed_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    installed_on: Mapped[date]
    removed_on: Mapped[date | None]


class PointHolding(Stamped, Base):
    """Customer ``customer_id`` held point ``point_id`` from ``valid_from`` until ``valid_to``."""

    __tablename__ = "point_holding"
    __table_args__ = (
        Index("uq_point_holding_active_point", "point_id", unique=True,
              postgresql_where=text("valid_to IS NULL"),
              sqlite_where=text("valid_to IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
