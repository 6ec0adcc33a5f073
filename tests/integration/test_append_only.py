"""Posted records are append-only: the ORM and the database (PostgreSQL and SQLite triggers)
refuse UPDATE and DELETE of ledger entries and invoices; corrections are new entries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from office_app.db import Database
from office_app.models import LedgerEntry
from office_app.models.ledger import PostedRecordChanged
from office_app.services import ledger
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import Operator


@pytest.fixture
def entry_id(db: Database, clerk: Operator, cashier: Operator) -> int:
    customer = create_customer(db, clerk, CustomerInput(
        surname="Vuković", given_name="Ana", address="Obala 1", place="Bar"))
    return ledger.post_payment(db, cashier, customer.id, Decimal("12.50"), date(2024, 5, 3),
                               "P-1")


def test_the_orm_refuses_to_change_or_delete_a_posted_entry(db: Database,
                                                             entry_id: int) -> None:
    with pytest.raises(PostedRecordChanged), db.unit_of_work() as s:
        row = s.get(LedgerEntry, entry_id)
        assert row is not None
        row.credit = Decimal("1.00")
    with pytest.raises(PostedRecordChanged), db.unit_of_work() as s:
        s.delete(s.get(LedgerEntry, entry_id))
    with pytest.raises(PostedRecordChanged), db.unit_of_work() as s:
        s.execute(update(LedgerEntry).values(credit=0))
    with db.unit_of_work() as s:
        assert s.scalar(select(LedgerEntry.credit)) == Decimal("12.50")


def test_the_database_refuses_it_too(db: Database, entry_id: int) -> None:
    """Below the ORM (a script, a careless SQL console): the trigger refuses the change."""
    for sql in ("UPDATE ledger_entry SET credit = 0", "DELETE FROM ledger_entry"):
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    with db.engine.begin() as conn:
        assert conn.scalar(text("SELECT credit FROM ledger_entry")) == Decimal("12.50")
        with pytest.raises(DatabaseError):
            conn.execute(delete(LedgerEntry.__table__))
