"""Bank and post statements: parsing, matching, posting once, refusing what is wrong (issue 10).
Run on SQLite and PostgreSQL through the ``db`` fixture."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from office_app.db import Database
from office_app.demo.statement_files import Payment, camt053, camt054, post_csv
from office_app.errors import Conflict, ValidationError
from office_app.models import Customer, Invoice, LedgerEntry
from office_app.models.statements import Statement, StatementLine, StatementPosting
from office_app.services import ledger
from office_app.services.billing import references
from office_app.services.billing import run as billing
from office_app.services.integrity import CHECKS, Scope
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from office_app.services.statements import queue
from office_app.services.statements.importer import import_statement, office_iban
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE

D = Decimal
DAY = date(2024, 6, 20)
ROOT = Path(__file__).resolve().parents[2]
#: ../shared relative to the repository (a worktree sits one level deeper than the checkout).
SAMPLE = next((p for base in (ROOT.parent, ROOT.parent.parent)
               if (p := base / "shared" / "data" / "statements" / "camt053-sample.xml")
               .exists()), ROOT.parent / "shared" / "data" / "statements" / "camt053-sample.xml")
IBAN = office_iban(TEST_OFFICE) or ""


def _billed(db: Database, supervisor: Operator, clerk: Operator) -> list[Invoice]:
    build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        rows = list(s.scalars(select(Invoice).order_by(Invoice.id)))
        s.expunge_all()
    return rows


def _code(db: Database, customer_id: int) -> str:
    with db.unit_of_work() as s:
        return s.get(Customer, customer_id).code  # type: ignore[union-attr]


def _payments(db: Database) -> list[tuple[int, Decimal, int | None]]:
    with db.unit_of_work() as s:
        return [(a, b, c) for a, b, c in s.execute(
            select(LedgerEntry.customer_id, LedgerEntry.credit, LedgerEntry.invoice_id)
            .where(LedgerEntry.document_type == "payment").order_by(LedgerEntry.id))]


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_office_account_as_iban() -> None:
    assert IBAN == "ME25510000000001234559"
    assert references.is_valid(IBAN[2:4], IBAN[4:] + "2214")  # ME = 22 14 in MOD 97-10


def test_a_statement_posts_what_it_names_and_queues_the_rest(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    first, second, third = _billed(db, supervisor, clerk)
    code = _code(db, second.customer_id)
    account = references.account_reference(TEST_OFFICE.code, code)
    file = camt053(IBAN, "STMT-2024-06-20", DAY, [
        Payment(first.total, first.payment_reference, "Radulović Jovan"),
        Payment(D("10.00"), account, "Đurović Šćepan"),                     # account ref
        Payment(D("5.55"), third.payment_reference, "Žabljak Trade", rf=True),  # EPC QR form
        Payment(D("7.00"), third.payment_reference, "Typo", wrong_check=True),
        Payment(D("3.00"), "", "Cash by code", text=f"struja kupac {code} jun"),
        Payment(D("4.00"), "", "Nobody", text="uplata"),
        Payment(D("99.00"), "", "Bank fee", debit=True),
        Payment(D("12.00"), first.payment_reference, "Returned", reversal=True),
    ])
    result = import_statement(db, cashier, file, "izvod.xml")
    assert (result.lines, result.posted, result.unmatched) == (8, 4, 2)
    assert result.posted_total == first.total + D("18.55")
    assert (result.debits, result.debit_total, result.reversals) == (1, D("99.00"), 1)
    assert _payments(db) == [(first.customer_id, first.total, first.id),
                             (second.customer_id, D("10.00"), None),
                             (third.customer_id, D("5.55"), third.id),
                             (second.customer_id, D("3.00"), None)]
    waiting = queue.lines(db, cashier, unmatched_only=True)
    assert [(w.amount, w.reason) for w in waiting] == [(D("7.00"), "bad_check"),
                                                      (D("4.00"), "no_reference")]
    shown = {v.position: v.state for v in queue.lines(db, cashier, result.statement)}
    assert shown == {"1": "posted", "2": "posted", "3": "posted", "4": "unmatched",
                     "5": "posted", "6": "unmatched", "7": "debit", "8": "reversal"}
    card = ledger.card(db, cashier, first.customer_id)
    assert card.closing_balance == D("0.00")


def test_the_same_statement_twice_posts_nothing_the_second_time(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    first, *_ = _billed(db, supervisor, clerk)
    file = camt053(IBAN, "S-1", DAY, [Payment(D("20.00"), first.payment_reference)])
    import_statement(db, cashier, file)
    with pytest.raises(Conflict) as caught:
        import_statement(db, supervisor, file)
    assert caught.value.params["statement"] == "S-1"
    assert "imported already" in caught.value.msg_id
    assert len(_payments(db)) == 1 and _count(db, Statement) == 1


def test_a_statement_of_another_account_is_refused(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    first, *_ = _billed(db, supervisor, clerk)
    file = camt053("ME82510000000009876521", "S-9", DAY,
                   [Payment(D("20.00"), first.payment_reference)])
    with pytest.raises(Conflict) as caught:
        import_statement(db, cashier, file)
    assert caught.value.params["account"] == "ME82510000000009876521"
    assert _count(db, Statement) == 0 and _payments(db) == []


@pytest.mark.parametrize(("broken", "entry", "words"), [
    (b"<Amt Ccy=\"EUR\">12.345</Amt>", "2", "amount 12.345"),
    (b"<Amt Ccy=\"EUR\">-5.00</Amt>", "2", "amount -5.00"),
    (b"<Amt Ccy=\"USD\">5.00</Amt>", "2", "currency USD"),
])
def test_one_bad_amount_posts_nothing_and_names_the_entry(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator,
        broken: bytes, entry: str, words: str) -> None:
    first, *_ = _billed(db, supervisor, clerk)
    file = camt053(IBAN, "S-2", DAY, [Payment(D("20.00"), first.payment_reference),
                                      Payment(D("77.77"), first.payment_reference)])
    file = file.replace(b'<Amt Ccy="EUR">77.77</Amt>', broken)
    with pytest.raises(ValidationError) as caught:
        import_statement(db, cashier, file)
    assert caught.value.params["entry"] == entry
    message = caught.value.msg_id.format(**caught.value.params)
    assert words in message and "Nothing was imported" in message
    assert _count(db, Statement) == 0 and _payments(db) == []


def test_not_xml_and_entity_bombs_are_refused(db: Database, cashier: Operator) -> None:
    for data in (b"<Document><Stmt>", b"\x00\x01garbage",
                 b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'):
        with pytest.raises(ValidationError):
            import_statement(db, cashier, data)
    assert _count(db, Statement) == 0


def test_post_office_csv_and_camt054(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    first, second, _ = _billed(db, supervisor, clerk)
    csv = post_csv(TEST_OFFICE.bank_account, "PO-0001", DAY, [
        Payment(D("15.40"), first.payment_reference, "Jovan R."),
        Payment(D("2.00"), "", "Unknown", text="bez poziva")])
    result = import_statement(db, cashier, csv, "posta.csv")
    assert (result.source, result.posted, result.unmatched) == ("post", 1, 1)
    note = camt054(IBAN, "N-7", DAY, [Payment(D("8.00"), second.payment_reference)])
    result = import_statement(db, cashier, note)
    assert (result.source, result.posted) == ("camt054", 1)
    assert [p[1] for p in _payments(db)] == [D("15.40"), D("8.00")]


def test_a_csv_row_with_a_bad_amount_is_named(db: Database, cashier: Operator) -> None:
    csv = (b"account;statement;booked;direction;amount;reference;payer;text\n"
           b"510-0000000012345-59;PO-1;2024-06-20;C;1,00;;A;\n"
           b"510-0000000012345-59;PO-1;2024-06-20;C;1,5x;;B;\n")
    with pytest.raises(ValidationError) as caught:
        import_statement(db, cashier, csv)
    assert caught.value.params == {"entry": "3", "amount": "1,5x"}
    assert _count(db, Statement) == 0


@pytest.mark.skipif(not SAMPLE.exists() and not os.environ.get("CI"),
                    reason="the shared camt.053 sample is not on this machine")
def test_the_real_camt053_sample(db: Database, cashier: Operator) -> None:
    data = SAMPLE.read_bytes()
    with pytest.raises(Conflict):
        import_statement(db, cashier, data)             # a Dutch bank's account: not ours
    with db.unit_of_work() as s:
        save_office(s, replace(TEST_OFFICE, bank_account="NL77ABNA0574908765", country="NL"))
    result = import_statement(db, cashier, data)
    assert (result.statement_id, result.lines, result.posted) == ("1234Test/1", 4, 0)
    assert (result.unmatched, result.unmatched_total) == (1, D("1405.31"))
    assert (result.debits, result.debit_total, result.reversals) == (1, D("754.25"), 2)
    assert _payments(db) == []


def test_a_clerk_assigns_an_unmatched_line_once(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    first, *_ = _billed(db, supervisor, clerk)
    import_statement(db, cashier, camt053(IBAN, "S-3", DAY, [
        Payment(D("9.99"), "", "Mystery", text="racun jun"),
        Payment(D("1.00"), "", "Fee", debit=True)]))
    waiting, = queue.lines(db, cashier, unmatched_only=True)
    code = _code(db, first.customer_id)
    with pytest.raises(ValidationError) as caught:
        queue.assign(db, cashier, waiting.id, "999999")
    assert caught.value.field == "customer_code"
    done = queue.assign(db, cashier, waiting.id, code, first.number)
    assert (done.state, done.customer_code) == ("posted", code)
    assert _payments(db) == [(first.customer_id, D("9.99"), first.id)]
    with pytest.raises(Conflict):
        queue.assign(db, cashier, waiting.id, code)
    debit = next(v for v in queue.lines(db, cashier) if v.state == "debit")
    with pytest.raises(Conflict):
        queue.assign(db, cashier, debit.id, code)
    assert queue.lines(db, cashier, unmatched_only=True) == []
    assert queue.statements(db, cashier)[0].unmatched == 0


def test_integrity_check_is_clean_and_names_a_tampered_posting(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    first, *_ = _billed(db, supervisor, clerk)
    import_statement(db, cashier, camt053(IBAN, "S-4", DAY, [
        Payment(D("20.00"), first.payment_reference), Payment(D("3.00"), "", "X")]))
    check = CHECKS["statement_postings"]
    with db.unit_of_work() as s:
        assert list(check(s, Scope())) == []
        line = s.scalar(select(StatementLine).where(StatementLine.position == "2"))
        invoice_entry = s.scalar(select(LedgerEntry).where(
            LedgerEntry.document_type == "invoice").limit(1))
        s.add(StatementPosting(line_id=line.id, entry_id=invoice_entry.id,
                               customer_id=invoice_entry.customer_id, amount=D("3.00"),
                               matched_by="manual", operator_code="X"))
    with db.unit_of_work() as s:
        found = list(check(s, Scope()))
    assert len(found) == 1 and found[0].params["statement"] == "S-4"
    assert found[0].params["entry"] == "2" and found[0].params["document"] == first.number


def test_two_processes_import_the_same_statement_once(
        db: Database, supervisor: Operator, clerk: Operator, tmp_path: Path) -> None:
    if not db.is_postgres:
        pytest.skip("the race between two desks is a PostgreSQL matter")
    invoices = _billed(db, supervisor, clerk)
    payments = [Payment(D("1.00"), inv.payment_reference) for inv in invoices] * 200
    path = tmp_path / "izvod.xml"
    path.write_bytes(camt053(IBAN, "RACE-1", DAY, payments))
    url = db.engine.url.render_as_string(hide_password=False)
    cmd = [sys.executable, "-m", "office_app.cli", "--db", url, "payments", "import",
           str(path), "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outcomes = sorted((p.wait(60), p.stderr.read() if p.stderr else "") for p in procs)
    assert [rc for rc, _ in outcomes] == [0, 1], outcomes
    assert "imported already" in outcomes[1][1]
    assert len(_payments(db)) == 600 and _count(db, Statement) == 1


def test_the_command_prints_json_and_refuses_a_second_import(
        db: Database, supervisor: Operator, clerk: Operator, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from office_app.cli import main

    first, *_ = _billed(db, supervisor, clerk)
    path = tmp_path / "izvod.xml"
    path.write_bytes(camt053(IBAN, "CLI-1", DAY, [
        Payment(D("11.00"), first.payment_reference), Payment(D("2.00"), "", "X"),
        Payment(D("1.50"), "", "Bank", debit=True)]))
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "payments", "import", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["statement_id"], printed["posted"], printed["posted_total"]) == (
        "CLI-1", 1, "11.00")
    assert (printed["unmatched"], printed["debits"], printed["debit_total"]) == (1, 1, "1.50")
    assert main(["--db", url, "payments", "import", str(path)]) == 1
    assert "Statement CLI-1 was imported already" in capsys.readouterr().err
    assert len(_payments(db)) == 1


def test_a_file_that_is_no_statement_at_all_is_named_so(db: Database, cashier: Operator) -> None:
    for data in (b"%PDF-1.4 a scanned statement", b"Izvod broj 5"):
        with pytest.raises(ValidationError) as caught:
            import_statement(db, cashier, data)
        assert "neither a camt.053/camt.054 statement nor the post office's CSV" in \
            caught.value.errors[0].msg_id
    assert _count(db, Statement) == 0
