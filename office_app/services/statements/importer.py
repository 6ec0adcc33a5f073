"""Importing a bank or post statement: every credit that names its customer becomes a payment on
the financial card, the rest waits in the unmatched queue (issue 10).

Guarantees:

- One transaction: the statement, all its lines, every payment and its link to the line are
  committed together, or nothing is (a file that fails validation posts nothing).
- A statement is imported once: unique by the office account and the bank's statement id.
  Importing it again — also from another desk at the same moment — raises Conflict and posts
  nothing (the second transaction waits on the unique index and then finds it taken).
- A statement for an account the office does not own is refused.
- Debits, reversals (RvslInd) and pending bookings are kept and shown, never posted as
  payments. Every posted line has exactly one ledger entry of its amount and customer
  (integrity check ``statement_postings``).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, ValidationError
from office_app.models.base import utcnow
from office_app.models.ledger import table_of
from office_app.models.statements import Statement, StatementLine, StatementPosting
from office_app.services import ledger
from office_app.services.bulk_insert import insert_tuples
from office_app.services.epc import compact_account, domestic_account, office_iban
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission
from office_app.services.statements.matching import (
    Match,
    Matcher,
    Reference,
    find_references,
)
from office_app.services.statements.parsing import ParsedLine, ParsedStatement, parse_statement

ZERO = Decimal("0.00")
#: Document-number prefixes of the payments a statement posts: bank (izvod) and post (pošta).
PREFIXES = {"camt053": "IZ", "camt054": "IZ", "post": "PO"}


@dataclass(frozen=True)
class ImportResult:
    statement: int              # our id of the statement
    statement_id: str           # the bank's id
    source: str
    account: str
    statement_date: date
    lines: int
    posted: int
    posted_total: Decimal
    unmatched: int
    unmatched_total: Decimal
    debits: int
    debit_total: Decimal
    reversals: int
    pending: int


# --- the office's accounts --------------------------------------------------------------------

def office_accounts(office: OfficeInfo) -> set[str]:
    """Every compact form under which a statement may name the office's account."""
    forms = {compact_account(office.bank_account), domestic_account(office.bank_account)}
    iban = office_iban(office)
    if iban:
        forms |= {iban, iban[4:]}
    return {f for f in forms if f}


# --- importing --------------------------------------------------------------------------------

def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise ValidationError([FieldError("file", N_(
            "The file {file} cannot be read: {reason}."),
            {"file": str(file), "reason": exc.strerror or str(exc)})]) from None


def import_file(db: Database, operator: Operator, path: str | Path) -> ImportResult:
    """``import_statement`` of a file on disk (its name is kept with the statement)."""
    file = Path(path)
    return import_statement(db, operator, _read(file), file.name)


@dataclass(frozen=True)
class StatementPreview:
    """What importing a statement file would post now: payments matched to a customer, the
    credits left for the queue, and the lines shown but never posted."""

    statement_id: str
    account: str
    statement_date: date
    to_post: int
    post_total: Decimal
    unmatched: int
    unmatched_total: Decimal
    debits: int
    reversals: int
    pending: int


def preview_file(db: Database, operator: Operator, path: str | Path) -> StatementPreview:
    """Parse, validate and match a statement file the way ``import_file`` does, posting
    nothing (what the clerk confirms). Raises the same errors the import would."""
    operator.require(Permission.POST_PAYMENTS)
    parsed = parse_statement(_read(Path(path)))
    with db.unit_of_work() as s:
        office = office_in(s)
        account = _owned_account(office, parsed.account)
        _refuse_duplicate(s, account, parsed.statement_id)
        matches, _found = _matches(s, office.code, parsed)
    credits = [(ln, m) for ln, m in zip(parsed.lines, matches, strict=True)
               if ln.kind == "credit"]
    posted = [ln for ln, m in credits if m is not None and m.customer_id is not None]
    post_total = sum((ln.amount for ln in posted), ZERO)

    def count(kind: str) -> int:
        return sum(1 for ln in parsed.lines if ln.kind == kind)

    return StatementPreview(
        parsed.statement_id, account, parsed.statement_date, len(posted), post_total,
        len(credits) - len(posted), sum((ln.amount for ln, _m in credits), ZERO) - post_total,
        count("debit"), count("reversal"), count("pending"))


def _matches(s: Session, office_code: str, parsed: ParsedStatement
             ) -> tuple[list[Match | None], list[list[Reference]]]:
    found = [find_references(line) for line in parsed.lines]
    matcher = Matcher(s, office_code)
    matcher.prepare(parsed.lines, [f if line.kind == "credit" else []
                                   for line, f in zip(parsed.lines, found, strict=True)])
    matches = [matcher.match(line, refs) if line.kind == "credit" else None
               for line, refs in zip(parsed.lines, found, strict=True)]
    return matches, found


def import_statement(db: Database, operator: Operator, data: bytes,
                     file_name: str = "") -> ImportResult:
    """Parse, validate, match and post one statement file in one transaction. Raises
    ValidationError (naming the entry) for a broken file, Conflict for a foreign account or
    a statement imported already; either way nothing is posted."""
    operator.require(Permission.POST_PAYMENTS)
    parsed = parse_statement(data)
    digest = hashlib.sha256(data).hexdigest()
    with db.unit_of_work() as s:
        office = office_in(s)
        account = _owned_account(office, parsed.account)
        _refuse_duplicate(s, account, parsed.statement_id)
        statement = _insert_statement(s, operator, parsed, account, digest, file_name)
        matches, found = _matches(s, office.code, parsed)
        line_ids = _insert_lines(s, statement.id, parsed.lines, matches, found)
        posted = _post(s, operator, statement, parsed, line_ids, matches)
        return _result(statement, parsed, matches, posted)


