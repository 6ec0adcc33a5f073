"""The payment reference in model 97 ("poziv na broj", PAYMENTS.md): ``97`` + two check digits
(ISO 7064 MOD 97-10, python-stdnum) + the reference. Our reference is digits only: office
code, customer code, the invoice year's last two digits and the invoice's sequence number, so
a bank statement line names both the customer and the invoice."""
from __future__ import annotations

import re
from functools import lru_cache

from stdnum.iso7064 import mod_97_10

MODEL = "97"


def check_digits(reference: str) -> str:
    """The two check digits of ``reference`` (dashes and spaces ignored): 794 -> 44."""
    return mod_97_10.calc_check_digits(_compact(reference))


def is_valid(check: str, reference: str) -> bool:
    """True when ``check`` are the right check digits for ``reference`` (a mistyped reference
    goes to the unmatched queue, never to a guessed customer)."""
    try:
        return mod_97_10.is_valid(_compact(reference) + check)
    except Exception:  # noqa: BLE001 - stdnum raises several kinds for garbage
        return False


def printed(reference: str) -> str:
    """As printed on the invoice and the slip: ``97 44 794``."""
    return f"{MODEL} {check_digits(reference)} {reference}"


def invoice_reference(office_code: str, customer_code: str, year: int, sequence: int) -> str:
    """Digits only, at most 20: office, customer code, year (2 digits), invoice sequence."""
    return f"{_office_digits(office_code)}{customer_code}{year % 100:02d}{sequence:07d}"[:20]


@lru_cache(maxsize=64)
def _office_digits(office_code: str) -> str:
    """The office code's digits (at most 3); cached, a billing run asks once per invoice."""
    return re.sub(r"\D", "", office_code)[:3]


def _compact(reference: str) -> str:
    return re.sub(r"[\s-]", "", reference).upper()
