"""Counters behind every number the office issues (customer codes, later invoices, receipts)."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base


class Counter(Base):
    """Last number issued in a series. Rows are locked while a number is taken, so numbers are
    unique and gapless across desks; the number is taken in the same transaction as the
    document, so a rolled-back document gives its number back."""

    __tablename__ = "counter"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
