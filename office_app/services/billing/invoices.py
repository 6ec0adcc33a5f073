"""The invoice register: finding invoices, their printable documents, batch printing for
delivery, copies marked COPY (001 Član 3), statements for several invoices (004 §35) and the
printable financial card.

Every print is recorded (who, when, original or copy); the first print of an invoice is the
original, any later one is a copy. Copies are given for invoices of the last 12 months.
"""
from __future__ import annotations

import getpass
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
from office_app.models import (
    BillingRun,
    CorrectionNote,
    Customer,
    Invoice,
    InvoiceLine,
    InvoicePrint,
    User,
    WarningItem,
)
from office_app.models.base import utcnow
from office_app.services import ledger
from office_app.services.billing.account import amount_to_pay
from office_app.services.billing.elements import Period
from office_app.services.billing.interest import interest_lines
from office_app.services.billing.references import account_reference
from office_app.services.billing.register_rows import RegisterDoc, register_docs
from office_app.services.billing.tariffs import price_book
from office_app.services.ledger import ZERO
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission, Role
from office_app.services.plans import InstallmentNote, installment_notes
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
    #: Warnings that chased the invoice (services/collection/warnings.py).
    warnings: int = 0


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
        warned = _counts(s, WarningItem.invoice_id, ids)
        open_by_invoice = _open_amounts(s, {i.customer_id for i in invoices})
        return [InvoiceRow(i.id, i.number, i.period, i.issue_date, i.due_date, i.customer_id,
                           i.customer_code, i.customer_name, i.point_number, i.zone_code,
                           i.total, open_by_invoice.get(i.id, Decimal("0.00")),
                           prints.get(i.id, 0), notes.get(i.id, 0), i.language,
                           warned.get(i.id, 0))
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
class PaidMark:
    """How much of an invoice was settled when a copy was printed, and the day of the last
    settlement (a copy of a paid invoice must not ask for payment again)."""

    paid: Decimal
    open: Decimal
    on: date

    @property
    def fully(self) -> bool:
        return self.open <= 0


@dataclass(frozen=True)
class SameDay:
    """One of the customer's invoices of the same issue date and what its slip asks for."""

    number: str
    point_number: str
    to_pay: Decimal
    payment_reference: str


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
    #: What this invoice's reference, slip and barcode settle (account.amount_to_pay).
    to_pay: Decimal = Decimal("0.00")
    #: Every invoice of the customer with this issue date (this one included), in number
    #: order, when there is more than one.
    same_day: tuple[SameDay, ...] = ()
    paid: PaidMark | None = None
    #: The next installment of the customer's installment plan, when one is in force.
    installment: InstallmentNote | None = None
    #: One row per register of each meter billed (services.billing.register_rows).
    registers: tuple[RegisterDoc, ...] = ()


#: The fields of InvoiceDoc stored on the invoice row itself (the rest is derived).
STORED_FIELDS = [f.name for f in fields(InvoiceDoc)
                 if f.name not in ("lines", "office", "copy", "to_pay", "same_day", "paid",
                                   "registers", "installment")]


def _line_doc(line: InvoiceLine) -> LineDoc:
    return LineDoc(line.element, line.quantity, line.unit, line.unit_price, line.share_days,
                   line.period_days, line.valid_from, line.valid_to, line.amount, line.taxable,
                   json.loads(line.params) if line.params else {})


def documents(s: Session, ids: Sequence[int], office: OfficeInfo,
              copies: dict[int, CopyMark] | None = None) -> list[InvoiceDoc]:
    """The documents of ``ids``, in the order given. Copies carry what was paid of them."""
    by_id = {i.id: i for i in s.scalars(select(Invoice).where(Invoice.id.in_(list(ids))))}
    lines: dict[int, list[LineDoc]] = defaultdict(list)
    for line in s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(list(ids)))
                          .order_by(InvoiceLine.invoice_id, InvoiceLine.position)):
        lines[line.invoice_id].append(_line_doc(line))
    copies = copies or {}
    registers = register_docs(s, list(by_id))
    days = same_day_slips(s, list(by_id.values()))
    paid = _paid_marks(s, [by_id[i] for i in copies if i in by_id])
    notes = installment_notes(s, {(i.customer_id, i.issue_date) for i in by_id.values()})
    found = []
    for i in ids:
        if i not in by_id:
            continue
        invoice = by_id[i]
        day = days.get((invoice.customer_id, invoice.issue_date), [])
        own = next((d for d in day if d.number == invoice.number), None)
        found.append(InvoiceDoc(
            **{n: getattr(invoice, n) for n in STORED_FIELDS}, lines=tuple(lines[i]),
            office=office, copy=copies.get(i), to_pay=own.to_pay if own else ZERO,
            same_day=tuple(day) if len(day) > 1 else (), paid=paid.get(i),
            registers=registers.get(i, ()),
            installment=notes.get((invoice.customer_id, invoice.issue_date))))
    return found


