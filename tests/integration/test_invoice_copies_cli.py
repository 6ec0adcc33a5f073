"""Copies printed from the command line name the person who printed them (issue 8): the
office user given with ``--as LOGIN`` (checked against the users table), otherwise the
operating-system user; never "SYSTEM"."""
from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from pypdf import PdfReader

from office_app.cli import main
from office_app.db import Database
from office_app.services import users
from office_app.services.billing import run as billing
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE


def _text(path: Path) -> str:
    return " ".join(p.extract_text() for p in PdfReader(path).pages)


def test_batch_copies_name_the_login_or_the_os_user(
        sqlite_db: Database, admin: Operator, supervisor: Operator, clerk: Operator,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    build_office(sqlite_db, supervisor, clerk)
    billing.run_billing(sqlite_db, supervisor, PERIOD)
    users.add_user(sqlite_db, admin, "mmarkovic", "supervisor", "Dugačka-lozinka-2024!",
                   "Milena Marković", "MM7")
    url = sqlite_db.url
    first, second, third = (tmp_path / f"{n}.pdf" for n in ("first", "second", "third"))
    assert main(["invoices", "print", "--period", PERIOD, "--out", str(first),
                 "--db", url]) == 0
    assert main(["invoices", "print", "--period", PERIOD, "--out", str(second),
                 "--db", url]) == 0
    assert main(["invoices", "print", "--period", PERIOD, "--out", str(third), "--db", url,
                 "--as", "mmarkovic"]) == 0
    assert "3 invoices (3 of them copies)" in capsys.readouterr().out
    assert "SYSTEM" not in _text(first) + _text(second) + _text(third)
    assert getpass.getuser() in _text(second)
    assert "MM7" in _text(third) and "Milena Marković" in _text(third)
    assert main(["invoices", "print", "--period", PERIOD, "--out", str(third), "--db", url,
                 "--as", "nobody"]) == 1
    assert "There is no user nobody" in capsys.readouterr().err
