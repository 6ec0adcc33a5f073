"""Keeping periods of the office's records (DOMAIN.md; 001 Članovi 1–9, 004 §25) and archiving
what has passed its period.

Each kind of record is kept for its period counted from the event that ends its use: contract
papers 5 years after the contract ends (status ``N``), reading books 3 years after their
period, warnings 12 months and disconnection orders 1 year after issue, court cases 3 years
after the case ends, complaints 1 year after the answer. ``due_for_archiving`` is the
supervisor's report of what has passed its period on a day; ``archive`` removes the personal
data of those records (004 §25) — names, addresses, identifiers, contacts, the complaint's and
case's free text, the case's event notes and its files (erased in the database, the one change
a case file allows) — but never a posted document, an amount or a number: invoices, the
financial card, warnings, orders and the numbering stay as they were, so the books and the
audit (``office-app audit``) stay right.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import literal, select, update
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, FieldError, ValidationError
from office_app.models import (
    BillingPeriod,
    CaseAttachment,
    CaseEvent,
    Complaint,
    Customer,
    DebtWarning,
    DisconnectionOrder,
    LegalCase,
)
from office_app.models.base import utcnow
from office_app.services.customers import search_key
from office_app.services.permissions import Operator, Permission


@dataclass(frozen=True)
class KeepingPeriod:
    label: str
    years: int = 0
    months: int = 0
    #: Whether ``archive`` removes personal data of this kind (the rest are only reported:
    #: their rows hold no personal data beyond the customer they point to).
    archived: bool = False


KEEPING: dict[str, KeepingPeriod] = {
    "contract": KeepingPeriod(N_("Contract papers (5 years after the contract ends)"), 5,
                              archived=True),
    "reading_book": KeepingPeriod(N_("Reading books (3 years)"), 3),
    "warning": KeepingPeriod(N_("Warnings (12 months)"), months=12),
    "order": KeepingPeriod(N_("Disconnection orders (1 year)"), 1),
    "court_case": KeepingPeriod(N_("Court cases (3 years after the end)"), 3, archived=True),
    "complaint": KeepingPeriod(N_("Complaints (1 year after the answer)"), 1, archived=True),
}


def keep_until(kind: str, start: date) -> date:
    """The last day a record of ``kind`` whose period started on ``start`` must be kept."""
    period = KEEPING[kind]
    months = start.month - 1 + period.months
    year, month = start.year + period.years + months // 12, months % 12 + 1
    day = min(start.day, _days_in(year, month))
    return date(year, month, day)


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


#: The name an archived customer keeps: the code stays, the person is gone.
ARCHIVED_NAME = "—"


@dataclass(frozen=True)
class DueRecord:
    """A record past its keeping period."""

    kind: str
    record_id: int
    reference: str
    customer_code: str
    started_on: date
    kept_until: date


def due_for_archiving(db: Database, operator: Operator, on: date) -> list[DueRecord]:
    """Everything whose keeping period ended before ``on`` and that is not archived yet."""
    _require_supervisor(operator)
    with db.unit_of_work() as s:
        return _due(s, on)


def _require_supervisor(operator: Operator) -> None:
    # Supervisors and administrators: archiving reaches into the customer register and both
    # the litigation register and the complaint book.
    operator.require(Permission.ARCHIVE_RECORDS)


def _due(s: Session, on: date) -> list[DueRecord]:
    found: list[DueRecord] = []

    def add(kind: str, rows: object) -> None:
        for record_id, reference, code, start in rows:  # type: ignore[attr-defined]
            if start is not None and keep_until(kind, start) < on:
                found.append(DueRecord(kind, record_id, reference, code or "", start,
                                       keep_until(kind, start)))

    add("contract", s.execute(select(Customer.id, Customer.code, Customer.code,
                                     Customer.status_date)
                              .where(Customer.status == "N", Customer.name != ARCHIVED_NAME)))
    add("reading_book", s.execute(select(BillingPeriod.id, BillingPeriod.period, literal(""),
                                         BillingPeriod.processing_on)))
    add("warning", s.execute(select(DebtWarning.id, DebtWarning.number, Customer.code,
                                    DebtWarning.issued_on)
                             .join(Customer, Customer.id == DebtWarning.customer_id)))
    add("order", s.execute(select(DisconnectionOrder.id, DisconnectionOrder.number,
                                  Customer.code, DisconnectionOrder.issued_on)
                           .join(Customer, Customer.id == DisconnectionOrder.customer_id)))
    add("court_case", s.execute(select(LegalCase.id, LegalCase.court + " " +
                                       LegalCase.case_number, Customer.code, LegalCase.closed_on)
                                .join(Customer, Customer.id == LegalCase.customer_id)
                                .where(LegalCase.archived_on.is_(None))))
    add("complaint", s.execute(select(Complaint.id, Complaint.number, Customer.code,
                                      Complaint.answered_on)
                               .join(Customer, Customer.id == Complaint.customer_id)
                               .where(Complaint.archived_on.is_(None))))
    return sorted(found, key=lambda r: (list(KEEPING).index(r.kind), r.kept_until, r.record_id))


@dataclass(frozen=True)
class ArchiveResult:
    customers: int
    court_cases: int
    complaints: int
    #: Case files (scans, PDFs) erased with their cases.
    attachments: int = 0


#: Records archived per transaction: a cancelled or failed archiving keeps whole batches.
BATCH = 50


def archive(db: Database, operator: Operator, on: date,
            selection: Iterable[tuple[str, int]] | None = None,
            progress: Callable[[int, int], None] | None = None) -> ArchiveResult:
    """Remove the personal data of the contracts, court cases and complaints past their
    keeping period on ``on`` (004 §25) — all of them, or those of ``selection`` ((kind,
    record id) pairs of the report) that are still due. A contract loses its customer's
    names, addresses, identifiers and contacts (the e-mail address the complaint answers
    went to included); a court case its outcome, the notes of its events and its files
    (erased in the database); a complaint its text and reason. Amounts, numbers, dates and
    posted documents stay, so the books and the audit stay right. Work is committed in
    batches of ``BATCH`` records, each followed by ``progress(done, total)``: an exception
    raised by ``progress`` (a cancel) keeps the batches done."""
    _require_supervisor(operator)
    if on > date.today():
        raise ValidationError([FieldError("on", N_(
            "Date: archiving cannot look ahead of today."))])
    with db.unit_of_work() as s:
        due = [(r.kind, r.record_id) for r in _due(s, on) if r.kind in _ARCHIVERS]
    if selection is not None:
        chosen = set(selection)
        due = [r for r in due if r in chosen]
    counts = {"contract": 0, "court_case": 0, "complaint": 0, "attachment": 0}
    for start in range(0, len(due), BATCH):
        with db.unit_of_work() as s:
            for kind, record_id in due[start:start + BATCH]:
                counts["attachment"] += _ARCHIVERS[kind](s, operator, record_id, on)
                counts[kind] += 1
        if progress is not None:
            progress(min(start + BATCH, len(due)), len(due))
    return ArchiveResult(counts["contract"], counts["court_case"], counts["complaint"],
                         counts["attachment"])


def _archive_customer(s: Session, operator: Operator, customer_id: int, on: date) -> int:
    c = s.get(Customer, customer_id)
    assert c is not None
    c.surname = c.given_name = c.address = c.place = c.postal_code = c.phone = c.email = ""
    c.payment_arrangement = ""
    c.name = ARCHIVED_NAME
    c.personal_number = c.billing_number = c.tax_number = c.bank_account = None
    c.billing_address = c.billing_place = None
    c.household_members = None
    c.socially_vulnerable = False
    c.search_key = search_key(c.code, "", "", "", "")
    c.updated_at, c.updated_by = utcnow(), operator.code
    return 0


def _archive_case(s: Session, operator: Operator, case_id: int, on: date) -> int:
    """The case's outcome and event notes are emptied and its files erased; returns how many
    files. The case is marked archived first: the databases let a file be erased only then."""
    case = s.get(LegalCase, case_id)
    assert case is not None
    case.outcome, case.archived_on = "", on
    case.updated_at, case.updated_by = utcnow(), operator.code
    s.flush()
    s.execute(update(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.note != "")
              .values(note=""))
    erased = s.execute(update(CaseAttachment).where(
        CaseAttachment.case_id == case_id, CaseAttachment.erased_on.is_(None))
        .values(file_name="", content=b"", size=0, erased_on=on))
    return int(erased.rowcount or 0)  # type: ignore[attr-defined]


def _archive_complaint(s: Session, operator: Operator, complaint_id: int, on: date) -> int:
    row = s.get(Complaint, complaint_id)
    assert row is not None
    row.description, row.reason, row.archived_on = "", "", on
    row.updated_at, row.updated_by = utcnow(), operator.code
    return 0


_ARCHIVERS: dict[str, Callable[[Session, Operator, int, date], int]] = {
    "contract": _archive_customer, "court_case": _archive_case,
    "complaint": _archive_complaint}
