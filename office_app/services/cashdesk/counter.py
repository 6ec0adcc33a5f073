"""The counter (001 Član 4; 004 §33–35): find who pays, show what is open, take the money.

Guarantees of ``pay``:

- A payment is wholly posted — receipt number (gapless per office, year and desk), ledger
  entries, the lines its slip lists, the drawer's total — or not at all: one transaction.
  Printing comes after and never re-posts (``receipt`` gives the slip again).
- A payment carries a client-made idempotency key: sent twice (a double click, a retry after
  a dropped connection, two threads) it is posted once, and both calls return the first.
- Money settles the oldest open items first (004 §35.2), or costs and interest before
  principal when the office's allocation order says so, unless the cashier chose invoices;
  each part names the debit it settles, so the card keeps that allocation whatever the
  setting later becomes. What is left over stays as a credit on the financial card, used by
  the next invoice.
- The disputed part of an invoice in an open complaint (003 III.1g) is not asked for and the
  allocation never settles it, unless the cashier chose that invoice.
- Card payments are for households only (001 Član 4).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import Customer, Invoice
from office_app.models.cashdesk import MEANS, CashReceipt, CashReceiptLine, CashSession
from office_app.models.ledger import LedgerEntry
from office_app.models.office import ALLOCATION_ORDERS
from office_app.services import complaints, ledger
from office_app.services.billing import references
from office_app.services.cashdesk.drawers import (
    CENT,
    ZERO,
    check_desk,
    drawer_source,
    parse_money,
)
from office_app.services.ledger import EntryData, OpenItem, Posting
from office_app.services.numbering import issue_number
from office_app.services.office import OfficeInfo, office_in, save_office
from office_app.services.permissions import Operator, Permission
from office_app.services.search import CustomerQuery, search_customer_ids

#: Costs, then interest, then principal (the ``costs_first`` allocation order).
_RANK = {"court_costs": 0, "interest": 1}


def counter_order(items: Sequence[OpenItem], order: str, day: date) -> list[OpenItem]:
    """The open items in the order a payment of ``day`` settles them: the installments of a
    plan due by that day first (docs/plans.md), then the office's allocation order."""
    return ledger.settle_order(sorted(items, key=lambda i: allocation_key(i, order)), day)


def allocation_key(item: OpenItem, order: str) -> tuple[int, date, int]:
    """Where an open item comes in the allocation (004 §35.2): the oldest first; with the
    office's ``costs_first`` order, costs and interest before principal, each oldest first."""
    rank = _RANK.get(item.document_type, 2) if order == "costs_first" else 0
    return (rank, *item.order)


#: Ids of the not yet posted credits when the allocation is previewed: after every real one.
_LAST = 10**15
_BARCODE = re.compile(r"^[0-9A-Z]{1,5}-\d{4}-\d{7}$")
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class DueItem:
    entry_id: int
    document_type: str
    document_number: str
    document_date: date
    due_date: date | None
    amount: Decimal
    open_amount: Decimal
    invoice_id: int | None
    disputed: Decimal = ZERO

    @property
    def payable(self) -> Decimal:
        return max(self.open_amount - self.disputed, ZERO)


@dataclass(frozen=True)
class Payer:
    """A customer at the counter: open items oldest first and what is due."""

    customer_id: int
    code: str
    name: str
    address: str
    kind: str
    language: str
    items: tuple[DueItem, ...]
    #: What is asked at the counter: the open items less their disputed parts, less credit.
    total_due: Decimal
    #: Credit on the card not yet used by any debit (an earlier overpayment).
    credit: Decimal
    #: The invoice whose barcode or reference was scanned, if that is how it was found.
    scanned_invoice_id: int | None = None

    @property
    def card_allowed(self) -> bool:
        return self.kind == "household"


@dataclass(frozen=True)
class Candidate:
    customer_id: int
    code: str
    name: str
    address: str


@dataclass(frozen=True)
class Lookup:
    """What a scan or a typed text found: one payer, or customers to choose from."""

    payer: Payer | None
    candidates: tuple[Candidate, ...] = ()


