"""Payment references (docs/payments.md): model 97 check digits, and references that stay
unique across every office of one database, letter office codes included (issue 8)."""
from __future__ import annotations

import itertools

import pytest
from stdnum.iso7064 import mod_97_10

from office_app.errors import ValidationError
from office_app.services.billing.references import (
    account_reference,
    check_digits,
    invoice_reference,
    is_valid,
    office_digits,
    printed,
)


def test_the_worked_example_of_payments_md() -> None:
    assert check_digits("794") == "44" and printed("794") == "97 44 794"
    assert is_valid("44", "794") and not is_valid("45", "794")


def test_letter_office_codes_give_digits_of_their_own() -> None:
    assert office_digits("BAR") == "111027"          # B=11, A=10, R=27 as ISO 7064 counts
    assert office_digits("01") == "0001"
    assert invoice_reference("BAR", "0000294", 2024, 12) == "111027" + "1" + "24" + "0000012"
    assert account_reference("BAR", "0000294") == "111027" + "2" + "000000294"


def test_two_offices_never_share_a_reference() -> None:
    """Offices whose codes differ only in letters, length or digits, each with invoices and
    customers: every reference is distinct, at most 20 digits, and checks with MOD 97-10."""
    offices = ["BAR", "BR", "BARA", "01", "1", "010", "A", "B1", "ULC", "99999"]
    seen: dict[str, tuple[str, ...]] = {}
    for office in offices:
        made = [(invoice_reference(office, "", year, seq), ("invoice", office, year, seq))
                for year, seq in itertools.product((2024, 2025), (1, 10, 1234567, 9999999))]
        made += [(account_reference(office, code), ("account", office, code))
                 for code in ("0000001", "0000010", "1234567", "123456789")]
        for reference, what in made:
            assert reference.isdigit() and len(reference) <= 20, reference
            assert reference not in seen, (what, seen.get(reference))
            seen[reference] = what
            assert mod_97_10.is_valid(reference + check_digits(reference))


@pytest.mark.parametrize("code", ["", "BARSKA", "B-R", "ŽAB"])
def test_an_office_code_that_cannot_be_encoded_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        office_digits(code)
    assert caught.value.errors[0].field == "office_code"
