"""The financial card (001 Član 3.1): every money movement of a customer as a posted entry.

Posted records are append-only, as in an accounting journal: a wrong entry is corrected by a
new one (a credit or debit note that references the invoice), never by editing. Three layers
refuse an UPDATE or DELETE of a posted row: the ORM (this module's session hooks), and the
database itself — a PostgreSQL trigger and an SQLite trigger created by migration 0003.
TRUNCATE (used by the test fixture to empty a database) is not a row change and still works.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Table, event, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from office_app.errors import N_, Conflict
from office_app.models.base import Base, Money, utcnow

#: Document types of the card (šifra dokumenta): what caused the entry.
DOCUMENT_TYPES = ("invoice", "payment", "subsidy", "interest", "credit_note", "debit_note",
                  "compensation", "opening_balance", "payment_reversal", "court_costs",
                  "write_off",
                  # installment plans: the credit that re-dates covered debt, the installments
                  "reschedule", "installment")


class AppendOnly:
    """Mixin for posted records: inserted once, never updated or deleted."""

    __append_only__ = True


class LedgerEntry(AppendOnly, Base):
    """One line of a customer's financial card: a debit (what the customer owes) or a credit
    (what the customer paid or was credited). The balance is the sum of debits minus credits;
    it is never stored, so it cannot disagree with the entries."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0 AND (debit = 0 OR credit = 0)",
                        name="amounts"),
        Index("uq_ledger_entry_document", "document_type", "document_number", unique=True),
        Index("ix_ledger_entry_card", "customer_id", "document_date", "id"),
        # The monthly interest run posts at most one interest document per customer and month.
        Index("uq_ledger_entry_interest_period", "customer_id", "period", unique=True,
              postgresql_where=text("document_type = 'interest'"),
              sqlite_where=text("document_type = 'interest'")),
        # A payment retried after a dropped connection or a double click is posted once.
        Index("uq_ledger_entry_idempotency_key", "idempotency_key", unique=True),
        # What a drawer took (desk and statement sources; billing's entries have none).
        Index("ix_ledger_entry_source", "source", postgresql_where=text("source <> ''"),
              sqlite_where=text("source <> ''")),
        # A posted entry is reversed at most once.
        Index("uq_ledger_entry_reversal", "origin_entry_id", unique=True,
              postgresql_where=text("document_type = 'payment_reversal'"),
              sqlite_where=text("document_type = 'payment_reversal'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    document_date: Mapped[date]
    document_type: Mapped[str] = mapped_column(String(20))
    document_number: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(160), default="")
    debit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    credit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    #: When a debit falls due; late interest runs from here. None: bears no interest.
    due_date: Mapped[date | None]
    #: The invoice this entry is (an invoice), corrects (a note) or pays (a payment that names
    #: the invoice it is for); None for a payment allocated oldest-first (004 §35.2).
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    #: Billing or interest period "YYYY-MM" the entry belongs to, when it has one.
    period: Mapped[str | None] = mapped_column(String(7))
    #: The accounting order (nalog za knjigovodstvo) the entry was booked under.
    order_number: Mapped[str] = mapped_column(String(20), default="")
    order_date: Mapped[date | None]
    operator_code: Mapped[str] = mapped_column(String(20))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The entry this one settles, corrects or reverses (a storno names the payment it undoes).
    origin_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    #: Where the money came from: ``desk:<desk id>``, ``statement:<line id>``, or "" (billing).
    source: Mapped[str] = mapped_column(String(60), default="")
    #: Chosen by the client before it first sends the posting; the same key is posted once.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))


class InterestCharge(AppendOnly, Base):
    """How an interest entry was computed: one overdue document, one base, one rate, the days
    from its due date (or the month's start) to its payment (or the month's end)."""

    __tablename__ = "interest_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), index=True)
    #: The overdue debit (an invoice or a debit note) the interest was charged on.
    item_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
    document_number: Mapped[str] = mapped_column(String(30))
    base: Mapped[Decimal] = mapped_column(Money)
    rate: Mapped[Decimal] = mapped_column(Numeric(6, 3, asdecimal=True))
    date_from: Mapped[date]
    date_to: Mapped[date]
    days: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(Money)


def table_of(model: type) -> Table:
    """The Core table of a mapped class (bulk inserts skip the ORM's unit of work)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


# --- the ORM layer of the append-only guard ---------------------------------------------------

class PostedRecordChanged(Conflict):
    """Someone tried to change or delete a posted document."""


def _refuse(kind: str, name: str) -> PostedRecordChanged:
    return PostedRecordChanged(
        N_("Posted records are never changed or deleted ({table}); post a correction "
           "instead."), table=name)


def _is_append_only(obj: Any) -> bool:
    return bool(getattr(type(obj), "__append_only__", False))


@event.listens_for(Session, "before_flush")
def _refuse_changes_of_posted_rows(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if _is_append_only(obj):
            raise _refuse("delete", type(obj).__tablename__)
    for obj in session.dirty:
        if _is_append_only(obj) and session.is_modified(obj, include_collections=False):
            raise _refuse("update", type(obj).__tablename__)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        if getattr(mapper.class_, "__append_only__", False):
            raise _refuse("bulk", mapper.persist_selectable.name)  # type: ignore[attr-defined]
