"""A broken statement file never posts part of itself and never ends in a traceback: Hypothesis
cuts, overwrites and inserts bytes in valid camt.053 and post CSV files; each import either
posts the whole statement or raises a DomainError with nothing of it in the database."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from office_app.db import Database
from office_app.demo.statement_files import Payment, camt053, post_csv
from office_app.errors import DomainError
from office_app.models import LedgerEntry
from office_app.models.statements import Statement, StatementLine
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from office_app.services.statements.importer import import_statement, office_iban
from office_app.services.statements.parsing import parse_statement
from tests.conftest import TEST_OFFICE

D = Decimal
DAY = date(2024, 6, 20)
PAYMENTS = [Payment(D("12.50"), "000112400000001", "Ana"), Payment(D("3.10"), "", "Bob",
            text="kupac 0000001"), Payment(D("8.00"), "", "Fee", debit=True),
            Payment(D("4.00"), "000112400000002", "Rev", reversal=True)]
FILES = [camt053(office_iban(TEST_OFFICE) or "", "F-1", DAY, PAYMENTS),
         post_csv(TEST_OFFICE.bank_account, "F-2", DAY, PAYMENTS)]


@st.composite
def broken(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(FILES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "overwrite", "insert", "truncate"]))
        chunk = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
            [b"<", b">", b"&", b";", b"-1", b"12.345", b"\xff", b"DBIT", b"</Ntry>", b"\n",
             b"<!DOCTYPE x>", b"0,001", b"USD"]))
        if action == "cut":
            del data[at:at + len(chunk)]
        elif action == "overwrite":
            data[at:at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        else:
            del data[at:]
    return bytes(data)


@settings(max_examples=400, deadline=None)
@given(broken())
def test_the_parser_refuses_with_a_message_or_reads_everything(data: bytes) -> None:
    try:
        parsed = parse_statement(data)
    except DomainError as exc:
        assert exc.msg_id.format(**exc.params)   # a message a person can read
        return
    assert all(line.amount > 0 for line in parsed.lines)


@pytest.fixture
def office_db(sqlite_db: Database) -> Iterator[Database]:
    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    yield sqlite_db


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=broken())
def test_an_import_is_whole_or_nothing(office_db: Database, cashier: Operator,
                                       data: bytes) -> None:
    with office_db.unit_of_work() as s:
        before = (s.scalar(select(func.count()).select_from(StatementLine)),
                  s.scalar(select(func.count()).select_from(LedgerEntry)))
    try:
        result = import_statement(office_db, cashier, data)
    except DomainError:
        with office_db.unit_of_work() as s:
            after = (s.scalar(select(func.count()).select_from(StatementLine)),
                     s.scalar(select(func.count()).select_from(LedgerEntry)))
        assert after == before
        return
    with office_db.unit_of_work() as s:
        statement = s.get(Statement, result.statement)
        assert statement is not None
        lines = s.scalar(select(func.count()).select_from(StatementLine).where(
            StatementLine.statement_id == statement.id))
    assert lines == statement.line_count == result.lines
