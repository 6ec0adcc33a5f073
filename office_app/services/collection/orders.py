"""Disconnection and reconnection orders (001 Član 6) and their field records.

The order run for a date issues one disconnection order per metering point of each customer
whose last warning (the water office's second reminder) ran out with a debit it chased still
open. The field crew's list shows every order not yet carried out, flagged for cancellation
when the customer paid after the order was issued. The field record of a disconnection sets
status ``I`` (services/customer_status.py) and books the disconnection fee for the next
invoice; reconnection needs the whole debt and both fees paid (an advance on the card covers
the fees not yet invoiced), gets its own order and field record, and clears ``I`` when the
customer's last disconnected point is back.

Guarantees: at most one order per warning and point (a unique key: the run repeated for the
date issues nothing twice); no order without a warning whose deadline passed; no
disconnection of a point already disconnected; no reconnection with money still owed.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import (
    Customer,
    DebtWarning,
    DisconnectionOrder,
    DisconnectionRecord,
    DunningRun,
    InvoiceLine,
    LedgerEntry,
    Meter,
    MeteringPoint,
    MeterInstallation,
    OtherCharge,
    PointHolding,
    WarningItem,
)
from office_app.models.base import utcnow
from office_app.services import audit, customer_status, ledger, runs
from office_app.services.billing import points as billing_points
from office_app.services.billing.pricing import MissingTariff, PriceBook, money
from office_app.services.billing.tariffs import price_book
from office_app.services.bulk_insert import one_of
from office_app.services.collection import hooks
from office_app.services.collection.warnings import PAYMENT_TYPES, check_as_of
from office_app.services.customer_status import StatusOrigin
from office_app.services.ledger import ZERO
from office_app.services.numbering import next_number
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

FEES = ("disconnection", "reconnection")
_PREFIX = {"disconnection": "NI", "reconnection": "NP"}


def format_number(kind: str, office_code: str, year: int, sequence: int) -> str:
    return f"{_PREFIX[kind]}-{office_code}-{year}-{sequence:05d}"


@dataclass(frozen=True)
class OrderCandidate:
    warning_id: int
    warning_number: str
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    point_id: int
    point_number: str
    point_address: str
    meter_number: str
    debt: Decimal


@dataclass(frozen=True)
class OrderRunResult:
    run_id: int | None
    as_of: date
    issued: int
    already_issued: int
    order_ids: tuple[int, ...]
    dry_run: bool = False
    #: Stopped between batches at the user's request; run again for the date to go on.
    cancelled: bool = False


# --- who gets an order ------------------------------------------------------------------------

#: Orders per committed batch of a run.
BATCH = 200


def _final_level(utility: str) -> int:
    return 2 if utility == "water" else 1


def _meters(s: Session, point_ids: Sequence[int]) -> dict[int, str]:
    if not point_ids:
        return {}
    return {p: n for p, n in s.execute(
        select(MeterInstallation.point_id, Meter.number)
        .join(Meter, Meter.id == MeterInstallation.meter_id)
        .where(one_of(s, MeterInstallation.point_id, list(point_ids)),
               MeterInstallation.removed_on.is_(None)))}


def disconnected_points(s: Session, point_ids: Sequence[int]) -> set[int]:
    """Points whose last field record is a disconnection."""
    if not point_ids:
        return set()
    last = (select(DisconnectionRecord.point_id, func.max(DisconnectionRecord.id).label("id"))
            .where(one_of(s, DisconnectionRecord.point_id, list(point_ids)))
            .group_by(DisconnectionRecord.point_id).subquery())
    return set(s.scalars(select(DisconnectionRecord.point_id)
                         .join(last, last.c.id == DisconnectionRecord.id)
                         .where(DisconnectionRecord.kind == "disconnection")))


def _open_points(s: Session, customer_ids: Sequence[int]) -> dict[int, list[MeteringPoint]]:
    found: dict[int, list[MeteringPoint]] = {}
    for customer_id, point in s.execute(
            select(PointHolding.customer_id, MeteringPoint)
            .join(MeteringPoint, MeteringPoint.id == PointHolding.point_id)
            .where(one_of(s, PointHolding.customer_id, list(customer_ids)),
                   PointHolding.valid_to.is_(None))
            .order_by(MeteringPoint.number)).all():
        found.setdefault(customer_id, []).append(point)
    return found


def _still_owed(s: Session, warnings: Sequence[DebtWarning], as_of: date) -> dict[int, Decimal]:
    """{warning id: what is still open on ``as_of`` of the debits it chased}."""
    chased: dict[int, set[int]] = {}
    for warning_id, entry_id in s.execute(select(WarningItem.warning_id, WarningItem.entry_id)
                                          .where(one_of(s, WarningItem.warning_id,
                                                        [w.id for w in warnings]))):
        chased.setdefault(warning_id, set()).add(entry_id)
    cards = ledger.entries(s, [w.customer_id for w in warnings], as_of)
    found = {}
    for w in warnings:
        items = ledger.allocate(cards[w.customer_id]).items
        found[w.id] = sum((i.open_on(as_of) for i in items if i.entry_id in chased.get(w.id, ())),
                          ZERO)
    return found


def _candidates(s: Session, as_of: date, warning_ids: Sequence[int] | None = None
                ) -> list[OrderCandidate]:
    utility = office_in(s).utility
    query = (select(DebtWarning).join(Customer, Customer.id == DebtWarning.customer_id)
             .where(DebtWarning.level == _final_level(utility), DebtWarning.deadline < as_of,
                    Customer.status.is_distinct_from("N"),
                    ~select(DisconnectionOrder.id).where(
                        DisconnectionOrder.warning_id == DebtWarning.id).exists())
             .order_by(DebtWarning.id))
    if warning_ids is not None:
        query = query.where(DebtWarning.id.in_(list(warning_ids)))
    warnings = list(s.scalars(query))
    if not warnings:
        return []
    owed = _still_owed(s, warnings, as_of)
    held = hooks.not_demanded(s, sorted({w.customer_id for w in warnings}), as_of)
    for w in warnings:  # an open complaint's disputed amount is not enforced (003 III.1)
        owed[w.id] = max(owed[w.id] - held.get(w.customer_id, (ZERO, ""))[0], ZERO)
    warnings = [w for w in warnings if owed[w.id] > 0]
    customers = {c.id: c for c in s.scalars(select(Customer).where(
        one_of(s, Customer.id, [w.customer_id for w in warnings])))}
    points = _open_points(s, list(customers))
    all_points = [p.id for ps in points.values() for p in ps]
    meters = _meters(s, all_points)
    down = disconnected_points(s, all_points)
    found = []
    for w in warnings:
        c = customers[w.customer_id]
        for p in points.get(c.id, []):
            if p.id in down:
                continue
            found.append(OrderCandidate(
                w.id, w.number, c.id, c.code, c.name, _address(c), p.id, p.number,
                ", ".join(x for x in (p.address, p.place) if x), meters.get(p.id, ""),
                owed[w.id]))
    return found


def _address(c: Customer) -> str:
    return ", ".join(p for p in (c.address, c.place) if p)


def preview_orders(db: Database, operator: Operator, as_of: date) -> list[OrderCandidate]:
    """The orders the run for ``as_of`` would issue."""
    operator.require(Permission.COLLECT_DEBT)
    check_as_of(as_of)
    with db.unit_of_work() as s:
        return _candidates(s, as_of)


def _issue(s: Session, operator: Operator, c: OrderCandidate, as_of: date,
           run_id: int | None) -> int:
    office = office_in(s)
    sequence = next_number(s, f"disconnection:{office.code}:{as_of.year}")
    row = DisconnectionOrder(
        number=format_number("disconnection", office.code, as_of.year, sequence),
        kind="disconnection", customer_id=c.customer_id, point_id=c.point_id,
        meter_number=c.meter_number, warning_id=c.warning_id, issued_on=as_of, debt=c.debt,
        run_id=run_id, created_by=operator.code)
    s.add(row)
    s.flush()
    s.execute(update(DebtWarning).where(DebtWarning.id == c.warning_id).values(
        outcome="order", updated_at=utcnow(), updated_by=operator.code))
    return row.id


def run_orders(db: Database, operator: Operator, as_of: date, dry_run: bool = False,
               progress: Callable[[int, int], None] | None = None,
               take_over: bool = False, cancelled: Callable[[], bool] | None = None,
               batch_size: int = BATCH) -> OrderRunResult:
    """Issue the disconnection orders of the date on the shared run machinery
    (services/runs.py: one run at a time, committed batches, heartbeat, resumable; repeated,
    it issues nothing twice). ``cancelled`` is asked between batches; a cancelled run is
    resumed by the next run for the date."""
    operator.require(Permission.COLLECT_DEBT)
    check_as_of(as_of)
    if dry_run:
        return OrderRunResult(None, as_of, len(preview_orders(db, operator, as_of)), 0, (),
                              True)
    issued: list[int] = []
    stopped = False
    with runs.exclusive_run(db, operator, take_over, record=DunningRun) as claim:
        with claim.session() as s:
            run, _resumed = claim.claim(s, "orders", as_of.isoformat())
            run_id = run.id
        with db.unit_of_work() as s:
            candidates = _candidates(s, as_of)
        for start in range(0, len(candidates), batch_size):
            if cancelled is not None and cancelled():
                stopped = True
                break
            batch = candidates[start:start + batch_size]
            with db.unit_of_work() as s:
                claim.check(s)
                fresh = _candidates(s, as_of, sorted({c.warning_id for c in batch}))
                keys = {(c.warning_id, c.point_id) for c in batch}
                made = [_issue(s, operator, c, as_of, run_id)
                        for c in fresh if (c.warning_id, c.point_id) in keys]
                issued += made
                s.execute(update(DunningRun).where(DunningRun.id == run_id).values(
                    points_total=len(candidates),
                    documents_made=DunningRun.documents_made + len(made)))
            if progress is not None:
                progress(min(start + batch_size, len(candidates)), len(candidates))
        claim.finish("cancelled" if stopped else "completed")
    return OrderRunResult(run_id, as_of, len(issued), len(candidates) - len(issued),
                          tuple(issued), cancelled=stopped)


def issue_order(db: Database, operator: Operator, warning_id: int, as_of: date) -> list[int]:
    """Issue the disconnection order(s) of one warning by hand. Refuses a warning whose
    deadline has not passed, one already paid, or one already ordered."""
    operator.require(Permission.COLLECT_DEBT)
    check_as_of(as_of)
    with db.unit_of_work() as s:
        warning = s.get(DebtWarning, warning_id)
        if warning is None:
            raise NotFound(N_("Warning {id} does not exist."), id=warning_id)
        utility = office_in(s).utility
        if warning.level != _final_level(utility):
            raise Conflict(N_("Warning {number} is a first reminder; a disconnection order "
                              "follows only the second one."), "warning", number=warning.number)
        if warning.deadline >= as_of:
            raise Conflict(N_("The deadline of warning {number} runs until {deadline}; an "
                              "order can be issued only after it has passed."), "warning",
                           number=warning.number,
                           deadline=warning.deadline.strftime("%d.%m.%Y"))
        candidates = _candidates(s, as_of, [warning_id])
        if not candidates:
            raise Conflict(N_("Warning {number} needs no order: it was already ordered, the "
                              "debt it chased is paid or disputed in an open complaint, or "
                              "the customer has no connected point."), "warning",
                           number=warning.number)
        return [_issue(s, operator, c, as_of, None) for c in candidates]


# --- the register and the field crew's list ---------------------------------------------------

@dataclass(frozen=True)
class OrderRecord:
    id: int
    number: str
    kind: str
    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    point_id: int
    point_number: str
    point_address: str
    meter_number: str
    warning_number: str
    issued_on: date
    debt: Decimal
    status: str
    cancel_reason: str
    #: Paid after the order was issued and not yet carried out: the crew should not go.
    cancel_suggested: bool
    done_on: date | None
    reading: Decimal | None
    remarks: str
    created_by: str


@dataclass(frozen=True)
class OrderQuery:
    kind: str | None = None
    status: str | None = None
    customer_id: int | None = None
    since: date | None = None
    until: date | None = None
    limit: int = 5000


def _order_records(s: Session, rows: Sequence[DisconnectionOrder]) -> list[OrderRecord]:
    if not rows:
        return []
    ids = [o.id for o in rows]
    customers = {c.id: c for c in s.scalars(select(Customer).where(
        one_of(s, Customer.id, sorted({o.customer_id for o in rows}))))}
    points = {p.id: p for p in s.scalars(select(MeteringPoint).where(
        one_of(s, MeteringPoint.id, sorted({o.point_id for o in rows}))))}
    warnings = {i: n for i, n in s.execute(select(DebtWarning.id, DebtWarning.number).where(
        one_of(s, DebtWarning.id, sorted({o.warning_id for o in rows if o.warning_id})
               or [0])))}
    records = {r.order_id: r for r in s.scalars(select(DisconnectionRecord).where(
        one_of(s, DisconnectionRecord.order_id, ids)))}
    paid = _paid_since(s, [o for o in rows if o.status == "issued"])
    found = []
    for o in rows:
        c, p, r = customers[o.customer_id], points[o.point_id], records.get(o.id)
        found.append(OrderRecord(
            o.id, o.number, o.kind, c.id, c.code, c.name, _address(c), p.id, p.number,
            ", ".join(x for x in (p.address, p.place) if x), o.meter_number,
            warnings.get(o.warning_id or 0, ""), o.issued_on, o.debt, o.status,
            o.cancel_reason, o.kind == "disconnection" and o.id in paid,
            r.done_on if r else None, r.reading if r else None, r.remarks if r else "",
            o.created_by))
    return found


def _paid_since(s: Session, orders: Sequence[DisconnectionOrder]) -> set[int]:
    """Open disconnection orders whose customer paid after the order was issued."""
    found = set()
    for o in orders:
        if o.kind != "disconnection":
            continue
        paid = s.scalar(select(LedgerEntry.id).where(
            LedgerEntry.customer_id == o.customer_id,
            LedgerEntry.document_type.in_(PAYMENT_TYPES),
            LedgerEntry.posted_at > o.created_at).limit(1))
        if paid is not None:
            found.add(o.id)
    return found


def order_register(db: Database, operator: Operator,
                   query: OrderQuery = OrderQuery()) -> list[OrderRecord]:
    """Orders, newest first, with their field records."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        stmt = select(DisconnectionOrder)
        if query.kind is not None:
            stmt = stmt.where(DisconnectionOrder.kind == query.kind)
        if query.status is not None:
            stmt = stmt.where(DisconnectionOrder.status == query.status)
        if query.customer_id is not None:
            stmt = stmt.where(DisconnectionOrder.customer_id == query.customer_id)
        if query.since is not None:
            stmt = stmt.where(DisconnectionOrder.issued_on >= query.since)
        if query.until is not None:
            stmt = stmt.where(DisconnectionOrder.issued_on <= query.until)
        rows = s.scalars(stmt.order_by(DisconnectionOrder.issued_on.desc(),
                                       DisconnectionOrder.id.desc()).limit(query.limit)).all()
        return _order_records(s, rows)


