"""The litigation register's invariant: status ``T`` (sued) and an open court case go together.

A customer with an open case shows ``T`` (or ``I`` when they were disconnected after being sued:
the status service shows the letter set last and keeps ``T`` under it); a customer showing
``T`` has an open case in the register."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import Customer, LegalCase
from office_app.services.integrity.base import Scope, Violation, integrity_check

_OPEN = and_(LegalCase.customer_id == Customer.id, LegalCase.closed_on.is_(None))


@integrity_check("legal_status")
def check_sued_status(s: Session, scope: Scope) -> Iterator[Violation]:
    """Every ``T`` has an open case and every open case its ``T``."""
    for code, in s.execute(select(Customer.code).where(
            Customer.status == "T", ~exists().where(_OPEN)).order_by(Customer.code)):
        yield Violation("legal_status", N_(
            "Customer {code} is marked T (sued) but has no open case in the litigation "
            "register."), {"code": code}, customer_code=code)
    rows = s.execute(select(Customer.code, LegalCase.court, LegalCase.case_number)
                     .join(LegalCase, _OPEN)
                     .where(Customer.status.is_distinct_from("T"),
                            Customer.status.is_distinct_from("I"))
                     .order_by(Customer.code, LegalCase.id))
    for code, court, number in rows:
        yield Violation("legal_status", N_(
            "Case {court} {number} is open but customer {code} is not marked T (sued)."),
            {"court": court, "number": number, "code": code}, customer_code=code,
            document=f"{court} {number}")
