"""Invoice arithmetic: every line's quantity × unit price (× share_days / period_days) rounded
half-up is its amount, the lines add up to the net, VAT is the taxable lines × rate, the
total is net + VAT, and the figures the printed invoice shows (the ``InvoiceDoc`` printing is
given: its lines, totals, account box and "to pay") are the stored ones.

The definition is the Python one (``invoice_problems``). On PostgreSQL, whose NUMERIC is
exact, the same arithmetic in SQL first picks the invoices that may break it, so a year of
invoices is not carried into Python; on SQLite every invoice is checked in Python.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import CompoundSelect, case, func, literal, or_, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import Invoice, InvoiceLine
from office_app.services.billing.elements import COMMON_SHARE
from office_app.services.billing.invoices import STORED_FIELDS, InvoiceDoc, LineDoc
from office_app.services.billing.pricing import HUNDRED, ZERO, money
from office_app.services.bulk_insert import one_of
from office_app.services.integrity.base import Scope, Violation, integrity_check

NAME = "invoice_arithmetic"
_CHUNK = 2000
_DOC_COLUMNS = [getattr(Invoice, name) for name in STORED_FIELDS]
_LINE_COLUMNS = (InvoiceLine.invoice_id, InvoiceLine.element, InvoiceLine.quantity,
                 InvoiceLine.unit, InvoiceLine.unit_price, InvoiceLine.share_days,
                 InvoiceLine.period_days, InvoiceLine.valid_from, InvoiceLine.valid_to,
                 InvoiceLine.amount, InvoiceLine.taxable, InvoiceLine.params)


def line_amount(line: LineDoc) -> Decimal:
    """What a line must amount to: quantity × unit price (× share of days), half-up."""
    value = line.quantity * line.unit_price
    if line.share_days is not None and line.period_days:
        value = value * line.share_days / line.period_days
    return money(value)


def invoice_problems(doc: InvoiceDoc) -> list[tuple[str, dict[str, Any]]]:
    """Every arithmetic error of one printed invoice, as (msgid, params)."""
    problems: list[tuple[str, dict[str, Any]]] = []
    for n, line in enumerate(doc.lines, start=1):
        if line.element == COMMON_SHARE.code:
            continue            # a share of another point's total, checked with that point
        expected = line_amount(line)
        if expected != line.amount:
            problems.append((N_("Line {line} ({element}): {quantity} × {price} should be "
                                "{expected}, the invoice says {amount}."),
                             {"line": n, "element": line.element, "quantity": line.quantity,
                              "price": line.unit_price, "expected": expected,
                              "amount": line.amount}))
    net = sum((ln.amount for ln in doc.lines), ZERO)
    taxable = sum((ln.amount for ln in doc.lines if ln.taxable), ZERO)
    if net != doc.net_amount:
        problems.append((N_("The lines add up to {expected}, the invoice's net says {amount}."),
                         {"expected": net, "amount": doc.net_amount}))
    vat = money(taxable * doc.vat_rate / HUNDRED)
    if vat != doc.vat_amount:
        problems.append((N_("VAT {rate} % of {base} is {expected}, the invoice says {amount}."),
                         {"rate": doc.vat_rate, "base": taxable, "expected": vat,
                          "amount": doc.vat_amount}))
    if doc.net_amount + doc.vat_amount != doc.total:
        problems.append((N_("Net {net} + VAT {vat} is not the total {total}."),
                         {"net": doc.net_amount, "vat": doc.vat_amount, "total": doc.total}))
    closing = (doc.balance_before - doc.payments_since + doc.interest_since + doc.other_since
               + doc.total)
    if closing != doc.closing_balance:
        problems.append((N_("The account box adds up to {expected}, the invoice prints a "
                            "balance of {amount}."),
                         {"expected": closing, "amount": doc.closing_balance}))
    return problems


def _suspects_sql(scope: Scope) -> CompoundSelect:
    """PostgreSQL: ids of invoices whose arithmetic fails in exact NUMERIC."""
    ln = InvoiceLine
    share = func.coalesce(ln.share_days, 1) * literal(Decimal(1)) / func.coalesce(
        func.nullif(ln.period_days, 0), 1)
    bad_line = select(ln.invoice_id).where(
        ln.element != COMMON_SHARE.code,
        ln.amount != func.round(ln.quantity * ln.unit_price * share, 2))
    sums = (select(ln.invoice_id.label("invoice_id"), func.sum(ln.amount).label("net"),
                   func.sum(case((ln.taxable, ln.amount), else_=0)).label("taxable"))
            .group_by(ln.invoice_id).subquery())
    i = Invoice
    net = func.coalesce(sums.c.net, 0)
    bad_total = (select(i.id).select_from(i).outerjoin(sums, sums.c.invoice_id == i.id)
                 .where(or_(net != i.net_amount,
                            i.vat_amount != func.round(
                                func.coalesce(sums.c.taxable, 0) * i.vat_rate / 100, 2),
                            i.total != i.net_amount + i.vat_amount,
                            i.closing_balance != i.balance_before - i.payments_since
                            + i.interest_since + i.other_since + i.total)))
    if scope.period:
        bad_line = bad_line.where(ln.invoice_id.in_(
            select(i.id).where(i.period == scope.period)))
        bad_total = bad_total.where(i.period == scope.period)
    return bad_line.union(bad_total)


def _all_ids(s: Session, scope: Scope) -> list[int]:
    stmt = select(Invoice.id).order_by(Invoice.id)
    if scope.period:
        stmt = stmt.where(Invoice.period == scope.period)
    return list(s.scalars(stmt))


def load_documents(s: Session, ids: Sequence[int], lines: bool = True) -> list[InvoiceDoc]:
    """The InvoiceDocs printing is given (without their lines unless ``lines``), read with
    Core."""
    found: dict[int, list[LineDoc]] = defaultdict(list)
    conn = s.connection()
    stmt = (select(*_LINE_COLUMNS).where(one_of(s, InvoiceLine.invoice_id, ids))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.position))
    for row in conn.execute(stmt) if lines else ():
        (invoice_id, element, quantity, unit, price, share_days, period_days, valid_from,
         valid_to, amount, taxable, params) = row
        found[invoice_id].append(LineDoc(element, quantity, unit, price, share_days,
                                         period_days, valid_from, valid_to, amount, taxable,
                                         json.loads(params or "{}")))
    names = [c.key for c in _DOC_COLUMNS]
    return [InvoiceDoc(**dict(zip(names, row, strict=True)), lines=tuple(found[row[0]]))
            for row in conn.execute(select(*_DOC_COLUMNS).where(one_of(s, Invoice.id, ids))
                                    .order_by(Invoice.id))]


@integrity_check(NAME)
def check_invoice_arithmetic(s: Session, scope: Scope) -> Iterator[Violation]:
    if s.get_bind().dialect.name == "postgresql":
        ids = sorted(set(s.scalars(_suspects_sql(scope))))
    else:
        ids = _all_ids(s, scope)
    for start in range(0, len(ids), _CHUNK):
        for doc in load_documents(s, ids[start:start + _CHUNK]):
            for msg_id, params in invoice_problems(doc):
                yield Violation(NAME, msg_id, {k: str(v) for k, v in params.items()},
                                doc.customer_code, doc.point_number, doc.number)
