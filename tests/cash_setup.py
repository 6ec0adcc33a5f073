"""A billed office for cash desk tests: tests/billing_setup.py's three customers with their
2024-05 invoices (P-100 household 57,03; P-200 household 26,02; P-300 business 2.016,03)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from office_app.db import Database
from office_app.models import Invoice
from office_app.services.billing import run as billing
from office_app.services.cashdesk import counter, drawers
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office

DAY = date(2024, 6, 20)
DESK = "KASA1"


@dataclass(frozen=True)
class Billed:
    customers: dict[str, int]      # point number -> customer id
    invoices: dict[str, str]       # point number -> invoice number
    invoice_ids: dict[str, int]


def billed_office(db: Database, supervisor: Operator, clerk: Operator) -> Billed:
    office = build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        rows = s.execute(select(Invoice.point_number, Invoice.number, Invoice.id)).all()
    return Billed(dict(office.customers), {p: n for p, n, _ in rows},
                  {p: i for p, _, i in rows})


def key() -> str:
    return uuid.uuid4().hex


def pay(db: Database, cashier: Operator, drawer_id: int, customer_id: int,
        amount: str, means: str = "cash", received: str | None = None,
        invoice_ids: tuple[int, ...] = (), idempotency_key: str | None = None,
        desk: str = DESK) -> counter.Receipt:
    return counter.pay(db, cashier, counter.PaymentRequest(
        idempotency_key or key(), drawer_id, desk, customer_id, means, Decimal(amount),
        None if received is None else Decimal(received), invoice_ids, DAY))


def open_drawer(db: Database, cashier: Operator, float_: str = "50.00",
                desk: str = DESK) -> drawers.DrawerInfo:
    return drawers.open_drawer(db, cashier, desk, Decimal(float_), DAY)
