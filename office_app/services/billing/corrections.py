"""Corrections of posted invoices (004 §37): a credit note lowers what the customer owes, a
debit note raises it. The invoice stays exactly as it was printed; the note is a document of
its own (own number series, gapless per office and year) that references it, and its amount
goes onto the financial card as a new entry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import CorrectionNote, Invoice
from office_app.services import ledger
from office_app.services.billing.pricing import ZERO, money
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission
from office_app.services.posting_seals import seal_posted

KINDS = ("credit", "debit")
KIND_LABELS = {"credit": N_("Credit note"), "debit": N_("Debit note")}
#: A debit note falls due this many days after it is issued.
DEBIT_NOTE_TERM = timedelta(days=15)


@dataclass(frozen=True)
class NoteRecord:
    id: int
    number: str
    kind: str
    invoice_id: int
    invoice_number: str
    customer_id: int
    issue_date: date
    reason: str
    net_amount: Decimal
    vat_rate: Decimal
    vat_amount: Decimal
    total: Decimal
    created_by: str
    created_at: datetime


def _record(s: Session, note: CorrectionNote) -> NoteRecord:
    invoice = s.get(Invoice, note.invoice_id)
    return NoteRecord(note.id, note.number, note.kind, note.invoice_id,
                      invoice.number if invoice else "", note.customer_id, note.issue_date,
                      note.reason, note.net_amount, note.vat_rate, note.vat_amount, note.total,
                      note.created_by, note.created_at)


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError([FieldError("net_amount", N_(
            "Amount: a positive amount in euros and cents."))])
    return amount


def credited_so_far(s: Session, invoice_id: int) -> tuple[Decimal, Decimal]:
    """Totals of the credit and debit notes already issued on an invoice."""
    rows = dict(s.execute(select(CorrectionNote.kind, func.sum(CorrectionNote.total))
                          .where(CorrectionNote.invoice_id == invoice_id)
                          .group_by(CorrectionNote.kind)).all())
    return Decimal(rows.get("credit") or 0), Decimal(rows.get("debit") or 0)


def issue_note(db: Database, operator: Operator, invoice_id: int, kind: str,
               net_amount: Decimal | str, reason: str,
               issue_date: date | None = None) -> NoteRecord:
    """Issue a credit or debit note of ``net_amount`` (before VAT, at the invoice's VAT rate).
    A credit note cannot take more than is left of the invoice after earlier notes."""
    operator.require(Permission.CORRECT_INVOICES)
    if kind not in KINDS:
        raise ValidationError([FieldError("kind", N_("Note: credit or debit."))])
    net = _amount(net_amount)
    if not reason.strip():
        raise ValidationError([FieldError("reason", N_("Reason: required."))])
    day = issue_date or date.today()
    with db.unit_of_work() as s:
        invoice = s.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(N_("Invoice {id} does not exist."), id=invoice_id)
        vat = money(net * invoice.vat_rate / 100)
        _check_limit(s, invoice, kind, net + vat)
        note = _issue(s, operator, invoice, kind, net, vat, reason.strip()[:200], day)
    seal_posted(db, operator.code, invoice.period, "correction")
    return note


def issue_note_in(s: Session, operator: Operator, invoice_id: int, kind: str,
                  net_amount: Decimal | str, reason: str, day: date) -> NoteRecord:
    """``issue_note`` inside the caller's transaction (a complaint links its note in the same
    unit of work)."""
    operator.require(Permission.CORRECT_INVOICES)
    if kind not in KINDS:
        raise ValidationError([FieldError("kind", N_("Note: credit or debit."))])
    net = _amount(net_amount)
    invoice = s.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(N_("Invoice {id} does not exist."), id=invoice_id)
    vat = money(net * invoice.vat_rate / 100)
    _check_limit(s, invoice, kind, net + vat)
    return _issue(s, operator, invoice, kind, net, vat, reason.strip()[:200], day)


def _check_limit(s: Session, invoice: Invoice, kind: str, total: Decimal) -> None:
    credited, debited = credited_so_far(s, invoice.id)
    left = invoice.total + debited - credited
    if kind == "credit" and total > left:
        raise Conflict(N_("A credit note cannot exceed what is left of the invoice "
                          "({amount} with VAT)."), "net_amount", amount=f"{left:.2f}")


def _issue(s: Session, operator: Operator, invoice: Invoice, kind: str, net: Decimal,
           vat: Decimal, reason: str, day: date) -> NoteRecord:
    office = office_in(s)
    series = "credit_note" if kind == "credit" else "debit_note"
    _seq, number = ledger.issue_number(s, series, office.code, day.year)
    _oseq, order = ledger.issue_number(s, "order", office.code, day.year)
    note_id = s.execute(insert(CorrectionNote).returning(CorrectionNote.id), [{
        "number": number, "kind": kind, "invoice_id": invoice.id,
        "customer_id": invoice.customer_id, "issue_date": day, "reason": reason,
        "net_amount": net, "vat_rate": invoice.vat_rate, "vat_amount": vat,
        "total": net + vat, "created_by": operator.code}]).scalar_one()
    total = net + vat
    ledger.post(s, operator, ledger.Posting(
        invoice.customer_id, series, number, day, f"{invoice.number} · {reason}"[:160],
        debit=total if kind == "debit" else ZERO, credit=total if kind == "credit" else ZERO,
        due_date=day + DEBIT_NOTE_TERM if kind == "debit" else None, invoice_id=invoice.id,
        period=invoice.period, order_number=order, order_date=day))
    note = s.get(CorrectionNote, note_id)
    assert note is not None
    return _record(s, note)


def notes_of(db: Database, operator: Operator, invoice_id: int) -> list[NoteRecord]:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        return [_record(s, n) for n in s.scalars(
            select(CorrectionNote).where(CorrectionNote.invoice_id == invoice_id)
            .order_by(CorrectionNote.id))]
