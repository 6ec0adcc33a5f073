"""`office-app demo --utility water`: a water and sewage office built through the same steps,
whose warning register holds both kinds of 004 §32 reminders (the second printed in red),
whose invoices bill water and sewage in m³, and whose audit is clean."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from office_app.db import Database
from office_app.demo import build_demo
from office_app.i18n import translator
from office_app.models import Invoice, InvoiceLine, Meter
from office_app.services.billing.invoices import print_copy
from office_app.services.collection import orders, warnings
from office_app.services.collection.documents import warning_documents
from office_app.services.integrity import Scope, run_audit
from office_app.services.office import get_office
from office_app.services.permissions import SYSTEM

TODAY = date(2025, 6, 15)
RED_FILL = b"1 0 0 rg"      # the heading's fill colour (tests/printing/test_dunning_documents)


def _content(pdf: bytes) -> bytes:
    return b"".join(p.get_contents().get_data() for p in PdfReader(BytesIO(pdf)).pages)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)


def test_the_water_demo_sends_first_and_red_second_reminders_bills_m3_and_audits_clean(
        db: Database) -> None:
    build_demo(db, 300, seed=5, today=TODAY, utility="water")
    assert get_office(db).utility == "water"
    sent = warnings.warning_register(db, SYSTEM)
    assert {(w.utility, w.level) for w in sent} == {("water", 1), ("water", 2)}
    firsts = {w.customer_id: w for w in sent if w.level == 1}
    seconds = [w for w in sent if w.level == 2]
    # a second reminder only once the customer's first one ran out unpaid
    assert all(firsts[w.customer_id].deadline < w.as_of for w in seconds)
    register = orders.order_register(db, SYSTEM)
    assert {("disconnection", "executed"), ("reconnection", "executed")} <= {
        (o.kind, o.status) for o in register}
    assert {o.customer_id for o in register if o.kind == "disconnection"} <= {
        w.customer_id for w in seconds}

    t = translator(seconds[0].language)     # printed in the customer's language
    (second_pdf,) = warning_documents(db, SYSTEM, [seconds[0].id]).values()
    assert RED_FILL in _content(second_pdf)
    assert t("Second reminder — last notice").upper() in _text(second_pdf)
    first = next(w for w in sent if w.level == 1 and w.language == seconds[0].language)
    (first_pdf,) = warning_documents(db, SYSTEM, [first.id]).values()
    assert RED_FILL not in _content(first_pdf)
    assert t("First reminder").upper() in _text(first_pdf)

    report = run_audit(db, SYSTEM, Scope())
    assert [f"{v.check}: {v.document}" for v in report.violations] == []
    _water_and_sewage_are_billed_in_cubic_metres(db)


def _water_and_sewage_are_billed_in_cubic_metres(db: Database) -> None:
    with db.unit_of_work() as s:
        units = {(e, u) for e, u in s.execute(select(InvoiceLine.element, InvoiceLine.unit)
                                              .distinct())}
        assert {("water_volume", "m3"), ("sewage_volume", "m3"),
                ("availability", "month")} <= units
        assert not {u for _e, u in units} & {"kWh", "kW"}
        assert set(s.scalars(select(Meter.two_rate).distinct())) == {False}
        assert all(size.startswith("DN") for size in s.scalars(select(Meter.size)))
        invoice_id = s.scalar(select(Invoice.id).join(InvoiceLine).where(
            InvoiceLine.element == "water_volume").order_by(Invoice.id).limit(1))
    assert invoice_id is not None
    text = _text(print_copy(db, SYSTEM, invoice_id, TODAY))
    assert "m³" in text and "kWh" not in text
