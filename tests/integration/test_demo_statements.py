"""The demo office's year of payments arrives by bank and post through the statement importer:
weekly camt.053 statements and monthly post office lists, some partial and some overpaid
payments, a few unmatched lines in the queue, bank fees and returned payments shown but never
posted; the statements audit check is clean and every card adds up."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from office_app.db import Database
from office_app.demo import build_demo
from office_app.models import LedgerEntry
from office_app.models.statements import Statement, StatementLine, StatementPosting
from office_app.services import ledger
from office_app.services.integrity import CHECKS, Scope
from office_app.services.permissions import SYSTEM
from office_app.services.statements import queue


def test_the_demo_year_of_payments_comes_through_statements(sqlite_db: Database) -> None:
    build_demo(sqlite_db, 120, seed=5, today=date(2026, 11, 20))
    with sqlite_db.unit_of_work() as s:
        sources = Counter(dict(s.execute(select(Statement.source, func.count())
                                         .group_by(Statement.source)).all()))
        kinds = Counter(dict(s.execute(select(StatementLine.kind, func.count())
                                       .group_by(StatementLine.kind)).all()))
        matched = Counter(dict(s.execute(select(StatementPosting.matched_by, func.count())
                                         .group_by(StatementPosting.matched_by)).all()))
        counter = s.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.document_number.like("BL-%")))
        assert list(CHECKS["statement_postings"](s, Scope())) == []
        customers = list(s.scalars(select(LedgerEntry.customer_id).distinct()))
        balances = ledger.balances(s, customers)
        cards = ledger.entries(s, customers)
    assert sources["camt053"] > 20 and sources["post"] > 5
    assert kinds["credit"] > 500 and kinds["debit"] == sources["camt053"]
    assert kinds["reversal"] >= 1
    assert matched["invoice_reference"] > matched["account_reference"] > 0
    assert matched["customer_code"] > 0 and counter and counter > 100
    waiting = queue.lines(sqlite_db, SYSTEM, unmatched_only=True)
    assert 0 < len(waiting) < 60
    assert {w.reason for w in waiting} <= {"bad_check", "no_reference"}
    for customer_id, entries in cards.items():
        assert balances[customer_id] == sum((e.debit - e.credit for e in entries), Decimal(0))
