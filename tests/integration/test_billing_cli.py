"""`office-app billing run` with its progress line, `invoices print`, copies, statements."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from office_app.cli import main
from office_app.db import Database
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE


@pytest.fixture
def office_db(sqlite_db: Database, supervisor: Operator, clerk: Operator) -> Database:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    build_office(sqlite_db, supervisor, clerk)
    return sqlite_db


def test_run_print_copy_statement_and_card(office_db: Database, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = office_db.url
    assert main(["billing", "check", "--period", PERIOD, "--db", url]) == 0
    assert "3 to bill" in capsys.readouterr().out
    assert main(["billing", "run", "--period", PERIOD, "--db", url]) == 0
    out, err = capsys.readouterr()
    assert "period 2024-05: 3 to bill, 0 to hold back, 0 billed before" in out
    assert "completed: 3 invoices made" in out
    assert "billing 2024-05: 3/3 (100 %)" in err
    assert main(["billing", "run", "--period", PERIOD, "--db", url]) == 0
    assert "0 invoices made, 3 billed before" in capsys.readouterr().out
    batch = tmp_path / "may.pdf"
    assert main(["invoices", "print", "--period", PERIOD, "--zone", "Z1", "--out", str(batch),
                 "--db", url]) == 0
    assert "3 invoices (0 of them copies)" in capsys.readouterr().out
    assert len(PdfReader(batch).pages) == 3
    copy = tmp_path / "copy.pdf"
    # the test office's invoices are from 2024: older than the 12 months copies are given for
    assert main(["invoices", "copy", "01-2024-0000002", "--out", str(copy), "--db", url]) == 1
    assert "Copies are given for invoices of the last 12 months" in capsys.readouterr().err
    for name, code in (("statement", "0000001"), ("card", "0000003")):
        path = tmp_path / f"{name}.pdf"
        assert main(["invoices", name, code, "--out", str(path), "--db", url,
                     "--language", "en"]) == 0
        assert code in PdfReader(path).pages[0].extract_text()
    assert main(["invoices", "copy", "99-1999-0000001", "--out", str(copy), "--db", url]) == 1
    assert "There is no invoice with number" in capsys.readouterr().err


def test_stop_policy_and_bad_period(office_db: Database,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["billing", "run", "--period", "2024-13", "--db", office_db.url]) == 2
    assert "'2024-13' is not a period; write YYYY-MM" in capsys.readouterr().err
    assert main(["billing", "run", "--period", "2030-01", "--db", office_db.url]) == 1
    assert "no billing order" in capsys.readouterr().err
