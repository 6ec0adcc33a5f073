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

from office_app.models import BilledInterval, Invoice, InvoiceLine
from office_app.models.base import utcnow
from office_app.models.ledger import table_of
from office_app.services import ledger
from office_app.services.billing.account import AccountSnapshot
from office_app.services.billing.matching import INTERVAL_COLUMNS, interval_rows
from office_app.services.billing.points import WorkItem
from office_app.services.billing.pricing import InvoiceDraft
from office_app.services.billing.references import invoice_reference
from office_app.services.bulk_insert import insert_tuples
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


#: The invoice columns a batch writes, in the order ``_invoice_row`` builds them: first the
#: ones every invoice of a batch shares, then the invoice's own (rows are plain tuples; a
#: dict per row costs more than the COPY that writes it).
BATCH_COLUMNS = ("office_code", "year", "period", "period_start", "period_end", "issue_date",
                 "due_date", "run_id", "created_at", "created_by")
READING_COLUMNS = ("meter_numbers", "constant", "previous_date", "current_date",
                   "previous_vt", "current_vt", "vt_quantity", "previous_mt", "current_mt",
                   "mt_quantity", "peak_load", "estimated", "self_read", "settlement")
NO_READING = ("", None, None, None, None, None, None, None, None, None, None, False, False,
              False)
INVOICE_COLUMNS = (
    *BATCH_COLUMNS, "number", "sequence", "service_start", "service_end", "point_id",
    "customer_id", "customer_code", "customer_name", "customer_address", "customer_kind",
    "category", "tax_number", "language", "point_number", "point_address", "zone_code",
    "reading_code", "tariff_group", *READING_COLUMNS, "net_amount", "vat_rate", "vat_amount",
    "total", "payment_reference", "previous_invoice_date", "balance_before", "payments_since",
    "interest_since", "other_since", "closing_balance", "older_debt", "older_debt_count",
    "interest_rate", "interest_base")
LINE_COLUMNS = ("invoice_id", "position", "element", "quantity", "unit", "unit_price",
                "share_days", "period_days", "valid_from", "valid_to", "amount", "taxable",
                "params", "charge_id")


def _reading_values(line: Any) -> tuple[Any, ...]:
    if line is None:
        return NO_READING
    return (" / ".join(line.meter_numbers)[:80], line.constant, line.previous_date,
            line.current_date, line.previous_vt, line.current_vt, line.vt_quantity,
            line.previous_mt, line.current_mt, line.mt_quantity, line.peak_load,
            bool(line.estimated), bool(line.self_read), bool(line.settlement))


def _batch_values(ctx: IssueContext, now: datetime) -> tuple[Any, ...]:
    return (ctx.office.code, ctx.issue_date.year, ctx.period, ctx.period_start,
            ctx.period_end, ctx.issue_date, ctx.due_date, ctx.run_id, now, ctx.operator_code)


def _invoice_row(ctx: IssueContext, shared: tuple[Any, ...], p: Prepared, sequence: int,
                 number: str) -> tuple[Any, ...]:
    """One invoice's values in INVOICE_COLUMNS order (``shared``: ``_batch_values``)."""
    item, draft, acc = p.item, p.draft, p.account
    return (*shared, number, sequence, item.service_start, item.service_end, item.point_id,
            item.customer_id, item.customer_code, item.customer_name[:120],
            item.customer_address[:200], item.customer_kind, item.category, item.tax_number,
            item.language, item.point_number, item.point_address[:200], item.zone_code,
            item.reading_code, item.group, *_reading_values(p.line), draft.net,
            draft.vat_rate, draft.vat, draft.total,
            invoice_reference(ctx.office.code, item.customer_code, ctx.issue_date.year,
                              sequence),
            acc.previous_invoice_date, acc.balance_before, acc.payments_since,
            acc.interest_since, acc.other_since, acc.closing_balance, acc.older_debt,
            acc.older_debt_count, acc.interest_rate, acc.interest_base)


def _line_rows(invoice_id: int, draft: InvoiceDraft) -> list[tuple[Any, ...]]:
    """The invoice's lines in LINE_COLUMNS order."""
    return [(invoice_id, n, ln.element, ln.quantity, ln.unit, ln.unit_price, ln.share_days,
             ln.period_days, ln.valid_from, ln.valid_to, ln.amount, ln.taxable,
             json.dumps(dict(ln.params), ensure_ascii=False) if ln.params else "",
             ln.charge_id)
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
    shared = _batch_values(ctx, utcnow())
    rows = [_invoice_row(ctx, shared, p, seq, number)
            for p, (seq, number) in zip(prepared, numbers, strict=True)]
    ids = insert_tuples(s, table_of(Invoice), INVOICE_COLUMNS, rows)
    lines = [r for invoice_id, p in zip(ids, prepared, strict=True)
             for r in _line_rows(invoice_id, p.draft)]
    insert_tuples(s, table_of(InvoiceLine), LINE_COLUMNS, lines, want_ids=False)
    # The reading intervals each invoice bills: a unique index on their start and on their
    # end reading refuses (and rolls the whole batch back) any interval billed before.
    intervals = [r for invoice_id, p in zip(ids, prepared, strict=True)
                 for r in interval_rows(invoice_id, p.item.customer_id, p.line)]
    if intervals:
        insert_tuples(s, table_of(BilledInterval), INTERVAL_COLUMNS, intervals,
                      want_ids=False)
    ledger.post_many(s, ctx.operator_code, [
        ledger.Posting(p.item.customer_id, "invoice", number, ctx.issue_date,
                       f"{ctx.period} · {p.item.point_number}", debit=p.draft.total,
                       due_date=ctx.due_date, invoice_id=invoice_id, period=ctx.period,
                       order_number=ctx.order_number, order_date=ctx.order_date)
        for invoice_id, p, (_seq, number) in zip(ids, prepared, numbers, strict=True)],
        want_ids=False)
    return [IssuedInvoice(i, number, p.item.point_id, p.item.customer_id, p.draft.total)
            for i, p, (_seq, number) in zip(ids, prepared, numbers, strict=True)]
