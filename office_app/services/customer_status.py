"""The one service that sets and clears the status letters ``I``, ``T`` and ``N``.

Each letter belongs to a process: ``I`` (disconnected) to the disconnection field record and
the reconnection that clears it, ``T`` (sued) to the litigation register, ``N`` (inactive) to
the contract termination. Those processes call ``set_status`` / ``clear_status`` inside their
own unit of work, naming the document they come from; nobody sets a letter by hand.

Guarantees: every change is a row of ``customer_status_change`` with the origin document (kind,
id, number), the date, the operator and the letter it replaced; the customer's ``status`` and
``status_date`` always equal what the history says. A customer may be sued and disconnected at
once: the letter set last shows, and clearing it brings the other one back with its date. ``N``
is final. Setting a letter the customer already has, or clearing one they do not have, raises
Conflict. The calling process checks its own permission (the service is called in its
transaction), so this module checks none for writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, NotFound
from office_app.models import Customer, CustomerStatusChange
from office_app.models.base import utcnow
from office_app.models.customers import STATUSES
from office_app.services import audit
from office_app.services.permissions import Operator, Permission

#: The documents a status change may come from, with how they read on screen.
ORIGIN_KINDS: dict[str, str] = {
    "disconnection": N_("Disconnection field record"),
    "reconnection": N_("Reconnection field record"),
    "lawsuit": N_("Lawsuit"),
    "lawsuit_closed": N_("Lawsuit closed"),
    "termination": N_("Contract termination"),
    "import": N_("Carried over from the old system"),
}

_STATUS_NAMES = {"I": N_("disconnected (I)"), "T": N_("sued (T)"),
                 "N": N_("inactive after contract termination (N)")}


@dataclass(frozen=True)
class StatusOrigin:
    """The document a status change comes from: its kind (a key of ORIGIN_KINDS), its row id
    in the owning register and the number printed on it."""

    kind: str
    id: int | None = None
    number: str = ""


@dataclass(frozen=True)
class StatusChange:
    """One row of a customer's status history, as the customer tab shows it."""

    id: int
    status: str | None
    status_date: date | None
    previous_status: str | None
    at: datetime
    operator_code: str
    reason: str
    origin_kind: str
    origin_id: int | None
    origin_number: str


def set_status(s: Session, operator: Operator, customer_id: int, status: str, on_date: date,
               origin: StatusOrigin, reason: str = "") -> None:
    """Give the customer the letter ``status`` from ``on_date``. Raises Conflict when the
    customer already has it (or has ended their contract)."""
    customer = _customer(s, customer_id)
    _check(status, origin)
    top, below = _stack(s, customer)
    if top == "N":
        raise Conflict(N_("Customer {code} has ended their contract (N); their status no "
                          "longer changes."), "status", code=customer.code)
    if status in (top, below):
        raise Conflict(N_("Customer {code} is already {status}."), "status",
                       code=customer.code, status=_STATUS_NAMES[status])
    _write(s, operator, customer, status, on_date, top, origin, reason)


def clear_status(s: Session, operator: Operator, customer_id: int, status: str,
                 on_date: date, origin: StatusOrigin, reason: str = "") -> None:
    """Take the letter ``status`` away (reconnection clears I, the end of a lawsuit T); the
    other letter the customer still has, if any, shows again with its own date."""
    customer = _customer(s, customer_id)
    _check(status, origin)
    top, below = _stack(s, customer)
    if status == "N" or status not in (top, below):
        raise Conflict(N_("Customer {code} is not {status}; there is nothing to clear."),
                       "status", code=customer.code, status=_STATUS_NAMES[status])
    remaining = below if status == top else top
    if remaining is None:
        _write(s, operator, customer, None, None, None, origin, reason, on_date)
        return
    since = s.scalar(select(CustomerStatusChange.status_date).where(
        CustomerStatusChange.customer_id == customer.id,
        CustomerStatusChange.status == remaining,
        CustomerStatusChange.previous_status.is_distinct_from(remaining))
        .order_by(CustomerStatusChange.id.desc()).limit(1))
    _write(s, operator, customer, remaining, since or on_date, None, origin, reason, on_date)


def status_history(db: Database, operator: Operator, customer_id: int) -> list[StatusChange]:
    """The customer's status changes, newest first."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        rows = s.scalars(select(CustomerStatusChange).where(
            CustomerStatusChange.customer_id == customer_id)
            .order_by(CustomerStatusChange.id.desc())).all()
        return [StatusChange(r.id, r.status, r.status_date, r.previous_status, r.at,
                             r.operator_code, r.reason, r.origin_kind, r.origin_id,
                             r.origin_number) for r in rows]


def _customer(s: Session, customer_id: int) -> Customer:
    customer = s.get(Customer, customer_id, with_for_update=True)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    return customer


def _check(status: str, origin: StatusOrigin) -> None:
    if status not in STATUSES or origin.kind not in ORIGIN_KINDS:
        raise ValueError(f"status {status!r} from {origin.kind!r}: not a known letter or origin")


def _stack(s: Session, customer: Customer) -> tuple[str | None, str | None]:
    """The letter that shows and the one under it (a sued customer disconnected, say)."""
    if customer.status is None:
        return None, None
    latest = s.scalar(select(CustomerStatusChange).where(
        CustomerStatusChange.customer_id == customer.id)
        .order_by(CustomerStatusChange.id.desc()).limit(1))
    if latest is None or latest.status != customer.status:
        return customer.status, None
    return customer.status, latest.previous_status


def _write(s: Session, operator: Operator, customer: Customer, status: str | None,
           status_date: date | None, below: str | None, origin: StatusOrigin, reason: str,
           changed_on: date | None = None) -> None:
    old = {"status": customer.status, "status_date": customer.status_date}
    customer.status, customer.status_date = status, status_date
    customer.updated_at, customer.updated_by = utcnow(), operator.code
    s.add(CustomerStatusChange(
        customer_id=customer.id, status=status, status_date=status_date or changed_on,
        operator_code=operator.code, reason=reason.strip()[:200], origin_kind=origin.kind,
        origin_id=origin.id, origin_number=origin.number[:30], previous_status=below))
    s.flush()
    audit.record(s, operator, "customer", customer.id, customer.id, "status", old,
                 {"status": status, "status_date": status_date, "origin": origin.kind,
                  "origin_number": origin.number})


__all__ = ["ORIGIN_KINDS", "StatusChange", "StatusOrigin", "clear_status", "set_status",
           "status_history"]
