"""The audit log of register changes: who changed which field of which record, and how."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.models import AuditEntry
from office_app.services.permissions import Operator, Permission


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    operator_code: str
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date | datetime | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return str(value)


def record(session: Session, operator: Operator, entity: str, entity_id: int,
           customer_id: int | None, action: str, old: Mapping[str, Any] | None,
           new: Mapping[str, Any]) -> int:
    """Write one audit row per changed field (all fields on create); returns how many."""
    count = 0
    for name, value in new.items():
        before = None if old is None else old.get(name)
        if old is not None and _text(before) == _text(value):
            continue
        session.add(AuditEntry(operator_code=operator.code, entity=entity, entity_id=entity_id,
                               customer_id=customer_id, action=action, field=name,
                               old_value=_text(before), new_value=_text(value)))
        count += 1
    if count == 0 and old is None:
        session.add(AuditEntry(operator_code=operator.code, entity=entity, entity_id=entity_id,
                               customer_id=customer_id, action=action, field=None))
    return count


def customer_history(db: Database, operator: Operator, customer_id: int) -> list[AuditRecord]:
    """Every change to the customer and to points and meters while the customer held them."""
    operator.require(Permission.VIEW_AUDIT)
    with db.unit_of_work() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.customer_id == customer_id)
                         .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
        return [AuditRecord(r.at, r.operator_code, r.entity, r.entity_id, r.action, r.field,
                            r.old_value, r.new_value) for r in rows]
