"""Posting seals: what ``office-app audit`` proves posted documents against.

When documents are posted (the end of a billing or interest run, a correction note) the
posting writes, per posted table, one seal over the rows added since the table's previous
seal: the id range covered, the row count and a checksum of the rows' content. The audit
recomputes each seal; a row changed, deleted or slipped in behind the application's back
(say by the database owner with the append-only trigger disabled) no longer matches.
Seals are themselves append-only.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, utcnow
from office_app.models.ledger import AppendOnly


class PostingSeal(AppendOnly, Base):
    """The rows of ``table_name`` with ``first_id`` <= id <= ``last_id`` as they were posted:
    ``row_count`` rows whose content hashes to ``checksum`` (MD5, hex). ``period`` is the
    billing or interest period of the posting that sealed them ('' for a correction note
    outside a period)."""

    __tablename__ = "posting_seal"
    __table_args__ = (
        CheckConstraint("last_id >= first_id", name="range"),
        CheckConstraint("row_count >= 0", name="row_count"),
        Index("ix_posting_seal_table", "table_name", "last_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(7), default="")
    first_id: Mapped[int]
    last_id: Mapped[int]
    row_count: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(32))
    #: What posted the documents: 'billing', 'interest' or 'correction'.
    source: Mapped[str] = mapped_column(String(12))
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sealed_by: Mapped[str] = mapped_column(String(20))
