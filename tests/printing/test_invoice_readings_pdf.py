"""The readings block of the invoice PDF (issue 8, item 4): one row per register of each meter
billed, so a reader can check every consumption from the page — (current − previous) ×
constant = the printed consumption, and the rows add up to the quantities charged."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from office_app.db import Database
from office_app.models import Invoice, Reading
from office_app.printing.invoice import render_invoices
from office_app.services import meter_events, metering
from office_app.services.billing import invoices
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.meter_events import ReplacementInput
from office_app.services.metering import MeterInput, Registers
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office

NUMBER = r"-?[\d.]+(?:,\d+)?"
ROW = re.compile(rf"(?P<meter>E-\d+) · (?P<name>[^\d]+?) (?P<prev>{NUMBER}) "
                 rf"(?P<prev_date>\d\d\.\d\d\.\d{{4}}) (?P<cur>{NUMBER}) "
                 rf"(?P<cur_date>\d\d\.\d\d\.\d{{4}}) (?P<constant>{NUMBER}) "
                 rf"(?P<quantity>{NUMBER}) kWh")


def _number(text: str) -> D:
    """A number as printed in Montenegrin (1.234,5)."""
    return D(text.replace(".", "").replace(",", "."))


def _rows(pdf: bytes) -> list[dict[str, str]]:
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    return [m.groupdict() for m in ROW.finditer(text)]


def _checked(rows: list[dict[str, str]]) -> list[tuple[str, str, D]]:
    """Each row's consumption recomputed from its printed readings and constant, asserted
    equal to the printed consumption."""
    out = []
    for row in rows:
        cur, prev = _number(row["cur"]), _number(row["prev"])
        assert (cur - prev) * _number(row["constant"]) == _number(row["quantity"]), row
        out.append((row["meter"], row["name"], _number(row["quantity"])))
    return out


def _pdf(db: Database, supervisor: Operator, invoice_id: int) -> bytes:
    doc = invoices.get_invoice(db, supervisor, invoice_id)
    return render_invoices([replace(doc, language="sr_Latn")])


def test_a_replacement_prints_the_old_and_the_new_meter(db: Database, supervisor: Operator,
                                                        clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    point = office.points["P-200"]
    with db.unit_of_work() as s:
        s.execute(Reading.__table__.delete().where(Reading.point_id == point,
                                                   Reading.period == PERIOD))
    meter_events.replace_meter(db, clerk, ReplacementInput(
        point, date(2024, 5, 15), Registers("97600"), Registers("12", "5"),
        new_meter=MeterInput(number="E-201", type="ISKRA MT174", two_rate=True)))
    with db.unit_of_work() as s:
        new_meter = s.scalar(select(Reading.meter_id).where(Reading.kind == "initial",
                                                            Reading.point_id == point,
                                                            Reading.read_on == date(2024, 5, 15)))
        s.add(Reading(point_id=point, meter_id=new_meter, period=PERIOD,
                      read_on=date(2024, 5, 31), vt=D(42), mt=D(25), created_by="T"))
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        invoice_id = s.scalar(select(Invoice.id).where(Invoice.point_number == "P-200"))
    rows = _rows(_pdf(db, supervisor, invoice_id))
    assert [(r["prev_date"], r["cur_date"]) for r in rows] == [
        ("30.04.2024", "15.05.2024"), ("15.05.2024", "31.05.2024"),
        ("15.05.2024", "31.05.2024")]
    assert _checked(rows) == [("E-200", "Aktivna energija", D(100)),
                              ("E-201", "Viša tarifa (VT)", D(30)),
                              ("E-201", "Niža tarifa (MT)", D(20))]


def test_a_transfer_prints_each_holder_their_own_readings(db: Database, supervisor: Operator,
                                                          clerk: Operator) -> None:
    office = build_office(db, supervisor, clerk)
    buyer = create_customer(db, clerk, CustomerInput(
        surname="Kovačević", given_name="Mila", address="Obala 9", place="Bar")).id
    metering.transfer_point(db, clerk, office.points["P-100"], buyer, date(2024, 5, 12))
    with db.unit_of_work() as s:
        s.add(Reading(point_id=office.points["P-100"], meter_id=office.meters["P-100"],
                      period=PERIOD, read_on=date(2024, 5, 12), kind="transfer", vt=D(10140),
                      mt=D(5060), created_by="T"))
    billing.run_billing(db, supervisor, PERIOD)
    with db.unit_of_work() as s:
        ids = list(s.scalars(select(Invoice.id).where(Invoice.point_number == "P-100")
                             .order_by(Invoice.service_start)))
    old = _checked(_rows(_pdf(db, supervisor, ids[0])))
    new = _checked(_rows(_pdf(db, supervisor, ids[1])))
    assert old == [("E-100", "Viša tarifa (VT)", D(140)), ("E-100", "Niža tarifa (MT)", D(60))]
    assert new == [("E-100", "Viša tarifa (VT)", D(210)), ("E-100", "Niža tarifa (MT)", D(90))]
