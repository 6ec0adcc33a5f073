"""Payment references: every invoice's model 97 reference is digits the bank can carry, its
check digits pass ISO 7064 MOD 97-10, it is the reference of that invoice (office, customer,
year, sequence) and no other document has it."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Text, and_, cast, false, func, literal, or_, select
from sqlalchemy.orm import Session
from stdnum.iso7064 import mod_97_10

from office_app.errors import N_
from office_app.models import Invoice
from office_app.services.billing.references import INVOICE, invoice_reference, office_digits
from office_app.services.integrity.base import Scope, Violation, integrity_check

NAME = "payment_references"
_MAX_DIGITS = 20


def reference_problem(reference: str, expected: str) -> str | None:
    """The msgid of what is wrong with ``reference`` (None when it is right)."""
    if not reference.isdigit() or len(reference) > _MAX_DIGITS:
        return N_("Reference {reference} is not up to {digits} digits.")
    if not mod_97_10.is_valid(reference + mod_97_10.calc_check_digits(reference)):
        return N_("Reference {reference} fails the MOD 97-10 check.")
    if reference != expected:
        return N_("Reference {reference} does not point to this invoice (it should be "
                  "{expected}).")
    return None


def _expected_sql(office: str) -> Any:
    """PostgreSQL: ``invoice_reference`` in SQL for one office, to pick the rows Python then
    confirms (the office part, the invoice kind digit, two digits of the year, seven of the
    sequence)."""
    i = Invoice
    return (literal(office_digits(office) + INVOICE)
            + func.lpad(cast(i.year % 100, Text), 2, "0")
            + func.lpad(cast(i.sequence, Text), 7, "0"))


@integrity_check(NAME)
def check_references(s: Session, scope: Scope) -> Iterator[Violation]:
    i = Invoice
    stmt = select(i.payment_reference, i.office_code, i.customer_code, i.year, i.sequence,
                  i.number, i.point_number)
    if scope.period:
        stmt = stmt.where(i.period == scope.period)
    if s.get_bind().dialect.name == "postgresql":
        offices = list(s.scalars(select(i.office_code).distinct()))
        stmt = stmt.where(or_(false(), *(and_(
            i.office_code == office,
            i.payment_reference != _expected_sql(office))
            for office in offices)))
    for reference, office, code, year, sequence, number, point in s.execute(stmt):
        expected = invoice_reference(office, code, year, sequence)
        problem = reference_problem(reference, expected)
        if problem:
            yield Violation(NAME, problem, {"reference": reference, "expected": expected,
                                            "digits": _MAX_DIGITS}, code, point, number)
    shared = select(i.payment_reference).group_by(i.payment_reference).having(func.count() > 1)
    for reference, number, code, point in s.execute(
            select(i.payment_reference, i.number, i.customer_code, i.point_number)
            .where(i.payment_reference.in_(shared)).order_by(i.payment_reference, i.id)):
        yield Violation(NAME, N_("Reference {reference} is shared by more than one "
                                 "document; a payment with it cannot be matched."),
                        {"reference": reference}, code, point, number)
