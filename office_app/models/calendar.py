"""Days the office is closed besides the public holidays of its country (services/calendar.py)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, utcnow


class OfficeClosedDay(Base):
    """A day the office does not work (a local feast, an inventory day): no deadline ends on
    it and no working-day count includes it."""

    __tablename__ = "office_closed_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    reason: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(20))
