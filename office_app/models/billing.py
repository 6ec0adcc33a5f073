"""Billing (001 Član 3; 003 II; 004 §30-37): tariffs, VAT and statutory interest rates with
effective dates, billing runs, invoices and their lines, copies printed, correction notes.

Invoices, their lines, the print log and correction notes are posted documents: append-only
(see office_app.models.ledger for how that is enforced). An invoice keeps a snapshot of
everything it printed (customer name and address, readings, balances) so that a copy printed a
year later shows the same numbers as the original.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from office_app.models.base import Base, Quantity, utcnow
from office_app.models.ledger import AppendOnly

#: Unit prices keep five decimals (0,08453 €/kWh).
UnitPrice = Numeric(14, 5, asdecimal=True)
#: Percentages (VAT 21,00 %, statutory interest 10,250 % a year).
Percent = Numeric(6, 3, asdecimal=True)


class Tariff(Base):
    """The price of one tariff element for one customer category and tariff group, valid from
    ``valid_from`` to ``valid_to`` inclusive (None: until further notice). Rows are never
    deleted; a new price closes the open row of the same element the day before it starts."""

    __tablename__ = "tariff"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
        CheckConstraint("price >= 0", name="price"),
        Index("ix_tariff_key", "category", "tariff_group", "element", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(14))
    tariff_group: Mapped[str] = mapped_column(String(12))
    element: Mapped[str] = mapped_column(String(24))
    price: Mapped[Decimal] = mapped_column(UnitPrice)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    #: The decision or price list the price comes from (regulator's decision number).
    source: Mapped[str] = mapped_column(String(80), default="")
    #: A monthly charge the tariff keeps charging while the point is disconnected (issue 11:
    #: by default a disconnected point pays no monthly charges after its disconnection date).
    while_disconnected: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(20))


class DatedRate:
    """A rate (percent) in force from ``valid_from`` to ``valid_to`` inclusive; a new rate
    closes the open one, rows are never deleted."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[CheckConstraint, ...]:
        return (CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Percent)
    valid_from: Mapped[date] = mapped_column(index=True)
    valid_to: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(20))


class VatRate(DatedRate, Base):
    """The VAT rate (percent)."""

    __tablename__ = "vat_rate"


class InterestRate(DatedRate, Base):
    """The statutory default-interest rate (percent a year)."""

    __tablename__ = "interest_rate"


class PointBillingProfile(Base):
    """How a metering point is billed, when it differs from what its meter implies: a tariff
    group chosen by hand, no sewage connection (water), and for a building's common point
    whether its consumption goes to the representative or is split among the flats (003 II)."""

    __tablename__ = "point_billing_profile"
    __table_args__ = (
        CheckConstraint("common_billing IN ('split', 'representative')", name="common_billing"),
    )

    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), primary_key=True)
    tariff_group: Mapped[str | None] = mapped_column(String(12))
    sewage: Mapped[bool] = mapped_column(default=True)
    common_billing: Mapped[str] = mapped_column(String(15), default="split")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(20))


class OtherCharge(Base):
    """An approved one-off charge (late fee, disconnection, reconnection, ...) waiting for the
    point's next invoice, which prices it from the tariff and shows it as its own line."""

    __tablename__ = "other_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    element: Mapped[str] = mapped_column(String(24))
    charged_on: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(1))
    note: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))


RUN_KINDS = ("billing", "interest")
RUN_STATUSES = ("running", "completed", "cancelled", "interrupted")


class BillingRun(Base):
    """One billing (or monthly interest) run of a period. Work is committed in batches, so an
    interrupted run is resumed by running the period again: what was committed stays, what was
    not is done then. At most one run works at a time."""

    __tablename__ = "billing_run"
    __table_args__ = (
        CheckConstraint("kind IN ('billing', 'interest')", name="kind"),
        CheckConstraint("status IN ('running', 'completed', 'cancelled', 'interrupted')",
                        name="status"),
        Index("ix_billing_run_period", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="billing")
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(12), default="running")
    on_implausible: Mapped[str] = mapped_column(String(5), default="hold")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by: Mapped[str] = mapped_column(String(20))
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    points_total: Mapped[int] = mapped_column(default=0)
    documents_made: Mapped[int] = mapped_column(default=0)
    #: The accounting order (nalog za knjigovodstvo) the run's documents are booked under.
    order_number: Mapped[str | None] = mapped_column(String(20))
    order_date: Mapped[date | None]


class BillingHold(Base):
    """A point a run did not bill, and why (implausible reading, negative consumption, ...)."""

    __tablename__ = "billing_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("billing_run.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")


