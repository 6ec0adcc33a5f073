"""Collection of debt in the demo office (issue 11): a warning run six weeks before the demo's
day, the disconnection orders of the warnings whose deadline ran out unpaid, one point
disconnected and still off, and one disconnected, paid up and reconnected. The warning and
order registers, the crew's list, the customer's status history and the card then have
realistic content. Needs the billing step (the debt comes from its invoices) and runs after
the plans step (customers with a plan are left out of the warning run); skipped for very
large demos, where billing is skipped.

The electricity demo's warnings are the single warning of 001 Član 5. The water demo
(``office-app demo --utility water``) follows 004 §32: the run sends first reminders (pay within
5 working days); once they ran out unpaid, a second run on the day after sends the second
reminders (printed in red: disconnection follows without further notice) and, to customers
who fell behind since, first reminders; the orders follow the second reminders' deadlines.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from sqlalchemy import func, select

from office_app.demo.billing import BIG
from office_app.demo.context import DemoContext
from office_app.models import Customer, DebtWarning, DisconnectionOrder, Reading
from office_app.services import ledger
from office_app.services.collection import orders, warnings
from office_app.services.collection.orders import FieldRecordInput

#: Days before the demo's day of the warning run; its deadline (8 working days) has passed.
WARNED_DAYS_AGO = 42
#: The water demo's warning run chases overdue debt from this amount (a month's water bill).
WATER_MIN_DEBT = D("10.00")
#: Document numbers of the payment that pays the reconnected customer's debt and fees.
PAYMENT_PREFIX = "IK-UPL-"


def build_collection(ctx: DemoContext) -> None:
    if ctx.customers >= BIG:
        return
    end = min(ctx.today, date.today())
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(DebtWarning)):
            return
    warned_on = end - timedelta(days=WARNED_DAYS_AGO)
    # a water bill is smaller than an electricity one: the water office warns from less
    min_debt = WATER_MIN_DEBT if ctx.utility == "water" else warnings.DEFAULT_MIN_DEBT
    run = warnings.run_warnings(ctx.db, ctx.operator,
                                warnings.WarningCriteria(warned_on, min_debt=min_debt))
    if not run.warning_ids:
        return
    ordered_on = _after_deadlines(ctx, run.warning_ids)
    if ordered_on > end:
        return
    if ctx.utility == "water":
        # 004 §32: the first reminders ran out unpaid, so the next run sends the second (red)
        # ones; orders follow only once those ran out too
        again = warnings.run_warnings(ctx.db, ctx.operator,
                                      warnings.WarningCriteria(ordered_on, min_debt=min_debt))
        seconds = _second_reminders(ctx, again.warning_ids)
        if not seconds:
            return
        ordered_on = _after_deadlines(ctx, seconds)
        if ordered_on > end:
            return
    made = orders.run_orders(ctx.db, ctx.operator, ordered_on)
    chosen = _two_customers(ctx, made.order_ids)
    off_on = min(ordered_on + timedelta(days=3), end)
    for order_id in chosen:
        orders.record_disconnection(ctx.db, ctx.operator, FieldRecordInput(
            order_id, off_on, _last_reading(ctx, order_id, off_on), "Plomba postavljena"))
    if len(chosen) == 2 and off_on + timedelta(days=4) <= end:
        _reconnect(ctx, chosen[1], off_on + timedelta(days=3))


def _after_deadlines(ctx: DemoContext, warning_ids: tuple[int, ...]) -> date:
    """The first day after the last deadline of the run's warnings."""
    with ctx.db.unit_of_work() as s:
        last = s.scalar(select(func.max(DebtWarning.deadline))
                        .where(DebtWarning.id.in_(list(warning_ids))))
    assert last is not None
    return last + timedelta(days=1)


def _second_reminders(ctx: DemoContext, warning_ids: tuple[int, ...]) -> tuple[int, ...]:
    with ctx.db.unit_of_work() as s:
        return tuple(s.scalars(select(DebtWarning.id).where(
            DebtWarning.id.in_(list(warning_ids)), DebtWarning.level == 2)
            .order_by(DebtWarning.id)))


def _two_customers(ctx: DemoContext, order_ids: tuple[int, ...]) -> list[int]:
    """One order each of the first two customers with a single point (the crew's list keeps
    the rest)."""
    with ctx.db.unit_of_work() as s:
        rows = s.execute(select(DisconnectionOrder.id, DisconnectionOrder.customer_id)
                         .where(DisconnectionOrder.id.in_(list(order_ids)))
                         .order_by(DisconnectionOrder.id)).all()
    per_customer: dict[int, list[int]] = {}
    for order_id, customer_id in rows:
        per_customer.setdefault(customer_id, []).append(order_id)
    return [ids[0] for ids in per_customer.values() if len(ids) == 1][:2]


def _last_reading(ctx: DemoContext, order_id: int, on: date) -> D | None:
    with ctx.db.unit_of_work() as s:
        point_id = s.scalar(select(DisconnectionOrder.point_id)
                            .where(DisconnectionOrder.id == order_id))
        return s.scalar(select(Reading.vt).where(Reading.point_id == point_id,
                                                 Reading.read_on <= on)
                        .order_by(Reading.read_on.desc(), Reading.id.desc()).limit(1))


def _reconnect(ctx: DemoContext, order_id: int, paid_on: date) -> None:
    """The customer pays the debt and both fees; the crew reconnects the next day."""
    with ctx.db.unit_of_work() as s:
        order = s.get(DisconnectionOrder, order_id)
        assert order is not None
        customer = s.get(Customer, order.customer_id)
        assert customer is not None
        owed = orders.amount_to_reconnect(s, customer, [order.point_id], paid_on)
        customer_id = customer.id
    if owed > 0:
        ledger.post_payment(ctx.db, ctx.operator, customer_id, owed, paid_on,
                            f"{PAYMENT_PREFIX}{customer_id}-{paid_on:%Y%m%d}",
                            "Uplata duga i naknada za isključenje i uključenje")
    (reconnection,) = orders.issue_reconnection(ctx.db, ctx.operator, customer_id, paid_on)
    orders.record_reconnection(ctx.db, ctx.operator, FieldRecordInput(
        reconnection, paid_on + timedelta(days=1), _last_reading(ctx, order_id, paid_on),
        "Plomba skinuta"))