def field_crew_list(db: Database, operator: Operator) -> list[OrderRecord]:
    """Every order not yet carried out, oldest first; ``cancel_suggested`` marks those the
    crew must not carry out because the customer paid after the order."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        rows = s.scalars(select(DisconnectionOrder).where(DisconnectionOrder.status == "issued")
                         .order_by(DisconnectionOrder.issued_on, DisconnectionOrder.id)).all()
        return _order_records(s, rows)


def get_orders(db: Database, operator: Operator, ids: Sequence[int]) -> list[OrderRecord]:
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        rows = s.scalars(select(DisconnectionOrder).where(
            one_of(s, DisconnectionOrder.id, list(ids))).order_by(DisconnectionOrder.id)).all()
        return _order_records(s, rows)


def cancel_order(db: Database, operator: Operator, order_id: int, reason: str) -> None:
    """Cancel an order not yet carried out (the customer paid, the point changed hands)."""
    operator.require(Permission.COLLECT_DEBT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError([FieldError("reason", N_(
            "Reason: say why the order is cancelled."))])
    with db.unit_of_work() as s:
        order = _order(s, order_id)
        if order.status != "issued":
            raise Conflict(N_("Order {number} was already {status}."), "order",
                           number=order.number, status=order.status)
        order.status, order.cancel_reason = "cancelled", reason[:120]
        order.updated_at, order.updated_by = utcnow(), operator.code
        audit.record(s, operator, "disconnection_order", order.id, order.customer_id,
                     "update", {"status": "issued"}, {"status": "cancelled", "reason": reason})


def _order(s: Session, order_id: int) -> DisconnectionOrder:
    order = s.get(DisconnectionOrder, order_id, with_for_update=True)
    if order is None:
        raise NotFound(N_("Order {id} does not exist."), id=order_id)
    return order


# --- field records ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldRecordInput:
    order_id: int
    done_on: date | None
    reading: Decimal | None = None
    remarks: str = ""


def _check_record(data: FieldRecordInput, order: DisconnectionOrder) -> date:
    errors = []
    if data.done_on is None:
        errors.append(FieldError("done_on", N_("Date: enter the day the crew did the work.")))
    elif data.done_on < order.issued_on or data.done_on > date.today():
        errors.append(FieldError("done_on", N_(
            "Date: between the order's date {date} and today."),
            {"date": order.issued_on.strftime("%d.%m.%Y")}))
    if data.reading is not None and (data.reading < 0 or data.reading >= Decimal("1e10")):
        errors.append(FieldError("reading", N_("Reading: the meter's register, zero or more.")))
    if len(data.remarks or "") > 200:
        errors.append(FieldError("remarks", N_("Remarks: at most 200 characters.")))
    if errors:
        raise ValidationError(errors)
    assert data.done_on is not None
    return data.done_on


def _add_record(s: Session, operator: Operator, order: DisconnectionOrder, done_on: date,
                data: FieldRecordInput) -> DisconnectionRecord:
    record = DisconnectionRecord(
        order_id=order.id, kind=order.kind, customer_id=order.customer_id,
        point_id=order.point_id, done_on=done_on, reading=data.reading,
        remarks=(data.remarks or "").strip(), created_by=operator.code)
    s.add(record)
    order.status, order.updated_at, order.updated_by = "executed", utcnow(), operator.code
    s.flush()
    audit.record(s, operator, "disconnection_order", order.id, order.customer_id, "execute",
                 {"status": "issued"}, {"status": "executed", "done_on": done_on,
                                        "reading": data.reading})
    return record


def record_disconnection(db: Database, operator: Operator, data: FieldRecordInput) -> int:
    """The crew's record of a disconnection carried out: the point is off from ``done_on``,
    the customer gets status I (if not already), and the disconnection fee waits for the next
    invoice. Refuses a point already disconnected. Returns the record's id."""
    operator.require(Permission.COLLECT_DEBT)
    with db.unit_of_work() as s:
        order = _order(s, data.order_id)
        if order.kind != "disconnection":
            raise Conflict(N_("Order {number} is a reconnection order."), "order",
                           number=order.number)
        point = s.get(MeteringPoint, order.point_id)
        assert point is not None
        if order.point_id in disconnected_points(s, [order.point_id]):
            raise Conflict(N_("Metering point {point} is already disconnected; record its "
                              "reconnection first."), "order", point=point.number)
        if order.status != "issued":
            raise Conflict(N_("Order {number} was already {status}."), "order",
                           number=order.number, status=order.status)
        done_on = _check_record(data, order)
        record = _add_record(s, operator, order, done_on, data)
        billing_points.add_charge_in(s, operator.code, order.point_id, "disconnection",
                                     done_on, note=order.number)
        customer = s.get(Customer, order.customer_id)
        assert customer is not None
        if customer.status != "I":
            customer_status.set_status(s, operator, customer.id, "I", done_on,
                                       StatusOrigin("disconnection", record.id, order.number),
                                       N_("Disconnected for unpaid debt"))
        return record.id


