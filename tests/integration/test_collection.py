"""Collection of debt on both databases: warning → order → disconnection → payment →
reconnection, with statuses, ledger entries, charges and the refusals of bad input."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.models import OtherCharge
from office_app.services import customer_status, ledger
from office_app.services.billing import run as billing
from office_app.services.billing import tariffs
from office_app.services.collection import orders, warnings
from office_app.services.collection.orders import FieldRecordInput
from office_app.services.collection.warnings import WarningCriteria
from office_app.services.customers import get_customer
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office

AS_OF = date(2024, 8, 1)            # invoices of 2024-05 fell due on 25.06.2024
DEADLINE = date(2024, 8, 13)        # 8 working days after Thursday 1 August 2024
ORDERS_ON = date(2024, 8, 14)


@pytest.fixture
def office(db: Database, supervisor: Operator, clerk: Operator) -> dict:
    built = build_office(db, supervisor, clerk)
    tariffs.add_tariff(db, supervisor, "household", "all", "disconnection", "10.00",
                       date(2024, 1, 1))
    billing.run_billing(db, supervisor, PERIOD)
    return {"customers": built.customers, "points": built.points, "meters": built.meters}


def _criteria(**kw: object) -> WarningCriteria:
    return WarningCriteria(AS_OF, min_debt=D("20.00"), min_days=30, **kw)  # type: ignore[arg-type]


def test_warning_order_disconnection_payment_reconnection(
        db: Database, supervisor: Operator, clerk: Operator, office: dict) -> None:
    jovan, scepan, trade = (office["customers"][k] for k in ("P-100", "P-200", "P-300"))
    preview = warnings.preview_warnings(db, supervisor, _criteria())
    assert {(c.customer_id, c.debt) for c in preview.to_issue} == {
        (jovan, D("57.03")), (scepan, D("26.02")), (trade, D("2016.03"))}
    result = warnings.run_warnings(db, supervisor, _criteria())
    assert (result.issued, result.already_issued) == (3, 0)
    again = warnings.run_warnings(db, supervisor, _criteria())
    assert (again.issued, again.already_issued) == (0, 3)
    register = warnings.warning_register(db, clerk)
    assert len(register) == 3
    first = next(w for w in register if w.customer_id == scepan)
    assert (first.deadline, first.debt, first.language) == (DEADLINE, D("26.02"), "sr_Cyrl")
    assert [i.open_amount for i in first.items] == [D("26.02")]
    invoice_id = first.items[0].invoice_id
    assert invoice_id is not None
    assert [w.id for w in warnings.warning_register(
        db, clerk, warnings.WarningQuery(invoice_id=invoice_id))] == [first.id]

    # no order before the deadline has passed
    with pytest.raises(Conflict) as early:
        orders.issue_order(db, supervisor, first.id, DEADLINE)
    assert "deadline" in early.value.msg_id
    ledger.post_payment(db, supervisor, jovan, D("57.03"), date(2024, 8, 10), "UPL-1")
    made = orders.run_orders(db, supervisor, ORDERS_ON)
    assert made.issued == 2                                     # Jovan paid in time
    assert orders.run_orders(db, supervisor, ORDERS_ON).issued == 0
    crew = orders.field_crew_list(db, clerk)
    assert {(o.customer_id, o.meter_number) for o in crew} == {(scepan, "E-200"),
                                                                (trade, "E-300")}
    # the business pays after the order: the crew's list flags its order for cancellation
    ledger.post_payment(db, supervisor, trade, D("2016.03"), date(2024, 8, 15), "UPL-2")
    flagged = {o.customer_id: o.cancel_suggested for o in orders.field_crew_list(db, clerk)}
    assert flagged == {scepan: False, trade: True}
    trade_order = next(o for o in crew if o.customer_id == trade)
    orders.cancel_order(db, supervisor, trade_order.id, "Plaćeno 15.08.2024")

    order = next(o for o in crew if o.customer_id == scepan)
    orders.record_disconnection(db, supervisor, FieldRecordInput(
        order.id, date(2024, 8, 16), D("97800"), "Plomba 1234"))
    customer = get_customer(db, clerk, scepan)
    assert (customer.status, customer.status_date) == ("I", date(2024, 8, 16))
    with pytest.raises(Conflict) as twice:
        orders.record_disconnection(db, supervisor, FieldRecordInput(
            order.id, date(2024, 8, 17), D("97800")))
    assert "already disconnected" in twice.value.msg_id

    # reconnection waits for the debt and both fees: 26,02 + 12,10 + 18,15 (VAT 21 %)
    with pytest.raises(Conflict) as owed:
        orders.issue_reconnection(db, supervisor, scepan, date(2024, 8, 20))
    assert owed.value.params["amount"] == "56.27"
    with pytest.raises(Conflict):          # the count the desk confirms refuses alike
        orders.reconnection_points(db, supervisor, scepan, date(2024, 8, 20))
    ledger.post_payment(db, supervisor, scepan, D("56.27"), date(2024, 8, 20), "UPL-3")
    assert orders.reconnection_points(db, supervisor, scepan, date(2024, 8, 20)) == 1
    (reconnect,) = orders.issue_reconnection(db, supervisor, scepan, date(2024, 8, 20))
    orders.record_reconnection(db, supervisor, FieldRecordInput(
        reconnect, date(2024, 8, 21), D("97800"), ""))
    assert get_customer(db, clerk, scepan).status is None
    history = customer_status.status_history(db, clerk, scepan)
    assert [(h.status, h.origin_kind) for h in history] == [
        (None, "reconnection"), ("I", "disconnection")]
    with db.unit_of_work() as s:
        charges = sorted(s.scalars(select(OtherCharge.element).where(
            OtherCharge.customer_id == scepan)))
        assert charges == ["disconnection", "reconnection"]
        assert ledger.balance(s, scepan) == D("-30.25")     # the advance that pays the fees
    register = orders.order_register(db, clerk)
    assert sorted((o.kind, o.status) for o in register) == [
        ("disconnection", "cancelled"), ("disconnection", "executed"),
        ("reconnection", "executed")]


def test_bad_input_is_refused(db: Database, supervisor: Operator, clerk: Operator,
                              cashier: Operator, office: dict) -> None:
    jovan = office["customers"]["P-100"]
    ledger.post_payment(db, supervisor, jovan, D("57.03"), date(2024, 7, 1), "UPL-1")
    with pytest.raises(Conflict) as nothing:
        warnings.issue_warning(db, supervisor, jovan, _criteria())
    assert "nothing to warn about" in nothing.value.msg_id
    with pytest.raises(Conflict) as connected:
        orders.issue_reconnection(db, supervisor, jovan, date(2024, 8, 20))
    assert "no disconnected point" in connected.value.msg_id
    with pytest.raises(ValidationError) as bad:
        warnings.preview_warnings(db, supervisor, WarningCriteria(
            AS_OF, min_debt=D("-1"), min_days=-3, categories=("farm",)))
    assert {e.field for e in bad.value.errors} == {"min_debt", "min_days", "categories"}
    with pytest.raises(PermissionDenied):
        warnings.run_warnings(db, cashier, _criteria())
    with pytest.raises(PermissionDenied):
        orders.run_orders(db, clerk, ORDERS_ON)
    assert warnings.warning_register(db, supervisor) == []


def test_vulnerable_customers_wait_for_review_and_payers_are_left_out(
        db: Database, supervisor: Operator, office: dict) -> None:
    from office_app.models import Customer

    scepan, trade = office["customers"]["P-200"], office["customers"]["P-300"]
    with db.unit_of_work() as s:
        row = s.get(Customer, scepan)
        assert row is not None
        row.socially_vulnerable = True
    ledger.post_payment(db, supervisor, trade, D("100.00"), date(2024, 8, 5), "UPL-9")
    preview = warnings.preview_warnings(db, supervisor, _criteria())
    by_id = {c.customer_id: c for c in preview.candidates}
    assert by_id[scepan].review and not by_id[scepan].reason
    assert by_id[trade].reason == warnings.REASONS["payment"]
    result = warnings.run_warnings(db, supervisor, _criteria())
    assert (result.issued, result.for_review) == (1, 1)
    approved = warnings.run_warnings(db, supervisor, _criteria(), approved={scepan})
    assert (approved.issued, approved.already_issued) == (1, 1)
    assert warnings.run_warnings(db, supervisor, _criteria(), dry_run=True).issued == 0


def test_integrity_checks_are_clean_after_use_and_name_a_tampered_row(
        db: Database, supervisor: Operator, office: dict) -> None:
    from office_app.models import Customer, DebtWarning
    from office_app.services.integrity import CHECKS, Scope

    scepan = office["customers"]["P-200"]
    warnings.run_warnings(db, supervisor, _criteria())
    orders.run_orders(db, supervisor, ORDERS_ON)
    order = next(o for o in orders.field_crew_list(db, supervisor) if o.customer_id == scepan)
    orders.record_disconnection(db, supervisor, FieldRecordInput(order.id, date(2024, 8, 16)))
    names = ("status_I_has_field_record", "order_after_expired_warning",
             "dunning_runs_idempotent")

    def violations() -> list[tuple[str, str, str]]:
        with db.unit_of_work() as s:
            return [(v.check, v.customer_code, v.document) for name in names
                    for v in CHECKS[name](s, Scope())]

    assert violations() == []
    with db.unit_of_work() as s:          # tampering: I set behind the status service's back
        trade = s.get(Customer, office["customers"]["P-300"])
        assert trade is not None
        trade.status = "I"
        s.execute(DebtWarning.__table__.update().where(
            DebtWarning.id == order_warning_id(s, order.id)).values(deadline=ORDERS_ON))
    found = violations()
    assert ("status_I_has_field_record", "0000003", "") in found
    assert ("order_after_expired_warning", "0000002", order.number) in found


def order_warning_id(s: object, order_id: int) -> int:
    from office_app.models import DisconnectionOrder

    row = s.get(DisconnectionOrder, order_id)  # type: ignore[attr-defined]
    return int(row.warning_id)


def test_no_order_while_an_open_complaint_disputes_what_the_warning_chased(
        db: Database, supervisor: Operator, clerk: Operator, office: dict) -> None:
    """Issue 11: the disputed amount is not enforced; a complaint over part of it leaves the
    rest to the order, with the order's debt the undisputed part."""
    from office_app.services import complaints
    from office_app.services.complaints import ComplaintInput

    scepan, trade = office["customers"]["P-200"], office["customers"]["P-300"]
    warnings.run_warnings(db, supervisor, _criteria())
    for cid, amount in ((scepan, "26.02"), (trade, "16.03")):
        complaints.register(db, clerk, ComplaintInput(
            cid, date(2024, 8, 5), "written", "bill_amount", "Too much.", amount))
    preview = orders.preview_orders(db, supervisor, ORDERS_ON)
    assert {(o.customer_id, o.debt) for o in preview} == {
        (office["customers"]["P-100"], D("57.03")), (trade, D("2000.00"))}


