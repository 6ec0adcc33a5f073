"""The invoice register: finding invoices, their printable documents, batch printing for
delivery, copies marked COPY (001 Član 3), statements for several invoices (004 §35) and the
printable financial card.

Every print is recorded (who, when, original or copy); the first print of an invoice is the
original, any later one is a copy. Copies are given for invoices of the last 12 months.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Select, and_, func, insert, or_, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, NotFound
from office_app.models import CorrectionNote, Customer, Invoice, InvoiceLine, InvoicePrint, User
from office_app.models.base import utcnow
from office_app.services import ledger
from office_app.services.billing.elements import Period
from office_app.services.billing.interest import interest_until_paid
from office_app.services.billing.register_rows import RegisterDoc, register_docs
from office_app.services.billing.tariffs import price_book
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission
from office_app.services.validation import fold

COPY_MONTHS = 12
_PRINT_CHUNK = 1000


# --- the register -----------------------------------------------------------------------------

@dataclass(frozen=True)
class InvoiceQuery:
    period: str = ""
    text: str = ""            # invoice number, customer code or name, point number
    customer_id: int | None = None
    zone_code: str = ""
    sort: str = "number"
    descending: bool = False


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    period: str
    issue_date: date
    due_date: date
    customer_id: int
    customer_code: str
    customer_name: str
    point_number: str
    zone_code: str
    total: Decimal
    open_amount: Decimal
    prints: int
    notes: int
    language: str


_SORTS = {"number": (Invoice.year, Invoice.sequence), "issue_date": (Invoice.issue_date,),
          "customer": (Invoice.customer_name,), "total": (Invoice.total,),
          "period": (Invoice.period,), "point": (Invoice.point_number,)}


def _query(q: InvoiceQuery) -> Select:
    stmt = select(Invoice.id)
    if q.period:
        stmt = stmt.where(Invoice.period == q.period)
    if q.customer_id is not None:
        stmt = stmt.where(Invoice.customer_id == q.customer_id)
    if q.zone_code:
        stmt = stmt.where(Invoice.zone_code == q.zone_code.upper())
    term = q.text.strip()
    if term:
        folded = fold(term)
        stmt = stmt.where(or_(Invoice.number.startswith(term), Invoice.customer_code == term,
                              Invoice.point_number == term,
                              func.lower(Invoice.customer_name).contains(folded),
                              Invoice.customer_name.contains(term)))
    columns = _SORTS.get(q.sort, _SORTS["number"])
    order = [c.desc() if q.descending else c for c in columns]
    return stmt.order_by(*order, Invoice.id.desc() if q.descending else Invoice.id)


def search_invoice_ids(db: Database, operator: Operator, query: InvoiceQuery,
                       limit: int = 500_000) -> list[int]:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return list(s.scalars(_query(query).limit(limit)))


def invoice_rows(db: Database, operator: Operator, ids: Sequence[int]) -> list[InvoiceRow]:
    """Rows of the register for ``ids`` (one page), with what is still open of each."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        invoices = list(s.scalars(select(Invoice).where(Invoice.id.in_(list(ids)))))
        prints = _counts(s, InvoicePrint.invoice_id, ids)
        notes = _counts(s, CorrectionNote.invoice_id, ids)
        open_by_invoice = _open_amounts(s, {i.customer_id for i in invoices})
        return [InvoiceRow(i.id, i.number, i.period, i.issue_date, i.due_date, i.customer_id,
                           i.customer_code, i.customer_name, i.point_number, i.zone_code,
                           i.total, open_by_invoice.get(i.id, Decimal("0.00")),
                           prints.get(i.id, 0), notes.get(i.id, 0), i.language)
                for i in invoices]


def _counts(s: Session, column: Any, ids: Sequence[int]) -> dict[int, int]:
    return {k: int(v) for k, v in s.execute(
        select(column, func.count()).where(column.in_(list(ids))).group_by(column))}


def _open_amounts(s: Session, customer_ids: set[int]) -> dict[int, Decimal]:
    found: dict[int, Decimal] = {}
    for card in ledger.entries(s, customer_ids).values():
        for item in ledger.allocate(card).items:
            if item.document_type == "invoice" and item.invoice_id is not None:
                found[item.invoice_id] = item.open
    return found


