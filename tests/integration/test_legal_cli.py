"""`office-app legal candidates|file` and `office-app complaints overdue`, as the server runs
them: tables and JSON, a batch of proposals in one PDF, bad arguments refused."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from office_app.cli import main
from office_app.db import Database
from office_app.services import complaints
from office_app.services.complaints import ComplaintInput
from office_app.services.customers import get_customer
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.conftest import TEST_OFFICE
from tests.integration.legal_setup import debtor


@pytest.fixture
def office_db(sqlite_db: Database) -> Database:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    return sqlite_db


def test_candidates_then_a_batch_of_proposals(office_db: Database, clerk: Operator,
                                              supervisor: Operator, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = office_db.url
    big = debtor(office_db, clerk, "Bojović", "900.00", date(2024, 1, 25), status="I")
    small = debtor(office_db, clerk, "Kaluđerović", "40.00", date(2024, 1, 25))
    older = debtor(office_db, clerk, "Šćekić", "300.00", date(2024, 2, 25))
    codes = {cid: get_customer(office_db, supervisor, cid).code for cid in (big, small, older)}
    assert main(["legal", "candidates", "--min-debt", "100", "--older-than", "90",
                 "--on", "2024-09-01", "--json", "--db", url]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(c["code"], c["debt"], c["status"]) for c in found] == [
        (codes[big], "900.00", "I"), (codes[older], "300.00", "")]
    assert main(["legal", "candidates", "--min-debt", "100", "--older-than", "90",
                 "--on", "2024-09-01", "--db", url]) == 0
    assert "2 candidates, 1200.00 in total" in capsys.readouterr().out
    out = tmp_path / "proposals.pdf"
    assert main(["legal", "file", codes[big], codes[older], "--court", "Osnovni sud u Baru",
                 "--fee", "35", "--on", "2024-09-02", "--out", str(out), "--db", url]) == 0
    assert "2 proposals" in capsys.readouterr().out
    assert len(PdfReader(out).pages) == 30         # 2 proposals × 5 copies × 3 pages
    assert main(["legal", "candidates", "--min-debt", "100", "--older-than", "90",
                 "--on", "2024-09-03", "--json", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out) == []    # both are sued now
    assert main(["legal", "candidates", "--min-debt", "-5", "--older-than", "90",
                 "--db", url]) == 2
    assert "-5" in capsys.readouterr().err


def test_overdue_complaints(office_db: Database, clerk: Operator,
                           capsys: pytest.CaptureFixture[str]) -> None:
    cid = debtor(office_db, clerk, "Vuković", "100.00")
    for received in (date(2024, 6, 3), date(2024, 6, 14)):
        complaints.register(office_db, clerk, ComplaintInput(
            cid, received, "written", "bill_amount", "Too much.", "10.00"))
    assert main(["complaints", "overdue", "--on", "2024-06-20", "--json",
                 "--db", office_db.url]) == 0
    late = json.loads(capsys.readouterr().out)
    assert [(c["number"], c["deadline"], c["days_late"]) for c in late] == [
        ("RK-01-2024-000001", "2024-06-17", 3)]
    assert main(["complaints", "overdue", "--on", "2024-06-20", "--db", office_db.url]) == 0
    assert "1 overdue complaints" in capsys.readouterr().out
