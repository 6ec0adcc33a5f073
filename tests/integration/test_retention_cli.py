"""`office-app retention report|archive|notice` as the server runs them."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from office_app.cli import main
from office_app.db import Database
from office_app.models import Customer
from office_app.services import complaints
from office_app.services.complaints import ComplaintInput
from office_app.services.customers import get_customer
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.conftest import TEST_OFFICE
from tests.integration.legal_setup import debtor


def test_report_archive_and_notice(sqlite_db: Database, clerk: Operator, supervisor: Operator,
                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_db.url
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    cid = debtor(sqlite_db, clerk, "Vuković", None)
    entered = complaints.register(sqlite_db, clerk, ComplaintInput(
        cid, date(2021, 6, 1), "written", "meter", "Marko Vuković, 067 111 222", "0"))
    complaints.answer(sqlite_db, clerk, entered.id, "rejected", "Meter is right.",
                      date(2021, 6, 8))
    with sqlite_db.unit_of_work() as s:
        row = s.get(Customer, cid)
        assert row is not None
        row.status, row.status_date = "N", date(2019, 12, 31)
    code = get_customer(sqlite_db, supervisor, cid).code
    notice = tmp_path / "notice.pdf"
    assert main(["retention", "notice", code, "--out", str(notice), "--db", url]) == 0
    assert len(PdfReader(notice).pages) == 2
    capsys.readouterr()
    assert main(["retention", "report", "--on", "2025-06-01", "--json", "--db", url]) == 0
    assert [(r["kind"], r["reference"]) for r in json.loads(capsys.readouterr().out)] == [
        ("contract", code), ("complaint", "RK-01-2021-000001")]
    assert main(["retention", "archive", "--on", "2025-06-01", "--db", url]) == 0
    assert "archived: 1 customers, 0 court cases, 1 complaints (0 case files erased)" in \
        capsys.readouterr().out
    assert main(["retention", "report", "--on", "2025-06-01", "--db", url]) == 0
    assert "0 records past their keeping period" in capsys.readouterr().out
    assert get_customer(sqlite_db, supervisor, cid).name == "—"
