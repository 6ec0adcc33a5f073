"""The litigation register (001 Član 7; 000) and the complaint book (001 Član 8; 003 III.1).

A court case belongs to one customer; its events (hearings, decisions, appeals, deliveries to
the public enforcement officer) carry dates and deadlines; its documents (scans, PDFs) are kept
in the database. A complaint is entered with its number, decided justified or not, answered
within the legal deadline and, when justified, linked to the credit or debit note that corrects
the bill. Attachments (erased only with their archived case) and the complaint's invoice links
are posted records (append-only); a case and a complaint are registers whose stage and
decision are updated column by column.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, Money, Stamped, utcnow
from office_app.models.ledger import AppendOnly

#: Stages of a case; the last three close it.
CASE_STAGES = ("proposal_filed", "decision", "enforcement", "appeal", "settled", "paid",
               "written_off")
CLOSING_STAGES = ("settled", "paid", "written_off")
EVENT_KINDS = ("hearing", "decision", "appeal", "appeal_answer", "enforcement_delivery",
               "other")
COMPLAINT_CHANNELS = ("written", "electronic")
COMPLAINT_SUBJECTS = ("bill_amount", "reading", "meter", "quality", "ownership", "payment")
COMPLAINT_DECISIONS = ("justified", "rejected")


class LegalCase(Stamped, Base):
    """A court case against a customer: what was sued, what it cost, where it stands."""

    __tablename__ = "legal_case"
    __table_args__ = (
        Index("uq_legal_case_court_number", "court", "case_number", unique=True),
        CheckConstraint("amount_sued > 0 AND court_fee >= 0 AND other_costs >= 0",
                        name="amounts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    court: Mapped[str] = mapped_column(String(80))
    filed_on: Mapped[date]
    amount_sued: Mapped[Decimal] = mapped_column(Money)
    court_fee: Mapped[Decimal] = mapped_column(Money)
    other_costs: Mapped[Decimal] = mapped_column(Money)
    stage: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(200), default="")
    closed_on: Mapped[date | None]
    #: Set when the case is archived after its keeping period (personal data removed).
    archived_on: Mapped[date | None]


class CaseEvent(Base):
    """Something that happened or must happen in a case, with its deadline."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("legal_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    event_date: Mapped[date]
    deadline: Mapped[date | None] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    done_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseAttachment(Base):
    """A scan or PDF kept with a case (stored in the database, so the register travels with
    its backups). Never changed or deleted; the one thing allowed is erasing it (name, content
    and size emptied, ``erased_on`` set) once its case is archived (004 §25) — both databases
    refuse anything else with a trigger."""

    __tablename__ = "case_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("legal_case.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The day the file was erased with its archived case.
    erased_on: Mapped[date | None]


class Complaint(Stamped, Base):
    """An entry of the complaint book."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint("disputed_amount >= 0", name="disputed_amount"),
        CheckConstraint("decision IS NULL OR decision IN ('justified', 'rejected')",
                        name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    received_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    disputed_amount: Mapped[Decimal] = mapped_column(Money)
    deadline: Mapped[date]
    decision: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(400), default="")
    answered_on: Mapped[date | None]
    #: The credit or debit note that corrected the bill after a justified complaint.
    correction_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("correction_note.id"), unique=True)
    archived_on: Mapped[date | None]


class ComplaintInvoice(AppendOnly, Base):
    """An invoice a complaint concerns."""

    __tablename__ = "complaint_invoice"
    __table_args__ = (Index("uq_complaint_invoice", "complaint_id", "invoice_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
