"""The cash desk (001 Član 4): cashiers' drawers, the receipts (payment slips) they issue and
every reprint of a slip.

A drawer (cash session) is a register: opened with a float, closed once with the counted cash
and card totals; only its closing columns are ever updated. Receipts, their lines and reprints
are posted records: append-only, as the ledger entries they go with.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, utcnow
from office_app.models.ledger import AppendOnly

#: Means of payment at the counter.
MEANS = ("cash", "card")


class CashSession(Base):
    """A cashier's drawer at one desk, from its opening float to its count. ``created_by`` is
    the cashier (on PostgreSQL set from the session's login by a trigger)."""

    __tablename__ = "cash_session"
    __table_args__ = (
        # One open drawer per cashier and desk.
        Index("uq_cash_session_open", "created_by", "desk", unique=True,
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
        Index("ix_cash_session_day", "office_code", "opened_on"),
        CheckConstraint("opening_float >= 0", name="float"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(String(10))
    desk: Mapped[str] = mapped_column(String(8))
    opened_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
    opening_float: Mapped[Decimal]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(20), default=None)
    counted_cash: Mapped[Decimal | None] = mapped_column(default=None)
    counted_card: Mapped[Decimal | None] = mapped_column(default=None)
    #: What the ledger says the drawer took, frozen at closing (the audit re-checks it).
    system_cash: Mapped[Decimal | None] = mapped_column(default=None)
    system_card: Mapped[Decimal | None] = mapped_column(default=None)
    #: Counted minus expected (float + cash taken + card taken); negative: money missing.
    difference: Mapped[Decimal | None] = mapped_column(default=None)
    close_note: Mapped[str] = mapped_column(String(200), default="")


class CashReceipt(AppendOnly, Base):
    """One payment taken at the counter: the slip's number (gapless per office, year and desk),
    what was paid, how, and the ledger entry it posted."""

    __tablename__ = "cash_receipt"
    __table_args__ = (
        Index("uq_cash_receipt_series", "office_code", "year", "desk", "sequence", unique=True),
        Index("ix_cash_receipt_session", "session_id"),
        Index("ix_cash_receipt_day", "document_date"),
        Index("ix_cash_receipt_entry", "entry_id"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("means IN ('cash', 'card')", name="means"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    office_code: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    desk: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int]
    session_id: Mapped[int] = mapped_column(ForeignKey("cash_session.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    customer_code: Mapped[str] = mapped_column(String(12))
    customer_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(10))
    document_date: Mapped[date]
    means: Mapped[str] = mapped_column(String(4))
    amount: Mapped[Decimal]
    received: Mapped[Decimal]
    change: Mapped[Decimal]
    #: The first of the ledger entries the payment posted (one per invoice the cashier chose).
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
    operator_code: Mapped[str] = mapped_column(String(20))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)


class CashReceiptLine(AppendOnly, Base):
    """A document the payment settled (or the credit it left on the card), as the slip lists
    it: computed once, when the payment was posted."""

    __tablename__ = "cash_receipt_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("cash_receipt.id"), index=True)
    document_number: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal]


class CashReceiptPrint(AppendOnly, Base):
    """A reprint of a slip (marked DUPLIKAT): who asked, which supervisor allowed it, why."""

    __tablename__ = "cash_receipt_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("cash_receipt.id"), index=True)
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)
    printed_by: Mapped[str] = mapped_column(String(20))
    supervisor_code: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
