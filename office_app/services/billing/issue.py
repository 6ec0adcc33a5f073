"""Turning priced drafts into posted invoices: numbers from the numbering service, the invoice
and its lines, and the invoice's debit on the financial card, all in the caller's transaction
(so an invoice is either completely there, or not at all)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from office_app.models import Invoice, InvoiceLine
from office_app.models.base import utcnow
from office_app.models.ledger import table_of
from office_app.services import ledger
from office_app.services.billing.account import AccountSnapshot
from office_app.services.billing.points import WorkItem
from office_app.services.billing.pricing import InvoiceDraft
from office_app.services.billing.references import invoice_reference
from office_app.services.bulk_insert import insert_rows
from office_app.services.office import OfficeInfo


@dataclass(frozen=True)
class Prepared:
    """An invoice ready to be numbered and written."""

    item: WorkItem
    line: Any            # the ConsumptionLine, or None for a point without a meter
    draft: InvoiceDraft
    account: AccountSnapshot


@dataclass(frozen=True)
class IssuedInvoice:
    id: int
    number: str
    point_id: int
    customer_id: int
    total: Decimal


@dataclass(frozen=True)
class IssueContext:
    office: OfficeInfo
    period: str
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    run_id: int | None
    operator_code: str
    order_number: str
    order_date: date


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _reading_columns(line: Any) -> dict[str, Any]:
    if line is None:
        return {}
    return {"meter_numbers": " / ".join(line.meter_numbers)[:80], "constant": line.constant,
            "previous_date": line.previous_date, "current_date": line.current_date,
            "previous_vt": line.previous_vt, "current_vt": line.current_vt,
            "vt_quantity": line.vt_quantity, "previous_mt": line.previous_mt,
            "current_mt": line.current_mt, "mt_quantity": line.mt_quantity,
            "peak_load": line.peak_load, "estimated": bool(line.estimated),
            "self_read": bool(line.self_read), "settlement": bool(line.settlement)}


def _invoice_row(ctx: IssueContext, p: Prepared, sequence: int, number: str,
                 now: datetime) -> dict[str, Any]:
    item, draft, acc = p.item, p.draft, p.account
    row: dict[str, Any] = {
        "meter_numbers": "", "constant": None, "previous_date": None, "current_date": None,
        "previous_vt": None, "current_vt": None, "vt_quantity": None, "previous_mt": None,
        "current_mt": None, "mt_quantity": None, "peak_load": None, "estimated": False,
        "self_read": False, "settlement": False}
    row.update(_reading_columns(p.line))
    row.update({
        "number": number, "office_code": ctx.office.code, "year": ctx.issue_date.year,
        "sequence": sequence, "period": ctx.period, "period_start": ctx.period_start,
        "period_end": ctx.period_end, "service_start": item.service_start,
        "service_end": item.service_end, "issue_date": ctx.issue_date,
        "due_date": ctx.due_date, "run_id": ctx.run_id, "point_id": item.point_id,
        "customer_id": item.customer_id, "customer_code": item.customer_code,
        "customer_name": item.customer_name[:120], "customer_address": item.customer_address[:200],
        "customer_kind": item.customer_kind, "category": item.category,
        "tax_number": item.tax_number, "language": item.language,
        "point_number": item.point_number, "point_address": item.point_address[:200],
        "zone_code": item.zone_code, "reading_code": item.reading_code,
        "tariff_group": item.group, "net_amount": draft.net, "vat_rate": draft.vat_rate,
        "vat_amount": draft.vat, "total": draft.total,
        "payment_reference": invoice_reference(ctx.office.code, item.customer_code,
                                               ctx.issue_date.year, sequence),
        "previous_invoice_date": acc.previous_invoice_date,
        "balance_before": acc.balance_before, "payments_since": acc.payments_since,
        "interest_since": acc.interest_since, "other_since": acc.other_since,
        "closing_balance": acc.closing_balance, "older_debt": acc.older_debt,
        "older_debt_count": acc.older_debt_count, "interest_rate": acc.interest_rate,
        "interest_base": acc.interest_base, "created_at": now,
        "created_by": ctx.operator_code})
    return row


def _line_rows(invoice_id: int, draft: InvoiceDraft) -> list[dict[str, Any]]:
    return [{"invoice_id": invoice_id, "position": n, "element": ln.element,
             "quantity": ln.quantity, "unit": ln.unit, "unit_price": ln.unit_price,
             "share_days": ln.share_days, "period_days": ln.period_days,
             "valid_from": ln.valid_from, "valid_to": ln.valid_to, "amount": ln.amount,
             "taxable": ln.taxable,
             "params": json.dumps(dict(ln.params), ensure_ascii=False) if ln.params else "",
             "charge_id": ln.charge_id}
            for n, ln in enumerate(draft.lines, start=1)]


def write_invoices(s: Session, ctx: IssueContext,
                   prepared: Sequence[Prepared]) -> list[IssuedInvoice]:
    """Number and write ``prepared`` invoices and post them to the financial cards. Numbers
    are taken last, right before the rows are written, so the counter row stays locked for
    as short a time as possible."""
    if not prepared:
        return []
    numbers = ledger.issue_numbers(s, "invoice", ctx.office.code, ctx.issue_date.year,
                                   len(prepared))
    now = utcnow()
    rows = [_invoice_row(ctx, p, seq, number, now)
            for p, (seq, number) in zip(prepared, numbers, strict=True)]
    ids = insert_rows(s, table_of(Invoice), rows)
    lines = [r for invoice_id, p in zip(ids, prepared, strict=True)
             for r in _line_rows(invoice_id, p.draft)]
    insert_rows(s, table_of(InvoiceLine), lines, want_ids=False)
    ledger.post_many(s, ctx.operator_code, [
        ledger.Posting(p.item.customer_id, "invoice", number, ctx.issue_date,
                       f"{ctx.period} · {p.item.point_number}", debit=p.draft.total,
                       due_date=ctx.due_date, invoice_id=invoice_id, period=ctx.period,
                       order_number=ctx.order_number, order_date=ctx.order_date)
        for invoice_id, p, (_seq, number) in zip(ids, prepared, numbers, strict=True)],
        want_ids=False)
    return [IssuedInvoice(i, number, p.item.point_id, p.item.customer_id, p.draft.total)
            for i, p, (_seq, number) in zip(ids, prepared, numbers, strict=True)]
