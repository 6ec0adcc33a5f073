"""`office-app books print`, `books implausible` and `readings import` on a server."""
from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from reading_setup import OFFICE, PERIOD, build_book

from office_app.cli import main
from office_app.db import Database
from office_app.services.office import save_office
from office_app.services.permissions import Operator


@pytest.fixture
def url(sqlite_db: Database, supervisor: Operator) -> str:
    with sqlite_db.unit_of_work() as s:
        save_office(s, OFFICE)
    build_book(sqlite_db, supervisor)
    return sqlite_db.url


def test_books_print_and_import(url: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "books.pdf"
    assert main(["books", "print", "--db", url, "--period", PERIOD, "--zone", "z1",
                 "--out", str(out), "--language", "en"]) == 0
    assert "Reading book" in pypdf.PdfReader(out).pages[0].extract_text()
    data = tmp_path / "readings.csv"
    data.write_text("point;date;vt;mt\nP-100;31.03.2025;13910;6290\n"
                    "P-300;31.03.2025;99999;1025\nP-404;31.03.2025;1;\n", encoding="utf-8")
    assert main(["readings", "import", str(data), "--db", url, "--period", PERIOD]) == 0
    printed = capsys.readouterr().out
    assert "line 4 (P-404): refused: There is no metering point P-404." in printed
    assert "1 taken, 1 taken as implausible" in printed
    report = tmp_path / "implausible.pdf"
    assert main(["books", "implausible", "--db", url, "--period", PERIOD, "--out",
                 str(report), "--language", "en"]) == 0
    assert "P-300" in pypdf.PdfReader(report).pages[0].extract_text()


def test_malformed_file_is_refused_with_line_numbers(url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("point;date;vt\nP-100;31.03.2025\n", encoding="utf-8")
    assert main(["readings", "import", str(data), "--db", url, "--period", PERIOD]) == 1
    assert "  Line 2: 2 fields instead of 3." in capsys.readouterr().err
