"""Identifier checks a clerk meets at the keyboard."""
from __future__ import annotations

import pytest
from stdnum.iso7064 import mod_97_10

from office_app.services import validation


def test_jmbg_check_digit_and_date() -> None:
    assert validation.jmbg("0101990710008") == "0101990710008"
    with pytest.raises(validation.Invalid, match="check digit"):
        validation.jmbg("0101990710007")
    with pytest.raises(validation.Invalid, match="birth date"):
        validation.jmbg("3102990710008")
    with pytest.raises(validation.Invalid, match="13 digits"):
        validation.jmbg("01019907100")


def test_bank_account_from_payments_doc() -> None:
    # PAYMENTS.md: 840-743324843-18 is 840000074332484318 in the 18-digit form.
    assert validation.bank_account("840-743324843-18") == "840-0000743324843-18"
    assert mod_97_10.is_valid("840000074332484318")
    with pytest.raises(validation.Invalid, match="check digits"):
        validation.bank_account("840-743324843-19")


def test_pib_by_country() -> None:
    assert validation.tax_number("02005123", "ME") == "02005123"
    with pytest.raises(validation.Invalid, match="check digit"):
        validation.tax_number("02005124", "ME")
    with pytest.raises(validation.Invalid) as caught:
        validation.tax_number("123", "ME")
    assert caught.value.params == {"digits": "8"}
    assert validation.tax_number("123456789", "XK") == "123456789"


def test_fold_finds_names_without_diacritics_or_in_cyrillic() -> None:
    assert validation.fold("Đorđe Šćekić") == "dorde scekic"
    assert validation.fold("Ђорђе Шћекић") == "dorde scekic"
    assert validation.fold("Djordje") == validation.fold("Đorđe") == validation.fold("dorde")


def test_a_keyed_register_takes_ascii_digits_only() -> None:
    """Issue 9: Arabic-Indic and full-width digits pass a plain \\d; a register refuses them."""
    from decimal import Decimal

    from office_app.errors import ValidationError
    from office_app.services.readings import parse_register

    assert parse_register("12345,5", "vt", 6) == Decimal("12345.5")
    for typed in ("١٢٣", "１２３"):
        with pytest.raises(ValidationError) as refused:
            parse_register(typed, "vt", 6)
        assert refused.value.errors[0].field == "vt"
