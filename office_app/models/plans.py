"""Installment plans (reprogram; 000, 003 III.2, 004 §25.1i): overdue debt rescheduled into
installments. docs/plans.md says how a plan moves money on the financial card.

The plan is a register row (its status changes: active, completed, broken); what it covered
and its schedule are posted records, append-only like the ledger entries they point to.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from office_app.models.base import Base, utcnow
from office_app.models.ledger import AppendOnly

PLAN_STATUSES = ("active", "completed", "broken")


class InstallmentPlan(Base):
    """One agreement: the overdue debt on ``agreed_on`` (``debt``), a down payment due that
    day and ``installment_count`` monthly installments from ``first_due``; simple interest at
    ``interest_rate`` % a year on the declining principal (``interest`` in total)."""

    __tablename__ = "installment_plan"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'completed', 'broken')", name="status"),
        CheckConstraint("down_payment >= 0 AND down_payment < debt", name="down_payment"),
        CheckConstraint("installment_count >= 1", name="installment_count"),
        Index("ix_installment_plan_customer", "customer_id", "status"),
        # one active plan per customer, even when two desks set one up at the same moment
        Index("uq_installment_plan_active", "customer_id", unique=True,
              postgresql_where=text("status = 'active'"),
              sqlite_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    agreed_on: Mapped[date]
    debt: Mapped[Decimal]
    down_payment: Mapped[Decimal]
    installment_count: Mapped[int]
    interest_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3, asdecimal=True))
    interest: Mapped[Decimal]
    minimum_installment: Mapped[Decimal]
    grace_days: Mapped[int]
    first_due: Mapped[date]
    #: The rescheduling credit that took the covered debt off its old due dates.
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
    status: Mapped[str] = mapped_column(String(10), default="active")
    completed_on: Mapped[date | None]
    broken_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanCoveredItem(AppendOnly, Base):
    """An overdue debit the plan covered, and how much of it was open on the agreement day."""

    __tablename__ = "plan_covered_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("installment_plan.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
    document_number: Mapped[str] = mapped_column(String(30))
    due_date: Mapped[date | None]
    amount: Mapped[Decimal]


class PlanInstallment(AppendOnly, Base):
    """One installment of the schedule (``sequence`` 0 is the down payment) and the debit
    document that made it due on ``due_date``."""

    __tablename__ = "plan_installment"
    __table_args__ = (
        Index("uq_plan_installment_sequence", "plan_id", "sequence", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("installment_plan.id"))
    sequence: Mapped[int]
    due_date: Mapped[date]
    principal: Mapped[Decimal]
    interest: Mapped[Decimal]
    amount: Mapped[Decimal]
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))