# --- printable documents ----------------------------------------------------------------------

@dataclass(frozen=True)
class LineDoc:
    element: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    share_days: int | None
    period_days: int | None
    valid_from: date | None
    valid_to: date | None
    amount: Decimal
    taxable: bool
    params: dict[str, Any]


@dataclass(frozen=True)
class CopyMark:
    printed_at: datetime
    operator_code: str
    operator_name: str


@dataclass(frozen=True)
class InvoiceDoc:
    """Everything an invoice prints, as stored when it was issued."""

    id: int
    number: str
    office_code: str
    year: int
    sequence: int
    period: str
    period_start: date
    period_end: date
    service_start: date
    service_end: date
    issue_date: date
    due_date: date
    customer_code: str
    customer_name: str
    customer_address: str
    customer_kind: str
    category: str
    tax_number: str
    language: str
    point_number: str
    point_address: str
    zone_code: str
    reading_code: int
    tariff_group: str
    meter_numbers: str
    constant: Decimal | None
    previous_date: date | None
    current_date: date | None
    previous_vt: Decimal | None
    current_vt: Decimal | None
    vt_quantity: Decimal | None
    previous_mt: Decimal | None
    current_mt: Decimal | None
    mt_quantity: Decimal | None
    peak_load: Decimal | None
    estimated: bool
    self_read: bool
    settlement: bool
    net_amount: Decimal
    vat_rate: Decimal
    vat_amount: Decimal
    total: Decimal
    payment_reference: str
    previous_invoice_date: date | None
    balance_before: Decimal
    payments_since: Decimal
    interest_since: Decimal
    other_since: Decimal
    closing_balance: Decimal
    older_debt: Decimal
    older_debt_count: int
    interest_rate: Decimal
    interest_base: Decimal
    lines: tuple[LineDoc, ...] = ()
    office: OfficeInfo | None = None
    copy: CopyMark | None = None
    #: One row per register of each meter billed (services.billing.register_rows).
    registers: tuple[RegisterDoc, ...] = ()

    @property
    def to_pay(self) -> Decimal:
        return max(self.closing_balance, Decimal("0.00"))


_DOC_FIELDS = [f.name for f in fields(InvoiceDoc)
               if f.name not in ("lines", "office", "copy", "registers")]


def _line_doc(line: InvoiceLine) -> LineDoc:
    return LineDoc(line.element, line.quantity, line.unit, line.unit_price, line.share_days,
                   line.period_days, line.valid_from, line.valid_to, line.amount, line.taxable,
                   json.loads(line.params) if line.params else {})


def documents(s: Session, ids: Sequence[int], office: OfficeInfo,
              copies: dict[int, CopyMark] | None = None) -> list[InvoiceDoc]:
    """The documents of ``ids``, in the order given."""
    by_id = {i.id: i for i in s.scalars(select(Invoice).where(Invoice.id.in_(list(ids))))}
    lines: dict[int, list[LineDoc]] = defaultdict(list)
    for line in s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(list(ids)))
                          .order_by(InvoiceLine.invoice_id, InvoiceLine.position)):
        lines[line.invoice_id].append(_line_doc(line))
    copies = copies or {}
    registers = register_docs(s, list(by_id))
    return [InvoiceDoc(**{n: getattr(by_id[i], n) for n in _DOC_FIELDS},
                       lines=tuple(lines[i]), office=office, copy=copies.get(i),
                       registers=registers.get(i, ()))
            for i in ids if i in by_id]


def _operator_name(s: Session, code: str) -> str:
    return s.scalar(select(User.full_name).where(User.code == code)) or code


def _record_prints(s: Session, ids: Sequence[int], operator: Operator,
                   already: set[int], at: datetime) -> None:
    if ids:
        s.execute(insert(InvoicePrint), [
            {"invoice_id": i, "printed_at": at, "printed_by": operator.code,
             "copy": i in already} for i in ids])


