"""The daily collection report: per drawer and for the office, totals by means of payment, as
the PDF and the xlsx `office-app cash report` writes; the totals agree with the ledger."""
from __future__ import annotations

from decimal import Decimal as D
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from office_app.cli import main
from office_app.db import Database
from office_app.services import ledger
from office_app.services.cashdesk import drawers, report
from office_app.services.permissions import Operator, Role
from tests.cash_setup import DAY, Billed, billed_office, open_drawer, pay
from tests.conftest import make_operator


@pytest.fixture
def day_of_payments(db: Database, supervisor: Operator, clerk: Operator,
                    cashier: Operator) -> Billed:
    billed = billed_office(db, supervisor, clerk)
    first = open_drawer(db, cashier, "20.00")
    pay(db, cashier, first.id, billed.customers["P-100"], "57.03", received="100")
    pay(db, cashier, first.id, billed.customers["P-200"], "26.02", means="card")
    other = make_operator(Role.CASHIER, "CSH2")
    second = open_drawer(db, other, "0", desk="KASA2")
    pay(db, other, second.id, billed.customers["P-300"], "1000.00", desk="KASA2")
    drawers.close_drawer(db, cashier, first.id, "77.03", "26.02")
    return billed


def test_report_per_drawer_and_office_agrees_with_the_cards(
        db: Database, day_of_payments: Billed, cashier: Operator) -> None:
    data = report.daily_report(db, cashier, DAY)
    assert [(d.desk, d.cashier_code, d.totals["cash"], d.totals["card"])
            for d in data.drawers] == [("KASA1", "CSH1", D("57.03"), D("26.02")),
                                       ("KASA2", "CSH2", D("1000.00"), D("0"))]
    assert data.totals == {"cash": D("1057.03"), "card": D("26.02")}
    first = data.drawers[0].rows[0]
    assert (first.office_code, first.document_number, first.archive_order,
            first.operator_code) == ("01", "BL-01-2024-KASA1-000001",
                                     f"KASA1/{data.drawers[0].drawer_id}", "CSH1")
    credited = sum((row.credit for c in day_of_payments.customers.values()
                    for row in ledger.card(db, cashier, c).rows
                    if row.document_type == "payment"), D(0))
    assert credited == data.total


def test_cli_writes_the_report_as_pdf_and_xlsx(db: Database, day_of_payments: Billed,
                                               tmp_path: Path) -> None:
    pdf, xlsx = tmp_path / "day.pdf", tmp_path / "day.xlsx"
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["cash", "report", "--date", DAY.isoformat(), "--out", str(pdf),
                 "--db", url]) == 0
    assert main(["cash", "report", "--date", DAY.isoformat(), "--out", str(xlsx),
                 "--db", url]) == 0
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.read_bytes())).pages)
    for expected in ("Dnevni izvještaj o naplati", "BLAGAJNIK CSH1, ŠALTER KASA1",
                     "BL-01-2024-KASA2-000001", "1.000,00 €", "UKUPNO ZA POSLOVNICU",
                     "1.083,05 €"):
        assert expected in text, expected
    sheet = load_workbook(BytesIO(xlsx.read_bytes())).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    amounts = [D(str(row[9])) for row in values if row and len(row) > 9
               and isinstance(row[4], str) and row[4].startswith("BL-")]
    assert amounts == [D("57.03"), D("26.02"), D("1000.00")]
    assert values[-1][8] == "Ukupno za poslovnicu" and D(str(values[-1][9])) == D("1083.05")


def test_cli_refuses_a_bad_date_and_file_kind(db: Database, tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["cash", "report", "--date", "20.06.2024", "--out", str(tmp_path / "a.pdf"),
                 "--db", url]) != 0
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["cash", "report", "--date", "2024-06-20", "--out", str(tmp_path / "a.csv"),
                 "--db", url]) != 0
    assert ".pdf or .xlsx" in capsys.readouterr().err


def test_a_storno_while_the_drawer_is_open_takes_the_money_out_of_it_and_the_report(
        db: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    """A payment posted to the wrong customer, reversed by a supervisor and taken again for
    the right one: the drawer balances with the money once, the report counts it once (the
    reversed slip listed as storno) and agrees with the cards; a storno after closing leaves
    the closed drawer's totals and the audit alone."""
    from office_app.services.cashdesk import supervision
    from office_app.services.integrity import CHECKS, Scope

    billed = billed_office(db, supervisor, clerk)
    drawer = open_drawer(db, cashier, "20.00")
    wrong = pay(db, cashier, drawer.id, billed.customers["P-100"], "26.02")
    supervision.reverse_payment(db, supervisor, wrong.id, "posted to the wrong customer", DAY)
    right = pay(db, cashier, drawer.id, billed.customers["P-200"], "26.02")
    closed = drawers.close_drawer(db, cashier, drawer.id, "46.02", "0")
    assert closed.cash_taken == D("26.02") and closed.difference == 0
    data = report.daily_report(db, cashier, DAY)
    assert [(r.document_number, r.reversed, r.counted) for r in data.drawers[0].rows] == [
        (wrong.number, True, False), (right.number, False, True)]
    assert data.totals == {"cash": D("26.02"), "card": D("0")}
    net = sum((row.credit - (row.debit if row.document_type == "payment_reversal" else 0)
               for c in billed.customers.values()
               for row in ledger.card(db, cashier, c).rows
               if row.document_type in ("payment", "payment_reversal")), D(0))
    assert net == data.total
    assert ledger.card(db, cashier, billed.customers["P-100"]).closing_balance == D("57.03")
    # reversed after closing: the drawer was handed over with the money; nothing changes
    supervision.reverse_payment(db, supervisor, right.id, "found the next day", DAY)
    assert drawers.get_drawer(db, cashier, drawer.id).cash_taken == D("26.02")
    assert report.daily_report(db, cashier, DAY).totals["cash"] == D("26.02")
    with db.unit_of_work() as s:
        assert list(CHECKS["cash_desk"](s, Scope())) == []
