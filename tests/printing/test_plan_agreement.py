"""The installment agreement PDF (issue 11): two copies (customer, office) in the customer's
language and script, with the covered debt, the terms and the schedule to the cent."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from pypdf import PdfReader

from office_app.db import Database
from office_app.printing.plan_agreement import plan_agreement_pdf
from office_app.services import plans
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from tests.conftest import TEST_OFFICE
from tests.plan_setup import customer_with_debt, standard_terms


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages]


def _agreement(db: Database, supervisor: Operator, language: str) -> plans.AgreementData:
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    customer = customer_with_debt(db, language=language)
    ref = plans.create_plan(db, supervisor, standard_terms(customer))
    return plans.agreement(db, supervisor, ref.id)


def test_the_agreement_prints_two_copies_with_the_schedule(sqlite_db: Database,
                                                           supervisor: Operator) -> None:
    pages = _pages(plan_agreement_pdf(_agreement(sqlite_db, supervisor, "en")))
    text = " ".join(pages)
    customer_copy = [p for p in pages if "Copy for the customer" in p]
    office_copy = [p for p in pages if "Copy for the office" in p]
    assert len(customer_copy) == 1 and len(office_copy) == 1
    assert text.count("Installment agreement RP-01-2024-00001") >= 2
    for expected in ("Dužnik Marko", "Njegoševa 5, Nikšić", "Agreed on 10.03.2024",
                     "OB-1-1 15.01.2024 80.00 €", "OB-1-2 15.02.2024 50.50 €",
                     "Down payment 10.03.2024 30.50 € 0.00 € 30.50 €",
                     "1 of 4 10.04.2024 25.00 € 1.00 € 26.00 €",
                     "4 of 4 10.07.2024 25.00 € 0.25 € 25.25 €",
                     "Total — 130.50 € 2.50 € 133.00 €", "12 % a year", "Grace period 15 days",
                     "still unpaid 15 days after its due date", "For the office"):
        assert text.count(expected) == 2, (expected, text)


def test_a_cyrillic_customer_gets_a_cyrillic_agreement(sqlite_db: Database,
                                                       supervisor: Operator) -> None:
    data = _agreement(sqlite_db, supervisor, "sr_Cyrl")
    text = " ".join(_pages(plan_agreement_pdf(data)))
    assert "Дужник Марко" in text and "Његошева 5, Никшић" in text
    assert "Примјерак за купца" in text and "Примјерак за канцеларију" in text
    assert "1 од 4 10.04.2024 25,00 € 1,00 € 26,00 €" in text
    assert "RP-01-2024-00001" in text          # document numbers stay as issued


def test_the_collection_analysis_pdf_lists_each_plan(sqlite_db: Database,
                                                     supervisor: Operator) -> None:
    from office_app.printing.plan_analysis import plan_analysis_pdf

    _agreement(sqlite_db, supervisor, "sr_Latn")
    states, summary = plans.collection(sqlite_db, supervisor, date(2024, 4, 20))
    text = " ".join(_pages(plan_analysis_pdf(states, summary, TEST_OFFICE, "sr_Latn", "SUP1",
                                             datetime(2024, 4, 20, 9, 0))))
    assert "Reprogrami: naplata na dan 20.04.2024" in text
    assert "RP-01-2024-00001" in text and "Aktivan" in text
    assert "Očekivano do tada 56,50 €" in text      # down payment and the first installment
    assert "Propušteno 1" in text                    # the down payment, past its grace


def test_the_invoice_names_the_next_installment(sqlite_db: Database, supervisor: Operator,
                                                clerk: Operator) -> None:
    """An invoice issued while a plan is in force says which installment is due next."""
    from decimal import Decimal as D

    from office_app.printing.invoice import render_invoices
    from office_app.services import ledger
    from office_app.services.billing import invoices
    from office_app.services.billing import run as billing
    from tests.billing_setup import PERIOD, build_office

    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    office = build_office(sqlite_db, supervisor, clerk)
    customer = office.customers["P-100"]
    with sqlite_db.unit_of_work() as s:
        ledger.post(s, supervisor, ledger.Posting(customer, "opening_balance", "OB-P100",
                                                  date(2024, 1, 1), debit=D("120.00"),
                                                  due_date=date(2024, 1, 20)))
    plans.create_plan(sqlite_db, supervisor, plans.PlanTerms(
        customer, date(2024, 5, 2), 4, interest_rate=D("0")))   # 30.00 on the 2nd
    billing.run_billing(sqlite_db, supervisor, PERIOD)           # issued 08.06.2024
    doc = next(d for d in (invoices.get_invoice(sqlite_db, supervisor, i)
                           for i in invoices.delivery_order(sqlite_db, supervisor, PERIOD))
               if d.point_number == "P-100")
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(BytesIO(render_invoices([doc]))).pages)
    assert "Reprogram RP-01-2024-00001: rata 2 od 4, 30,00 €, dospijeva 02.07.2024." in text


def test_the_collection_analysis_workbook(sqlite_db: Database, supervisor: Operator) -> None:
    from decimal import Decimal as D

    from openpyxl import load_workbook

    from office_app.printing.plan_workbook import plan_workbook

    _agreement(sqlite_db, supervisor, "sr_Latn")
    states, summary = plans.collection(sqlite_db, supervisor, date(2024, 4, 20))
    book = load_workbook(BytesIO(plan_workbook(states, summary, "sq")))
    plan_sheet, installments = book["Riprogramimet"], book["Këstet"]
    header = [c.value for c in plan_sheet[1]]
    row = dict(zip(header, [c.value for c in plan_sheet[2]], strict=True))
    assert row["Riprogramimi"] == "RP-01-2024-00001" and row["Statusi"] == "Aktiv"
    assert D(str(row["Pritur"])) == D("56.50") and row["E papaguar"] == 1
    rows = [[c.value for c in r] for r in installments.iter_rows(min_row=2)]
    assert [r[2] for r in rows] == [0, 1, 2, 3, 4]
    assert rows[0][-1] == "E papaguar" and rows[2][-1] == "Ende pa maturuar"
