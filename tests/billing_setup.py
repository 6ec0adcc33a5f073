"""A small electricity office for billing tests, with numbers chosen so that invoices can be
checked to the cent (see tests/unit/test_billing_pricing.py for the same arithmetic):

- P-100 household (Latin), two-rate meter E-100: 350 kWh VT + 150 kWh MT in 2024-05
  -> 36,75 + 7,88 + fixed 2,50 = 47,13; VAT 21 % 9,90; total 57,03
- P-200 household (Cyrillic), single-rate meter E-200: 200 kWh
  -> 19,00 + 2,50 = 21,50; VAT 4,52; total 26,02
- P-300 business, two-rate meter with peak load E-300 (constant 40, peak constant 2):
  300 × 40 = 12.000 kWh VT, 125 × 40 = 5.000 kWh MT, peak 24,25 × 2 = 48,5 kW
  -> 1.094,40 + 228,00 + 331,74 + 12,00 = 1.666,14; VAT 349,89; total 2.016,03

Readings are on the last day of 2024-04 (opening) and 2024-05; the billing order of 2024-05
issues invoices on 08.06.2024, due 25.06.2024.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D

from office_app.db import Database
from office_app.models import Reading
from office_app.services import metering, network, periods
from office_app.services.billing import tariffs
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput, PointInput
from office_app.services.permissions import Operator

PERIOD = "2024-05"
ISSUE = date(2024, 6, 8)
DUE = date(2024, 6, 25)
START = date(2024, 1, 1)

PRICES = [
    ("household", "two", "energy_vt", "0.10500"),
    ("household", "two", "energy_mt", "0.05250"),
    ("household", "single", "energy", "0.09500"),
    ("household", "all", "fixed", "2.50"),
    ("commercial", "peak", "energy_vt", "0.09120"),
    ("commercial", "peak", "energy_mt", "0.04560"),
    ("commercial", "peak", "peak_load", "6.84"),
    ("commercial", "all", "fixed", "12.00"),
    ("household", "all", "reconnection", "15.00"),
]


@dataclass
class Office:
    zone_id: int
    reader_id: int
    points: dict[str, int] = field(default_factory=dict)
    meters: dict[str, int] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)


def add_prices(db: Database, op: Operator, since: date = START) -> None:
    for category, group, element, price in PRICES:
        tariffs.add_tariff(db, op, category, group, element, price, since)
    tariffs.add_rate(db, op, "vat", "21", date(2020, 1, 1))
    tariffs.add_rate(db, op, "interest", "10.5", date(2020, 1, 1))


def _customer(db: Database, op: Operator, name: str, business: bool, language: str) -> int:
    if business:
        data = CustomerInput(kind="business", category="commercial", name=name,
                             tax_number="02005123", address="Obala 5", place="Bar",
                             language=language)
    else:
        surname, given = name.split()
        data = CustomerInput(surname=surname, given_name=given, address="Rolovića 3",
                             place="Bar", postal_code="85000", language=language)
    return create_customer(db, op, data).id


def add_point(db: Database, op: Operator, office: Office, number: str, holder: int,
              meter: MeterInput | None, reading_code: int, kind: str = "regular",
              common: str = "") -> int:
    point = metering.create_point(db, op, holder, PointInput(
        number=number, address=f"Rolovića {reading_code}", place="Bar", zone_id=office.zone_id,
        reader_id=office.reader_id, reading_code=reading_code, kind=kind,
        common_point_number=common), date(2020, 1, 1))
    office.points[number] = point.id
    office.customers[number] = holder
    if meter is not None:
        placed = metering.install_new_meter(db, op, point.id, meter, date(2020, 1, 1),
                                            new_meter_registers(meter))
        assert placed.meter is not None
        office.meters[number] = placed.meter.id
    return point.id


def new_meter_registers(meter: MeterInput) -> metering.Registers:
    """A new meter's initial reading: its registers at zero."""
    return metering.Registers(vt="0", mt="0" if meter.two_rate else "")


def read(db: Database, office: Office, number: str, period: str, vt: str, mt: str | None = None,
         peak: str | None = None, **extra: object) -> None:
    """A reading of the point's meter on the last day of ``period``."""
    with db.unit_of_work() as s:
        s.add(Reading(point_id=office.points[number], meter_id=office.meters[number],
                      period=period, read_on=periods.last_day(period), vt=D(vt),
                      mt=None if mt is None else D(mt), peak=None if peak is None else D(peak),
                      created_by="T", **extra))


def open_order(db: Database, op: Operator, period: str = PERIOD) -> None:
    periods.open_period(db, op, periods.default_order(period))


def build_office(db: Database, supervisor: Operator, clerk: Operator,
                 prices: bool = True, order: bool = True) -> Office:
    zone = network.save_zone(db, supervisor, "Z1", "Topolica")
    reader = network.save_reader(db, supervisor, "R07", "Marko Vujović")
    office = Office(zone.id, reader.id)
    add_point(db, clerk, office, "P-100", _customer(db, clerk, "Radulović Jovan", False,
                                                    "sr_Latn"),
              MeterInput(number="E-100", type="ISKRA ME162", two_rate=True), 10)
    add_point(db, clerk, office, "P-200", _customer(db, clerk, "Đurović Šćepan", False,
                                                    "sr_Cyrl"),
              MeterInput(number="E-200", type="Landis", digits=5), 20)
    add_point(db, clerk, office, "P-300", _customer(db, clerk, "Žabljak Trade d.o.o.", True,
                                                    "en"),
              MeterInput(number="E-300", type="ISKRA MT174", two_rate=True,
                         constant=D(40), peak_load_constant=D(2)), 30)
    read(db, office, "P-100", "2024-04", "10000", "5000")
    read(db, office, "P-200", "2024-04", "97500")
    read(db, office, "P-300", "2024-04", "1000", "700", "20")
    read(db, office, "P-100", PERIOD, "10350", "5150")
    read(db, office, "P-200", PERIOD, "97700")
    read(db, office, "P-300", PERIOD, "1300", "825", "24.25")
    if prices:
        add_prices(db, supervisor)
    if order:
        open_order(db, supervisor)
    return office
