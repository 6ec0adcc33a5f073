"""The demo office on both databases: what a newcomer relies on when they first look around.

Most checks look at the register step alone (fast); the whole demo, with every feature's step,
is built by the tests of the login, of --force and of the command."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from office_app import cli
from office_app.db import Database
from office_app.demo import DemoContext, build_demo
from office_app.demo.register import DEMO_OFFICE, DEMO_USERS, build_register, meter_number
from office_app.errors import Conflict
from office_app.models import (
    Customer,
    Meter,
    MeteringPoint,
    MeterInstallation,
    PointHolding,
    User,
    Zone,
)
from office_app.services import metering, validation
from office_app.services.customers import CustomerInput, create_customer, search_key
from office_app.services.metering import MeterInput, PointInput
from office_app.services.office import get_office
from office_app.services.permissions import Operator, Role
from office_app.services.search import CustomerQuery, search_customer_ids
from office_app.services.users import authenticate

SIZE = 60
DIACRITICS = set("čćđšžČĆĐŠŽ")


TODAY = date(2026, 11, 20)


@pytest.fixture
def demo(db: Database) -> DemoContext:
    """The register step only: office, users, zones, readers, customers, points, meters."""
    ctx = DemoContext(db=db, customers=SIZE, seed=7, today=TODAY)
    build_register(ctx)
    return ctx


@pytest.fixture
def full_demo(db: Database) -> DemoContext:
    """The whole demo office, every step in office_app.demo.STEPS."""
    return build_demo(db, SIZE, seed=7, today=TODAY)


def _customers(db: Database) -> list[Customer]:
    with db.unit_of_work() as s:
        return list(s.scalars(select(Customer).order_by(Customer.id)))


def test_every_role_logs_in_with_the_documented_password(db: Database, demo: DemoContext) -> None:
    roles = set()
    for login, password, role, *_ in DEMO_USERS:
        operator, info = authenticate(db, login, password)
        assert operator.role is role and info.login == login
        roles.add(role)
    assert roles == set(Role)
    office = get_office(db)
    assert office.name == DEMO_OFFICE.name and office.utility == "electricity"
    assert validation.tax_number(office.tax_number, office.country) == office.tax_number
    assert validation.bank_account(office.bank_account) == office.bank_account


def test_customers_have_valid_numbers_and_exact_search_keys(db: Database,
                                                            demo: DemoContext) -> None:
    customers = _customers(db)
    assert len(customers) == SIZE
    assert [c.code for c in customers] == [f"{n:07d}" for n in range(1, SIZE + 1)]
    for c in customers:
        if c.personal_number:
            assert validation.jmbg(c.personal_number) == c.personal_number
        if c.kind == "business":
            assert c.tax_number and validation.tax_number(c.tax_number, "ME") == c.tax_number
            assert c.bank_account and validation.bank_account(c.bank_account) == c.bank_account
        assert validation.email(c.email) == c.email
        assert c.search_key == search_key(c.code, c.name, c.address, c.place,
                                          c.billing_address or "")
    assert any(DIACRITICS & set(c.name) for c in customers)
    assert {c.language for c in customers} == {"sr_Latn", "sr_Cyrl", "sq", "en"}
    assert {c.status for c in customers} == {None, "I", "T", "N"}
    assert all(c.status_date for c in customers if c.status)
    assert any(c.socially_vulnerable for c in customers)
    assert {c.category for c in customers} == {"household", "commercial", "institutional"}
    numbers = [c.personal_number for c in customers if c.personal_number]
    assert len(numbers) == len(set(numbers))


def test_every_customer_holds_a_point_with_a_meter(db: Database, demo: DemoContext) -> None:
    with db.unit_of_work() as s:
        active = set(s.scalars(select(PointHolding.customer_id)
                               .join(MeterInstallation, MeterInstallation.point_id
                                     == PointHolding.point_id)
                               .where(PointHolding.valid_to.is_(None),
                                      MeterInstallation.removed_on.is_(None))))
        ever = set(s.scalars(select(PointHolding.customer_id)))
        routes = s.execute(select(MeteringPoint.zone_id, MeteringPoint.reading_code)).all()
        replaced = s.scalar(select(func.count()).select_from(MeterInstallation)
                            .where(MeterInstallation.removed_on.is_not(None)))
        business_meters = s.execute(select(Meter.constant, Meter.peak_load_constant).join(
            MeterInstallation, MeterInstallation.meter_id == Meter.id).join(
            PointHolding, PointHolding.point_id == MeterInstallation.point_id).join(
            Customer, Customer.id == PointHolding.customer_id).where(
            Customer.kind == "business", Customer.name.not_like("Stambena zajednica%"))).all()
    customers = _customers(db)
    # A customer who left (status N) passed their flat on; everyone else holds a metered point.
    assert {c.id for c in customers if c.status != "N"} <= active
    assert {c.id for c in customers} == ever
    assert len(routes) == len(set(routes)), "reading codes repeat within a zone"
    assert replaced >= 1
    assert any(constant > 1 for constant, _peak in business_meters)
    assert all(peak == constant for constant, peak in business_meters)


def test_the_building_common_meter_has_flats(db: Database, demo: DemoContext,
                                             clerk: Operator) -> None:
    with db.unit_of_work() as s:
        common = s.scalars(select(MeteringPoint.id).where(MeteringPoint.kind == "common")).all()
    assert common
    flats = metering.flats_of(db, clerk, common[0])
    assert len(flats) >= 6
    assert all(f.meter is not None and ", stan " in f.address for f in flats)


def test_new_records_continue_after_the_demo(db: Database, demo: DemoContext,
                                             clerk: Operator) -> None:
    created = create_customer(db, clerk, CustomerInput(
        surname="Novaković", given_name="Jana", address="Njegoševa 3", place="Bar"))
    assert created.code == f"{SIZE + 1:07d}"
    with db.unit_of_work() as s:
        zone = s.scalars(select(Zone)).first()
        reader_id = s.scalar(select(MeteringPoint.reader_id).limit(1))
    assert zone is not None and reader_id is not None
    point = metering.create_point(db, clerk, created.id, PointInput(
        number="NEW-1", address="Njegoševa 3", place="Bar", zone_id=zone.id,
        reader_id=reader_id, reading_code=999_990))
    meter = metering.create_meter(db, clerk, MeterInput(number="NEW-M1", type="Iskra ME162",
                                                        constant=Decimal(1)))
    placed = metering.install_meter(db, clerk, point.id, meter.id, date(2026, 11, 21),
                                   metering.Registers(vt="0"))
    assert placed.meter is not None and placed.holder_code == created.code


def test_search_finds_demo_customers_without_diacritics(db: Database, demo: DemoContext,
                                                        clerk: Operator) -> None:
    customer = next(c for c in _customers(db)
                    if c.kind == "household" and DIACRITICS & set(c.surname))
    found = search_customer_ids(db, clerk, CustomerQuery(text=validation.fold(customer.surname)))
    assert customer.id in found


def test_refuses_a_register_with_customers_unless_forced(db: Database,
                                                         full_demo: DemoContext) -> None:
    with pytest.raises(Conflict):
        build_demo(db, 5, seed=7)
    more = build_demo(db, 20, seed=8, force=True, today=TODAY)
    customers = _customers(db)
    assert len(customers) == SIZE + 20
    assert customers[-1].code == f"{SIZE + 20:07d}"
    assert more.created["customer"][0] == customers[SIZE].id
    numbers = [c.personal_number for c in customers if c.personal_number]
    assert len(numbers) == len(set(numbers))
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
        assert s.scalar(select(func.count(func.distinct(Zone.code)))) == s.scalar(
            select(func.count()).select_from(Zone))


def test_same_seed_same_office(sqlite_template: Path, tmp_path: Path) -> None:
    keys = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        build_register(DemoContext(db=db, customers=40, seed=3, today=date(2026, 1, 15)))
        with db.unit_of_work() as s:
            keys.append(s.execute(select(Customer.code, Customer.name, Customer.personal_number,
                                         Customer.search_key).order_by(Customer.id)).all())
        db.dispose()
    assert keys[0] == keys[1]


def test_meter_numbers_are_unique_serials() -> None:
    numbers = {meter_number(i) for i in range(1, 200_001)}
    assert len(numbers) == 200_000 and all(len(n) == 8 and n.isdigit() for n in numbers)


def test_command_migrates_builds_and_refuses_a_second_run(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert cli.main(["demo", "--db", url, "--customers", "30", "--seed", "2"]) == 0
    assert "admin/admin123" in capsys.readouterr().out
    assert cli.main(["demo", "--db", url, "--customers", "30"]) == 1
    assert "already has 30 customers" in capsys.readouterr().err