def _printed(s: Session, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 2000):
        found |= set(s.scalars(select(InvoicePrint.invoice_id).distinct().where(
            InvoicePrint.invoice_id.in_(list(ids[start:start + 2000])))))
    return found


@dataclass(frozen=True)
class BatchResult:
    invoices: int
    copies: int
    path: str


def delivery_order(db: Database, operator: Operator, period: str,
                   zone: str = "") -> list[int]:
    """The period's invoices in delivery order: zone, reading code (the reader's route)."""
    operator.require(Permission.PRINT_INVOICES)
    code = Period.parse(period).code
    with db.unit_of_work() as s:
        stmt = select(Invoice.id).where(Invoice.period == code)
        if zone:
            stmt = stmt.where(Invoice.zone_code == zone.strip().upper())
        return list(s.scalars(stmt.order_by(Invoice.zone_code, Invoice.reading_code,
                                            Invoice.point_number, Invoice.id)))


def print_period(db: Database, operator: Operator, period: str, out: BinaryIO | Path | str,
                 zone: str = "", progress: Callable[[int, int], None] | None = None
                 ) -> BatchResult:
    """Print a period's invoices (or one zone's) into one PDF ordered for delivery. Invoices
    printed before come out as copies. Raises NotFound when there is nothing to print."""
    from office_app.printing.invoice import InvoicePrinter

    ids = delivery_order(db, operator, period, zone)
    if not ids:
        raise NotFound(N_("There are no invoices of period {period} to print."), "period",
                       period=period)
    at = utcnow()
    copies = 0
    printer = InvoicePrinter(out)
    for start in range(0, len(ids), _PRINT_CHUNK):
        chunk = ids[start:start + _PRINT_CHUNK]
        with db.unit_of_work() as s:
            office = office_in(s)
            already = _printed(s, chunk)
            marks = _marks(s, already, at, operator)
            printer.add(documents(s, chunk, office, marks))
            _record_prints(s, chunk, operator, already, at)
            copies += len(already)
        if progress:
            progress(min(start + _PRINT_CHUNK, len(ids)), len(ids))
    printer.finish()
    return BatchResult(len(ids), copies, str(out) if not hasattr(out, "write") else "")


def _marks(s: Session, ids: set[int], at: datetime, operator: Operator) -> dict[int, CopyMark]:
    if not ids:
        return {}
    mark = CopyMark(at, operator.code, _operator_name(s, operator.code))
    return {i: mark for i in ids}


def print_copy(db: Database, operator: Operator, invoice_id: int,
               today: date | None = None) -> bytes:
    """A copy (or the original, if it was never printed) of one invoice, recorded with who
    printed it. Copies are given for invoices issued in the last 12 months."""
    from office_app.printing.invoice import render_invoices

    operator.require(Permission.PRINT_INVOICES)
    today = today or date.today()
    with db.unit_of_work() as s:
        invoice = s.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(N_("Invoice {id} does not exist."), id=invoice_id)
        already = _printed(s, [invoice_id])
        if already and invoice.issue_date < today - timedelta(days=365):
            raise Conflict(N_("Copies are given for invoices of the last {months} months; "
                              "invoice {number} was issued on {date}."), months=COPY_MONTHS,
                           number=invoice.number, date=invoice.issue_date.strftime("%d.%m.%Y"))
        at = utcnow()
        docs = documents(s, [invoice_id], office_in(s), _marks(s, already, at, operator))
        _record_prints(s, [invoice_id], operator, already, at)
        return render_invoices(docs)


@dataclass(frozen=True)
class PrintRecord:
    printed_at: datetime
    printed_by: str
    copy: bool


def print_log(db: Database, operator: Operator, invoice_id: int) -> list[PrintRecord]:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return [PrintRecord(p.printed_at, p.printed_by, p.copy) for p in s.scalars(
            select(InvoicePrint).where(InvoicePrint.invoice_id == invoice_id)
            .order_by(InvoicePrint.id))]


def get_invoice(db: Database, operator: Operator, invoice_id: int) -> InvoiceDoc:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        docs = documents(s, [invoice_id], office_in(s))
        if not docs:
            raise NotFound(N_("Invoice {id} does not exist."), id=invoice_id)
        return docs[0]


