"""Registering a meter and putting it on a point in one transaction (metering.install_new_meter)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from office_app.db import Database
from office_app.errors import Conflict, NotFound, ValidationError
from office_app.services import metering, network
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput, PointInput
from office_app.services.permissions import Operator

ZERO = metering.Registers(vt="0")


@pytest.fixture
def point(db: Database, supervisor: Operator, clerk: Operator) -> metering.PointRecord:
    zone = network.save_zone(db, supervisor, "Z01", "Topolica")
    reader = network.save_reader(db, supervisor, "R07", "Marko Vujović")
    owner = create_customer(db, clerk, CustomerInput(
        surname="Radulović", given_name="Jovan", address="Vladimira Rolovića 3", place="Bar"))
    return metering.create_point(db, clerk, owner.id, PointInput(
        number="300400", address="Vladimira Rolovića 3", place="Bar", zone_id=zone.id,
        reader_id=reader.id, reading_code=5))


def test_new_meter_is_registered_and_installed(db: Database, clerk: Operator,
                                               point: metering.PointRecord) -> None:
    placed = metering.install_new_meter(db, clerk, point.id, MeterInput(
        number="E-1", type="Iskra"), date(2024, 1, 1), ZERO)
    assert placed.meter is not None and placed.meter.number == "E-1"
    assert placed.meter_installed_on == date(2024, 1, 1)
    assert metering.find_meter(db, clerk, "E-1").type == "Iskra"


def test_failed_install_leaves_no_meter_behind(db: Database, clerk: Operator,
                                               point: metering.PointRecord) -> None:
    """Regression guard: the meter row must not survive when the installation is refused."""
    metering.install_new_meter(db, clerk, point.id, MeterInput(number="E-1", type="Iskra"),
                               date(2024, 1, 1), ZERO)
    with pytest.raises(Conflict) as caught:
        metering.install_new_meter(db, clerk, point.id, MeterInput(number="E-2", type="Iskra"),
                                   date(2024, 2, 1), ZERO)
    assert caught.value.field == "meter"
    with pytest.raises(NotFound):
        metering.find_meter(db, clerk, "E-2")
    with pytest.raises(ValidationError) as invalid:
        metering.install_new_meter(db, clerk, point.id, MeterInput(number="E-3", type=""),
                                   date(2024, 2, 1), ZERO)
    assert {e.field for e in invalid.value.errors} == {"type"}


def test_a_new_connection_needs_its_initial_reading(db: Database, clerk: Operator,
                                                   point: metering.PointRecord) -> None:
    """Issue 8, item 7: without an initial reading the first invoice billed 0 kWh for the
    days the meter ran; now the meter is not installed without one, and nothing is saved."""
    from sqlalchemy import select

    from office_app.models import Meter, MeterInstallation, Reading

    with pytest.raises(ValidationError) as missing:
        metering.install_new_meter(db, clerk, point.id, MeterInput(
            number="E-9", type="Iskra", two_rate=True), date(2024, 3, 5),
            metering.Registers(vt="1200"))
    assert [(e.field, e.params) for e in missing.value.errors] == [
        ("initial_mt", {"meter": "E-9"})]
    with db.unit_of_work() as s:
        assert s.scalar(select(Meter.id).where(Meter.number == "E-9")) is None
        assert s.scalar(select(MeterInstallation.id)) is None
    metering.install_new_meter(db, clerk, point.id, MeterInput(
        number="E-9", type="Iskra", two_rate=True), date(2024, 3, 5),
        metering.Registers(vt="1200", mt="300,5"))
    with db.unit_of_work() as s:
        reading = s.scalars(select(Reading)).one()
    assert (reading.kind, reading.read_on, reading.vt, reading.mt, reading.period) == (
        "initial", date(2024, 3, 5), 1200, D("300.5"), "2024-03")