def test_warning_and_order_runs_cancel_resume_and_exclude_each_other(
        db: Database, supervisor: Operator, office: dict) -> None:
    """Issue 11, shared run machinery: a run cancelled between batches keeps what it issued,
    the next run for the date resumes the same run record and issues only the rest; while a
    run works, a second one (of the same or another kind) is refused."""
    from office_app.models import DunningRun

    asked = []

    def after_first() -> bool:
        asked.append(1)
        return len(asked) > 1

    first = warnings.run_warnings(db, supervisor, _criteria(), cancelled=after_first,
                                  batch_size=1)
    assert (first.cancelled, first.issued) == (True, 1)
    refused: list[str] = []

    def try_another(_done: int, _total: int) -> None:
        for start in (lambda: warnings.run_warnings(db, supervisor, _criteria()),
                      lambda: orders.run_orders(db, supervisor, ORDERS_ON)):
            with pytest.raises(Conflict) as busy:
                start()
            refused.append(busy.value.msg_id)

    rest = warnings.run_warnings(db, supervisor, _criteria(), progress=try_another,
                                 batch_size=1)
    assert (rest.cancelled, rest.issued, rest.already_issued) == (False, 2, 1)
    assert rest.run_id == first.run_id and len(refused) == 4
    assert len(warnings.warning_register(db, supervisor)) == 3
    stop_at_once = orders.run_orders(db, supervisor, ORDERS_ON, cancelled=lambda: True)
    assert (stop_at_once.cancelled, stop_at_once.issued) == (True, 0)
    made = orders.run_orders(db, supervisor, ORDERS_ON, batch_size=1)
    assert made.issued == 3 and made.run_id == stop_at_once.run_id
    assert orders.run_orders(db, supervisor, ORDERS_ON).issued == 0
    assert len(orders.order_register(db, supervisor)) == 3
    with db.unit_of_work() as s:
        assert sorted((r.kind, r.status, r.documents_made) for r in s.scalars(
            select(DunningRun))) == [("orders", "completed", 0), ("orders", "completed", 3),
                                     ("warnings", "completed", 3)]


