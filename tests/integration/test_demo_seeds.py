"""Small demo offices build with any seed (issue 11): the legal step sues only customers the
service accepts. With 50 customers and seed 3 on 2025-06-15 a customer whose contract had
ended (N) was among the legal candidates and filing the proposal was refused."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from office_app.db import Database
from office_app.demo import build_demo
from office_app.demo.legal import STAGES
from office_app.models import Customer, LegalCase

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_small_demo_builds_and_sues_no_ended_contract(sqlite_db: Database, seed: int) -> None:
    build_demo(sqlite_db, 50, seed=seed, today=TODAY)
    with sqlite_db.unit_of_work() as s:
        sued = s.execute(select(Customer.code, Customer.status)
                         .join(LegalCase, LegalCase.customer_id == Customer.id)
                         .where(LegalCase.case_number.not_like("STARI-%"))).all()
    assert len(sued) == len(STAGES)
    assert [code for code, status in sued if status == "N"] == []
