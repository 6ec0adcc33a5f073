"""Small guards of the billing run: SQLite's heartbeat lock, a water office (metered with
sewage, unmetered at a flat rate), a point's billing profile."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from office_app.db import Database
from office_app.errors import Conflict, ValidationError
from office_app.models import BillingRun, Invoice, InvoiceLine
from office_app.models.base import utcnow
from office_app.services import network
from office_app.services.billing import points, tariffs
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput
from office_app.services.office import OfficeInfo, save_office
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, START, Office, add_point, build_office, open_order, read


def test_sqlite_refuses_a_run_while_another_ones_heartbeat_is_fresh(
        sqlite_db: Database, supervisor: Operator, clerk: Operator) -> None:
    with sqlite_db.unit_of_work() as s:
        save_office(s, OfficeInfo("01", "T", "electricity", "", "", "", "", "", "ME"))
    build_office(sqlite_db, supervisor, clerk)
    with sqlite_db.unit_of_work() as s:
        s.add(BillingRun(kind="billing", period=PERIOD, started_by="OTHER",
                         heartbeat_at=utcnow()))
    with pytest.raises(Conflict) as caught:
        billing.run_billing(sqlite_db, supervisor, PERIOD)
    assert caught.value.params["operator"] == "OTHER"
    with sqlite_db.unit_of_work() as s:         # the other desk died two minutes ago
        run = s.scalar(select(BillingRun))
        assert run is not None
        s.execute(BillingRun.__table__.update().values(
            heartbeat_at=utcnow() - timedelta(minutes=3)))
    result = billing.run_billing(sqlite_db, supervisor, PERIOD)
    assert result.invoices_made == 3 and result.run_id == run.id      # resumed, not doubled


def test_a_water_office_bills_volume_sewage_and_flat_rate(
        db: Database, supervisor: Operator, clerk: Operator) -> None:
    with db.unit_of_work() as s:
        save_office(s, OfficeInfo("02", "Vodovod Bar", "water", "Bar", "", "", "", "", "ME"))
    zone = network.save_zone(db, supervisor, "V1", "Centar")
    reader = network.save_reader(db, supervisor, "C1", "Ana")
    office = Office(zone.id, reader.id)
    holder = create_customer(db, clerk, CustomerInput(
        surname="Perović", given_name="Ivana", address="Obala 2", place="Bar")).id
    add_point(db, clerk, office, "W-1", holder, MeterInput(number="V-1", type="Sensus"), 1)
    add_point(db, clerk, office, "W-2", holder, None, 2)            # no meter: flat rate
    dry = add_point(db, clerk, office, "W-3", holder, MeterInput(number="V-3", type="Sensus"),
                    3)
    points.set_profile(db, supervisor, dry, None, sewage=False)
    with pytest.raises(ValidationError):
        points.set_profile(db, supervisor, dry, "peak")              # not a water group
    for number, old, new in (("W-1", "100", "118"), ("W-3", "50", "60")):
        read(db, office, number, "2024-04", old)
        read(db, office, number, PERIOD, new)
    for group, element, price in (("metered", "water_volume", "0.45"),
                                  ("metered", "sewage_volume", "0.20"),
                                  ("all", "availability", "1.50"),
                                  ("all", "sewage_availability", "0.80"),
                                  ("flat", "flat_rate", "9.50")):
        tariffs.add_tariff(db, supervisor, "household", group, element, price, START)
    tariffs.add_rate(db, supervisor, "vat", "21", date(2020, 1, 1))
    open_order(db, supervisor)
    assert billing.run_billing(db, supervisor, PERIOD).invoices_made == 3
    with db.unit_of_work() as s:
        totals = {i.point_number: (i.tariff_group, i.net_amount, i.total)
                  for i in s.scalars(select(Invoice))}
        elements = {n: [ln.element for ln in s.scalars(
            select(InvoiceLine).join(Invoice).where(Invoice.point_number == n)
            .order_by(InvoiceLine.position))] for n in totals}
    assert totals == {"W-1": ("metered", D("14.00"), D("16.94")),
                      "W-2": ("flat", D("11.80"), D("14.28")),
                      "W-3": ("metered", D("6.00"), D("7.26"))}   # 10 m³ × 0,45 + 1,50
    assert elements["W-3"] == ["water_volume", "availability"]
