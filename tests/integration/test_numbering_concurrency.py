"""Customer codes from many desks at once on PostgreSQL: unique and gapless."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from office_app.db import Database
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import Operator


def test_parallel_desks_get_unique_gapless_codes(db: Database, clerk: Operator) -> None:
    if not db.is_postgres:
        pytest.skip("concurrency is a PostgreSQL matter; SQLite serialises writers")

    def register(i: int) -> str:
        return create_customer(db, clerk, CustomerInput(
            surname=f"Kupac{i}", given_name="Test", address=f"Ulica {i}", place="Bar")).code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(register, range(40)))
    assert sorted(int(c) for c in codes) == list(range(1, 41))
