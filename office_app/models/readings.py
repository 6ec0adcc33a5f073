"""The monthly reading cycle (001 Član 2, 3.1; 003 I; 000): the billing order of a period,
meter readings, field records of re-checks, meter replacements with their photographs.

Register values are stored as the meter shows them (before the constant); consumption is
computed from consecutive readings by ``office_app.services.consumption``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from office_app.models.base import Base, Quantity, Stamped, utcnow

PERIOD_STATUSES = ("open", "closed")
#: What a reading is in the meter's life: a book/import reading, the first reading of a newly
#: installed meter, the last one of a removed meter, the reading on an ownership transfer
#: date, the final reading when the contract ends.
READING_KINDS = ("regular", "initial", "final", "transfer", "termination")
#: Who produced the values: the reader in the field, the customer (self-reading), a remote or
#: handheld device (import), or the office (estimate on no access, 003 I.2.2).
READING_SOURCES = ("reader", "self", "remote", "estimate")
#: ok: plausible; pending: implausible, confirmed by re-keying and waiting for the field
#: re-check; confirmed/corrected: a field record settled it.
CHECK_STATES = ("ok", "pending", "confirmed", "corrected")


class BillingPeriod(Stamped, Base):
    """The billing order of one calendar month (001 Član 2) with its five dates.

    At most one period is open at a time (partial unique index); closing a period locks its
    readings."""

    __tablename__ = "billing_period"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index("uq_billing_period_one_open", "status", unique=True,
              postgresql_where=text("status = 'open'"),
              sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "YYYY-MM".
    period: Mapped[str] = mapped_column(String(7), unique=True)
    books_made_on: Mapped[date]
    handed_out_on: Mapped[date]
    last_reading_on: Mapped[date]
    processing_on: Mapped[date]
    invoice_issue_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(6), default="open")
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(20))


class ReadingSettings(Base):
    """Plausibility rules the supervisor may tune; a single row (id 1)."""

    __tablename__ = "reading_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Consumption outside low..high percent of the average is implausible.
    band_low_percent: Mapped[int] = mapped_column(default=40)
    band_high_percent: Mapped[int] = mapped_column(default=250)
    #: How many months of history the average is taken over.
    history_months: Mapped[int] = mapped_column(default=12)
    #: Points estimated this many periods in a row are highlighted.
    estimate_streak: Mapped[int] = mapped_column(default=2)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(20), default="")


class Reading(Stamped, Base):
    """What one meter showed on one date, in one billing period.

    ``vt`` is always set (an estimate stores the estimated register, so the next real reading
    settles the difference); ``mt`` only on two-rate meters; ``peak`` is the peak-load
    register of business meters (kW after the meter's peak-load constant)."""

    __tablename__ = "reading"
    __table_args__ = (
        CheckConstraint("kind IN ('regular', 'initial', 'final', 'transfer', 'termination')",
                        name="kind"),
        CheckConstraint("source IN ('reader', 'self', 'remote', 'estimate')", name="source"),
        CheckConstraint("check_state IN ('ok', 'pending', 'confirmed', 'corrected')",
                        name="check_state"),
        Index("ix_reading_point_date", "point_id", "read_on", "id"),
        Index("ix_reading_period_point", "period", "point_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"))
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), index=True)
    #: Billing period "YYYY-MM" the reading belongs to (its period may not be opened yet
    #: for a replacement dated after the open period's last reading day).
    period: Mapped[str] = mapped_column(String(7))
    read_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(12), default="regular")
    source: Mapped[str] = mapped_column(String(8), default="reader")
    vt: Mapped[Decimal] = mapped_column(Quantity)
    mt: Mapped[Decimal | None] = mapped_column(Quantity)
    peak: Mapped[Decimal | None] = mapped_column(Quantity)
    vt_reactive: Mapped[Decimal | None] = mapped_column(Quantity)
    mt_reactive: Mapped[Decimal | None] = mapped_column(Quantity)
    #: Reader's remark code (see services.readings.REMARKS) and free text.
    remark_code: Mapped[str] = mapped_column(String(2), default="")
    remark: Mapped[str] = mapped_column(String(200), default="")
    #: Comma-separated plausibility findings at entry (services.plausibility.FLAGS).
    flags: Mapped[str] = mapped_column(String(120), default="")
    check_state: Mapped[str] = mapped_column(String(10), default="ok")


class FieldRecord(Stamped, Base):
    """Zapisnik: the field re-check of an implausible reading. It confirms the reading or
    corrects it; the original register values stay here with who applied the record."""

    __tablename__ = "field_record"
    __table_args__ = (
        CheckConstraint("outcome IN ('confirmed', 'corrected')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"), index=True)
    #: The number on the paper record, as the field wrote it.
    record_number: Mapped[str] = mapped_column(String(30), default="")
    checked_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(10))
    original_vt: Mapped[Decimal] = mapped_column(Quantity)
    original_mt: Mapped[Decimal | None] = mapped_column(Quantity)
    original_peak: Mapped[Decimal | None] = mapped_column(Quantity)
    corrected_vt: Mapped[Decimal | None] = mapped_column(Quantity)
    corrected_mt: Mapped[Decimal | None] = mapped_column(Quantity)
    corrected_peak: Mapped[Decimal | None] = mapped_column(Quantity)
    note: Mapped[str] = mapped_column(String(200), default="")


class MeterReplacement(Stamped, Base):
    """A meter changed on a point (000): the old meter's final reading, the new meter's
    initial reading, the seal numbers put on, the number of the field record."""

    __tablename__ = "meter_replacement"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    old_meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"))
    new_meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"))
    replaced_on: Mapped[date]
    final_reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"))
    initial_reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"))
    seal_numbers: Mapped[str] = mapped_column(String(120), default="")
    record_number: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")


class MeterPhoto(Base):
    """A photograph of a meter and its seals (000), stored in the database itself so that
    every desk sees it and a backup of the database keeps it."""

    __tablename__ = "meter_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meter.id"))
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("meter_replacement.id"),
                                                      index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
