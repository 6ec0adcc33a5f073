"""Customers with debts for the legal office's tests: an opening balance posted on their cards."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from office_app.db import Database
from office_app.models import Customer
from office_app.services import ledger
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import SYSTEM, Operator


def debtor(db: Database, clerk: Operator, surname: str, debt: str | None,
           due: date = date(2024, 1, 25), status: str | None = None) -> int:
    """A household customer owing ``debt`` (an opening balance due on ``due``)."""
    customer = create_customer(db, clerk, CustomerInput(
        surname=surname, given_name="Marko", address="Njegoševa 5", place="Bar",
        postal_code="85000", email=f"{surname.lower()}@example.me"))
    if debt is not None:
        with db.unit_of_work() as s:
            ledger.post(s, SYSTEM, ledger.Posting(
                customer.id, "opening_balance", f"OB-{customer.code}", due,
                "opening balance", debit=Decimal(debt), due_date=due))
    if status is not None:
        with db.unit_of_work() as s:
            row = s.get(Customer, customer.id)
            assert row is not None
            row.status, row.status_date = status, due
    return customer.id


def pay(db: Database, customer_id: int, amount: str, on: date, number: str) -> None:
    ledger.post_payment(db, SYSTEM, customer_id, Decimal(amount), on, number)
