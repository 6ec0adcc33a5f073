"""Reading imported statements and working the unmatched queue: a clerk assigns a credit that
found no customer to one by hand, which posts it as a payment (once: a line has at most one
posting, enforced by a unique index, so two clerks assigning the same line post it once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import Customer, Invoice, LedgerEntry
from office_app.models.base import utcnow
from office_app.models.statements import Statement, StatementLine, StatementPosting
from office_app.services import ledger
from office_app.services.permissions import Operator, Permission
from office_app.services.statements.importer import PREFIXES

#: What the statements tab shows for each state of a line.
LINE_STATES = {
    "posted": N_("Posted"),
    "unmatched": N_("Unmatched"),
    "debit": N_("Debit (not a payment)"),
    "reversal": N_("Reversal (not posted)"),
    "pending": N_("Not booked yet"),
}


@dataclass(frozen=True)
class StatementSummary:
    id: int
    statement_id: str
    source: str
    account: str
    statement_date: date
    file_name: str
    lines: int
    credit_total: Decimal
    debit_total: Decimal
    unmatched: int
    imported_at: datetime
    operator_code: str


@dataclass(frozen=True)
class LineView:
    id: int
    statement: int
    statement_id: str
    position: str
    state: str                 # LINE_STATES key
    booking_date: date
    amount: Decimal
    reference: str
    payer: str
    text: str
    reason: str                # matching.REASONS key for an unmatched credit
    customer_code: str
    document_number: str


def statements(db: Database, operator: Operator, limit: int = 500) -> list[StatementSummary]:
    """The latest imported statements, newest first, with how many credits still wait."""
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        waiting = _unmatched_counts(s)
        rows = s.scalars(select(Statement).order_by(Statement.id.desc()).limit(limit))
        return [StatementSummary(r.id, r.statement_id, r.source, r.account, r.statement_date,
                                 r.file_name, r.line_count, r.credit_total, r.debit_total,
                                 waiting.get(r.id, 0), r.imported_at, r.operator_code)
                for r in rows]


def _unmatched_counts(s: Session) -> dict[int, int]:
    rows = s.execute(
        select(StatementLine.statement_id, func.count())
        .outerjoin(StatementPosting, StatementPosting.line_id == StatementLine.id)
        .where(StatementLine.kind == "credit", StatementPosting.id.is_(None))
        .group_by(StatementLine.statement_id))
    return {statement: count for statement, count in rows}


def lines(db: Database, operator: Operator, statement: int | None = None,
          unmatched_only: bool = False, limit: int = 5000) -> list[LineView]:
    """The lines of one statement (or every statement), or only the unmatched queue."""
    operator.require(Permission.POST_PAYMENTS)
    stmt = (select(StatementLine, Statement.statement_id, Customer.code,
                   LedgerEntry.document_number)
            .join(Statement, Statement.id == StatementLine.statement_id)
            .outerjoin(StatementPosting, StatementPosting.line_id == StatementLine.id)
            .outerjoin(LedgerEntry, LedgerEntry.id == StatementPosting.entry_id)
            .outerjoin(Customer, Customer.id == StatementPosting.customer_id))
    if statement is not None:
        stmt = stmt.where(StatementLine.statement_id == statement)
    if unmatched_only:
        stmt = stmt.where(StatementLine.kind == "credit", StatementPosting.id.is_(None))
    stmt = stmt.order_by(StatementLine.statement_id, StatementLine.line_number).limit(limit)
    with db.unit_of_work() as s:
        return [_view(line, bank_id, code, number)
                for line, bank_id, code, number in s.execute(stmt)]


def _view(line: StatementLine, bank_id: str, code: str | None,
          number: str | None) -> LineView:
    if line.kind != "credit":
        state = line.kind
    else:
        state = "posted" if number else "unmatched"
    return LineView(line.id, line.statement_id, bank_id, line.position, state,
                    line.booking_date, line.amount, line.reference, line.payer, line.text,
                    line.unmatched_reason if state == "unmatched" else "", code or "",
                    number or "")


def assign(db: Database, operator: Operator, line_id: int, customer_code: str,
           invoice_number: str = "") -> LineView:
    """Post an unmatched credit to the customer (and the invoice, if given) as a payment.
    Raises ValidationError naming the field for an unknown customer or invoice, Conflict when
    the line is not an unmatched credit (posted already, a debit or a reversal)."""
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        line = s.get(StatementLine, line_id)
        if line is None:
            raise NotFound(N_("Statement line {id} does not exist."), id=line_id)
        statement = s.get(Statement, line.statement_id)
        assert statement is not None
        _check_unposted(s, line)
        customer_id = _customer(s, customer_code)
        invoice_id = _invoice(s, invoice_number, customer_id)
        entry_id = ledger.post(s, operator, ledger.Posting(
            customer_id, "payment", f"{PREFIXES[statement.source]}-{statement.id}-M{line.id}",
            line.booking_date, " ".join(p for p in (line.payer, line.text) if p)[:160],
            credit=line.amount, invoice_id=invoice_id,
            order_number=statement.statement_id[:20], order_date=statement.statement_date))
        s.add(StatementPosting(line_id=line.id, entry_id=entry_id, customer_id=customer_id,
                               invoice_id=invoice_id, amount=line.amount, matched_by="manual",
                               posted_at=utcnow(), operator_code=operator.code))
        try:
            s.flush()
        except IntegrityError:
            raise _already() from None
        number = s.scalar(select(LedgerEntry.document_number).where(
            LedgerEntry.id == entry_id))
        return _view(line, statement.statement_id, customer_code.strip(), number)


def _already() -> Conflict:
    return Conflict(N_("This line was posted already; nothing was posted again."), "line")


def _check_unposted(s: Session, line: StatementLine) -> None:
    if line.kind != "credit":
        raise Conflict(N_("Only a credit can be posted as a payment; debits and reversals "
                          "are only shown."), "line")
    if s.scalar(select(StatementPosting.id).where(StatementPosting.line_id == line.id)):
        raise _already()


def _customer(s: Session, code: str) -> int:
    found = s.scalar(select(Customer.id).where(Customer.code == code.strip()))
    if found is None:
        raise ValidationError([FieldError("customer_code", N_(
            "Customer code {code}: no such customer; type the code of an existing customer."),
            {"code": code.strip() or "—"})])
    return found


def _invoice(s: Session, number: str, customer_id: int) -> int | None:
    if not number.strip():
        return None
    found = s.execute(select(Invoice.id, Invoice.customer_id).where(
        Invoice.number == number.strip())).first()
    if found is None or found[1] != customer_id:
        raise ValidationError([FieldError("invoice_number", N_(
            "Invoice {number}: no invoice of this customer has that number; leave it empty "
            "to pay the oldest open documents."), {"number": number.strip()})])
    return int(found[0])
