"""The audit's billed-interval checks on both databases: clean after normal billing (a
transfer inside the month included), and naming the invoice, customer and point when the
database is tampered with behind the application's back (as its owner, the append-only
trigger disabled)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text

from office_app.db import Database
from office_app.models import Reading
from office_app.services import metering
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.integrity import CHECKS, Scope, Violation
from office_app.services.permissions import Operator
from tests.billing_setup import PERIOD, build_office


def _audit(db: Database, scope: Scope | None = None) -> list[Violation]:
    with db.unit_of_work() as s:
        return list(CHECKS["billed_intervals"](s, scope or Scope()))


def _billed(db: Database, supervisor: Operator, clerk: Operator) -> dict[str, int]:
    office = build_office(db, supervisor, clerk)
    buyer = create_customer(db, clerk, CustomerInput(
        surname="Kovačević", given_name="Mila", address="Obala 9", place="Bar")).id
    metering.transfer_point(db, clerk, office.points["P-200"], buyer, date(2024, 5, 12))
    with db.unit_of_work() as s:
        s.add(Reading(point_id=office.points["P-200"], meter_id=office.meters["P-200"],
                      period=PERIOD, read_on=date(2024, 5, 12), kind="transfer",
                      vt=Decimal(97580), created_by="T"))
    billing.run_billing(db, supervisor, PERIOD)
    return office.points


def _tamper(db: Database, sql: str) -> None:
    """Change a billed interval as the database owner would, with the guard switched off."""
    with db.engine.begin() as conn:
        if db.is_postgres:
            conn.execute(text("ALTER TABLE billed_interval DISABLE TRIGGER billed_interval_"
                              "append_only"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE billed_interval ENABLE TRIGGER billed_interval_"
                              "append_only"))
        else:
            conn.execute(text("DROP TRIGGER billed_interval_no_update"))
            conn.execute(text(sql))


def test_clean_after_billing_a_transfer(db: Database, supervisor: Operator,
                                        clerk: Operator) -> None:
    _billed(db, supervisor, clerk)
    assert _audit(db) == [] and _audit(db, Scope(PERIOD)) == []
    assert billing.run_billing(db, supervisor, PERIOD).invoices_made == 0
    assert _audit(db) == []


def test_a_duplicate_interval_is_named(db: Database, supervisor: Operator,
                                       clerk: Operator) -> None:
    """The new holder's interval made to start where the old holder's did: the same kWh
    billed to two customers, and the old holder's invoice no longer where the chain
    continues."""
    points = _billed(db, supervisor, clerk)
    _tamper(db, "UPDATE billed_interval SET start_on = '2024-04-30' "
                f"WHERE point_id = {points['P-200']} AND end_on = '2024-05-31'")
    found = _audit(db)
    overlap = [v for v in found if "again on invoice" in v.message_id
               and v.message_id.startswith("Meter")]
    assert len(overlap) == 1
    [v] = overlap
    assert (v.point_number, v.customer_code) == ("P-200", "0000002")
    assert v.params["meter"] == "E-200" and v.params["other_customer"] == "0000004"
    assert v.params["start"] == "30.04.2024" and v.params["end"] == "31.05.2024"
    assert v.document and v.document == v.params["invoice"]


def test_service_days_billed_twice_are_named(db: Database, supervisor: Operator,
                                             clerk: Operator) -> None:
    points = _billed(db, supervisor, clerk)
    with db.engine.begin() as conn:
        if db.is_postgres:
            conn.execute(text("ALTER TABLE invoice DISABLE TRIGGER invoice_append_only"))
        else:
            conn.execute(text("DROP TRIGGER invoice_no_update"))
        conn.execute(text("UPDATE invoice SET service_end = '2024-05-20' WHERE point_id = "
                          f"{points['P-200']} AND service_start = '2024-05-01'"))
        if db.is_postgres:
            conn.execute(text("ALTER TABLE invoice ENABLE TRIGGER invoice_append_only"))
    [v] = [v for v in _audit(db) if v.message_id.startswith("Point")]
    assert v.point_number == "P-200"
    assert (v.params["start"], v.params["end"]) == ("12.05.2024", "20.05.2024")
    assert v.params["other_customer"] != v.customer_code


def test_a_gap_in_billed_intervals_is_named(db: Database, supervisor: Operator,
                                            clerk: Operator) -> None:
    points = _billed(db, supervisor, clerk)
    with db.engine.begin() as conn:
        old_meter_reading = conn.scalar(text(
            "SELECT id FROM reading WHERE point_id = :p AND kind = 'initial'"),
            {"p": points["P-200"]})
    _tamper(db, f"UPDATE billed_interval SET start_reading_id = {old_meter_reading} "
                f"WHERE point_id = {points['P-200']} AND end_on = '2024-05-31'")
    [v] = [v for v in _audit(db) if "not billed" in v.message_id]
    assert (v.point_number, v.params["start"], v.params["end"]) == (
        "P-200", "12.05.2024", "12.05.2024")