# --- reconnection -----------------------------------------------------------------------------

def _fee(s: Session, book: PriceBook, customer: Customer, point_id: int, element: str,
         on: date) -> Decimal:
    profile = billing_points._profile(s, point_id)
    group = profile.tariff_group or profile.derived_group
    segments = book.segments(customer.category, group, element, on, on)
    if not segments:
        raise MissingTariff(
            N_("There is no price of {element} for {category} / {group} on {date}."),
            element=element, category=customer.category, group=group,
            date=on.strftime("%d.%m.%Y"))
    price = money(segments[0].price)
    return money(price + price * book.vat_on(on) / Decimal(100))


def amount_to_reconnect(s: Session, customer: Customer, point_ids: Sequence[int],
                        on: date) -> Decimal:
    """The balance of the card plus the fees (with VAT) not yet on an invoice: the
    disconnection fee booked by the field record and the reconnection fee."""
    book = price_book(s)
    pending = s.execute(select(OtherCharge.point_id, OtherCharge.element).where(
        OtherCharge.customer_id == customer.id, OtherCharge.element.in_(FEES),
        one_of(s, OtherCharge.point_id, list(point_ids)),
        ~select(InvoiceLine.id).where(InvoiceLine.charge_id == OtherCharge.id).exists())).all()
    fees = sum((_fee(s, book, customer, p, e, on) for p, e in pending), ZERO)
    fees += sum((_fee(s, book, customer, p, "reconnection", on) for p in point_ids), ZERO)
    return ledger.balance(s, customer.id) + fees


