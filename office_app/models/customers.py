"""The customer register (001 Član 1; 004 §24-28).

By law (004 §25.2) the register never stores religion, ethnicity, sex, political views or
memberships; tests/unit/test_forbidden_data.py guards the schema against such columns.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, Stamped, utcnow

KINDS = ("household", "business")
CATEGORIES = ("household", "commercial", "institutional")
#: Status letters kept as in the old system: disconnected, sued, inactive after termination.
STATUSES = ("I", "T", "N")


class Customer(Stamped, Base):
    __tablename__ = "customer"
    __table_args__ = (
        CheckConstraint("kind IN ('household', 'business')", name="kind"),
        CheckConstraint("category IN ('household', 'commercial', 'institutional')",
                        name="category"),
        CheckConstraint("status IS NULL OR status IN ('I', 'T', 'N')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Customer code / subscriber number; issued by the numbering service, never reused.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(14))
    surname: Mapped[str] = mapped_column(String(60), default="")
    given_name: Mapped[str] = mapped_column(String(60), default="")
    #: Households: "Surname Given name"; businesses: the registered name.
    name: Mapped[str] = mapped_column(String(120), index=True)
    personal_number: Mapped[str | None] = mapped_column(String(13), index=True)
    billing_number: Mapped[str | None] = mapped_column(String(20), index=True)
    tax_number: Mapped[str | None] = mapped_column(String(13), index=True)
    bank_account: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(60))
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    billing_address: Mapped[str | None] = mapped_column(String(120))
    billing_place: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    #: Language and script of the customer's documents (sr_Latn, sr_Cyrl, sq, en).
    language: Mapped[str] = mapped_column(String(10), default="sr_Latn")
    socially_vulnerable: Mapped[bool] = mapped_column(default=False)
    household_members: Mapped[int | None]
    payment_arrangement: Mapped[str] = mapped_column(String(120), default="")
    contract_signed: Mapped[date | None]
    contract_effective: Mapped[date | None]
    registered_on: Mapped[date]
    status: Mapped[str | None] = mapped_column(String(1), index=True)
    status_date: Mapped[date | None]
    #: Lower-case, diacritic-free code, name and addresses for search as the user types.
    search_key: Mapped[str] = mapped_column(String(400))


class CustomerStatusChange(Base):
    """History of the status letters. Since the status service (services/customer_status.py)
    every change names the document it comes from: ``origin_kind`` (disconnection,
    reconnection, lawsuit, termination, import ...), its id and number."""

    __tablename__ = "customer_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(1))
    status_date: Mapped[date | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    operator_code: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    origin_kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    origin_id: Mapped[int | None] = mapped_column(default=None)
    origin_number: Mapped[str] = mapped_column(String(30), default="", server_default="")
    #: The letter the customer had before this change (restored when this one is cleared).
    previous_status: Mapped[str | None] = mapped_column(String(1), default=None)
