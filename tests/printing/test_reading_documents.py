"""Reading book, implausible readings report and energy card: the text a reader looks for."""
from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
from reading_setup import OFFICE, PERIOD, Book, build_book

from office_app.db import Database
from office_app.printing.energy_card import energy_card_pdf
from office_app.printing.implausible_report import implausible_report_pdf
from office_app.printing.reading_book import reading_books_pdf
from office_app.services import books
from office_app.services.energy_card import energy_card
from office_app.services.field_records import implausible_report
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from office_app.services.readings import ReadingEntry, key_reading


@pytest.fixture
def office(sqlite_db: Database, supervisor: Operator) -> tuple[Database, Book]:
    with sqlite_db.unit_of_work() as s:
        save_office(s, OFFICE)
    return sqlite_db, build_book(sqlite_db, supervisor)


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_reading_book_has_the_columns_of_the_rulebook(office: tuple[Database, Book],
                                                      clerk: Operator) -> None:
    db, _book = office
    pdf = reading_books_pdf(books.books_for_print(db, clerk, PERIOD), "en")
    text = _flat(_text(pdf))
    for column in ("Customer code", "Name", "Metering point number", "Reader code", "Zone",
                   "VT", "MT", "Reader's remarks", "Reading date", "Reading code",
                   "Subscriber number (point code)", "Name and address", "Meter number",
                   "Peak load"):
        assert column in text, column
    assert "Period 2025-03 · zone Z1 Topolica · reader R07 Marko Vujović" in text
    assert "Radulović Jovan" in text and "Đurović Šćepan" in text
    assert "Žabljak Trade d.o.o." in text and "E-300" in text
    assert text.index("P-100") < text.index("P-200")
    # Household rows carry no meter number (not a column of 001 Član 2 for households).
    assert "E-100" not in text
    latin = _flat(_text(reading_books_pdf(books.books_for_print(db, clerk, PERIOD, "z1"),
                                          "sr_Cyrl")))
    assert "Radulović Jovan" in latin      # names stay as entered


def test_implausible_report_per_zone_and_reader(office: tuple[Database, Book],
                                               clerk: Operator) -> None:
    db, book = office
    key_reading(db, clerk, ReadingEntry(book.points["P-100"], PERIOD, date(2025, 3, 31),
                                        "19000", "6300"), confirm=True)
    pdf = implausible_report_pdf(implausible_report(db, clerk, PERIOD), "en")
    text = _flat(_text(pdf))
    assert "Implausible readings" in text and "Zone Z1" in text and "R07" in text
    assert "P-100" in text and "Radulović Jovan" in text and "19000" in text
    assert "far above average" in text and "5.500" in text
    assert "Found VT" in text


def test_energy_card_copy(office: tuple[Database, Book], clerk: Operator) -> None:
    db, book = office
    key_reading(db, clerk, ReadingEntry(book.points["P-300"], PERIOD, date(2025, 3, 31),
                                        "1650", "1025", "31,5"))
    pdf = energy_card_pdf(energy_card(db, clerk, book.customers["P-300"]), "en")
    text = _flat(_text(pdf))
    assert "Energy card" in text and "Žabljak Trade d.o.o." in text
    assert "E-300" in text and "2.000" in text and "1.000" in text and "63" in text
    assert "Peak load" in text
