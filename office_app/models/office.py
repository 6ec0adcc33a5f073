"""The office itself: one row with what documents print in their header."""
from __future__ import annotations

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base

UTILITIES = ("electricity", "water")
#: How a payment that names no invoice is allocated (004 §35.2): the oldest open items first
#: (the seeds' rule, the default), or costs and interest before principal, each oldest first.
ALLOCATION_ORDERS = ("oldest_first", "costs_first")


class Office(Base):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    utility: Mapped[str] = mapped_column(String(12), default="electricity")
    address: Mapped[str] = mapped_column(String(160), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    tax_number: Mapped[str] = mapped_column(String(20), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2), default="ME")
    #: Subdivision whose holidays the office keeps (Bosnia and Herzegovina: "SRP" for
    #: Republika Srpska, "BIH" for the Federation, "BRC" for Brčko); empty elsewhere.
    holiday_region: Mapped[str] = mapped_column(String(3), default="", server_default="")
    #: Print the EPC payment QR code (EPC069-12) on invoices when the account has an IBAN and
    #: the currency is the euro: whether the customers' banking apps read it is the office's
    #: to check (PAYMENTS.md), so it is a setting, off until the office turns it on.
    epc_qr: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: One of ALLOCATION_ORDERS: how money that names no invoice settles the open items.
    allocation_order: Mapped[str] = mapped_column(String(12), default="oldest_first",
                                                  server_default="oldest_first")