def same_day_slips(s: Session, invoices: Sequence[Invoice]
                   ) -> dict[tuple[int, date], list[SameDay]]:
    """Each customer's invoices of the issue dates of ``invoices``, in number order, with
    what each one's slip asks for: the first of a day carries the customer's older debt,
    the others only themselves (``account.amount_to_pay``)."""
    wanted = {(i.customer_id, i.issue_date) for i in invoices}
    found: dict[tuple[int, date], list[SameDay]] = defaultdict(list)
    customers = sorted({c for c, _d in wanted})
    dates = sorted({d for _c, d in wanted})
    for start in range(0, len(customers), 2000):
        rows = s.execute(
            select(Invoice.customer_id, Invoice.issue_date, Invoice.number,
                   Invoice.point_number, Invoice.closing_balance, Invoice.total,
                   Invoice.payment_reference)
            .where(Invoice.customer_id.in_(customers[start:start + 2000]),
                   Invoice.issue_date.in_(dates))
            .order_by(Invoice.customer_id, Invoice.issue_date, Invoice.year, Invoice.sequence))
        for customer, day, number, point, closing, total, reference in rows:
            key = (customer, day)
            if key in wanted:
                to_pay = amount_to_pay(closing, total, first_of_day=not found[key])
                found[key].append(SameDay(number, point, to_pay, reference))
    return found


def _paid_marks(s: Session, invoices: Sequence[Invoice]) -> dict[int, PaidMark]:
    """What was settled of each invoice so far (from the allocation of the card)."""
    if not invoices:
        return {}
    wanted = {i.id for i in invoices}
    found: dict[int, PaidMark] = {}
    for card in ledger.entries(s, {i.customer_id for i in invoices}).values():
        for item in ledger.allocate(card).items:
            if item.invoice_id in wanted and item.document_type == "invoice" \
                    and item.settlements:
                found[item.invoice_id] = PaidMark(item.settled, item.open,
                                                  max(d for d, _a in item.settlements))
    return found


def _operator_name(s: Session, operator: Operator) -> str:
    found = s.scalar(select(User.full_name).where(User.code == operator.code))
    return found or operator.full_name or operator.code


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
    printed before come out as copies. Raises NotFound when there is nothing to print. The
    prints are recorded once the PDF is complete, so a ``progress`` callback that raises (the
    clerk pressed Cancel) leaves the print log as it was."""
    from office_app.printing.invoice import InvoicePrinter

    ids = delivery_order(db, operator, period, zone)
    if not ids:
        raise NotFound(N_("There are no invoices of period {period} to print."), "period",
                       period=period)
    at = utcnow()
    already: set[int] = set()
    printer = InvoicePrinter(out)
    for start in range(0, len(ids), _PRINT_CHUNK):
        chunk = ids[start:start + _PRINT_CHUNK]
        with db.unit_of_work() as s:
            office = office_in(s)
            printed = _printed(s, chunk)
            printer.add(documents(s, chunk, office, _marks(s, printed, at, operator)))
        already |= printed
        if progress:
            progress(min(start + _PRINT_CHUNK, len(ids)), len(ids))
    printer.finish()
    with db.unit_of_work() as s:
        _record_prints(s, ids, operator, already, at)
    return BatchResult(len(ids), len(already), str(out) if not hasattr(out, "write") else "")


def _marks(s: Session, ids: set[int], at: datetime, operator: Operator) -> dict[int, CopyMark]:
    if not ids:
        return {}
    mark = CopyMark(at, operator.code, _operator_name(s, operator))
    return {i: mark for i in ids}


def batch_operator(db: Database, login: str | None) -> Operator:
    """Who a batch command prints on behalf of: the office user ``login`` (``--as``), checked
    against the users table; without one, the operating-system user running the command, so
    a copy always names a person (never "SYSTEM"). Raises NotFound or Conflict."""
    if not login:
        os_user = getpass.getuser() or "unknown"
        return Operator(0, os_user[:20], os_user, os_user, Role.ADMIN)
    with db.unit_of_work() as s:
        user = s.scalar(select(User).where(User.login == login.strip().lower()))
        if user is None:
            raise NotFound(N_("There is no user {login}."), "login", login=login)
        if not user.active:
            raise Conflict(N_("User {login} is disabled; print as an active user."), "login",
                           login=login)
        return Operator(user.id, user.code, user.login, user.full_name, Role(user.role))


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
    """An open document on the card: an invoice, a debit note, posted interest, an opening
    balance or a reversed payment, with what is still to pay of it."""

    document_type: str
    number: str
    period: str
    point_number: str
    document_date: date
    due_date: date | None
    amount: Decimal
    open_amount: Decimal
    invoice_id: int | None = None


@dataclass(frozen=True)
class Statement:
    """The customer's open documents on a day (004 §35) and the total to pay: the financial
    card's balance plus late interest accrued since the last interest run and not yet
    charged, shown apart. A payment quoting ``payment_reference`` settles the documents in
    the order listed (oldest due first)."""

    office: OfficeInfo
    customer_code: str
    customer_name: str
    customer_address: str
    language: str
    on: date
    lines: tuple[StatementLine, ...]
    #: Credit not yet used (an advance); it lowers the balance.
    advance: Decimal
    #: Debits minus credits on the card up to ``on``.
    balance: Decimal
    #: Interest accrued on overdue documents from ``accrued_from`` to ``on``, not on the card.
    accrued_interest: Decimal
    accrued_from: date | None
    payment_reference: str
    operator_code: str
    printed_at: datetime

    @property
    def open_total(self) -> Decimal:
        return sum((ln.open_amount for ln in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """What the customer is asked to pay: the card's balance plus the accrual."""
        return self.balance + self.accrued_interest