def find_payer(db: Database, operator: Operator, text: str) -> Lookup:
    """An invoice barcode (its number), a customer code, a model 97 reference (with or without
    ``97`` and check digits) or part of a name. Raises NotFound naming what was typed."""
    operator.require(Permission.POST_PAYMENTS)
    typed = " ".join(text.split())
    if not typed:
        raise ValidationError([FieldError("search", N_(
            "Scan an invoice barcode or type a customer code, name or reference."))])
    with db.unit_of_work() as s:
        found = _exact(s, typed)
        if found is not None:
            return Lookup(payer_in(s, *found))
        wrong_check = _wrong_check_digits(s, typed)
    if wrong_check:
        raise NotFound(N_("Reference {text}: the check digits (model 97) do not fit the "
                          "number; check the number, or scan the barcode or type the customer "
                          "code."), "search", text=typed)
    if _BARCODE.match(typed.upper()) or typed.replace(" ", "").isdigit():
        raise NotFound(N_("Nothing matches {text}: no invoice, customer code or reference "
                          "of this office. Check the barcode or type the customer code."),
                       "search", text=typed)
    ids = search_customer_ids(db, operator, CustomerQuery(text=typed, sort="name"),
                              limit=MAX_CANDIDATES)
    if not ids:
        raise NotFound(N_("No customer matches {text}."), "search", text=typed)
    with db.unit_of_work() as s:
        if len(ids) == 1:
            return Lookup(payer_in(s, ids[0]))
        rows = s.execute(select(Customer.id, Customer.code, Customer.name, Customer.address,
                                Customer.place).where(Customer.id.in_(ids))).all()
        by_id = {r[0]: Candidate(r[0], r[1], r[2], ", ".join(p for p in r[3:] if p))
                 for r in rows}
        return Lookup(None, tuple(by_id[i] for i in ids if i in by_id))


def _exact(s: Session, typed: str) -> tuple[int, int | None] | None:
    """(customer id, scanned invoice id) for a barcode, customer code or reference."""
    row = s.execute(select(Invoice.customer_id, Invoice.id)
                    .where(Invoice.number == typed.upper())).first()
    if row is not None:
        return row[0], row[1]
    customer = s.scalar(select(Customer.id).where(Customer.code == typed))
    if customer is not None:
        return customer, None
    return _by_reference(s, typed)


def _wrong_check_digits(s: Session, typed: str) -> bool:
    """A model 97 reference of this office (``97``, check digits, office part, 10 digits)
    whose check digits are wrong: a mistyped reference, never matched to a guess."""
    digits = typed.replace(" ", "").replace("-", "")
    if not digits.isdigit() or not digits.startswith(references.MODEL):
        return False
    try:
        prefix = references.office_digits(office_in(s).code)
    except ValidationError:
        return False
    body = digits[4:]
    return (body.startswith(prefix) and len(body) == len(prefix) + 10
            and not references.is_valid(digits[2:4], body))


def _by_reference(s: Session, typed: str) -> tuple[int, int | None] | None:
    digits = typed.replace(" ", "").replace("-", "")
    if not digits.isdigit():
        return None
    if digits.startswith(references.MODEL) and len(digits) > 4 \
            and references.is_valid(digits[2:4], digits[4:]):
        digits = digits[4:]
    office = office_in(s).code
    try:
        prefix = references.office_digits(office)
    except ValidationError:
        return None
    body = digits[len(prefix):]
    if not digits.startswith(prefix):
        return None
    if body[:1] == references.INVOICE and len(body) == 10:
        row = s.execute(select(Invoice.customer_id, Invoice.id).where(
            Invoice.office_code == office, Invoice.year == 2000 + int(body[1:3]),
            Invoice.sequence == int(body[3:]))).first()
        return None if row is None else (row[0], row[1])
    if body[:1] == references.ACCOUNT and len(body) == 10:
        code = body[1:].lstrip("0") or "0"
        customer = s.scalar(select(Customer.id).where(Customer.code.in_([code, body[1:]])))
        return None if customer is None else (customer, None)
    return None


def payer_in(s: Session, customer_id: int, scanned: int | None = None,
             day: date | None = None) -> Payer:
    customer = s.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    card = ledger.entries(s, [customer_id])[customer_id]
    allocation = ledger.allocate(card)
    order = office_in(s).allocation_order
    disputed = complaints.disputed_by_invoice(s, customer_id, day or date.today())
    items = tuple(
        DueItem(i.entry_id, i.document_type, i.document_number, i.document_date, i.due_date,
                i.amount, i.open, i.invoice_id, _disputed_part(i, disputed))
        for i in counter_order(allocation.items, order, day or date.today())
        if i.open > 0)
    due = sum((i.payable for i in items), ZERO) - allocation.unapplied
    address = ", ".join(p for p in (customer.address, customer.place) if p)
    return Payer(customer.id, customer.code, customer.name, address, customer.kind,
                 customer.language, items, max(due, ZERO), allocation.unapplied, scanned)


