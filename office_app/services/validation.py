"""Checks of identifiers a clerk types: personal number (JMBG), tax number (PIB), bank account.
Each returns the normalised value or raises Invalid with a message id naming the field."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_97_10
from stdnum.me import iban as me_iban
from stdnum.me import pib as me_pib
from stdnum.rs import pib as rs_pib

from office_app.errors import N_


class Invalid(ValueError):
    """A typed value is wrong; ``msg_id`` and ``params`` say how, for translation."""

    def __init__(self, msg_id: str, **params: object) -> None:
        super().__init__(msg_id)
        self.msg_id = msg_id
        self.params = params


_JMBG_WEIGHTS = (7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ACCOUNT = re.compile(r"^(\d{3})-?(\d{1,13})-?(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def jmbg_check_digit(first12: str) -> int:
    total = sum(int(d) * w for d, w in zip(first12, _JMBG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return 0 if check > 9 else check


def jmbg(value: str) -> str:
    """Unique master citizen number: 13 digits DDMMYYYRRBBBK, valid birth date, mod-11 check."""
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{13}", digits):
        raise Invalid(N_("Personal number (JMBG): enter exactly 13 digits."))
    day, month, year3 = int(digits[0:2]), int(digits[2:4]), int(digits[4:7])
    year = year3 + (2000 if year3 < 100 else 1000)
    try:
        date(year, month, day)
    except ValueError:
        raise Invalid(N_(
            "Personal number (JMBG): the first seven digits are not a valid birth date.")) from None
    if jmbg_check_digit(digits[:12]) != int(digits[12]):
        raise Invalid(N_(
            "Personal number (JMBG): the check digit does not match; check for a typing error."))
    return digits


def tax_number(value: str, country: str = "ME") -> str:
    """PIB: Montenegro 8 digits and Serbia 9 digits with their check digits (python-stdnum);
    Bosnia and Herzegovina 12 (VAT) or 13 (JIB) digits; Kosovo 9 digits."""
    digits = re.sub(r"[\s.-]", "", value)
    try:
        if country == "ME" and len(digits) == 8:
            return str(me_pib.validate(digits))
        if country in ("RS", "BA") and len(digits) == 9:
            return str(rs_pib.validate(digits))
    except StdnumError:
        raise Invalid(N_("Tax number (PIB): the check digit does not match; "
                         "check for a typing error.")) from None
    if country == "BA" and re.fullmatch(r"\d{12,13}", digits):
        return digits
    if country == "XK" and re.fullmatch(r"\d{9}", digits):
        return digits
    expected = {"ME": "8", "RS": "9", "BA": "9, 12 or 13", "XK": "9"}.get(country, "8")
    raise Invalid(N_("Tax number (PIB): enter {digits} digits."), digits=expected)


def bank_account(value: str) -> str:
    """Account as BBB-NNNNNNNNNNNNN-KK with MOD 97-10 check digits, or a Montenegrin IBAN.
    Returned in the printed form with the middle part padded to 13 digits."""
    compact = re.sub(r"\s", "", value).upper()
    if compact.startswith("ME"):
        try:
            return str(me_iban.format(me_iban.validate(compact)))
        except StdnumError:
            raise Invalid(N_("Bank account: this IBAN is not valid.")) from None
    match = _ACCOUNT.match(compact)
    if not match:
        raise Invalid(N_("Bank account: write it as bank-account-check, e.g. 510-1234567-89."))
    bank, number, check = match.groups()
    eighteen = bank + number.zfill(13) + check
    if not mod_97_10.is_valid(eighteen):
        raise Invalid(N_(
            "Bank account: the check digits do not match; check for a typing error."))
    return f"{bank}-{number.zfill(13)}-{check}"


def email(value: str) -> str:
    value = value.strip()
    if value and not _EMAIL.match(value):
        raise Invalid(N_("E-mail: enter an address like name@example.com."))
    return value


def fold(text: str) -> str:
    """Lower-case, Latin, no diacritics: how search keys are stored and queries compared.
    Cyrillic is transliterated, and đ and dj both become d, so 'Đurović', 'Djurović',
    'Ђуровић' and a clerk's 'durovic' all fold to 'durovic'."""
    import cyrtranslit

    text = cyrtranslit.to_latin(text, "sr").lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("dj", "d")