def issue_reconnection(db: Database, operator: Operator, customer_id: int,
                       on: date) -> list[int]:
    """Reconnection orders for every disconnected point of the customer, once the debt and
    the fees are paid; the reconnection fee waits for the next invoice (paid by the advance).
    Refuses a customer with nothing disconnected or with money still owed."""
    operator.require(Permission.COLLECT_DEBT)
    with db.unit_of_work() as s:
        customer, down = _to_reconnect(s, customer_id, on, lock=True)
        office = office_in(s)
        meters = _meters(s, down)
        ids = []
        for point_id in down:
            sequence = next_number(s, f"reconnection:{office.code}:{on.year}")
            order = DisconnectionOrder(
                number=format_number("reconnection", office.code, on.year, sequence),
                kind="reconnection", customer_id=customer_id, point_id=point_id,
                meter_number=meters.get(point_id, ""), issued_on=on, debt=ZERO,
                created_by=operator.code)
            s.add(order)
            s.flush()
            billing_points.add_charge_in(s, operator.code, point_id, "reconnection", on,
                                         note=order.number)
            ids.append(order.id)
        return ids


def reconnection_points(db: Database, operator: Operator, customer_id: int,
                        on: date) -> int:
    """How many reconnection orders ``issue_reconnection`` would issue now (what the clerk
    confirms); refuses exactly as it does, writes nothing."""
    operator.require(Permission.COLLECT_DEBT)
    with db.unit_of_work() as s:
        return len(_to_reconnect(s, customer_id, on)[1])