def _lines(db: Database, customer_id: int, period: str) -> list[tuple[str, int | None, D]]:
    from office_app.models import Invoice, InvoiceLine

    with db.unit_of_work() as s:
        return [(e, d, a) for e, d, a in s.execute(
            select(InvoiceLine.element, InvoiceLine.share_days, InvoiceLine.amount)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(Invoice.customer_id == customer_id, Invoice.period == period)
            .order_by(InvoiceLine.position))]


def test_a_disconnected_point_pays_no_fixed_charge_and_gets_no_estimate(
        db: Database, supervisor: Operator, clerk: Operator, office: dict) -> None:
    """Issue 11: after its disconnection date a point pays no monthly charges (the month is
    prorated, the disconnection day still counts), a month wholly off is not billed and not
    held back, an estimated reading is refused, and reconnection resumes the charges from
    its date; the audit stays clean."""
    from office_app.services import periods, readings
    from office_app.services.integrity import Scope, run_audit
    from office_app.services.readings import ReadingEntry
    from tests.billing_setup import open_order

    scepan, point = office["customers"]["P-200"], office["points"]["P-200"]
    warnings.issue_warning(db, supervisor, scepan, _criteria())
    (order,) = orders.run_orders(db, supervisor, ORDERS_ON).order_ids
    orders.record_disconnection(db, supervisor, FieldRecordInput(
        order, date(2024, 8, 16), D("97800"), ""))
    open_order(db, supervisor, "2024-08")
    with pytest.raises(Conflict) as estimate:
        readings.key_reading(db, clerk, ReadingEntry(
            point, "2024-08", date(2024, 8, 31), None, None, None, readings.NO_ACCESS))
    assert estimate.value.field == "remark_code" and "16.08.2024" in str(estimate.value)

    august = billing.run_billing(db, supervisor, "2024-08")
    assert "P-200" not in {h.point_number for h in august.held}
    assert _lines(db, scepan, "2024-08") == [                 # 2,50 × 16/31 days
        ("energy", None, D("0.00")), ("fixed", 16, D("1.29")),
        ("disconnection", None, D("10.00"))]
    periods.close_period(db, supervisor, "2024-08")
    open_order(db, supervisor, "2024-09")
    september = billing.run_billing(db, supervisor, "2024-09")
    assert "P-200" not in {h.point_number for h in september.held}
    assert _lines(db, scepan, "2024-09") == []
    periods.close_period(db, supervisor, "2024-09")
    open_order(db, supervisor, "2024-10")

    with db.unit_of_work() as s:
        owed = ledger.balance(s, scepan)
    ledger.post_payment(db, supervisor, scepan, owed + D("18.15"), date(2024, 10, 20), "UPL-7")
    (reconnect,) = orders.issue_reconnection(db, supervisor, scepan, date(2024, 10, 20))
    orders.record_reconnection(db, supervisor, FieldRecordInput(
        reconnect, date(2024, 10, 21), D("97800"), ""))
    from tests.billing_setup import Office, read

    built = Office(0, 0, points=office["points"], meters=office["meters"])
    read(db, built, "P-200", "2024-10", "97850")
    billing.run_billing(db, supervisor, "2024-10")
    assert _lines(db, scepan, "2024-10") == [                 # 2,50 × 11/31 days, 150 kWh
        ("energy", None, D("14.25")), ("fixed", 11, D("0.89")),
        ("reconnection", None, D("15.00"))]
    report = run_audit(db, supervisor, Scope())
    assert [f"{v.check}: {v.document}" for v in report.violations] == []


