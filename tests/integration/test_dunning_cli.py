"""`office-app dunning warnings|orders`: dry run, JSON, idempotent per date, PDFs, bad input."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from office_app.cli import main
from office_app.db import Database
from office_app.services.billing import run as billing
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE


@pytest.fixture
def office_db(sqlite_db: Database, supervisor: Operator, clerk: Operator) -> Database:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    build_office(sqlite_db, supervisor, clerk)
    billing.run_billing(sqlite_db, supervisor, PERIOD)
    return sqlite_db


def test_warnings_then_orders_from_the_command_line(
        office_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = office_db.url
    assert main(["dunning", "warnings", "--as-of", "2024-08-01", "--dry-run", "--json",
                 "--db", url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["to_issue"] == 3
    assert {c["customer"] for c in listed["candidates"]} == {"0000001", "0000002", "0000003"}
    pdf = tmp_path / "warnings.pdf"
    assert main(["dunning", "warnings", "--as-of", "2024-08-01", "--json", "--pdf", str(pdf),
                 "--db", url]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["issued"], summary["already_issued"]) == (3, 0)
    # one file per customer language, two copies per warning
    assert len(PdfReader(tmp_path / "warnings-sr_Latn.pdf").pages) == 2
    assert "Ђуровић" in PdfReader(tmp_path / "warnings-sr_Cyrl.pdf").pages[0].extract_text()
    assert main(["dunning", "warnings", "--as-of", "2024-08-01", "--db", url]) == 0
    assert "0 warnings issued, 3 issued before" in capsys.readouterr().out
    assert main(["dunning", "orders", "--as-of", "2024-08-14", "--dry-run", "--db", url]) == 0
    assert "3 orders would be issued" in capsys.readouterr().out
    orders_pdf = tmp_path / "orders.pdf"
    assert main(["dunning", "orders", "--as-of", "2024-08-14", "--pdf", str(orders_pdf),
                 "--db", url]) == 0
    assert "3 orders issued" in capsys.readouterr().out
    assert len(PdfReader(orders_pdf).pages) == 6
    assert main(["dunning", "orders", "--as-of", "2024-08-14", "--json", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out)["issued"] == 0
    assert date.today() > date(2024, 8, 14)


def test_bad_input(office_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    url = office_db.url
    assert main(["dunning", "warnings", "--as-of", "2024-13-01", "--db", url]) == 2
    assert main(["dunning", "warnings", "--as-of", "2024-08-01", "--zone", "ZZ9",
                 "--db", url]) == 1
    assert "Zone ZZ9 does not exist" in capsys.readouterr().err
    assert main(["dunning", "warnings", "--as-of", "2024-08-01", "--min-days", "-2",
                 "--db", url]) == 2


def test_a_run_dated_after_today_is_refused(office_db: Database,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    url = office_db.url
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    capsys.readouterr()
    for command in ("warnings", "orders"):
        assert main(["dunning", command, "--as-of", tomorrow, "--db", url]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1
        assert "Date: the run's date cannot be after today" in err
        assert main(["dunning", command, "--as-of", tomorrow, "--dry-run", "--db", url]) == 2
        assert "cannot be after today" in capsys.readouterr().err
    assert main(["dunning", "warnings", "--as-of", date.today().isoformat(), "--dry-run",
                 "--db", url]) == 0