def _disputed_part(item: OpenItem, disputed: dict[int, Decimal]) -> Decimal:
    """What of an open invoice an open complaint disputes (never more than is open)."""
    if item.document_type != "invoice" or item.invoice_id is None:
        return ZERO
    return min(disputed.get(item.invoice_id, ZERO), item.open)


def set_allocation_order(db: Database, operator: Operator, order: str) -> OfficeInfo:
    """The office's allocation order for money that names no invoice (an administrator's
    setting): ``oldest_first`` (004 §35.2, the default) or ``costs_first`` (costs, then
    interest, then principal). Payments already posted keep the allocation they were given."""
    operator.require(Permission.MANAGE_USERS)
    if order not in ALLOCATION_ORDERS:
        raise ValidationError([FieldError("allocation_order", N_(
            "Allocation order: oldest_first or costs_first."))])
    with db.unit_of_work() as s:
        changed = replace(office_in(s), allocation_order=order)
        save_office(s, changed)
        return changed


# --- paying -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentRequest:
    """What the counter sends. ``idempotency_key`` is made by the client once per payment
    (e.g. a uuid4) and sent again with every retry of it."""

    idempotency_key: str
    drawer_id: int
    desk: str
    customer_id: int
    means: str
    amount: Decimal | str
    #: Cash handed over (cash only; at least the amount). None: exactly the amount.
    received: Decimal | str | None = None
    #: Invoices the cashier chose to pay (004 §35.2); empty: the oldest open items first.
    invoice_ids: tuple[int, ...] = ()
    day: date | None = None


@dataclass(frozen=True)
class ReceiptLine:
    document_number: str
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    """A posted payment as its slip prints it."""

    id: int
    number: str
    office_code: str
    desk: str
    drawer_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    language: str
    document_date: date
    means: str
    amount: Decimal
    received: Decimal
    change: Decimal
    operator_code: str
    entry_id: int
    lines: tuple[ReceiptLine, ...] = field(default=())
    #: A reprint: the slip says DUPLIKAT.
    duplicate: bool = False


def pay(db: Database, operator: Operator, request: PaymentRequest) -> Receipt:
    """Post one payment at the counter (see the module's guarantees). Raises ValidationError
    naming the field (amount, received, means, drawer) or Conflict for a closed or foreign
    drawer."""
    operator.require(Permission.POST_PAYMENTS)
    key = _check_key(request.idempotency_key)
    try:
        with db.unit_of_work() as s:
            # A retry of a payment that has committed: that one, before any check of the
            # request (its drawer may be closed by now). One transaction with the posting:
            # the check after the series' lock in ``_post`` sees any commit in between.
            existing = _posted_in(s, key)
            if existing is not None:
                return existing
            return _post(s, operator, request, key)
    except IntegrityError:
        # Another call with the same key committed first: that one is the payment.
        existing = _posted(db, key)
        if existing is None:
            raise
        return existing


def _check_key(key: str) -> str:
    key = key.strip()
    if not 8 <= len(key) <= 64:
        raise ValueError("an idempotency key has 8 to 64 characters")
    return key


def _posted(db: Database, key: str) -> Receipt | None:
    with db.unit_of_work() as s:
        return _posted_in(s, key)


def _posted_in(s: Session, key: str) -> Receipt | None:
    receipt_id = s.scalar(select(CashReceipt.id).join(
        LedgerEntry, LedgerEntry.id == CashReceipt.entry_id).where(
        LedgerEntry.idempotency_key == key))
    return None if receipt_id is None else receipt_in(s, receipt_id)


