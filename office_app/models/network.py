"""Zones (transformer areas) and meter readers: the small registers reading books hang off."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, Stamped


class Zone(Stamped, Base):
    __tablename__ = "zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(80))


class MeterReader(Stamped, Base):
    """Meter reader / collector (inkasant, čitač), identified by a code on every reading book."""

    __tablename__ = "meter_reader"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)
