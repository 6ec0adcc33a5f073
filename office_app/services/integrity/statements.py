"""Statements: every posted statement line has exactly one ledger entry — a payment of the
line's amount to the posting's customer — and no statement was imported twice."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import Customer, LedgerEntry
from office_app.models.statements import Statement, StatementLine, StatementPosting
from office_app.services.integrity.base import Scope, Violation, integrity_check

NAME = "statement_postings"


@integrity_check(NAME)
def check_statement_postings(session: Session, scope: Scope) -> Iterable[Violation]:
    del scope  # statements are not billed per period: always the whole register
    yield from _postings(session)
    yield from _twice(session)


def _postings(session: Session) -> Iterable[Violation]:
    rows = session.execute(
        select(Statement.statement_id, StatementLine.position, StatementLine.kind,
               StatementLine.amount, StatementPosting.amount, StatementPosting.customer_id,
               LedgerEntry.document_type, LedgerEntry.document_number, LedgerEntry.credit,
               LedgerEntry.debit, LedgerEntry.customer_id, Customer.code)
        .join(StatementLine, StatementLine.id == StatementPosting.line_id)
        .join(Statement, Statement.id == StatementLine.statement_id)
        .outerjoin(LedgerEntry, LedgerEntry.id == StatementPosting.entry_id)
        .outerjoin(Customer, Customer.id == StatementPosting.customer_id))
    for (bank_id, position, kind, line_amount, amount, customer_id, doc_type, number, credit,
         debit, entry_customer, code) in rows:
        where = f"{bank_id} / {position}"
        if (kind != "credit" or doc_type != "payment" or debit or credit != line_amount
                or amount != line_amount or entry_customer != customer_id):
            yield Violation(NAME, N_(
                "Statement {statement}, entry {entry}: its payment {document} does not match "
                "the line (amount {amount}, customer {customer})."),
                {"statement": bank_id, "entry": position, "document": number or "—",
                 "amount": str(line_amount), "customer": code or "—"},
                customer_code=code or "", document=where)


def _twice(session: Session) -> Iterable[Violation]:
    rows = session.execute(
        select(Statement.account, Statement.statement_id, func.count())
        .group_by(Statement.account, Statement.statement_id).having(func.count() > 1))
    for account, bank_id, count in rows:
        yield Violation(NAME, N_("Statement {statement} of account {account} was imported "
                                 "{count} times."),
                        {"statement": bank_id, "account": account, "count": count},
                        document=bank_id)
    twice = session.execute(
        select(StatementPosting.line_id, func.count())
        .group_by(StatementPosting.line_id).having(func.count() > 1))
    for line_id, count in twice:
        yield Violation(NAME, N_("Statement line {line} was posted {count} times."),
                        {"line": line_id, "count": count}, document=str(line_id))
