"""A small reading book for tests: one zone and reader, three points in route order with a
year of monthly history, and the period 2025-03 open.

- P-100 household, two-rate meter E-100 (constant 1, 6 digits): 300 VT + 100 MT a month
- P-200 household, single-rate meter E-200 (constant 1, 5 digits) at 99900: 200 a month
- P-300 business, two-rate meter E-300 (constant 40, peak constant 2): 50 + 25 units a month
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from office_app.db import Database
from office_app.models import Reading
from office_app.services import metering, network, periods
from office_app.services.consumption import shift_period
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.metering import MeterInput, PointInput
from office_app.services.office import OfficeInfo
from office_app.services.permissions import Operator

PERIOD = "2025-03"
OFFICE = OfficeInfo("01", "Elektrodistribucija Bar", "electricity", "Bulevar revolucije 1, Bar",
                    "+382 30 312 000", "info@ed-bar.me", "02005123", "510-0000000012345-59",
                    "ME")
FIRST_HISTORY = "2024-03"


@dataclass(frozen=True)
class Book:
    zone_id: int
    reader_id: int
    points: dict[str, int]       # point number -> id
    meters: dict[str, int]       # meter number -> id
    customers: dict[str, int]    # point number -> holder id


def _customer(db: Database, op: Operator, business: bool, name: str) -> int:
    if business:
        data = CustomerInput(kind="business", category="commercial", name=name,
                             tax_number="02005123", address="Obala 5", place="Bar")
    else:
        surname, given = name.split()
        data = CustomerInput(surname=surname, given_name=given, address="Rolovića 3",
                             place="Bar")
    return create_customer(db, op, data).id


def build_book(db: Database, op: Operator, history: bool = True,
               open_period: bool = True) -> Book:
    zone = network.save_zone(db, op, "Z1", "Topolica")
    reader = network.save_reader(db, op, "R07", "Marko Vujović")
    specs = [
        ("P-100", "Radulović Jovan", False,
         MeterInput(number="E-100", type="ISKRA ME162", two_rate=True, digits=6)),
        ("P-200", "Đurović Šćepan", False,
         MeterInput(number="E-200", type="Landis", digits=5)),
        ("P-300", "Žabljak Trade d.o.o.", True,
         MeterInput(number="E-300", type="ISKRA MT174", two_rate=True, digits=6,
                    constant=Decimal(40), peak_load_constant=Decimal(2))),
    ]
    points, meters, customers = {}, {}, {}
    for code, (number, name, business, meter) in enumerate(specs, start=1):
        holder = _customer(db, op, business, name)
        point = metering.create_point(db, op, holder, PointInput(
            number=number, address="Rolovića 3", place="Bar", zone_id=zone.id,
            reader_id=reader.id, reading_code=code * 10), date(2020, 1, 1))
        placed = metering.install_new_meter(db, op, point.id, meter, date(2020, 1, 1),
                                            metering.Registers(vt="0", mt="0" if meter.two_rate
                                                               else ""))
        assert placed.meter is not None
        points[number], meters[meter.number], customers[number] = (point.id, placed.meter.id,
                                                                   holder)
    book = Book(zone.id, reader.id, points, meters, customers)
    if history:
        add_history(db, book)
    if open_period:
        periods.open_period(db, op, periods.default_order(PERIOD))
    return book


def add_history(db: Database, book: Book) -> None:
    """Twelve closed months (2024-03 .. 2025-02) of readings on the last day of each month."""
    with db.unit_of_work() as s:
        for i in range(13):
            period = shift_period(FIRST_HISTORY, i - 1)
            day = periods.last_day(period)
            s.add(Reading(point_id=book.points["P-100"], meter_id=book.meters["E-100"],
                          period=period, read_on=day, vt=Decimal(10000 + 300 * i),
                          mt=Decimal(5000 + 100 * i), created_by="T"))
            s.add(Reading(point_id=book.points["P-200"], meter_id=book.meters["E-200"],
                          period=period, read_on=day, vt=Decimal(97500 + 200 * i),
                          created_by="T"))
            s.add(Reading(point_id=book.points["P-300"], meter_id=book.meters["E-300"],
                          period=period, read_on=day, vt=Decimal(1000 + 50 * i),
                          mt=Decimal(700 + 25 * i), peak=Decimal("30.5"), created_by="T"))
