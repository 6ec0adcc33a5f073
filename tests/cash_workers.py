"""Worker processes for the cash desk's concurrency test and benchmark: one desk each, its own
connection, its own drawer, payments sent twice with the same idempotency key (a retry)."""
from __future__ import annotations

import random
import time
import uuid
from datetime import date
from decimal import Decimal

from office_app.db import Database
from office_app.services.cashdesk import counter, drawers
from office_app.services.permissions import Operator, Role


def desk_worker(url: str, desk_number: int, customers: list[int], payments: int,
                day: date) -> tuple[str, int, float, list[float]]:
    """Post ``payments`` payments at desk ``KASA<n>``; each is sent twice. Returns the desk,
    the drawer id, the seconds spent and each payment's latency."""
    db = Database(url)
    cashier = Operator(100 + desk_number, f"C{desk_number:02d}", f"c{desk_number}",
                       "Cashier", Role.CASHIER)
    desk = f"KASA{desk_number}"
    drawer = drawers.open_drawer(db, cashier, desk, Decimal("10.00"), day)
    rng = random.Random(desk_number)
    latencies = []
    start = time.perf_counter()
    for _ in range(payments):
        request = counter.PaymentRequest(
            uuid.uuid4().hex, drawer.id, desk, rng.choice(customers), "cash",
            Decimal(rng.randint(1, 5000)) / 100, None, (), day)
        began = time.perf_counter()
        first = counter.pay(db, cashier, request)
        latencies.append(time.perf_counter() - began)
        again = counter.pay(db, cashier, request)  # the retry after a "dropped connection"
        assert again.number == first.number
    elapsed = time.perf_counter() - start
    db.dispose()
    return desk, drawer.id, elapsed, latencies
