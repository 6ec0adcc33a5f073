"""What only a supervisor may do at the cash desk: reprint a slip (marked DUPLIKAT, recorded)
and reverse a wrong payment (storno: new linked entries with the reason, never an edit)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from office_app.db import Database
from office_app.errors import N_, FieldError, ValidationError
from office_app.models.cashdesk import CashReceiptPrint
from office_app.models.ledger import LedgerEntry
from office_app.services import ledger
from office_app.services.cashdesk.counter import Receipt, payment_entry_ids, receipt_in
from office_app.services.numbering import issue_number
from office_app.services.permissions import Operator, Permission


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError([FieldError("reason", N_(
            "Reason: required; say why (e.g. the printer jammed)."))])
    return reason.strip()[:200]


def reprint(db: Database, supervisor: Operator, receipt_id: int, reason: str,
            printed_by: str | None = None) -> Receipt:
    """The slip again, marked DUPLIKAT; the reprint is recorded with who asked and why.
    Only a supervisor may (PostgreSQL refuses the record to anyone else)."""
    supervisor.require(Permission.SUPERVISE_CASH)
    why = _reason(reason)
    with db.unit_of_work() as s:
        receipt = receipt_in(s, receipt_id, duplicate=True)
        s.add(CashReceiptPrint(receipt_id=receipt_id, printed_by=printed_by or supervisor.code,
                               supervisor_code=supervisor.code, reason=why))
        return receipt


def reprints(db: Database, operator: Operator, receipt_id: int) -> list[tuple[str, str, str]]:
    """(printed by, supervisor, reason) of every reprint of a slip, oldest first."""
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        return [(a, b, c) for a, b, c in s.execute(
            select(CashReceiptPrint.printed_by, CashReceiptPrint.supervisor_code,
                   CashReceiptPrint.reason).where(CashReceiptPrint.receipt_id == receipt_id)
            .order_by(CashReceiptPrint.id))]


def reverse_payment(db: Database, supervisor: Operator, receipt_id: int, reason: str,
                    day: date | None = None) -> list[str]:
    """Storno of a payment taken at the counter: one reversing entry per entry it posted,
    each linked to it, numbered in the storno series. Returns the storno numbers."""
    supervisor.require(Permission.SUPERVISE_CASH)
    why = _reason(reason)
    day = day or date.today()
    with db.unit_of_work() as s:
        receipt = receipt_in(s, receipt_id)
        numbers = []
        for entry_id in payment_entry_ids(s, receipt):
            _seq, number = issue_number(s, "storno", receipt.office_code, day.year)
            ledger.reverse(s, supervisor, entry_id, why, day, number)
            numbers.append(number)
        return numbers


def is_reversed(db: Database, operator: Operator, receipt_id: int) -> bool:
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        receipt = receipt_in(s, receipt_id)
        return s.scalar(select(LedgerEntry.id).where(
            LedgerEntry.origin_entry_id == receipt.entry_id,
            LedgerEntry.document_type == "payment_reversal")) is not None