def _owned_account(office: OfficeInfo, account: str) -> str:
    given = compact_account(account)
    if given not in office_accounts(office):
        raise Conflict(N_("The statement is for account {account}, which is not the office's "
                          "account ({office_account}); nothing was imported."), "file",
                       account=account, office_account=office.bank_account or "—")
    return office_iban(office) or domestic_account(office.bank_account)


def _refuse_duplicate(s: Session, account: str, statement_id: str) -> None:
    found = s.execute(select(Statement.imported_at, Statement.operator_code).where(
        Statement.account == account, Statement.statement_id == statement_id)).first()
    if found is not None:
        raise _duplicate(statement_id, found[0].date(), found[1])


def _duplicate(statement_id: str, day: date | None, operator_code: str) -> Conflict:
    return Conflict(N_("Statement {statement} was imported already ({date}, {operator}); "
                       "nothing was posted again."), "file", statement=statement_id,
                    date=day.isoformat() if day else "—", operator=operator_code)


def _insert_statement(s: Session, operator: Operator, parsed: ParsedStatement, account: str,
                      digest: str, file_name: str) -> Statement:
    credits = sum((ln.amount for ln in parsed.lines if ln.kind == "credit"), ZERO)
    debits = sum((ln.amount for ln in parsed.lines if ln.kind == "debit"), ZERO)
    statement = Statement(source=parsed.source, account=account,
                          statement_id=parsed.statement_id, statement_date=parsed.statement_date,
                          file_name=file_name[:200], file_sha256=digest,
                          line_count=len(parsed.lines), credit_total=credits,
                          debit_total=debits, operator_code=operator.code)
    s.add(statement)
    try:
        s.flush()
    except IntegrityError:
        # another desk imported the same statement a moment ago (we waited for its commit)
        raise _duplicate(parsed.statement_id, date.today(), "—") from None
    return statement


_LINE_COLUMNS = ("statement_id", "line_number", "position", "kind", "booking_date", "amount",
                 "currency", "reference", "payer", "text", "bank_reference", "unmatched_reason")


def _insert_lines(s: Session, statement_pk: int, lines: Sequence[ParsedLine],
                  matches: Sequence[Match | None],
                  found: Sequence[list[Reference]]) -> list[int]:
    rows = []
    for number, (line, match, refs) in enumerate(zip(lines, matches, found, strict=True),
                                                 start=1):
        quoted = match.reference if match is not None else ""
        if not quoted:
            quoted = refs[0].quoted if refs else (line.references[0] if line.references else "")
        rows.append((statement_pk, number, line.position[:20], line.kind, line.booking_date,
                     line.amount, line.currency, quoted[:40], line.payer, line.text,
                     line.bank_reference, match.reason if match is not None else ""))
    return insert_tuples(s, table_of(StatementLine), _LINE_COLUMNS, rows)


_POSTING_COLUMNS = ("line_id", "entry_id", "customer_id", "invoice_id", "amount", "matched_by",
                    "posted_at", "operator_code")


def _post(s: Session, operator: Operator, statement: Statement, parsed: ParsedStatement,
          line_ids: Sequence[int], matches: Sequence[Match | None]) -> list[ParsedLine]:
    todo = [(line_id, line, match) for line_id, line, match
            in zip(line_ids, parsed.lines, matches, strict=True)
            if match is not None and match.customer_id is not None]
    prefix = PREFIXES[statement.source]
    postings = [ledger.Posting(
        match.customer_id, "payment", f"{prefix}-{statement.id}-{n:05d}", line.booking_date,
        _description(statement, line), credit=line.amount, invoice_id=match.invoice_id,
        order_number=statement.statement_id[:20], order_date=statement.statement_date)
        for n, (_line_id, line, match) in enumerate(todo, start=1)
        if match.customer_id is not None]
    entry_ids = ledger.post_many(s, operator.code, postings)
    now = utcnow()
    rows = [(line_id, entry_id, match.customer_id, match.invoice_id, line.amount,
             match.matched_by, now, operator.code)
            for (line_id, line, match), entry_id in zip(todo, entry_ids, strict=True)]
    insert_tuples(s, table_of(StatementPosting), _POSTING_COLUMNS, rows, want_ids=False)
    return [line for _id, line, _m in todo]


def _description(statement: Statement, line: ParsedLine) -> str:
    return " ".join(p for p in (line.payer, line.text) if p)[:160]


def _result(statement: Statement, parsed: ParsedStatement, matches: Sequence[Match | None],
            posted: Sequence[ParsedLine]) -> ImportResult:
    lines = parsed.lines

    def total(kind: str) -> Decimal:
        return sum((ln.amount for ln in lines if ln.kind == kind), ZERO)

    posted_total = sum((ln.amount for ln in posted), ZERO)
    credits = [ln for ln in lines if ln.kind == "credit"]
    return ImportResult(
        statement.id, statement.statement_id, statement.source, statement.account,
        statement.statement_date, len(lines), len(posted), posted_total,
        len(credits) - len(posted), total("credit") - posted_total,
        sum(1 for ln in lines if ln.kind == "debit"), total("debit"),
        sum(1 for ln in lines if ln.kind == "reversal"),
        sum(1 for ln in lines if ln.kind == "pending"))