def _to_reconnect(s: Session, customer_id: int, on: date,
                  lock: bool = False) -> tuple[Customer, list[int]]:
    customer = s.get(Customer, customer_id, with_for_update=lock)
    if customer is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    held = [p.id for p in _open_points(s, [customer_id]).get(customer_id, [])]
    down = sorted(disconnected_points(s, held) - _reconnecting(s, held))
    if not down:
        raise Conflict(N_("Customer {code} has no disconnected point waiting for "
                          "reconnection."), "customer", code=customer.code)
    owed = amount_to_reconnect(s, customer, down, on)
    if owed > 0:
        raise Conflict(N_("Customer {code} still owes {amount} € of debt and "
                          "disconnection and reconnection fees; reconnection follows "
                          "their payment."), "customer", code=customer.code,
                       amount=f"{owed:.2f}")
    return customer, down


def _reconnecting(s: Session, point_ids: Sequence[int]) -> set[int]:
    if not point_ids:
        return set()
    return set(s.scalars(select(DisconnectionOrder.point_id).where(
        one_of(s, DisconnectionOrder.point_id, list(point_ids)),
        DisconnectionOrder.kind == "reconnection", DisconnectionOrder.status == "issued")))


def record_reconnection(db: Database, operator: Operator, data: FieldRecordInput) -> int:
    """The crew's record of a reconnection carried out; when no point of the customer stays
    disconnected, status I is cleared. Returns the record's id."""
    operator.require(Permission.COLLECT_DEBT)
    with db.unit_of_work() as s:
        order = _order(s, data.order_id)
        if order.kind != "reconnection":
            raise Conflict(N_("Order {number} is a disconnection order."), "order",
                           number=order.number)
        if order.status != "issued":
            raise Conflict(N_("Order {number} was already {status}."), "order",
                           number=order.number, status=order.status)
        done_on = _check_record(data, order)
        record = _add_record(s, operator, order, done_on, data)
        held = [p.id for p in _open_points(s, [order.customer_id]).get(order.customer_id, [])]
        customer = s.get(Customer, order.customer_id)
        assert customer is not None
        if not disconnected_points(s, held) and customer.status == "I":
            customer_status.clear_status(
                s, operator, customer.id, "I", done_on,
                StatusOrigin("reconnection", record.id, order.number),
                N_("Reconnected after payment"))
        return record.id


def disconnections_since(s: Session, point_ids: Sequence[int]) -> dict[int, date]:
    """{point id: date it was disconnected} for the points disconnected now (billing: no
    estimates and no fixed charges after that date)."""
    down = disconnected_points(s, point_ids)
    if not down:
        return {}
    return {p: d for p, d in s.execute(
        select(DisconnectionRecord.point_id, func.max(DisconnectionRecord.done_on))
        .where(one_of(s, DisconnectionRecord.point_id, sorted(down)),
               DisconnectionRecord.kind == "disconnection")
        .group_by(DisconnectionRecord.point_id))}


__all__ = ["FieldRecordInput", "OrderCandidate", "OrderQuery", "OrderRecord",
           "OrderRunResult", "amount_to_reconnect", "cancel_order", "disconnected_points",
           "disconnections_since", "field_crew_list", "get_orders", "issue_order",
           "issue_reconnection", "order_register", "preview_orders", "record_disconnection",
           "record_reconnection", "run_orders"]
