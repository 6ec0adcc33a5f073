"""Numbering: every series the numbering service keeps (invoices, credit and debit notes,
interest documents, accounting orders, court costs and write-offs, complaints, installment plans
and enforcement proposals per office and year; customer codes) is gapless and unique: the
documents carry exactly the numbers 1..N once each, N being the series' counter, and each
number reads as its series formats it."""
from __future__ import annotations

from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import (
    BillingRun,
    Complaint,
    CorrectionNote,
    Counter,
    Customer,
    InstallmentPlan,
    Invoice,
    LedgerEntry,
    LegalCase,
)
from office_app.services.customers import CODE_SERIES
from office_app.services.integrity.base import Scope, Violation, integrity_check
from office_app.services.ledger import SERIES_FORMATS, format_number, series_name

NAME = "numbering"
#: Series whose documents are ledger entries of the same document type.
LEDGER_SERIES = ("interest", "court_costs", "write_off")
#: Series whose documents are the registers' own rows: the complaint book (RK), installment
#: plans (RP) and enforcement proposals (PI, the case number a batch-filed case keeps).
REGISTER_SERIES = ("complaint", "plan", "proposal")
#: The series this check reads the documents of; receipts are checked per desk by the cash
#: desk's own check.
CHECKED_KINDS = frozenset({"invoice", "credit_note", "debit_note", "order", *LEDGER_SERIES,
                           *REGISTER_SERIES})
_SHOWN = 10


def _parse(kind: str, number: str) -> tuple[str, int, int] | None:
    """(office, year, sequence) of a document number of ``kind``, None if it is not one."""
    prefix, _digits = SERIES_FORMATS[kind]
    body = number[len(prefix) + 1:] if prefix else number
    if prefix and not number.startswith(prefix + "-"):
        return None
    try:
        office, year, sequence = body.rsplit("-", 2)
        return office, int(year), int(sequence)
    except ValueError:
        return None


