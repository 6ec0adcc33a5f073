"""The daily collection report (001 Član 4): every payment taken at the counter on one day with
office code, customer code and name, document date, archive order number and date, operator
code and amount; per cashier and desk (one drawer) and for the office, with totals by means of
payment. The archive copy of every slip is filed with its drawer's report: the archive order
is the drawer (``KASA1/12``) and its date the day the drawer was opened."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from office_app.db import Database
from office_app.models.cashdesk import MEANS, CashReceipt, CashSession
from office_app.models.ledger import LedgerEntry
from office_app.services.cashdesk.drawers import ZERO
from office_app.services.office import OfficeInfo, office_in
from office_app.services.permissions import Operator, Permission


@dataclass(frozen=True)
class ReportRow:
    office_code: str
    customer_code: str
    customer_name: str
    document_date: date
    document_number: str
    archive_order: str
    archive_date: date
    operator_code: str
    means: str
    amount: Decimal
    #: Reversed (storno) by a supervisor: the card was corrected.
    reversed: bool = False
    #: In the totals: False when it was reversed while its drawer was open (the money left
    #: the drawer); a payment reversed after closing was handed over with the drawer.
    counted: bool = True


@dataclass(frozen=True)
class DrawerReport:
    drawer_id: int
    desk: str
    cashier_code: str
    rows: tuple[ReportRow, ...]
    totals: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


@dataclass(frozen=True)
class DailyReport:
    office: OfficeInfo
    day: date
    drawers: tuple[DrawerReport, ...]
    totals: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    @property
    def count(self) -> int:
        return sum(len(d.rows) for d in self.drawers)


def _totals(rows: list[ReportRow]) -> dict[str, Decimal]:
    return {m: sum((r.amount for r in rows if r.means == m and r.counted), ZERO)
            for m in MEANS}


def daily_report(db: Database, operator: Operator, day: date) -> DailyReport:
    """Every counter payment dated ``day``, grouped by drawer (cashier and desk)."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        office = office_in(s)
        reversed_at = {origin: when for origin, when in s.execute(
            select(LedgerEntry.origin_entry_id, LedgerEntry.posted_at).where(
                LedgerEntry.document_type == "payment_reversal"))}
        rows = s.execute(
            select(CashReceipt, CashSession.opened_on, CashSession.created_by,
                   CashSession.closed_at)
            .join(CashSession, CashSession.id == CashReceipt.session_id)
            .where(CashReceipt.document_date == day)
            .order_by(CashReceipt.desk, CashReceipt.session_id, CashReceipt.sequence)).all()
    groups: dict[int, tuple[str, str, list[ReportRow]]] = {}
    for receipt, opened_on, cashier, closed_at in rows:
        when = reversed_at.get(receipt.entry_id)
        group = groups.setdefault(receipt.session_id, (receipt.desk, cashier, []))
        group[2].append(ReportRow(
            receipt.office_code, receipt.customer_code, receipt.customer_name,
            receipt.document_date, receipt.number, f"{receipt.desk}/{receipt.session_id}",
            opened_on, receipt.operator_code, receipt.means, receipt.amount,
            when is not None,
            when is None or (closed_at is not None and when > closed_at)))
    drawers = tuple(DrawerReport(i, desk, cashier, tuple(found), _totals(found))
                    for i, (desk, cashier, found) in groups.items())
    every = [r for d in drawers for r in d.rows]
    return DailyReport(office, day, drawers, _totals(every))
