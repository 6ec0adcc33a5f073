"""The customer record extract (004 §24.1): everything the register holds about one customer,
printed so the customer can check it and ask for corrections.

``gather_extract`` collects the data into frozen dataclasses; ``customer_extract`` prints it
in the customer's document language (or the one asked for) and records in the audit log who
printed it. The extract carries the customer's account for the last 24 months (004 §25.1 j:
every invoice and other document, its payment status, every payment), so printing one needs
the permissions to view customers and the ledger.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.i18n import LANGUAGES
from office_app.models import CustomerStatusChange, PointHolding
from office_app.printing.customer_extract import customer_extract_pdf
from office_app.services import audit, ledger, metering, network
from office_app.services.customers import CustomerRecord, get_customer
from office_app.services.metering import HoldingRecord, InstallationRecord, PointRecord
from office_app.services.office import OfficeInfo, get_office
from office_app.services.permissions import Operator, Permission

AUDIT_ACTION = "print_extract"
#: How far back the extract's account goes (004 §25.1 j: at least 24 months).
HISTORY_MONTHS = 24


@dataclass(frozen=True)
class StatusChange:
    """One change of the customer's status letter (None: status cleared)."""

    at: datetime
    status: str | None
    status_date: date | None
    operator_code: str
    reason: str


@dataclass(frozen=True)
class PointExtract:
    """A metering point the customer holds or held, with the customer's own holding periods
    only (other holders are not the customer's data) and the meters that sat on the point
    during those periods, newest first."""

    point: PointRecord
    zone_name: str
    held: tuple[HoldingRecord, ...]
    installations: tuple[InstallationRecord, ...]

    @property
    def current(self) -> bool:
        return any(h.valid_to is None for h in self.held)


@dataclass(frozen=True)
class AccountEntry:
    """One document on the customer's account: a debit (invoice, interest, debit note …) with
    what is still open of it today, or a credit (payment, credit note …) with ``open`` None.
    ``settled_on`` is the day a debit was settled in full."""

    document_date: date
    document_type: str
    document_number: str
    period: str | None
    debit: Decimal
    credit: Decimal
    balance: Decimal
    open: Decimal | None
    settled_on: date | None


@dataclass(frozen=True)
class AccountHistory:
    """The account from ``since`` (the first day of the month 24 months back) to today:
    ``opening_balance`` carries everything before, ``closing_balance`` is the balance now."""

    since: date
    opening_balance: Decimal
    entries: tuple[AccountEntry, ...]
    closing_balance: Decimal


@dataclass(frozen=True)
class CustomerExtract:
    office: OfficeInfo
    customer: CustomerRecord
    points: tuple[PointExtract, ...]
    status_history: tuple[StatusChange, ...]
    operator_code: str
    printed_at: datetime
    account: AccountHistory | None = None


def _overlaps(inst: InstallationRecord, held: tuple[HoldingRecord, ...]) -> bool:
    return any((inst.removed_on is None or inst.removed_on >= h.valid_from)
               and (h.valid_to is None or inst.installed_on <= h.valid_to) for h in held)


def _point_extract(db: Database, operator: Operator, customer_id: int, point_id: int,
                   zone_names: dict[int, str]) -> PointExtract:
    point = metering.get_point(db, operator, point_id)
    held = tuple(h for h in metering.holding_history(db, operator, point_id)
                 if h.customer_id == customer_id)
    installations = tuple(i for i in metering.meter_history(db, operator, point_id)
                          if _overlaps(i, held))
    return PointExtract(point, zone_names.get(point.zone_id, ""), held, installations)


def _history(db: Database, customer_id: int) -> tuple[list[int], tuple[StatusChange, ...]]:
    """Ids of every point the customer ever held (current ones first), and status changes."""
    with db.unit_of_work() as s:
        holdings = s.execute(select(PointHolding.point_id, PointHolding.valid_to)
                             .where(PointHolding.customer_id == customer_id)
                             .order_by(PointHolding.valid_to.is_not(None),
                                       PointHolding.valid_from.desc(), PointHolding.id))
        point_ids = list(dict.fromkeys(point_id for point_id, _ in holdings))
        changes = s.scalars(select(CustomerStatusChange)
                            .where(CustomerStatusChange.customer_id == customer_id)
                            .order_by(CustomerStatusChange.at, CustomerStatusChange.id))
        return point_ids, tuple(StatusChange(c.at, c.status, c.status_date, c.operator_code,
                                             c.reason) for c in changes)


def history_start(today: date, months: int = HISTORY_MONTHS) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _entry(e: ledger.EntryData, balance: Decimal,
           item: ledger.OpenItem | None) -> AccountEntry:
    if item is None:
        return AccountEntry(e.document_date, e.document_type, e.document_number, e.period,
                            e.debit, e.credit, balance, None, None)
    settled_on = (max((d for d, _a in item.settlements), default=None)
                  if item.open == 0 else None)
    return AccountEntry(e.document_date, e.document_type, e.document_number, e.period,
                        e.debit, e.credit, balance, item.open, settled_on)


def account_history(s: Session, customer_id: int, today: date) -> AccountHistory:
    """The customer's account for the last HISTORY_MONTHS months, each debit with its
    payment status (payments settle debts as the ledger allocates them: the invoice a
    payment names first, then the oldest)."""
    since = history_start(today)
    everything = ledger.entries(s, [customer_id], today)[customer_id]
    items = {i.entry_id: i for i in ledger.allocate(everything).items}
    opening = sum((e.amount for e in everything if e.document_date < since), Decimal(0))
    running, rows = opening, []
    for e in everything:
        if e.document_date >= since:
            running += e.amount
            rows.append(_entry(e, running, items.get(e.id) if e.debit > 0 else None))
    return AccountHistory(since, opening, tuple(rows), running)


def gather_extract(db: Database, operator: Operator, customer_id: int,
                   today: date | None = None) -> CustomerExtract:
    """Everything stored about the customer, with the account since 24 months before
    ``today``. Raises PermissionDenied or NotFound."""
    operator.require(Permission.VIEW_CUSTOMERS)
    operator.require(Permission.VIEW_LEDGER)
    customer = get_customer(db, operator, customer_id)
    point_ids, status_history = _history(db, customer_id)
    zone_names = {z.id: z.name for z in network.list_zones(db, operator)}
    points = tuple(_point_extract(db, operator, customer_id, pid, zone_names)
                   for pid in point_ids)
    printed_at = datetime.now().astimezone()
    with db.unit_of_work() as s:
        account = account_history(s, customer_id, today or printed_at.date())
    return CustomerExtract(get_office(db), customer, points, status_history, operator.code,
                           printed_at, account)


def customer_extract(db: Database, operator: Operator, customer_id: int,
                     language: str | None = None) -> bytes:
    """The extract as PDF bytes, in ``language`` or else the customer's document language.

    The audit log records that the operator printed it (action ``print_extract``) only once
    the PDF was made. Raises PermissionDenied or NotFound."""
    data = gather_extract(db, operator, customer_id)
    chosen = language if language in LANGUAGES else data.customer.language
    pdf = customer_extract_pdf(data, chosen)
    with db.unit_of_work() as s:
        audit.record(s, operator, "customer", customer_id, customer_id, AUDIT_ACTION, None,
                     {"language": chosen})
    return pdf


__all__ = ["AUDIT_ACTION", "AccountEntry", "AccountHistory", "CustomerExtract", "PointExtract",
           "StatusChange", "account_history", "customer_extract", "gather_extract",
           "history_start"]