def _check_request(request: PaymentRequest, customer: Customer) -> tuple[Decimal, Decimal]:
    errors: list[FieldError] = []
    if request.means not in MEANS:
        errors.append(FieldError("means", N_("Means of payment: cash or card.")))
    elif request.means == "card" and customer.kind != "household":
        errors.append(FieldError("means", N_(
            "Card payments are for households only (001 Član 4): take cash from a business.")))
    try:
        amount = parse_money(request.amount, "amount", N_("Amount"))
    except ValidationError as exc:
        errors.extend(exc.errors)
        amount = ZERO
    received = amount
    if request.received is not None and request.means == "cash":
        try:
            received = parse_money(request.received, "received", N_("Received"))
        except ValidationError as exc:
            errors.extend(exc.errors)
        if amount and received < amount:
            errors.append(FieldError("received", N_(
                "Received: less than the amount; take at least the amount or lower it.")))
    if errors:
        raise ValidationError(errors)
    return amount, received


def _drawer(s: Session, operator: Operator, request: PaymentRequest) -> CashSession:
    drawer = s.get(CashSession, request.drawer_id)
    if drawer is None or drawer.closed_at is not None:
        raise Conflict(N_("The drawer is closed: open a drawer before taking payments."),
                       "drawer")
    if drawer.created_by != operator.code or drawer.desk != check_desk(request.desk):
        raise Conflict(N_("Drawer {id} is not yours at this desk: open your own drawer."),
                       "drawer", id=drawer.id)
    return drawer


def _post(s: Session, operator: Operator, request: PaymentRequest, key: str) -> Receipt:
    customer = s.get(Customer, request.customer_id)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=request.customer_id)
    amount, received = _check_request(request, customer)
    drawer = _drawer(s, operator, request)
    day = request.day or date.today()
    card = ledger.entries(s, [customer.id])[customer.id]
    chunks = _chunks(card, request.invoice_ids, amount, office_in(s).allocation_order,
                     complaints.disputed_by_invoice(s, customer.id, day), day)
    sequence, number = issue_number(s, "receipt", drawer.office_code, day.year, drawer.desk)
    # The series' lock is held now: a retry of this payment from this desk that was ahead of
    # us has committed, so the first entry's idempotency key is refused by its unique index
    # (IntegrityError): the transaction rolls back (the number goes back) and ``pay`` returns
    # that payment. The entries go in with one statement.
    source = drawer_source(drawer.desk, drawer.id, request.means)
    ids = ledger.post_issued(s, operator.code, [Posting(
        customer.id, "payment", number if k == 1 else f"{number}/{k}", day,
        "", credit=chunk.amount, invoice_id=chunk.invoice_id,
        origin_entry_id=chunk.entry_id, source=source,
        idempotency_key=key if k == 1 else None)
        for k, chunk in enumerate(chunks, start=1)])
    row = CashReceipt(number=number, office_code=drawer.office_code, year=day.year,
                      desk=drawer.desk, sequence=sequence, session_id=drawer.id,
                      customer_id=customer.id, customer_code=customer.code,
                      customer_name=customer.name, language=customer.language,
                      document_date=day, means=request.means, amount=amount,
                      received=received, change=received - amount, entry_id=ids[0],
                      operator_code=operator.code)
    s.add(row)
    s.flush()
    new = [EntryData(_LAST + k, customer.id, day, "payment", number, "", ZERO, c.amount, None,
                     c.invoice_id, None, "", None, operator.code, c.entry_id)
           for k, c in enumerate(chunks, start=1)]
    lines = tuple(_settled(card, new))
    s.add_all([CashReceiptLine(receipt_id=row.id, document_number=line.document_number,
                               amount=line.amount) for line in lines])
    s.flush()
    return _receipt(row, lines)


class Chunk(NamedTuple):
    """One ledger credit of a payment: the invoice and the debit it settles (None: the oldest
    open items, or a credit on the card)."""

    invoice_id: int | None
    entry_id: int | None
    amount: Decimal