def statement_data(s: Session, customer_id: int, on: date, operator: Operator) -> Statement:
    """The statement of ``customer_id`` on ``on`` (entries dated after it are left out)."""
    customer = s.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    card = ledger.entries(s, [customer_id], until=on)[customer_id]
    allocation = ledger.allocate(card)
    points = _invoice_points(s, [i.invoice_id for i in allocation.items if i.invoice_id])
    periods = {e.id: e.period or "" for e in card}
    lines = tuple(StatementLine(i.document_type, i.document_number, periods.get(i.entry_id, ""),
                                points.get(i.invoice_id or 0, ""), i.document_date, i.due_date,
                                i.amount, i.open, i.invoice_id)
                  for i in sorted(allocation.items, key=lambda i: i.order) if i.open > 0)
    since = _interest_charged_until(s, card)
    accrued_from = since + timedelta(days=1) if since else None
    accrued = sum((line.amount for line in interest_lines(
        allocation.items, price_book(s).interest, accrued_from or date(1900, 1, 1), on)), ZERO)
    office = office_in(s)
    address = ", ".join(p for p in (customer.billing_address or customer.address,
                                    customer.billing_place or customer.place) if p)
    return Statement(office, customer.code, customer.name, address, customer.language, on,
                     lines, allocation.unapplied, sum((e.amount for e in card), ZERO),
                     accrued, accrued_from, account_reference(office.code, customer.code),
                     operator.code, utcnow())


def _invoice_points(s: Session, invoice_ids: Sequence[int]) -> dict[int, str]:
    if not invoice_ids:
        return {}
    rows = s.execute(select(Invoice.id, Invoice.point_number)
                     .where(Invoice.id.in_(list(invoice_ids))))
    return {invoice_id: point for invoice_id, point in rows}


def _interest_charged_until(s: Session, card: Sequence[ledger.EntryData]) -> date | None:
    """The last day late interest was charged for: the end of the latest month an interest
    run completed, or of the latest month interest was posted to this card."""
    months = [e.period for e in card if e.document_type == "interest" and e.period]
    run = s.scalar(select(func.max(BillingRun.period)).where(
        BillingRun.kind == "interest", BillingRun.status == "completed"))
    if run:
        months.append(run)
    return Period.parse(max(months)).end if months else None


def statement(db: Database, operator: Operator, customer_id: int, on: date | None = None,
              language: str | None = None) -> bytes:
    """A statement of the customer's open documents on ``on`` (default today) as PDF.
    Raises NotFound when nothing is open and nothing is accruing."""
    from office_app.printing.statement import statement_pdf

    operator.require(Permission.PRINT_INVOICES)
    with db.unit_of_work() as s:
        data = statement_data(s, customer_id, on or date.today(), operator)
    if not data.lines and data.total <= 0:
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
           "batch_operator", "same_day_slips",
           "Statement", "StatementLine", "and_", "card_copy", "delivery_order", "documents",
           "find_invoice", "get_invoice", "invoice_rows", "print_copy", "print_log",
           "print_period", "search_invoice_ids", "statement"]
