"""Metering points, meters and their history on both databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.services import audit, metering, network
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput, PointInput
from office_app.services.permissions import Operator
from office_app.services.search import CustomerQuery, customer_rows, search_customer_ids


@pytest.fixture
def setup(db: Database, supervisor: Operator, clerk: Operator) -> dict:
    zone = network.save_zone(db, supervisor, "z01", "Topolica")
    reader = network.save_reader(db, supervisor, "r07", "Marko Vujović")
    owner = create_customer(db, clerk, CustomerInput(
        surname="Radulović", given_name="Jovan", address="Vladimira Rolovića 3", place="Bar"))
    other = create_customer(db, clerk, CustomerInput(
        surname="Kovačević", given_name="Sanja", address="Jovana Tomaševića 8", place="Bar"))
    return {"zone": zone, "reader": reader, "owner": owner, "other": other}


def _point(setup: dict, number: str, **extra: object) -> PointInput:
    return PointInput(number=number, address="Vladimira Rolovića 3", place="Bar",
                      zone_id=setup["zone"].id, reader_id=setup["reader"].id, reading_code=10,
                      **extra)  # type: ignore[arg-type]


def test_point_with_meter_is_found_by_meter_number(db: Database, clerk: Operator,
                                                   supervisor: Operator, setup: dict) -> None:
    point = metering.create_point(db, clerk, setup["owner"].id, _point(setup, "100200"),
                                  date(2020, 1, 1))
    meter = metering.create_meter(db, clerk, MeterInput(
        number="E-778899", type="ISKRA ME162", two_rate=True, constant=Decimal("40"),
        digits=6, nominal_current="10(60) A", nominal_voltage="3x230/400 V"))
    placed = metering.install_meter(db, clerk, point.id, meter.id, date(2020, 1, 1),
                                   metering.Registers(vt="0", mt="0"))
    assert placed.meter is not None and placed.meter.number == "E-778899"
    assert placed.meter.constant == Decimal("40")
    assert (placed.zone_code, placed.reader_code, placed.holder_code) == (
        "Z01", "R07", setup["owner"].code)
    assert search_customer_ids(db, clerk, CustomerQuery(text="E-7788")) == [setup["owner"].id]
    assert search_customer_ids(db, clerk, CustomerQuery(text="100200")) == [setup["owner"].id]
    assert search_customer_ids(db, clerk, CustomerQuery(zone_id=setup["zone"].id)) == [
        setup["owner"].id]
    row = customer_rows(db, clerk, [setup["owner"].id])[0]
    assert (row.points, row.meters, row.zones) == ("100200", "E-778899", "Z01")
    history = audit.customer_history(db, supervisor, setup["owner"].id)
    assert any(h.action == "install" and h.new_value == "E-778899" for h in history)


def test_meter_on_another_active_point_is_refused(db: Database, clerk: Operator,
                                                  setup: dict) -> None:
    first = metering.create_point(db, clerk, setup["owner"].id, _point(setup, "1"))
    second = metering.create_point(db, clerk, setup["other"].id, _point(setup, "2"))
    meter = metering.create_meter(db, clerk, MeterInput(number="M1", type="Zenner"))
    metering.install_meter(db, clerk, first.id, meter.id, date(2024, 1, 1),
                           metering.Registers(vt="0"))
    with pytest.raises(Conflict) as caught:
        metering.install_meter(db, clerk, second.id, meter.id, date(2024, 2, 1),
                               metering.Registers(vt="0"))
    assert caught.value.params == {"meter": "M1", "point": "1"}
    assert metering.get_point(db, clerk, second.id).meter is None
    metering.remove_meter(db, clerk, first.id, date(2024, 2, 1))
    moved = metering.install_meter(db, clerk, second.id, meter.id, date(2024, 2, 1),
                                   metering.Registers(vt="0"))
    assert moved.meter is not None and moved.meter.number == "M1"
    assert [(h.point_number, h.removed_on) for h in metering.meter_history(
        db, clerk, first.id)] == [("1", date(2024, 2, 1))]


def test_duplicate_numbers_and_bad_values(db: Database, clerk: Operator, setup: dict) -> None:
    metering.create_point(db, clerk, setup["owner"].id, _point(setup, "55"))
    with pytest.raises(Conflict) as caught:
        metering.create_point(db, clerk, setup["other"].id, _point(setup, "55"))
    assert caught.value.field == "number"
    metering.create_meter(db, clerk, MeterInput(number="W-1", type="Sensus"))
    with pytest.raises(Conflict):
        metering.create_meter(db, clerk, MeterInput(number="W-1", type="Sensus"))
    with pytest.raises(ValidationError) as invalid:
        metering.create_meter(db, clerk, MeterInput(number="W-2", type="", digits=12,
                                                    constant=Decimal("-1")))
    assert {e.field for e in invalid.value.errors} == {"type", "digits", "constant"}
    with pytest.raises(ValidationError) as no_route:
        metering.create_point(db, clerk, setup["owner"].id,
                              PointInput(number="56", address="A", place="B"))
    assert {e.field for e in no_route.value.errors} == {"zone_id", "reader_id", "reading_code"}


def test_common_meter_and_flats(db: Database, clerk: Operator, setup: dict) -> None:
    building = metering.create_point(db, clerk, setup["owner"].id,
                                     _point(setup, "Z-1", kind="common"))
    metering.create_point(db, clerk, setup["owner"].id,
                          _point(setup, "F-1", common_point_number="Z-1"))
    metering.create_point(db, clerk, setup["other"].id,
                          _point(setup, "F-2", common_point_number="Z-1"))
    assert metering.get_point(db, clerk, building.id).flats == 2
    assert [f.number for f in metering.flats_of(db, clerk, building.id)] == ["F-1", "F-2"]
    with pytest.raises(ValidationError):
        metering.create_point(db, clerk, setup["other"].id,
                              _point(setup, "F-3", common_point_number="F-1"))


def test_transfer_keeps_who_held_the_point_when(db: Database, clerk: Operator,
                                                setup: dict) -> None:
    point = metering.create_point(db, clerk, setup["owner"].id, _point(setup, "77"),
                                  date(2019, 5, 1))
    moved = metering.transfer_point(db, clerk, point.id, setup["other"].id, date(2025, 3, 1))
    assert moved.holder_id == setup["other"].id
    history = metering.holding_history(db, clerk, point.id)
    assert [(h.customer_code, h.valid_from, h.valid_to) for h in history] == [
        (setup["other"].code, date(2025, 3, 1), None),
        (setup["owner"].code, date(2019, 5, 1), date(2025, 3, 1))]
    assert metering.points_of_customer(db, clerk, setup["owner"].id) == []


def test_cashier_cannot_change_meters_or_zones(db: Database, cashier: Operator,
                                               clerk: Operator) -> None:
    with pytest.raises(PermissionDenied):
        metering.create_meter(db, cashier, MeterInput(number="X", type="Y"))
    with pytest.raises(PermissionDenied):
        network.save_zone(db, clerk, "Z9", "Nowhere")
