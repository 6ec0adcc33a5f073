"""The payment reference in model 97 ("poziv na broj", PAYMENTS.md): ``97`` + two check digits
(ISO 7064 MOD 97-10, python-stdnum) + the reference.

Our references are digits only, at most 20, and unique across every office of one database
(docs/payments.md):

    office part  +  kind  +  payload (9 digits)
    2 digits per character of the office code (0-9 -> 00-09, A-Z -> 10-35, as ISO 7064 counts
    letters), then 1 for an invoice (payload: the invoice year's last two digits and its
    7-digit sequence number) or 2 for a customer's account (payload: the customer code, nine
    digits), which a statement asks the customer to pay with.

Every part after the office part has a fixed width, so two equal references have office parts
of the same length, hence the same office code; the office code is at most five characters.
"""
from __future__ import annotations

import re
from functools import lru_cache

from stdnum.iso7064 import mod_97_10

from office_app.errors import N_, FieldError, ValidationError

MODEL = "97"
INVOICE = "1"
ACCOUNT = "2"
MAX_OFFICE_CHARACTERS = 5
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_digits(reference: str) -> str:
    """The two check digits of ``reference`` (dashes and spaces ignored): 794 -> 44."""
    return mod_97_10.calc_check_digits(_compact(reference))


def is_valid(check: str, reference: str) -> bool:
    """True when ``check`` are the right check digits for ``reference`` (a mistyped reference
    goes to the unmatched queue, never to a guessed customer)."""
    number = _compact(reference) + check
    if number.isascii() and number.isdigit():
        # what mod_97_10 computes for digits, without its conversion of each character
        # (a statement import checks tens of thousands of references)
        return int(number) % 97 == 1
    try:
        return mod_97_10.is_valid(number)
    except Exception:  # noqa: BLE001 - stdnum raises several kinds for garbage
        return False


def printed(reference: str) -> str:
    """As printed on the invoice and the slip: ``97 44 794``."""
    return f"{MODEL} {check_digits(reference)} {reference}"


def invoice_reference(office_code: str, customer_code: str, year: int, sequence: int) -> str:
    """The reference of one invoice: office part, 1, year (2 digits), sequence (7 digits).
    ``customer_code`` is not part of it (the invoice names its customer); it is kept in the
    signature for the callers that pass it."""
    del customer_code
    if not 0 < sequence < 10**7:
        raise ValueError(f"invoice sequence {sequence} does not fit a payment reference")
    return f"{office_digits(office_code)}{INVOICE}{year % 100:02d}{sequence:07d}"


def account_reference(office_code: str, customer_code: str) -> str:
    """The reference of a customer's account (a statement's slip): a payment quoting it
    settles the oldest open documents first (004 §35.2)."""
    code = customer_code.strip()
    if not code.isdigit() or len(code) > 9:
        raise ValueError(f"customer code {customer_code!r} does not fit a payment reference")
    return f"{office_digits(office_code)}{ACCOUNT}{code.zfill(9)}"


@lru_cache(maxsize=64)
def office_digits(office_code: str) -> str:
    """Two digits per character of the office code: ``01`` -> ``0001``, ``BAR`` ->
    ``111027``. Raises ValidationError (naming the office code and the fix) for a code that
    cannot be encoded: nothing is issued with an ambiguous reference."""
    code = office_code.strip().upper()
    if not code or len(code) > MAX_OFFICE_CHARACTERS or any(c not in _DIGITS for c in code):
        raise ValidationError([FieldError("office_code", N_(
            "Office code {code}: payment references need 1 to {count} letters (A-Z) or "
            "digits; change the office code in the office settings."),
            {"code": office_code, "count": MAX_OFFICE_CHARACTERS})])
    return "".join(f"{_DIGITS.index(c):02d}" for c in code)


def _compact(reference: str) -> str:
    return re.sub(r"[\s-]", "", reference).upper()


def creditor_reference(reference: str) -> str:
    """The same reference as an ISO 11649 creditor reference (``RF`` + two check digits +
    the reference), which the EPC payment QR code carries as its structured reference; the
    statement importer reads it back to the model 97 reference."""
    compact = _compact(reference)
    return f"RF{mod_97_10.calc_check_digits(compact + 'RF')}{compact}"
