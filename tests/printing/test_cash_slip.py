"""The payment slip: three labelled copies on one page, each with every element, the amount in
words in the customer's language; a reprint says DUPLIKAT."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
from pypdf import PdfReader

from office_app.i18n import translator
from office_app.printing.amount_words import albanian, amount_in_words
from office_app.printing.cash_slip import slip_pdf
from office_app.services.cashdesk.counter import Receipt, ReceiptLine
from office_app.services.office import OfficeInfo

OFFICE = OfficeInfo("01", "Elektrodistribucija Bar", "electricity", "Bulevar 1", "", "", "",
                    "", "ME")


def _receipt(language: str = "sr_Latn", duplicate: bool = False) -> Receipt:
    return Receipt(7, "BL-01-2024-KASA1-000042", "01", "KASA1", 3, 11, "100234",
                   "Radulović Jovan", language, date(2024, 6, 20), "cash", D("2257.03"),
                   D("2260.00"), D("2.97"), "CSH1", 99,
                   (ReceiptLine("01-2024-0000001", D("2200.00")),
                    ReceiptLine("KI-01-2024-0000003", D("50.00")), ReceiptLine("", D("7.03"))),
                   duplicate)


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]


def test_three_labelled_copies_each_with_every_element() -> None:
    pages = _pages(slip_pdf(_receipt(), OFFICE))
    assert len(pages) == 1
    text = pages[0]
    for label in ("Primjerak za kupca", "Primjerak za arhivu (uz dnevni izvještaj)",
                  "Primjerak za blagajnika"):
        assert text.count(label) == 1
    for element in ("01  Elektrodistribucija Bar", "Uplatnica BL-01-2024-KASA1-000042",
                    "100234  Radulović Jovan", "20.06.2024", "01-2024-0000001",
                    "KI-01-2024-0000003", "Pretplata na finansijskoj kartici", "2.257,03 €",
                    "dvije hiljade dvjesta pedeset sedam EUR i 03/100", "Način plaćanja\nGotovina",
                    "Operater\nCSH1", "Šalter\nKASA1", "Primljeno 2.260,00 €, kusur 2,97 €"):
        assert text.count(element) == 3, element
    assert "DUPLIKAT" not in text


def test_a_reprint_says_duplikat_on_every_copy_in_the_customers_language() -> None:
    text = _pages(slip_pdf(_receipt("sq", duplicate=True), OFFICE))[0]
    assert text.count("DUPLIKAT") == 3
    assert text.count("dy mijë e dyqind e pesëdhjetë e shtatë EUR e 03/100") == 3
    cyrillic = _pages(slip_pdf(_receipt("sr_Cyrl"), OFFICE))[0]
    assert cyrillic.count("Радуловић Јован") == 3


@pytest.mark.parametrize("number, words", [
    (0, "zero"), (1, "një"), (11, "njëmbëdhjetë"), (21, "njëzet e një"),
    (100, "njëqind"), (123, "njëqind e njëzet e tre"), (1000, "një mijë"),
    (2305, "dy mijë e treqind e pesë"), (1_000_000, "një milion"),
    (3_040_000, "tre milionë e dyzet mijë")])
def test_albanian_numbers(number: int, words: str) -> None:
    assert albanian(number) == words


def test_amount_in_words_in_each_language() -> None:
    amount = D("1201.50")
    assert amount_in_words(amount, translator("sr_Latn")) == \
        "jedna hiljada dvjesta jedan EUR i 50/100"
    assert amount_in_words(amount, translator("en")) == \
        "one thousand, two hundred and one EUR and 50/100"
    assert amount_in_words(D("0.07"), translator("sq")) == "zero EUR e 07/100"