def test_only_a_monthly_charge_can_be_kept_while_disconnected(
        db: Database, supervisor: Operator) -> None:
    with pytest.raises(ValidationError) as bad:
        tariffs.add_tariff(db, supervisor, "household", "single", "energy", "0.1",
                           date(2024, 1, 1), while_disconnected=True)
    assert bad.value.errors[0].field == "while_disconnected"
    kept = tariffs.add_tariff(db, supervisor, "household", "all", "fixed", "2.50",
                              date(2024, 1, 1), while_disconnected=True)
    assert kept.while_disconnected
    book = tariffs.load_price_book(db)
    assert [r.while_disconnected for r in book.rates("household", "single", "fixed")] == [True]


def test_a_water_office_sends_a_first_then_a_second_reminder_then_an_order(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """004 §32: a first reminder (5 working days), once it ran out unpaid a second one (the
    red one: disconnection follows without further notice), and only then an order."""
    from dataclasses import replace

    from office_app.services import network
    from office_app.services.metering import MeterInput
    from office_app.services.office import save_office
    from tests.billing_setup import Office, add_point
    from tests.conftest import TEST_OFFICE
    from tests.integration.legal_setup import debtor

    with db.unit_of_work() as s:
        save_office(s, replace(TEST_OFFICE, utility="water"))
    customer = debtor(db, clerk, "Vuković", "80.00", date(2024, 4, 25))
    zone = network.save_zone(db, supervisor, "Z1", "Topolica")
    reader = network.save_reader(db, supervisor, "R07", "Marko Vujović")
    add_point(db, clerk, Office(zone.id, reader.id), "W-1", customer,
              MeterInput(number="V-1", type="Sensus"), 10)
    criteria = WarningCriteria(date(2024, 6, 3), min_debt=D("20.00"), min_days=30)
    (first_id,) = warnings.run_warnings(db, supervisor, criteria).warning_ids
    (first,) = warnings.get_warnings(db, supervisor, [first_id])
    assert (first.level, first.deadline) == (1, date(2024, 6, 10))   # Monday 3 June + 5
    with pytest.raises(Conflict) as early:
        orders.issue_order(db, supervisor, first_id, date(2024, 6, 11))
    assert "first reminder" in early.value.msg_id
    assert orders.preview_orders(db, supervisor, date(2024, 6, 11)) == []
    later = WarningCriteria(date(2024, 6, 11), min_debt=D("20.00"), min_days=30)
    (second_id,) = warnings.run_warnings(db, supervisor, later).warning_ids
    (second,) = warnings.get_warnings(db, supervisor, [second_id])
    assert (second.level, second.deadline, second.debt) == (2, date(2024, 6, 14), D("80.00"))
    assert warnings.run_warnings(db, supervisor, later).issued == 0
    with pytest.raises(Conflict) as not_yet:
        orders.issue_order(db, supervisor, second_id, date(2024, 6, 14))
    assert "deadline" in not_yet.value.msg_id
    assert [(o.customer_id, o.meter_number) for o in orders.preview_orders(
        db, supervisor, date(2024, 6, 15))] == [(customer, "V-1")]


def test_runs_dated_after_today_are_refused_and_write_nothing(
        db: Database, supervisor: Operator, office: dict) -> None:
    tomorrow = date.today() + timedelta(days=1)
    warning_id = warnings.run_warnings(db, supervisor, _criteria()).warning_ids[0]
    refused = [
        lambda: warnings.preview_warnings(db, supervisor, WarningCriteria(tomorrow)),
        lambda: warnings.run_warnings(db, supervisor, WarningCriteria(tomorrow)),
        lambda: warnings.run_warnings(db, supervisor, WarningCriteria(tomorrow), dry_run=True),
        lambda: orders.preview_orders(db, supervisor, tomorrow),
        lambda: orders.run_orders(db, supervisor, tomorrow),
        lambda: orders.run_orders(db, supervisor, tomorrow, dry_run=True),
        lambda: orders.issue_order(db, supervisor, warning_id, tomorrow),
    ]
    for attempt in refused:
        with pytest.raises(ValidationError) as bad:
            attempt()
        assert [e.field for e in bad.value.errors] == ["as_of"]
        assert bad.value.errors[0].params == {"today": date.today().strftime("%d.%m.%Y")}
    assert len(warnings.warning_register(db, supervisor)) == 3
    assert orders.order_register(db, supervisor) == []
    assert warnings.as_of_errors(date(2024, 8, 2), today=date(2024, 8, 1))[0].field == "as_of"
    assert warnings.as_of_errors(date(2024, 8, 1), today=date(2024, 8, 1)) == []
