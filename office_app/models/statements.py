"""Bank and post statements (issue 10): money that arrives by bank transfer or at the post
office, imported from a camt.053 / camt.054 file or the post office's CSV.

All three tables are posted records (append-only): a statement is imported once (unique by
account and the bank's statement id), each of its lines is kept as the bank sent it, and a
credit line that became a payment has exactly one ``StatementPosting`` pointing at the ledger
entry it made. A line without a posting waits in the unmatched queue until a clerk assigns it.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, Money, utcnow
from office_app.models.ledger import AppendOnly

#: Where a statement comes from.
STATEMENT_SOURCES = ("camt053", "camt054", "post")
#: What a line is: a credit to post, a debit or a reversal (shown, never posted as payments),
#: or a booking the bank has not yet booked (pending, informational).
LINE_KINDS = ("credit", "debit", "reversal", "pending")
#: How a posted line found its customer.
MATCH_KINDS = ("invoice_reference", "account_reference", "customer_code", "manual")


class Statement(AppendOnly, Base):
    __tablename__ = "bank_statement"
    __table_args__ = (
        UniqueConstraint("account", "statement_id", name="uq_bank_statement_account_id"),
        CheckConstraint("source IN ('camt053', 'camt054', 'post')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    #: The office's account the statement is for, compacted (IBAN or 18-digit account).
    account: Mapped[str] = mapped_column(String(34))
    #: The bank's (or post office's) id of the statement or notification.
    statement_id: Mapped[str] = mapped_column(String(70))
    statement_date: Mapped[date]
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    line_count: Mapped[int]
    credit_total: Mapped[Decimal] = mapped_column(Money)
    debit_total: Mapped[Decimal] = mapped_column(Money)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    operator_code: Mapped[str] = mapped_column(String(20))


class StatementLine(AppendOnly, Base):
    __tablename__ = "bank_statement_line"
    __table_args__ = (
        UniqueConstraint("statement_id", "line_number", name="uq_bank_statement_line_number"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("kind IN ('credit', 'debit', 'reversal', 'pending')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"))
    line_number: Mapped[int]
    #: Where the line is in the file, as a person finds it: "entry 3", "entry 3.2", "row 7".
    position: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(8))
    booking_date: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    #: The reference the payer quoted, as given (structured or found in the text).
    reference: Mapped[str] = mapped_column(String(40), default="")
    payer: Mapped[str] = mapped_column(String(140), default="")
    text: Mapped[str] = mapped_column(String(280), default="")
    bank_reference: Mapped[str] = mapped_column(String(70), default="")
    #: Why an unposted credit waits in the queue (matching.REASONS); empty when it was posted.
    unmatched_reason: Mapped[str] = mapped_column(String(20), default="")


class StatementPosting(AppendOnly, Base):
    """A credit line that became a payment: the line, the ledger entry it made, and how the
    customer was found. One per line and one per entry (unique), in the import's (or the
    clerk's assignment's) transaction."""

    __tablename__ = "bank_statement_posting"
    __table_args__ = (
        UniqueConstraint("line_id", name="uq_bank_statement_posting_line"),
        UniqueConstraint("entry_id", name="uq_bank_statement_posting_entry"),
        CheckConstraint("matched_by IN ('invoice_reference', 'account_reference', "
                        "'customer_code', 'manual')", name="matched_by"),
        Index("ix_bank_statement_posting_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("bank_statement_line.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    matched_by: Mapped[str] = mapped_column(String(20))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    operator_code: Mapped[str] = mapped_column(String(20))