def find_invoice(db: Database, operator: Operator, number: str) -> InvoiceDoc:
    """The invoice with this number (as typed, or as a barcode scanner types it)."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        found = s.scalar(select(Invoice.id).where(Invoice.number == number.strip()))
        if found is None:
            raise NotFound(N_("There is no invoice with number {number}."), "number",
                           number=number)
        return documents(s, [found], office_in(s))[0]


# --- statements and the printable card ----------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    invoice_id: int
    number: str
    period: str
    point_number: str
    issue_date: date
    due_date: date
    total: Decimal
    open_amount: Decimal


@dataclass(frozen=True)
class Statement:
    """One page listing several invoices and the total (004 §35); a payment for them is
    allocated in this order unless the customer says otherwise."""

    office: OfficeInfo
    customer_code: str
    customer_name: str
    customer_address: str
    language: str
    on: date
    lines: tuple[StatementLine, ...]
    total: Decimal
    interest: Decimal
    operator_code: str
    printed_at: datetime


def statement_data(s: Session, customer_id: int, invoice_ids: Sequence[int] | None,
                   on: date, operator: Operator) -> Statement:
    customer = s.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    card = ledger.entries(s, [customer_id])[customer_id]
    items = ledger.allocate(card).items
    open_by_invoice = {i.invoice_id: i.open for i in items
                       if i.document_type == "invoice" and i.invoice_id is not None}
    stmt = select(Invoice).where(Invoice.customer_id == customer_id)
    if invoice_ids is not None:
        stmt = stmt.where(Invoice.id.in_(list(invoice_ids)))
    chosen = [i for i in s.scalars(stmt.order_by(Invoice.due_date, Invoice.id))
              if invoice_ids is not None or open_by_invoice.get(i.id, Decimal(0)) > 0]
    lines = tuple(StatementLine(i.id, i.number, i.period, i.point_number, i.issue_date,
                                i.due_date, i.total, open_by_invoice.get(i.id, Decimal("0.00")))
                  for i in chosen)
    interest = interest_until_paid(items, price_book(s).interest, on)
    address = ", ".join(p for p in (customer.billing_address or customer.address,
                                    customer.billing_place or customer.place) if p)
    return Statement(office_in(s), customer.code, customer.name, address, customer.language, on,
                     lines, sum((ln.open_amount for ln in lines), Decimal("0.00")), interest,
                     operator.code, utcnow())


def statement(db: Database, operator: Operator, customer_id: int,
              invoice_ids: Sequence[int] | None = None, on: date | None = None,
              language: str | None = None) -> bytes:
    """A statement of the given invoices (default: every invoice still open) as PDF."""
    from office_app.printing.statement import statement_pdf

    operator.require(Permission.PRINT_INVOICES)
    with db.unit_of_work() as s:
        data = statement_data(s, customer_id, invoice_ids, on or date.today(), operator)
    if not data.lines:
        raise NotFound(N_("The customer has no open invoices."))
    return statement_pdf(data, language or data.language)


def card_copy(db: Database, operator: Operator, customer_id: int, months: int = COPY_MONTHS,
              today: date | None = None, language: str | None = None) -> bytes:
    """A printable copy of the financial card for the last ``months`` months (001 Član 3)."""
    from office_app.printing.financial_card import financial_card_pdf

    operator.require(Permission.PRINT_INVOICES)
    today = today or date.today()
    first = Period(today.year, today.month).shift(-(months - 1)).start
    with db.unit_of_work() as s:
        card = ledger.card_in(s, customer_id, since=first, until=today)
        customer = s.get(Customer, customer_id)
        office = office_in(s)
    lang = language or (customer.language if customer else "sr_Latn")
    return financial_card_pdf(card, office, lang, operator.code, utcnow())


def iter_chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


__all__ = ["BatchResult", "CopyMark", "InvoiceDoc", "InvoiceQuery", "InvoiceRow", "LineDoc",
           "Statement", "StatementLine", "and_", "card_copy", "delivery_order", "documents",
           "find_invoice", "get_invoice", "invoice_rows", "print_copy", "print_log",
           "print_period", "search_invoice_ids", "statement"]
