"""Exactly-once billing by reading intervals (issue 8), on both databases: every pair of
consecutive readings of a meter is billed once, to the holder of its days, across transfers,
meter replacements, rollovers, estimates, terminations and new connections; re-runs issue
nothing new; what cannot be billed is held back with a message naming the point and dates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from office_app.db import Database
from office_app.i18n import tr_error
from office_app.models import BilledInterval, BillingPeriod, Invoice, InvoiceLine, Reading
from office_app.services import meter_events, metering
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.meter_events import ReplacementInput
from office_app.services.metering import MeterInput, PointInput, Registers
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, Office, build_office


def _reading(db: Database, office: Office, point: str, meter_id: int, period: str, day: date,
             vt: str, mt: str | None = None, **extra: object) -> int:
    with db.unit_of_work() as s:
        row = Reading(point_id=office.points[point], meter_id=meter_id, period=period,
                      read_on=day, vt=D(vt), mt=None if mt is None else D(mt),
                      created_by="T", **extra)
        s.add(row)
        s.flush()
        return row.id


def _buyer(db: Database, clerk: Operator, surname: str = "Kovačević") -> int:
    return create_customer(db, clerk, CustomerInput(
        surname=surname, given_name="Mila", address="Obala 9", place="Bar")).id


def _invoices(db: Database, point: str) -> list[Invoice]:
    with db.unit_of_work() as s:
        return list(s.scalars(select(Invoice).where(Invoice.point_number == point)
                              .order_by(Invoice.service_start)))


def _lines(db: Database, invoice_id: int) -> list[tuple[str, D, D, D]]:
    with db.unit_of_work() as s:
        return [(ln.element, ln.quantity, ln.unit_price, ln.amount) for ln in s.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
            .order_by(InvoiceLine.position))]


def _intervals(db: Database, point_id: int) -> list[tuple[date, date, D, str, int]]:
    with db.unit_of_work() as s:
        return [(i.start_on, i.end_on, i.vt, i.register_kind, i.customer_id)
                for i in s.scalars(select(BilledInterval).where(
                    BilledInterval.point_id == point_id).order_by(BilledInterval.end_on))]


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


# --- transfers ---------------------------------------------------------------------------------

def test_transfer_inside_the_month_bills_each_holder_once_and_reruns_issue_nothing(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """Issue 8, item 1: the transfer reading of 03.05 was keyed into the previous period (as
    the demo did while that period was open). The old holder gets 30.04→03.05, the new holder
    03.05→31.05; running the period again issues nothing and no kWh go to two customers."""
    office = build_office(db, supervisor, clerk)
    old_holder, buyer = office.customers["P-200"], _buyer(db, clerk)
    metering.transfer_point(db, clerk, office.points["P-200"], buyer, date(2024, 5, 3))
    _reading(db, office, "P-200", office.meters["P-200"], "2024-04", date(2024, 5, 3), "97520",
             kind="transfer")
    first = billing.run_billing(db, supervisor, PERIOD)
    assert (first.invoices_made, first.held) == (4, ())
    old, new = _invoices(db, "P-200")
    assert (old.customer_id, old.service_start, old.service_end) == (
        old_holder, date(2024, 5, 1), date(2024, 5, 2))
    assert (old.previous_vt, old.current_vt, old.vt_quantity) == (D(97500), D(97520), D(20))
    assert (new.customer_id, new.service_start, new.service_end) == (
        buyer, date(2024, 5, 3), date(2024, 5, 31))
    assert (new.previous_vt, new.current_vt, new.vt_quantity) == (D(97520), D(97700), D(180))
    assert _intervals(db, office.points["P-200"]) == [
        (date(2024, 4, 30), date(2024, 5, 3), D(20), "single", old_holder),
        (date(2024, 5, 3), date(2024, 5, 31), D(180), "single", buyer)]
    for _ in range(2):
        again = billing.run_billing(db, supervisor, PERIOD)
        assert (again.invoices_made, again.held) == (0, ())
    assert _count(db, Invoice) == 4 and _count(db, BilledInterval) == 4


def test_a_transfer_without_a_reading_of_its_day_is_held_back_with_the_fix(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    metering.transfer_point(db, clerk, office.points["P-200"], _buyer(db, clerk),
                            date(2024, 5, 10))
    preview = billing.preview_run(db, supervisor, PERIOD)
    result = billing.run_billing(db, supervisor, PERIOD)
    assert [(h.point_number, h.reason) for h in preview.held] == [
        ("P-200", "intervals"), ("P-200", "intervals")]
    assert [(h.point_number, h.reason) for h in result.held] == [
        (h.point_number, h.reason) for h in preview.held]
    assert preview.to_bill == result.invoices_made == 2
    assert result.held[0].detail("en") == (
        "Point P-200 changed holder between the readings of 30.04.2024 and 31.05.2024 without "
        "a reading of the transfer day; enter the transfer with its reading.")
    assert "P-200" in result.held[0].detail("sr_Latn")
    assert _invoices(db, "P-200") == [] and _intervals(db, office.points["P-200"]) == []


# --- meters ------------------------------------------------------------------------------------

def test_replacement_bills_the_old_meter_at_its_own_single_rate_and_the_new_at_vt_mt(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """Issue 8, item 4: kWh of the old single-rate meter were priced at the VT rate."""
    office = build_office(db, supervisor, clerk)
    point = office.points["P-200"]
    with db.unit_of_work() as s:     # only the old meter's opening: the May reading goes
        s.execute(Reading.__table__.delete().where(Reading.point_id == point,
                                                   Reading.period == PERIOD))
    info = meter_events.replace_meter(db, clerk, ReplacementInput(
        point, date(2024, 5, 15), Registers("97600"), Registers("12", "5"),
        new_meter=MeterInput(number="E-201", type="ISKRA MT174", two_rate=True)))
    with db.unit_of_work() as s:
        new_meter = s.scalar(select(Reading.meter_id).where(Reading.kind == "initial",
                                                            Reading.point_id == point,
                                                            Reading.read_on == info.replaced_on))
    _reading(db, office, "P-200", new_meter, PERIOD, date(2024, 5, 31), "42", "25")
    billing.run_billing(db, supervisor, PERIOD)
    [invoice] = _invoices(db, "P-200")
    assert invoice.tariff_group == "two"
    assert _lines(db, invoice.id) == [
        ("energy_vt", D(30), D("0.105"), D("3.15")),       # 42 - 12 on the new meter
        ("energy_mt", D(20), D("0.0525"), D("1.05")),      # 25 - 5
        ("fixed", D(1), D("2.50"), D("2.50")),
        ("energy", D(100), D("0.095"), D("9.50"))]         # 97600 - 97500, single-rate
    assert invoice.net_amount == D("16.20")
    assert [(k, q) for _s, _e, q, k, _c in _intervals(db, point)] == [
        ("single", D(100)), ("two", D(30))]


def test_a_meter_change_without_its_final_reading_is_held_back(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    other = metering.create_meter(db, clerk, MeterInput(number="E-299", type="Landis"))
    # a new meter's reading keyed on the point without a replacement record
    _reading(db, office, "P-200", other.id, PERIOD, date(2024, 5, 20), "50", kind="initial")
    result = billing.run_billing(db, supervisor, PERIOD)
    [held] = result.held
    assert (held.point_number, held.reason) == ("P-200", "intervals")
    assert held.detail("en") == (
        "Point P-200: meter E-200 was replaced without its final reading (last reading "
        "30.04.2024); enter the replacement with the old meter's final reading.")
    assert _invoices(db, "P-200") == []


def test_rollover_past_the_digits_is_billed_once(db: Database, supervisor: Operator,
                                                 clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    _reading(db, office, "P-200", office.meters["P-200"], "2024-06", date(2024, 6, 30), "00300")
    from office_app.services import periods

    periods.open_period(db, supervisor, periods.default_order("2024-06"))
    billing.run_billing(db, supervisor, "2024-06")
    may, june = _invoices(db, "P-200")
    assert (june.previous_vt, june.current_vt, june.vt_quantity) == (D(97700), D(300), D(2600))
    assert billing.run_billing(db, supervisor, "2024-06").invoices_made == 0


def test_an_estimate_is_settled_by_the_next_real_reading(db: Database, supervisor: Operator,
                                                         clerk: Operator) -> None:
    from office_app.services import periods

    office = build_office(db, supervisor, clerk)
    with db.unit_of_work() as s:
        s.execute(Reading.__table__.update().where(
            Reading.point_id == office.points["P-200"], Reading.period == PERIOD).values(
            source="estimate"))
    billing.run_billing(db, supervisor, PERIOD)
    _reading(db, office, "P-200", office.meters["P-200"], "2024-06", date(2024, 6, 30), "97750")
    periods.open_period(db, supervisor, periods.default_order("2024-06"))
    billing.run_billing(db, supervisor, "2024-06")
    may, june = _invoices(db, "P-200")
    assert may.estimated and may.vt_quantity == D(200)
    assert june.settlement and not june.estimated and june.vt_quantity == D(50)
    assert [q for _s, _e, q, _k, _c in _intervals(db, office.points["P-200"])] == [D(200),
                                                                                    D(50)]


def test_termination_bills_up_to_the_final_reading_and_nothing_after(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    with db.unit_of_work() as s:
        s.execute(Reading.__table__.delete().where(Reading.point_id == office.points["P-200"],
                                                   Reading.period == PERIOD))
    meter_events.terminate_contract(db, supervisor, office.customers["P-200"],
                                    date(2024, 5, 20), {office.points["P-200"]: Registers(
                                        "97640")})
    billing.run_billing(db, supervisor, PERIOD)
    [invoice] = _invoices(db, "P-200")
    assert (invoice.service_end, invoice.current_date, invoice.vt_quantity) == (
        date(2024, 5, 19), date(2024, 5, 20), D(140))
    assert billing.run_billing(db, supervisor, PERIOD).invoices_made == 0


def test_a_new_connection_bills_from_its_initial_reading(db: Database, supervisor: Operator,
                                                         clerk: Operator) -> None:
    """Issue 8, item 7: the first invoice billed 0 kWh for the days the meter ran."""
    office = build_office(db, supervisor, clerk)
    holder = _buyer(db, clerk, "Novaković")
    point = metering.create_point(db, clerk, holder, PointInput(
        number="P-400", address="Rolovića 40", place="Bar", zone_id=office.zone_id,
        reader_id=office.reader_id, reading_code=40), date(2024, 5, 10))
    placed = metering.install_new_meter(db, clerk, point.id, MeterInput(
        number="E-400", type="Landis"), date(2024, 5, 10), Registers("120"))
    assert placed.meter is not None
    office.points["P-400"] = point.id
    _reading(db, office, "P-400", placed.meter.id, PERIOD, date(2024, 5, 31), "320")
    billing.run_billing(db, supervisor, PERIOD)
    [invoice] = _invoices(db, "P-400")
    assert (invoice.previous_date, invoice.previous_vt, invoice.vt_quantity) == (
        date(2024, 5, 10), D(120), D(200))
    assert (invoice.service_start, invoice.service_end) == (date(2024, 5, 10),
                                                            date(2024, 5, 31))


# --- the database's own guard, and closing the books ---------------------------------------------

def test_the_database_refuses_an_interval_billed_twice(db: Database, supervisor: Operator,
                                                       clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        row = s.scalars(select(BilledInterval)).first()
        assert row is not None
        values = {c: getattr(row, c) for c in ("invoice_id", "point_id", "meter_id",
                                                "customer_id", "start_reading_id",
                                                "end_reading_id", "start_on", "end_on", "vt",
                                                "register_kind")}
    with pytest.raises(IntegrityError), db.unit_of_work() as s:
        s.add(BilledInterval(**values))


def test_a_completed_run_with_nothing_held_closes_the_period(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        row = s.scalar(select(BillingPeriod).where(BillingPeriod.period == PERIOD))
        assert row is not None and row.status == "closed" and row.closed_by == "SUP1"


def test_held_back_messages_are_translated(db: Database, supervisor: Operator,
                                          clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    metering.transfer_point(db, clerk, office.points["P-200"], _buyer(db, clerk),
                            date(2024, 5, 10))
    held = billing.preview_run(db, supervisor, PERIOD).held[0]
    from office_app.errors import DomainError

    error = DomainError(held.detail_id, **dict(held.detail_params))
    for language in ("sr_Latn", "sq"):
        text = tr_error(error, language)
        assert "P-200" in text and "30.04.2024" in text and text != held.detail("en")


def test_an_interval_billed_already_is_refused_with_the_invoice_named(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """Readings moved to another meter after billing: P-200's readings of 30.04 and 31.05
    are already billed (on P-100's invoice, as if keyed on its meter). The run does not bill
    them a second time; it holds P-200 back and names the invoice."""
    office = build_office(db, supervisor, clerk)
    [first] = billing.bill_points(db, supervisor, PERIOD, [office.points["P-100"]])
    with db.unit_of_work() as s:
        opening, closing = s.scalars(select(Reading.id).where(
            Reading.point_id == office.points["P-200"], Reading.kind == "regular")
            .order_by(Reading.read_on)).all()
        s.add(BilledInterval(invoice_id=first.id, point_id=office.points["P-200"],
                             meter_id=office.meters["P-100"],
                             customer_id=office.customers["P-100"], start_reading_id=opening,
                             end_reading_id=closing, start_on=date(2024, 4, 30),
                             end_on=date(2024, 5, 31), vt=D(200), register_kind="two"))
    result = billing.run_billing(db, supervisor, PERIOD)
    [held] = result.held
    assert (held.point_number, held.reason) == ("P-200", "intervals")
    assert held.detail("en") == (
        f"Point P-200: the consumption from 30.04.2024 to 31.05.2024 is already billed on "
        f"invoice {first.number}; nothing is billed twice. Check the readings of those dates "
        f"(a correction is a credit or debit note).")
    assert _invoices(db, "P-200") == []


def test_invoices_from_before_billing_by_intervals_are_continued_not_billed_again(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """An office upgraded to billed intervals has invoices without them. The first run after
    the upgrade continues each point from the last reading its last invoice billed (here
    P-200's May reading was taken on 02.06), not from the last reading before the month."""
    from sqlalchemy import text

    from office_app.services import periods

    office = build_office(db, supervisor, clerk)
    with db.unit_of_work() as s:
        s.execute(Reading.__table__.update().where(
            Reading.point_id == office.points["P-200"], Reading.period == PERIOD).values(
            read_on=date(2024, 6, 2)))
    billing.run_billing(db, supervisor, PERIOD)
    with db.engine.begin() as conn:              # as if issued before migration 0004
        if db.is_postgres:
            conn.execute(text("ALTER TABLE billed_interval DISABLE TRIGGER "
                              "billed_interval_append_only"))
        else:
            conn.execute(text("DROP TRIGGER billed_interval_no_delete"))
        conn.execute(text("DELETE FROM billed_interval"))
        if db.is_postgres:
            conn.execute(text("ALTER TABLE billed_interval ENABLE TRIGGER "
                              "billed_interval_append_only"))
    _reading(db, office, "P-200", office.meters["P-200"], "2024-06", date(2024, 6, 30), "97760")
    periods.open_period(db, supervisor, periods.default_order("2024-06"))
    billing.run_billing(db, supervisor, "2024-06")
    may, june = _invoices(db, "P-200")
    assert (may.current_date, may.vt_quantity) == (date(2024, 6, 2), D(200))
    assert (june.previous_date, june.previous_vt, june.vt_quantity) == (
        date(2024, 6, 2), D(97700), D(60))


def test_a_point_back_with_its_holder_in_the_month_bills_each_stretch_once(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """A -> B -> A inside May made two work items with one key and the run failed on the
    unique index. Now A's first stretch and B are billed, A's second stretch is held back
    naming the dates, and its consumption goes on A's June invoice: every interval once."""
    from office_app.services import periods
    from office_app.services.integrity import CHECKS, Scope

    office = build_office(db, supervisor, clerk)
    point, holder, buyer = office.points["P-200"], office.customers["P-200"], _buyer(db, clerk)
    metering.transfer_point(db, clerk, point, buyer, date(2024, 5, 10))
    _reading(db, office, "P-200", office.meters["P-200"], PERIOD, date(2024, 5, 10), "97540",
             kind="transfer")
    metering.transfer_point(db, clerk, point, holder, date(2024, 5, 20))
    _reading(db, office, "P-200", office.meters["P-200"], PERIOD, date(2024, 5, 20), "97600",
             kind="transfer")
    preview = billing.preview_run(db, supervisor, PERIOD)
    result = billing.run_billing(db, supervisor, PERIOD)
    assert [(h.point_number, h.reason) for h in result.held] == [("P-200", "intervals")]
    assert [(h.point_number, h.reason) for h in preview.held] == [("P-200", "intervals")]
    assert result.held[0].customer_code == "0000002"
    assert result.held[0].detail("en") == (
        "Point P-200: customer 0000002 held it twice in 2024-05; the days from 20.05.2024 to "
        "31.05.2024 go on their invoice of the next period (one invoice per point, holder "
        "and period). Bill the fixed charges of those days with a debit note.")
    for language in ("sr_Latn", "sq"):
        text = result.held[0].detail(language)
        assert "20.05.2024" in text and text != result.held[0].detail("en")
    first, second = _invoices(db, "P-200")
    assert (first.customer_id, first.service_start, first.service_end, first.vt_quantity) == (
        holder, date(2024, 5, 1), date(2024, 5, 9), D(40))
    assert (second.customer_id, second.service_start, second.service_end,
            second.vt_quantity) == (buyer, date(2024, 5, 10), date(2024, 5, 19), D(60))
    assert billing.run_billing(db, supervisor, PERIOD).invoices_made == 0
    _reading(db, office, "P-200", office.meters["P-200"], "2024-06", date(2024, 6, 30), "97760")
    periods.open_period(db, supervisor, periods.default_order("2024-06"))
    billing.run_billing(db, supervisor, "2024-06")
    june = _invoices(db, "P-200")[-1]
    assert (june.customer_id, june.previous_date, june.previous_vt, june.vt_quantity) == (
        holder, date(2024, 5, 20), D(97600), D(160))
    assert [(i[0], i[1], i[2], i[4]) for i in _intervals(db, point)] == [
        (date(2024, 4, 30), date(2024, 5, 10), D(40), holder),
        (date(2024, 5, 10), date(2024, 5, 20), D(60), buyer),
        (date(2024, 5, 20), date(2024, 5, 31), D(100), holder),
        (date(2024, 5, 31), date(2024, 6, 30), D(60), holder)]
    with db.unit_of_work() as s:
        assert list(CHECKS["billed_intervals"](s, Scope())) == []


def test_a_new_connection_held_back_keeps_the_days_from_its_initial_reading(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """A new connection held back in its first month (here: no price for its tariff group)
    lost the days from its initial reading (10.05) to its next one (31.05): June's run
    started at the opening of June. Now June's invoice starts at the initial reading."""
    from office_app.services import periods
    from office_app.services.billing.points import set_profile
    from office_app.services.integrity import CHECKS, Scope

    office = build_office(db, supervisor, clerk)
    holder = _buyer(db, clerk, "Novaković")
    point = metering.create_point(db, clerk, holder, PointInput(
        number="P-400", address="Rolovića 40", place="Bar", zone_id=office.zone_id,
        reader_id=office.reader_id, reading_code=40), date(2024, 5, 10))
    placed = metering.install_new_meter(db, clerk, point.id, MeterInput(
        number="E-400", type="Landis"), date(2024, 5, 10), Registers("120"))
    assert placed.meter is not None
    office.points["P-400"] = point.id
    _reading(db, office, "P-400", placed.meter.id, PERIOD, date(2024, 5, 31), "320")
    set_profile(db, supervisor, point.id, "peak")        # no household peak prices
    may = billing.run_billing(db, supervisor, PERIOD)
    assert [(h.point_number, h.reason) for h in may.held] == [("P-400", "no_tariff")]
    set_profile(db, supervisor, point.id, None)
    periods.close_period(db, supervisor, PERIOD)
    _reading(db, office, "P-400", placed.meter.id, "2024-06", date(2024, 6, 30), "420")
    periods.open_period(db, supervisor, periods.default_order("2024-06"))
    june = billing.run_billing(db, supervisor, "2024-06")
    assert [h.point_number for h in june.held if h.point_number == "P-400"] == []
    [invoice] = _invoices(db, "P-400")
    assert (invoice.previous_date, invoice.previous_vt, invoice.current_vt,
            invoice.vt_quantity) == (date(2024, 5, 10), D(120), D(420), D(300))
    assert [(i[0], i[1], i[2]) for i in _intervals(db, point.id)] == [
        (date(2024, 5, 10), date(2024, 5, 31), D(200)),
        (date(2024, 5, 31), date(2024, 6, 30), D(100))]
    with db.unit_of_work() as s:
        assert list(CHECKS["billed_intervals"](s, Scope())) == []
    assert billing.run_billing(db, supervisor, "2024-06").invoices_made == 0


def test_a_batch_reads_again_a_point_billed_after_the_plan(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    """The run matches intervals once, for its plan; a batch reads a point again when its
    billed intervals changed since (a desk billed it meanwhile), and holds it back naming
    the invoice instead of failing on the database's unique index."""
    office = build_office(db, supervisor, clerk)
    [first] = billing.bill_points(db, supervisor, PERIOD, [office.points["P-100"]])
    with db.unit_of_work() as s:
        plan = billing.make_plan(s, PERIOD, billing.default_source())
    assert "P-200" in [i.point_number for i in plan.items]
    with db.unit_of_work() as s:     # after the plan, P-200's readings are billed
        opening, closing = s.scalars(select(Reading.id).where(
            Reading.point_id == office.points["P-200"], Reading.kind == "regular")
            .order_by(Reading.read_on)).all()
        s.add(BilledInterval(invoice_id=first.id, point_id=office.points["P-200"],
                             meter_id=office.meters["P-100"],
                             customer_id=office.customers["P-100"], start_reading_id=opening,
                             end_reading_id=closing, start_on=date(2024, 4, 30),
                             end_on=date(2024, 5, 31), vt=D(200), register_kind="two"))
    with db.unit_of_work() as s:
        prepared, held = billing.prepare_batch(s, plan, billing.default_source(), plan.items)
    assert "P-200" not in [p.item.point_number for p in prepared] and prepared
    assert [(h.point_number, h.reason) for h in held] == [("P-200", "intervals")]
    assert f"invoice {first.number}" in held[0].detail("en")