def _chunks(card: Sequence[EntryData], invoice_ids: Sequence[int], amount: Decimal,
            order: str = "oldest_first",
            disputed: dict[int, Decimal] | None = None,
            day: date | None = None) -> list[Chunk]:
    """The payment's credits. First one per invoice the cashier chose (what is open of it,
    its disputed part included: choosing it is the cashier's explicit word). The rest (or
    everything, when none was chosen) settles the open items in the office's allocation
    order, each up to its undisputed part, one credit per item; what is left is one credit
    that names nothing and stays on the card. With the seeds' order and nothing disputed
    that is all one credit, as the ledger allocates it anyway."""
    items = [i for i in ledger.allocate(card).items if i.open > 0]
    open_by_invoice = {i.invoice_id: i for i in items
                       if i.invoice_id is not None and i.document_type == "invoice"}
    chunks: list[Chunk] = []
    left = amount
    taken: dict[int, Decimal] = {}
    for invoice_id in invoice_ids:
        if invoice_id not in open_by_invoice:
            raise ValidationError([FieldError("invoices", N_(
                "The chosen invoice is not open on this customer's card; choose again."))])
        item = open_by_invoice[invoice_id]
        part = min(item.open, left)
        if part > 0:
            chunks.append(Chunk(invoice_id, item.entry_id, part))
            taken[item.entry_id] = part
            left -= part
    held = {i.entry_id: _disputed_part(i, disputed or {}) for i in items
            if i.invoice_id not in invoice_ids}
    held = {k: v for k, v in held.items() if v > 0}
    if left > 0 and (held or order != "oldest_first"):
        for item in counter_order(items, order, day or date.today()):
            part = min(item.open - taken.get(item.entry_id, ZERO)
                       - held.get(item.entry_id, ZERO), left)
            if part > 0:
                chunks.append(Chunk(item.invoice_id if item.document_type == "invoice"
                                    else None, item.entry_id, part))
                left -= part
        if left > 0 and held:
            raise ValidationError([FieldError("amount", N_(
                "Amount: {extra} more than is due without the disputed part of {documents} "
                "(an open complaint). Tick that invoice to pay its disputed part too, or "
                "lower the amount."), {"extra": f"{left:.2f}", "documents": ", ".join(
                    i.document_number for i in items if i.entry_id in held)})])
    if left > 0:
        chunks.append(Chunk(None, None, left))
    return chunks


def _settled(card: Sequence[EntryData], new: Sequence[EntryData]) -> list[ReceiptLine]:
    """What the new credits settle, as the ledger allocates them: the documents, oldest first,
    and the credit left on the card."""
    before = _settlements(ledger.allocate(card).items)
    after_alloc = ledger.allocate([*card, *new])
    after = _settlements(after_alloc.items)
    lines = [ReceiptLine(number, (after[number] - before.get(number, ZERO)).quantize(CENT))
             for number in after if after[number] != before.get(number, ZERO)]
    left = after_alloc.unapplied - ledger.allocate(card).unapplied
    if left > 0:
        lines.append(ReceiptLine("", left))
    return lines


def _settlements(items: Sequence[OpenItem]) -> dict[str, Decimal]:
    return {i.document_number: i.settled for i in items}


# --- reading receipts -------------------------------------------------------------------------

def receipt_in(s: Session, receipt_id: int, duplicate: bool = False) -> Receipt:
    row = s.get(CashReceipt, receipt_id)
    if row is None:
        raise NotFound(N_("Receipt {id} does not exist."), id=receipt_id)
    lines = tuple(ReceiptLine(n, a) for n, a in s.execute(
        select(CashReceiptLine.document_number, CashReceiptLine.amount)
        .where(CashReceiptLine.receipt_id == receipt_id).order_by(CashReceiptLine.id)))
    return _receipt(row, lines, duplicate)


def _receipt(row: CashReceipt, lines: tuple[ReceiptLine, ...],
             duplicate: bool = False) -> Receipt:
    return Receipt(row.id, row.number, row.office_code, row.desk, row.session_id,
                   row.customer_id, row.customer_code, row.customer_name, row.language,
                   row.document_date, row.means, row.amount, row.received, row.change,
                   row.operator_code, row.entry_id, lines, duplicate)


def receipt_by_number(db: Database, operator: Operator, number: str) -> Receipt:
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        found = s.scalar(select(CashReceipt.id).where(CashReceipt.number == number.strip()))
        if found is None:
            raise NotFound(N_("There is no receipt with number {number}."), "number",
                           number=number)
        return receipt_in(s, found)


def payment_entry_ids(s: Session, receipt: Receipt) -> list[int]:
    """Every ledger entry the receipt posted (one per chosen invoice)."""
    return list(s.scalars(select(LedgerEntry.id).where(
        LedgerEntry.document_type == "payment",
        (LedgerEntry.document_number == receipt.number)
        | LedgerEntry.document_number.like(receipt.number + "/%"))))
