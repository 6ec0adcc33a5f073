"""The demo office's legal step: cases in every stage with events and attachments, complaints
justified with their corrections and overdue ones, a termination with its notice — and the
audit clean over all of it."""
from __future__ import annotations

from datetime import date

from office_app.db import Database
from office_app.demo import build_demo
from office_app.services import complaints, legal, termination
from office_app.services.integrity import CHECKS, Scope
from office_app.services.legal import STAGE_LABELS
from office_app.services.permissions import SYSTEM

TODAY = date(2025, 6, 15)


def test_the_demo_office_has_a_living_legal_office(db: Database) -> None:
    build_demo(db, 120, seed=5, today=TODAY)
    cases = legal.list_cases(db, SYSTEM)
    assert set(STAGE_LABELS) <= {c.stage for c in cases}
    assert all(legal.events(db, SYSTEM, c.id) for c in cases if c.case_number.startswith("PI"))
    assert all(legal.attachments(db, SYSTEM, c.id) for c in cases
               if c.case_number.startswith("PI"))
    due = legal.deadlines(db, SYSTEM, TODAY)
    assert due.missed and due.upcoming
    book = complaints.list_complaints(db, SYSTEM)
    assert sum(bool(c.correction_number) for c in book) == 2
    assert len(complaints.overdue(db, SYSTEM, TODAY)) == 2
    # what the clerk typed is printed on the customer's copy and the answer letter: local words
    for c in book:
        assert c.description and not c.description.startswith("The "), c.description
        assert " the " not in f" {c.reason} ", c.reason
    ended = [c for c in _customers_n(db)]
    assert any(termination.notice_data(db, SYSTEM, cid).readings for cid in ended)
    with db.unit_of_work() as s:
        assert [v for check in CHECKS.values() for v in check(s, Scope())] == []


def _customers_n(db: Database) -> list[int]:
    from sqlalchemy import select

    from office_app.models import Customer

    with db.unit_of_work() as s:
        return list(s.scalars(select(Customer.id).where(Customer.status == "N")))


def test_archiving_the_demo_office_keeps_the_books_and_the_audit_clean(db: Database) -> None:
    from office_app.services import ledger, retention

    build_demo(db, 120, seed=5, today=date(2023, 1, 16))
    on = date(2026, 11, 28)         # long after the demo's day: its closed cases are due
    due = retention.due_for_archiving(db, SYSTEM, on)
    balances = {c.customer_id: ledger.card(db, SYSTEM, c.customer_id).closing_balance
                for c in legal.list_cases(db, SYSTEM)}
    done = retention.archive(db, SYSTEM, on)
    assert done.court_cases == sum(1 for d in due if d.kind == "court_case") > 0
    assert done.complaints == sum(1 for d in due if d.kind == "complaint") > 0
    assert done.attachments > 0
    assert {cid: ledger.card(db, SYSTEM, cid).closing_balance for cid in balances} == balances
    assert [d.kind for d in retention.due_for_archiving(db, SYSTEM, on)
            if retention.KEEPING[d.kind].archived] == []
    with db.unit_of_work() as s:
        assert [v for check in CHECKS.values() for v in check(s, Scope())] == []
