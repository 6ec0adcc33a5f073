"""Numbers as a reader of each language reads them, and as a person of each language types
them: English 29,335.000 and 1,234.56 €, the local languages 29.335,000 and 1.234,56 €."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest

from office_app.i18n import translator
from office_app.printing.document import doc_text
from office_app.printing.registers import quantity, register


@pytest.mark.parametrize(("language", "reading", "money"), [
    ("en", "29,335.000", "1,234.56 €"),
    ("sr_Latn", "29.335,000", "1.234,56 €"),
    ("sr_Cyrl", "29.335,000", "1.234,56 €"),
])
def test_numbers_print_in_the_languages_format(language: str, reading: str,
                                               money: str) -> None:
    t = translator(language)
    assert t.number(Decimal("29335"), 3) == reading
    assert t.money(Decimal("1234.56")) == money


def test_albanian_groups_with_a_space() -> None:
    t = translator("sq")
    assert " ".join(t.money(Decimal("1234.56")).split()) == "1 234,56 €"


def test_registers_and_quantities_follow_the_language() -> None:
    en, local = translator("en"), translator("sr_Latn")
    assert register(Decimal("13600"), en) == register(Decimal("13600"), local) == "13600"
    assert register(Decimal("99.5"), en) == "99.5"
    assert register(Decimal("99.5"), local) == "99,5"
    assert quantity(en, Decimal("5500")) == "5,500"
    assert quantity(local, Decimal("5500")) == "5.500"
    assert quantity(en, Decimal("1234.5")) == "1,234.5"


@pytest.mark.parametrize(("language", "typed", "value"), [
    ("en", "1,234.56", "1234.56"),
    ("en", "1,234", "1234"),
    ("en", "12,345,678.9", "12345678.9"),
    ("en", "0.09120", "0.09120"),
    ("en", "7,5", "7.5"),                  # a local habit still reads as a decimal comma
    ("sr_Latn", "1.234,56", "1234.56"),
    ("sr_Latn", "7,168", "7.168"),
    ("sr_Latn", "1.5", "1.5"),
    ("sq", "1 234,56", "1234.56"),
    ("sr_Cyrl", "1,234.56", "1234.56"),    # the last sign is the decimal one
])
def test_typed_numbers_are_read_in_the_languages_way(language: str, typed: str,
                                                     value: str) -> None:
    assert translator(language).parse_decimal(typed) == Decimal(value)


def test_a_number_that_is_not_one_is_refused() -> None:
    with pytest.raises(InvalidOperation):
        translator("en").parse_decimal("1.2.3")


def test_doc_text_transliterates_only_on_cyrillic_documents() -> None:
    assert doc_text(translator("sr_Cyrl"), "Njegoševa 12, Bar") == "Његошева 12, Бар"
    assert doc_text(translator("sr_Cyrl"), "Đurović Šćekić d.o.o.") == "Ђуровић Шћекић д.о.о."
    for language in ("sr_Latn", "sq", "en"):
        assert doc_text(translator(language), "Njegoševa 12, Bar") == "Njegoševa 12, Bar"
    assert doc_text(translator("sr_Cyrl"), None) == ""