class Invoice(AppendOnly, Base):
    """A posted invoice for one metering point, one customer and one period; never changed.
    Its number is unique and gapless per office and year (services.numbering)."""

    __tablename__ = "invoice"
    __table_args__ = (
        Index("uq_invoice_point_period", "point_id", "period", "customer_id", unique=True),
        Index("ix_invoice_period_route", "period", "zone_code", "reading_code"),
        Index("ix_invoice_customer", "customer_id", "issue_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    office_code: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    sequence: Mapped[int]
    period: Mapped[str] = mapped_column(String(7))
    period_start: Mapped[date]
    period_end: Mapped[date]
    #: The days of the period the customer held the point (fixed charges are prorated to it).
    service_start: Mapped[date]
    service_end: Mapped[date]
    issue_date: Mapped[date]
    due_date: Mapped[date]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("billing_run.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    # what the customer block printed
    customer_code: Mapped[str] = mapped_column(String(12))
    customer_name: Mapped[str] = mapped_column(String(120))
    customer_address: Mapped[str] = mapped_column(String(200))
    customer_kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(14))
    tax_number: Mapped[str] = mapped_column(String(13), default="")
    language: Mapped[str] = mapped_column(String(10))
    point_number: Mapped[str] = mapped_column(String(20))
    point_address: Mapped[str] = mapped_column(String(200))
    zone_code: Mapped[str] = mapped_column(String(10))
    reading_code: Mapped[int]
    tariff_group: Mapped[str] = mapped_column(String(12))
    # readings (003 II г, е)
    meter_numbers: Mapped[str] = mapped_column(String(80), default="")
    constant: Mapped[Decimal | None] = mapped_column(Quantity)
    previous_date: Mapped[date | None]
    current_date: Mapped[date | None]
    previous_vt: Mapped[Decimal | None] = mapped_column(Quantity)
    current_vt: Mapped[Decimal | None] = mapped_column(Quantity)
    vt_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    previous_mt: Mapped[Decimal | None] = mapped_column(Quantity)
    current_mt: Mapped[Decimal | None] = mapped_column(Quantity)
    mt_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    peak_load: Mapped[Decimal | None] = mapped_column(Quantity)
    estimated: Mapped[bool] = mapped_column(default=False)
    self_read: Mapped[bool] = mapped_column(default=False)
    settlement: Mapped[bool] = mapped_column(default=False)
    # amounts
    net_amount: Mapped[Decimal]
    vat_rate: Mapped[Decimal] = mapped_column(Percent)
    vat_amount: Mapped[Decimal]
    total: Mapped[Decimal]
    payment_reference: Mapped[str] = mapped_column(String(30))
    # the account on the issue date (003 II л; 004 §31.1 i)
    previous_invoice_date: Mapped[date | None]
    balance_before: Mapped[Decimal]
    payments_since: Mapped[Decimal]
    interest_since: Mapped[Decimal]
    other_since: Mapped[Decimal]
    closing_balance: Mapped[Decimal]
    older_debt: Mapped[Decimal]
    older_debt_count: Mapped[int] = mapped_column(default=0)
    interest_rate: Mapped[Decimal] = mapped_column(Percent)
    interest_base: Mapped[Decimal]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))


class InvoiceLine(AppendOnly, Base):
    """One priced element of an invoice: quantity × unit price (× days share) = amount,
    rounded half-up to the cent. A tariff change inside the period gives one line per price."""

    __tablename__ = "invoice_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    position: Mapped[int]
    element: Mapped[str] = mapped_column(String(24))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(8))
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice)
    #: For monthly charges valid only part of the period: share_days of period_days.
    share_days: Mapped[int | None]
    period_days: Mapped[int | None]
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    amount: Mapped[Decimal]
    taxable: Mapped[bool] = mapped_column(default=True)
    #: Parameters of the line's printed label (JSON), e.g. the common point and the share.
    params: Mapped[str] = mapped_column(Text, default="")
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("other_charge.id"), unique=True)


class InvoicePrint(AppendOnly, Base):
    """Each time an invoice was printed: the first time is the original, later ones are copies
    (marked COPY with who printed them, 001 Član 3)."""

    __tablename__ = "invoice_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)
    printed_by: Mapped[str] = mapped_column(String(20))
    copy: Mapped[bool] = mapped_column(default=False)


class CorrectionNote(AppendOnly, Base):
    """A credit or debit note correcting a posted invoice (004 §37): the invoice stays as it
    was; the note is a new document with its own number that references it."""

    __tablename__ = "correction_note"
    __table_args__ = (CheckConstraint("kind IN ('credit', 'debit')", name="kind"),
                      CheckConstraint("net_amount > 0", name="amount"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(6))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    issue_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200))
    net_amount: Mapped[Decimal]
    vat_rate: Mapped[Decimal] = mapped_column(Percent)
    vat_amount: Mapped[Decimal]
    total: Mapped[Decimal]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))


#: The register kinds an interval is priced by: the tariff group its own meter implies.
REGISTER_KINDS = ("single", "two", "peak", "metered")


class BilledInterval(AppendOnly, Base):
    """One pair of consecutive usable readings of one meter, billed on one invoice.

    The readings are the meter's own chain: ``start_reading_id`` is the reading before
    ``end_reading_id``. A reading starts at most one billed interval and ends at most one
    (unique indexes), so the database itself refuses to bill the same consumption twice, to
    the same customer or to another. ``vt``/``mt`` are the register quantities after the
    constant; ``register_kind`` is the tariff group of the meter that measured them (an old
    single-rate meter's kWh are priced as single-rate even on a two-rate point)."""

    __tablename__ = "billed_interval"
    __table_args__ = (
        CheckConstraint("register_kind IN ('single', 'two', 'peak', 'metered')",
                        name="register_kind"),
        CheckConstraint("end_on >= start_on", name="dates"),
        Index("uq_billed_interval_start", "start_reading_id", unique=True),
        Index("uq_billed_interval_end", "end_reading_id", unique=True),
        Index("ix_billed_interval_meter", "meter_id", "end_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    start_reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"))
    end_reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"))
    start_on: Mapped[date]
    end_on: Mapped[date]
    vt: Mapped[Decimal] = mapped_column(Quantity)
    mt: Mapped[Decimal | None] = mapped_column(Quantity)
    register_kind: Mapped[str] = mapped_column(String(8))
