"""Customer search with what a clerk may paste (issue 9): a NUL byte, backslashes, a wall of
words; a clear message or a plain answer, never a database error; both databases."""
from __future__ import annotations

import time

import pytest

from office_app.db import Database
from office_app.errors import ValidationError
from office_app.i18n import tr_error
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import Operator
from office_app.services.search import MAX_TERMS, CustomerQuery, search_customer_ids


def _ids(db: Database, op: Operator, text: str) -> list[int]:
    return search_customer_ids(db, op, CustomerQuery(text=text))


def test_nul_and_control_characters_separate_words(db: Database, clerk: Operator) -> None:
    milica = create_customer(db, clerk, CustomerInput(
        surname="Đurović", given_name="Milica", address="Njegoševa 12", place="Bar")).id
    assert _ids(db, clerk, "durovic\x00") == [milica]
    assert _ids(db, clerk, "durovic\x00milica\u2028") == [milica]
    assert _ids(db, clerk, "\x00") == [milica]          # nothing to search for: all


@pytest.mark.parametrize("text", ["\\", "durovic\\", "12\\", "a\\b", "\\%", "\\_x"])
def test_backslashes_are_searched_as_backslashes(db: Database, clerk: Operator,
                                                 text: str) -> None:
    create_customer(db, clerk, CustomerInput(
        surname="Đurović", given_name="Milica", address="Njegoševa 12", place="Bar"))
    assert _ids(db, clerk, text) == []


def test_a_backslash_in_an_address_is_found(db: Database, clerk: Operator) -> None:
    flat = create_customer(db, clerk, CustomerInput(
        surname="Perović", given_name="Ana", address="Topolica 4\\12", place="Bar")).id
    create_customer(db, clerk, CustomerInput(
        surname="Perović", given_name="Ivo", address="Topolica 4212", place="Bar"))
    assert _ids(db, clerk, "perovic 4\\12") == [flat]


def test_too_many_words_are_refused_at_once(db: Database, clerk: Operator) -> None:
    started = time.perf_counter()
    with pytest.raises(ValidationError) as caught:
        _ids(db, clerk, " ".join(f"w{i}" for i in range(20_000)))
    assert time.perf_counter() - started < 1
    assert caught.value.field == "text"
    assert tr_error(caught.value, "en") == (
        f"Search: at most {MAX_TERMS} words and 300 characters; shorten the search.")
    assert _ids(db, clerk, " ".join(["bar"] * MAX_TERMS)) == []
