"""A customer with overdue debt for installment plan tests (figures in docs/plans.md):

- opening balance 100.00 due 15.01.2024, 50.50 due 15.02.2024, 30.00 due 25.03.2024;
- 20.00 paid on 20.02.2024 (settles the oldest first: 80.00 of the first stays open).

On 10.03.2024 the overdue debt is 80.00 + 50.50 = 130.50; the 30.00 is not yet due.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from office_app.db import Database
from office_app.services import ledger
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import SYSTEM
from office_app.services.plans import PlanTerms

AGREED = date(2024, 3, 10)


def customer_with_debt(db: Database, surname: str = "Dužnik", language: str = "sr_Latn",
                       prefix: str = "OB") -> int:
    customer = create_customer(db, SYSTEM, CustomerInput(
        surname=surname, given_name="Marko", address="Njegoševa 5", place="Nikšić",
        language=language)).id
    with db.unit_of_work() as s:
        for n, (amount, due) in enumerate(((D("100.00"), date(2024, 1, 15)),
                                           (D("50.50"), date(2024, 2, 15)),
                                           (D("30.00"), date(2024, 3, 25))), start=1):
            ledger.post(s, SYSTEM, ledger.Posting(
                customer, "opening_balance", f"{prefix}-{customer}-{n}", date(2024, 1, 1),
                debit=amount, due_date=due))
    pay(db, customer, "20.00", date(2024, 2, 20))
    return customer


def pay(db: Database, customer: int, amount: str, on: date) -> None:
    number = f"UP-{customer}-{on.isoformat()}-{amount}"
    ledger.post_payment(db, SYSTEM, customer, D(amount), on, number)


def standard_terms(customer: int, **kw: object) -> PlanTerms:
    """130.50: 30.50 down, four installments of 25.00 at 12 % a year, grace 15 days."""
    base: dict[str, object] = dict(customer_id=customer, agreed_on=AGREED, installment_count=4,
                                   down_payment=D("30.50"), interest_rate=D("12"),
                                   minimum_installment=D("20.00"), grace_days=15)
    base.update(kw)
    return PlanTerms(**base)  # type: ignore[arg-type]
