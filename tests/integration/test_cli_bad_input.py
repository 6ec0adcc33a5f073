"""`office-app` given a bad database URL, an out-of-range number, an unreachable server or an
unexpected failure (issue 9): one clear line in the user's language, exit status 2 for usage
errors and 1 for refused work, a traceback only with --debug, and no SQLite file created by a
command that only reads."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from office_app import cli
from office_app.commands import billing as billing_command


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("url", "expected"), [
    ("notaurl", "office-app: Database URL: 'notaurl' is not a database URL; write it like "
                "postgresql://user@server/office, sqlite:///path/to/office.sqlite3.\n"),
    ("mysql://office@server/office", "office-app: Database URL: mysql databases are not "
     "supported; use PostgreSQL or SQLite, e.g. postgresql://user@server/office, "
     "sqlite:///path/to/office.sqlite3.\n"),
    ("postgresql+asyncpg://server/office", "office-app: Database URL: the driver asyncpg is not "
     "installed; write postgresql:// without a driver, e.g. postgresql://user@server/office, "
     "sqlite:///path/to/office.sqlite3.\n"),
    ("postgresql://server:99999/office", "office-app: Database URL: port 99999 does not exist; "
     "a port is a number from 1 to 65535.\n"),
])
def test_a_bad_url_is_one_line_and_a_usage_error(capsys: pytest.CaptureFixture[str], url: str,
                                                 expected: str) -> None:
    assert _run(capsys, "users", "list", "--db", url) == (2, expected)


def test_an_sqlite_url_to_a_file_that_is_not_a_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database", encoding="utf-8")
    code, err = _run(capsys, "billing", "check", "--period", "2024-05", "--db",
                     f"sqlite:///{notes}")
    assert (code, err) == (2, f"office-app: Database URL: {notes} is not an SQLite database; "
                              "check the path.\n")
    assert notes.read_text(encoding="utf-8") == "not a database"


def test_a_mistyped_sqlite_path_creates_nothing_but_db_upgrade_creates_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ofice" / "sub" / "office.sqlite3"
    for argv in (["users", "list"], ["billing", "check", "--period", "2024-05"],
                 ["invoices", "statement", "K-1", "--out", str(tmp_path / "s.pdf")]):
        code, err = _run(capsys, *argv, "--db", f"sqlite:///{path}")
        assert (code, err) == (2, f"office-app: Database URL: there is no SQLite file {path}; "
                                  "check the path, or create the database with "
                                  "`office-app db upgrade`.\n")
    assert not (tmp_path / "ofice").exists()
    assert _run(capsys, "db", "upgrade", "--db", f"sqlite:///{path}")[0] == 0
    assert path.exists()


@pytest.mark.parametrize(("argv", "expected"), [
    (["billing", "run", "--period", "2024-05", "--batch", "0"],
     "argument --batch: '0' is not allowed; give a whole number from 1 to 100000"),
    (["billing", "run", "--period", "2024-05", "--batch", "-3"],
     "argument --batch: '-3' is not allowed; give a whole number from 1 to 100000"),
    (["demo", "--customers", "0"],
     "argument --customers: '0' is not allowed; give a whole number from 1 to 1000000"),
    (["invoices", "card", "K-1", "--out", "x.pdf", "--months", "0"],
     "argument --months: '0' is not allowed; give a whole number from 1 to 120"),
    (["billing", "rate", "--kind", "vat", "--rate", "NaN", "--from", "2024-01-01"],
     "argument --rate: 'NaN' is not allowed; give a number from 0 to 100, e.g. 12.50"),
    (["billing", "check", "--period", "2024-13"],
     "argument --period: '2024-13' is not a period; write YYYY-MM, e.g. 2025-03"),
])
def test_out_of_range_arguments_are_refused_by_argparse_with_the_range(
        capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, err = _run(capsys, *argv)
    assert code == 2
    assert err.splitlines()[-1].endswith(f"error: {expected}")


def test_an_unreachable_server_is_one_line_in_the_users_language(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    url = "postgresql://office@127.0.0.1:1/office"
    code, err = _run(capsys, "--language", "en", "users", "list", "--db", url)
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith("office-app: The database cannot be reached: connection to server at "
                          "\"127.0.0.1\", port 1 failed")
    code, err = _run(capsys, "--language", "sq", "users", "list", "--db", url)
    assert code == 1 and err.startswith("office-app: Baza e të dhënave nuk është e arritshme: ")
    settings = tmp_path / "sr.json"
    settings.write_text(json.dumps({"language": "sr_Latn"}), encoding="utf-8")
    monkeypatch.setenv("OFFICE_SETTINGS", str(settings))
    code, err = _run(capsys, "users", "list", "--db", "notaurl")
    assert code == 2 and err.startswith("office-app: Adresa baze: 'notaurl' nije adresa baze "
                                        "podataka; ")


def test_an_unexpected_error_is_one_line_and_a_traceback_only_with_debug(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(billing_command, "_check", broken)
    argv = ["billing", "check", "--period", "2024-05"]
    code, err = _run(capsys, *argv)
    assert (code, err) == (1, "office-app: Unexpected error (RuntimeError: the disk caught "
                              "fire); nothing more was done. Run the command again with --debug "
                              "for the details and report them.\n")
    code, err = _run(capsys, "--debug", *argv)
    assert code == 1 and "Traceback (most recent call last)" in err


def test_a_documents_language_is_not_the_language_of_the_messages(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "books", "print", "--period", "2025-03", "--out", "x.pdf",
                     "--language", "sq", "--db", "notaurl")
    assert code == 2 and err.startswith("office-app: Database URL: 'notaurl' is not")
    code, err = _run(capsys, "--language=sq", "books", "print", "--period", "2025-03",
                     "--out", "x.pdf", "--language", "en", "--db", "notaurl")
    assert code == 2 and err.startswith("office-app: Adresa e bazës: 'notaurl' nuk është")
