"""Collection of debt (001 Članovi 5–6; 004 §32): warnings before suspension and the invoices
they chase, disconnection and reconnection orders, their field records, and the runs that
issue warnings and orders for a date."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, Money, Quantity, utcnow
from office_app.models.ledger import AppendOnly

DUNNING_RUN_KINDS = ("warnings", "orders")
#: How a warning reached the customer: by post or through the delivery book (dostavna knjiga).
DELIVERY_METHODS = ("post", "book")
WARNING_OUTCOMES = ("paid", "partly_paid", "unpaid", "order")
ORDER_KINDS = ("disconnection", "reconnection")
ORDER_STATUSES = ("issued", "executed", "cancelled")


class DunningRun(Base):
    """One warning or order run for a date (``period`` is the ISO date). Same columns as
    ``billing_run`` so that services/runs.py claims and heartbeats it the same way."""

    __tablename__ = "dunning_run"
    __table_args__ = (
        CheckConstraint("kind IN ('warnings', 'orders')", name="kind"),
        CheckConstraint("status IN ('running', 'completed', 'cancelled', 'interrupted')",
                        name="status"),
        Index("ix_dunning_run_period", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by: Mapped[str] = mapped_column(String(20))
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    points_total: Mapped[int] = mapped_column(default=0)
    documents_made: Mapped[int] = mapped_column(default=0)


class DebtWarning(Base):
    """A warning before suspension (001 Član 5) or a water reminder (004 §32: level 1, pay
    within 5 working days; level 2, printed in red, disconnection without further notice).
    One per customer, level and run date: a run repeated for the date issues nothing twice.
    Only the delivery and outcome columns change after issue."""

    __tablename__ = "debt_warning"
    __table_args__ = (
        UniqueConstraint("customer_id", "level", "as_of", name="uq_debt_warning_run"),
        CheckConstraint("level IN (1, 2)", name="level"),
        CheckConstraint("debt > 0", name="debt"),
        CheckConstraint("delivery IN ('', 'post', 'book')", name="delivery"),
        CheckConstraint("outcome IN ('', 'paid', 'partly_paid', 'unpaid', 'order')",
                        name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    #: "electricity" warning, or "water" reminder (level 1 or 2).
    utility: Mapped[str] = mapped_column(String(12))
    level: Mapped[int] = mapped_column(default=1)
    #: The run's date: the debt is counted on it.
    as_of: Mapped[date]
    issued_on: Mapped[date]
    debt: Mapped[Decimal] = mapped_column(Money)
    deadline: Mapped[date]
    language: Mapped[str] = mapped_column(String(10))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("dunning_run.id"))
    delivery: Mapped[str] = mapped_column(String(4), default="")
    delivered_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(String(12), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_by: Mapped[str | None] = mapped_column(String(20), default=None)


class WarningItem(AppendOnly, Base):
    """An overdue debit a warning chases, with what was open of it on the warning date."""

    __tablename__ = "debt_warning_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("debt_warning.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    document_number: Mapped[str] = mapped_column(String(30))
    due_date: Mapped[date]
    open_amount: Mapped[Decimal] = mapped_column(Money)


class DisconnectionOrder(Base):
    """An order to the network operator (001 Član 6): disconnect a point whose warning ran out
    unpaid, or reconnect it after the debt and fees were paid. Status: issued → executed (its
    field record) or cancelled."""

    __tablename__ = "disconnection_order"
    __table_args__ = (
        CheckConstraint("kind IN ('disconnection', 'reconnection')", name="kind"),
        CheckConstraint("status IN ('issued', 'executed', 'cancelled')", name="status"),
        UniqueConstraint("warning_id", "point_id", name="uq_disconnection_order_warning"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(14))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    meter_number: Mapped[str] = mapped_column(String(30), default="")
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("debt_warning.id"))
    issued_on: Mapped[date]
    debt: Mapped[Decimal] = mapped_column(Money)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("dunning_run.id"))
    status: Mapped[str] = mapped_column(String(10), default="issued")
    cancel_reason: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_by: Mapped[str | None] = mapped_column(String(20), default=None)


class DisconnectionRecord(AppendOnly, Base):
    """The field record (zapisnik) of a disconnection or reconnection carried out: date,
    meter reading, remarks. It is the origin of the customer's status ``I`` and of its
    clearing."""

    __tablename__ = "disconnection_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("disconnection_order.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(14))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("metering_point.id"), index=True)
    done_on: Mapped[date]
    reading: Mapped[Decimal | None] = mapped_column(Quantity)
    remarks: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
