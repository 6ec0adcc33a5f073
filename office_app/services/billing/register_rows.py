"""The readings an invoice prints: one row per register of each meter whose intervals the
invoice billed (an old meter from its previous to its final reading, the new one from its
initial to its current reading), so that every consumption can be checked from the page:
(current − previous) × constant, per register."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from office_app.models import BilledInterval, Meter, Reading


@dataclass(frozen=True)
class RegisterDoc:
    """One printed register row: ``register`` is 'vt', 'mt' or 'total' (a single-rate or
    water meter's only register)."""

    meter_number: str
    register: str
    constant: Decimal
    previous: Decimal | None
    previous_date: date
    current: Decimal | None
    current_date: date
    quantity: Decimal


def register_docs(s: Session, invoice_ids: Sequence[int]) -> dict[int, tuple[RegisterDoc, ...]]:
    """The register rows of each invoice (none for an invoice without billed intervals)."""
    start, end = aliased(Reading), aliased(Reading)
    rows = s.execute(
        select(BilledInterval.invoice_id, BilledInterval.meter_id, Meter.number, Meter.constant,
               Meter.two_rate, BilledInterval.vt, BilledInterval.mt, start.vt, start.mt,
               start.read_on, end.vt, end.mt, end.read_on)
        .join(Meter, Meter.id == BilledInterval.meter_id)
        .join(start, start.id == BilledInterval.start_reading_id)
        .join(end, end.id == BilledInterval.end_reading_id)
        .where(BilledInterval.invoice_id.in_(list(invoice_ids)))
        .order_by(BilledInterval.invoice_id, BilledInterval.end_on,
                  BilledInterval.end_reading_id)).all()
    groups: dict[int, list[list]] = defaultdict(list)
    for row in rows:
        meters = groups[row[0]]
        if meters and meters[-1][0][1] == row[1]:
            meters[-1].append(row)
        else:
            meters.append([row])
    return {invoice: tuple(doc for meter in meters for doc in _docs(meter))
            for invoice, meters in groups.items()}


def _docs(rows: list) -> list[RegisterDoc]:
    first, last = rows[0], rows[-1]
    number, constant, two_rate = first[2], first[3], first[4]
    vt = sum((r[5] for r in rows), Decimal(0))
    docs = [RegisterDoc(number, "vt" if two_rate else "total", constant, first[7], first[9],
                        last[10], last[12], vt)]
    if two_rate:
        mt = sum((r[6] or Decimal(0) for r in rows), Decimal(0))
        docs.append(RegisterDoc(number, "mt", constant, first[8], first[9], last[11],
                                last[12], mt))
    return docs
