"""The consumption contract billing builds on: exact numbers for rollover, replacement,
estimates and their settlement, and a transfer inside a period, on both databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from office_app.db import Database
from office_app.errors import NotFound
from office_app.models import Reading
from office_app.services import metering, network, periods
from office_app.services.consumption import (
    billable_period,
    period_consumption,
    register_delta,
    unresolved_implausible,
)
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput, PointInput
from office_app.services.permissions import Operator

D = Decimal


@pytest.fixture
def point(db: Database, supervisor: Operator) -> dict:
    zone = network.save_zone(db, supervisor, "Z1", "Centar")
    reader = network.save_reader(db, supervisor, "R1", "Marko Vujović")
    owner = create_customer(db, supervisor, CustomerInput(
        surname="Radulović", given_name="Jovan", address="Rolovića 3", place="Bar"))
    p = metering.create_point(db, supervisor, owner.id, PointInput(
        number="P-1", address="Rolovića 3", place="Bar", zone_id=zone.id,
        reader_id=reader.id, reading_code=1), date(2020, 1, 1))
    placed = metering.install_new_meter(db, supervisor, p.id, MeterInput(
        number="M-1", type="ISKRA", two_rate=True, constant=D(2), digits=5),
        date(2020, 1, 1), metering.Registers(vt="0", mt="0"))
    assert placed.meter is not None
    return {"point": p.id, "meter": placed.meter.id, "owner": owner.id}


def _add(db: Database, point: int, meter: int, period: str, day: date, vt: str,
         mt: str | None = None, **kw: object) -> None:
    with db.unit_of_work() as s:
        s.add(Reading(point_id=point, meter_id=meter, period=period, read_on=day, vt=D(vt),
                      mt=D(mt) if mt is not None else None, created_by="T", **kw))


def test_register_delta_recognises_rollover() -> None:
    assert register_delta(D(99950), D(120), 5) == (D(170), True)
    assert register_delta(D(12350), D(12345), 5) == (D(-5), False)
    assert register_delta(D(100), D(250), 5) == (D(150), False)


def test_two_rate_with_constant_and_rollover(db: Database, point: dict) -> None:
    _add(db, point["point"], point["meter"], "2025-01", date(2025, 1, 31), "99900", "500")
    _add(db, point["point"], point["meter"], "2025-02", date(2025, 2, 28), "150", "620",
         source="self")
    with db.unit_of_work() as s:
        [line] = period_consumption(s, "2025-02")
    assert (line.vt_quantity, line.mt_quantity) == (D(500), D(240))   # (100000-99900+150)*2
    assert (line.previous_vt, line.current_vt) == (D(99900), D(150))
    assert line.previous_date == date(2025, 1, 31) and line.current_date == date(2025, 2, 28)
    assert line.self_read and not line.estimated and not line.settlement
    assert line.constant == D(2) and line.meter_numbers == ("M-1",)
    assert line.customer_id == point["owner"]


def test_estimate_then_settlement(db: Database, point: dict) -> None:
    _add(db, point["point"], point["meter"], "2025-01", date(2025, 1, 31), "1000", "100")
    _add(db, point["point"], point["meter"], "2025-02", date(2025, 2, 28), "1100", "150",
         source="estimate")
    _add(db, point["point"], point["meter"], "2025-03", date(2025, 3, 31), "1130", "210")
    with db.unit_of_work() as s:
        [feb] = period_consumption(s, "2025-02")
        [mar] = period_consumption(s, "2025-03")
    assert feb.estimated and (feb.vt_quantity, feb.mt_quantity) == (D(200), D(100))
    assert mar.settlement and not mar.estimated
    # 1130 - 1100 = 30 × 2; 210 - 150 = 60 × 2: together 2 months of real use minus the estimate
    assert (mar.vt_quantity, mar.mt_quantity) == (D(60), D(120))


def test_pending_readings_are_left_out_and_listed(db: Database, point: dict) -> None:
    _add(db, point["point"], point["meter"], "2025-01", date(2025, 1, 31), "1000", "100")
    _add(db, point["point"], point["meter"], "2025-02", date(2025, 2, 28), "9000", "150",
         check_state="pending")
    with db.unit_of_work() as s:
        assert period_consumption(s, "2025-02") == []
        assert unresolved_implausible(s, "2025-02") == [point["point"]]
        # the meter's initial reading (0 on 01.01.2020) opens its first period
        first = period_consumption(s, "2025-01", [point["point"]])[0]
        assert (first.previous_date, first.previous_vt) == (date(2020, 1, 1), 0)


def test_billable_period(db: Database, supervisor: Operator) -> None:
    periods.open_period(db, supervisor, periods.default_order("2025-03"))
    with db.unit_of_work() as s:
        info = billable_period(s, "2025-03")
        assert info.status == "open" and info.last_reading_on == date(2025, 4, 3)
        with pytest.raises(NotFound):
            billable_period(s, "2025-04")