def _issued(s: Session, scope: Scope) -> dict[str, list[tuple[int, str]]]:
    """series name -> (sequence, number) of every document issued in it (invoices apart)."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)

    def add(kind: str, number: str) -> None:
        parsed = _parse(kind, number)
        if parsed is not None:
            office, year, sequence = parsed
            found[series_name(kind, office, year)].append((sequence, number))

    for number, kind in s.execute(select(CorrectionNote.number, CorrectionNote.kind)):
        add("credit_note" if kind == "credit" else "debit_note", number)
    for number, kind in s.execute(select(LedgerEntry.document_number,
                                         LedgerEntry.document_type).where(
            LedgerEntry.document_type.in_(LEDGER_SERIES))):
        add(kind, number)
    orders = set(s.scalars(select(LedgerEntry.order_number).distinct().where(
        LedgerEntry.order_number.startswith(SERIES_FORMATS["order"][0] + "-"))))
    orders |= {o for o in s.scalars(select(BillingRun.order_number).distinct()) if o}
    for number in orders:
        add("order", number)
    for kind, number in _register_numbers(s):
        add(kind, number)
    return _in_scope(found, scope)


def _register_numbers(s: Session) -> Iterator[tuple[str, str]]:
    """(series kind, number) of the complaints, plans and proposals. A case opened by hand
    carries the court's number, not a proposal's: only PI- numbers are in the series."""
    for number in s.scalars(select(Complaint.number)):
        yield "complaint", number
    for number in s.scalars(select(InstallmentPlan.number)):
        yield "plan", number
    for number in s.scalars(select(LegalCase.case_number).where(
            LegalCase.case_number.startswith(SERIES_FORMATS["proposal"][0] + "-"))):
        yield "proposal", number


def _in_scope(found: dict[str, list[tuple[int, str]]], scope: Scope
              ) -> dict[str, list[tuple[int, str]]]:
    if not scope.period:
        return found
    year = f":{scope.period[:4]}"
    return {k: v for k, v in found.items() if k.endswith(year)}


def _invoices(s: Session, scope: Scope, counters: dict[str, int]
              ) -> dict[str, list[tuple[int, str]]]:
    """The invoice series that are not plainly 1..N (counted in SQL): their numbers."""
    found: dict[str, list[tuple[int, str]]] = {}
    stmt = select(Invoice.office_code, Invoice.year, func.count(),
                  func.count(func.distinct(Invoice.sequence)), func.min(Invoice.sequence),
                  func.max(Invoice.sequence)).group_by(Invoice.office_code, Invoice.year)
    if scope.period:
        stmt = stmt.where(Invoice.year == int(scope.period[:4]))
    for office, year, count, distinct, low, high in s.execute(stmt):
        series = series_name("invoice", office, year)
        if count == distinct == high == counters.get(series, 0) and low == 1:
            found[series] = [(n, "") for n in (low, high)]  # plainly 1..N: its ends stand
            continue                                        # for the whole series
        found[series] = [(seq, number) for seq, number in s.execute(
            select(Invoice.sequence, Invoice.number).where(
                Invoice.office_code == office, Invoice.year == year))]
    return found


def _misformatted(s: Session, scope: Scope) -> Iterator[Violation]:
    stmt = select(Invoice.number, Invoice.office_code, Invoice.year, Invoice.sequence,
                  Invoice.customer_code, Invoice.point_number)
    if scope.period:
        stmt = stmt.where(Invoice.period == scope.period)
    if s.get_bind().dialect.name == "postgresql":   # the rows Python then confirms
        stmt = stmt.where(Invoice.number != Invoice.office_code + "-" + cast(
            Invoice.year, Text) + "-" + func.lpad(cast(Invoice.sequence, Text), 7, "0"))
    for number, office, year, sequence, code, point in s.execute(stmt):
        expected = format_number("invoice", office, year, sequence)
        if number != expected:
            yield Violation(NAME, N_("Invoice {number} is sequence {sequence} of its series "
                                     "and should be numbered {expected}."),
                            {"number": number, "sequence": sequence, "expected": expected},
                            code, point, number)


def series_problems(series: str, last: int, issued: list[tuple[int, str]]
                    ) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Duplicates, gaps and numbers beyond the counter of one series."""
    tally = Tally(seq for seq, _n in issued)
    for seq, times in sorted(tally.items()):
        if times > 1:
            numbers = sorted({n for q, n in issued if q == seq})
            yield (N_("Number {sequence} of series {series} was issued {times} times: "
                      "{numbers}."),
                   {"sequence": seq, "series": series, "times": times,
                    "numbers": ", ".join(numbers)}, numbers[0])
    missing = [n for n in range(1, last + 1) if n not in tally]
    if missing:
        shown = ", ".join(str(n) for n in missing[:_SHOWN]) + (" …" if len(missing) > _SHOWN
                                                                 else "")
        yield (N_("Series {series} has {count} missing numbers (the counter is at {last}): "
                  "{numbers}."),
               {"series": series, "count": len(missing), "last": last, "numbers": shown}, "")
    beyond = sorted(n for n in tally if n > last or n < 1)
    for seq in beyond[:_SHOWN]:
        number = next(n for q, n in issued if q == seq)
        yield (N_("Number {number} is beyond the counter of series {series} ({last})."),
               {"number": number, "series": series, "last": last}, number)


def _customer_codes(s: Session, last: int) -> list[tuple[int, str]]:
    return [(int(code), code) if code.isdigit() else (-1, code)
            for code in s.scalars(select(Customer.code))]


@integrity_check(NAME)
def check_numbering(s: Session, scope: Scope) -> Iterator[Violation]:
    counters = dict(s.execute(select(Counter.series, Counter.last_number)).all())
    series = _issued(s, scope) | _invoices(s, scope, counters)
    if not scope.period:
        series[CODE_SERIES] = _customer_codes(s, counters.get(CODE_SERIES, 0))
    for name in counters:
        kind = name.split(":", 1)[0]
        if name not in series and (kind in CHECKED_KINDS or name == CODE_SERIES):
            if not scope.period or name.endswith(f":{scope.period[:4]}"):
                series[name] = []
    for name, issued in sorted(series.items()):
        last = counters.get(name, 0)
        if issued and not issued[0][1]:
            continue        # an invoice series counted in SQL: plainly 1..N
        for msg_id, params, document in series_problems(name, last, issued):
            yield Violation(NAME, msg_id, params, document=document)
    yield from _misformatted(s, scope)
    yield from _registers_misformatted(s, scope)


def _registers_misformatted(s: Session, scope: Scope) -> Iterator[Violation]:
    for kind, number in _register_numbers(s):
        parsed = _parse(kind, number)
        if parsed is None or (scope.period and parsed[1] != int(scope.period[:4])):
            continue
        expected = format_number(kind, *parsed)
        if number != expected:
            yield Violation(NAME, N_("Number {number} of series {series} should read "
                                     "{expected}."),
                            {"number": number, "series": series_name(kind, *parsed[:2]),
                             "expected": expected}, document=number)
