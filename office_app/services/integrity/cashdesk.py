"""Cash desk invariants: every closed drawer's system totals equal the sum of its ledger
entries, and its recorded difference is what was counted less the float and those totals
(what the close box showed the cashier); receipt numbers are gapless per office, year and
desk; every receipt's amount is what its ledger entries credited; no idempotency key was
posted twice."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import CashReceipt, CashSession, LedgerEntry
from office_app.services.cashdesk.drawers import taken
from office_app.services.integrity.base import Scope, Violation, integrity_check

NAME = "cash_desk"


@integrity_check(NAME)
def check_cash_desk(session: Session, scope: Scope) -> Iterable[Violation]:
    del scope  # drawers and receipts are checked whole: a period does not split them
    yield from _drawers(session)
    yield from _gaps(session)
    yield from _receipt_amounts(session)
    yield from _keys(session)


def _drawers(s: Session) -> Iterable[Violation]:
    for row in s.scalars(select(CashSession).where(CashSession.closed_at.is_not(None))):
        cash, card, _n = taken(s, row)
        if (cash, card) != (row.system_cash, row.system_card):
            yield Violation(NAME, N_(
                "Drawer {id} (desk {desk}) closed with system totals {cash} cash and {card} "
                "card, but its ledger entries add up to {ledger_cash} and {ledger_card}."),
                dict(id=row.id, desk=row.desk, cash=row.system_cash, card=row.system_card,
                     ledger_cash=cash, ledger_card=card), document=f"drawer {row.id}")
        elif row.difference != _difference(row):
            yield Violation(NAME, N_(
                "Drawer {id} (desk {desk}) records a difference of {difference}, but what was "
                "counted less the opening float and the system totals is {computed}."),
                dict(id=row.id, desk=row.desk, difference=row.difference,
                     computed=_difference(row)), document=f"drawer {row.id}")


def _difference(row: CashSession) -> Decimal | None:
    """Counted cash less float and system cash, plus counted card less system card."""
    counted_cash, counted_card = row.counted_cash, row.counted_card
    system_cash, system_card = row.system_cash, row.system_card
    if counted_cash is None or counted_card is None or system_cash is None \
            or system_card is None:
        return None
    return (counted_cash - row.opening_float - system_cash) + (counted_card - system_card)


def _gaps(s: Session) -> Iterable[Violation]:
    rows = s.execute(select(CashReceipt.office_code, CashReceipt.year, CashReceipt.desk,
                            func.count(), func.max(CashReceipt.sequence))
                     .group_by(CashReceipt.office_code, CashReceipt.year, CashReceipt.desk))
    for office, year, desk, count, last in rows:
        if count != last:
            yield Violation(NAME, N_(
                "Receipts of desk {desk} ({office}, {year}) are not gapless: {count} receipts "
                "numbered up to {last}."),
                dict(desk=desk, office=office, year=year, count=count, last=last),
                document=f"{office}-{year}-{desk}")


def _receipt_amounts(s: Session) -> Iterable[Violation]:
    credited = (select(func.coalesce(func.sum(LedgerEntry.credit), 0))
                .where(LedgerEntry.document_type == "payment",
                       (LedgerEntry.document_number == CashReceipt.number)
                       | LedgerEntry.document_number.like(CashReceipt.number + "/%"))
                .correlate(CashReceipt).scalar_subquery())
    rows = s.execute(select(CashReceipt.number, CashReceipt.customer_code, CashReceipt.amount,
                            credited))
    for number, customer, amount, credit in rows:
        if Decimal(credit).quantize(Decimal("0.01")) != amount:
            yield Violation(NAME, N_(
                "Receipt {number} is for {amount}, but the ledger credits {credit} for it."),
                dict(number=number, amount=amount, credit=Decimal(credit)),
                customer_code=customer, document=number)


def _keys(s: Session) -> Iterable[Violation]:
    rows = s.execute(select(LedgerEntry.idempotency_key, func.count())
                     .where(LedgerEntry.idempotency_key.is_not(None))
                     .group_by(LedgerEntry.idempotency_key).having(func.count() > 1))
    for key, count in rows:
        yield Violation(NAME, N_("Idempotency key {key} was posted {count} times."),
                        dict(key=key, count=count), document=key or "")
