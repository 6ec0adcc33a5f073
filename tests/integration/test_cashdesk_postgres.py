"""The counter on PostgreSQL: eight desks posting at once lose nothing and double nothing, each
desk's receipts are gapless; PostgreSQL itself refuses a cashier what only a supervisor may do,
and what nobody may do to a posted slip."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, text

from office_app.db import Database
from office_app.models import CashReceipt, LedgerEntry
from office_app.services.cashdesk import counter, drawers, supervision
from office_app.services.integrity import CHECKS, Scope
from office_app.services.office import save_office
from office_app.services.permissions import Operator, Role
from tests.cash_setup import DAY, billed_office, key
from tests.cash_workers import desk_worker
from tests.conftest import TEST_OFFICE, _postgres
from tests.integration.test_privileges import Office, _refused

DESKS = 8
#: Payments per desk (each also sent a second time with its key). The benchmark posts more.
PER_DESK = int(os.environ.get("CASH_TEST_PAYMENTS", "60"))


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> Iterator[Database]:
    db = _postgres(request.getfixturevalue("pg_url"))
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    yield db
    db.dispose()


def test_eight_desks_at_once_lose_none_double_none_gapless_per_desk(
        pg: Database, supervisor: Operator, clerk: Operator) -> None:
    billed = billed_office(pg, supervisor, clerk)
    url = pg.engine.url.render_as_string(hide_password=False)
    customers = list(billed.customers.values())
    with multiprocessing.get_context("spawn").Pool(DESKS) as pool:
        results = pool.starmap(desk_worker, [(url, n, customers, PER_DESK, DAY)
                                             for n in range(1, DESKS + 1)])
    with pg.unit_of_work() as s:
        per_desk = dict(s.execute(select(CashReceipt.desk, func.count())
                                  .group_by(CashReceipt.desk)).all())
        sequences = {d: sorted(s.scalars(select(CashReceipt.sequence)
                                         .where(CashReceipt.desk == d))) for d in per_desk}
        payments = s.scalar(select(func.count()).where(LedgerEntry.document_type == "payment"))
        receipts_total = s.scalar(select(func.sum(CashReceipt.amount)))
        credited = s.scalar(select(func.sum(LedgerEntry.credit))
                            .where(LedgerEntry.document_type == "payment"))
    assert per_desk == {f"KASA{n}": PER_DESK for n in range(1, DESKS + 1)}
    assert all(seq == list(range(1, PER_DESK + 1)) for seq in sequences.values())
    assert payments == DESKS * PER_DESK
    assert receipts_total == credited
    for n, (desk, drawer_id, _elapsed, _lat) in enumerate(results, start=1):
        cashier = Operator(100 + n, f"C{n:02d}", f"c{n}", "Cashier", Role.CASHIER)
        closed = drawers.close_drawer(pg, cashier, drawer_id, "10.00", "0")
        assert closed.payments == PER_DESK and desk == f"KASA{n}"
    with pg.unit_of_work() as s:
        assert list(CHECKS["cash_desk"](s, Scope())) == []


def test_the_same_key_from_two_desks_at_once_is_posted_once(
        pg: Database, supervisor: Operator, clerk: Operator, cashier: Operator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    billed = billed_office(pg, supervisor, clerk)
    drawer = drawers.open_drawer(pg, cashier, "KASA1", D("0"), DAY)
    k = key()
    request = counter.PaymentRequest(k, drawer.id, "KASA1", billed.customers["P-100"], "cash",
                                     D("5.00"), None, (), DAY)
    with ThreadPoolExecutor(max_workers=6) as pool:
        receipts = list(pool.map(lambda _i: counter.pay(pg, cashier, request), range(12)))
    assert {r.number for r in receipts} == {"BL-01-2024-KASA1-000001"}
    with pg.unit_of_work() as s:
        assert s.scalar(select(func.count()).where(LedgerEntry.idempotency_key == k)) == 1


@pytest.fixture
def office(request: pytest.FixtureRequest) -> Iterator[Office]:
    db = _postgres(request.getfixturevalue("pg_url"))
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    made = Office(db)
    yield made
    made.close()


def test_postgresql_refuses_a_cashier_what_only_a_supervisor_may(office: Office) -> None:
    sup, cas = office.operators[Role.SUPERVISOR], office.operators[Role.CASHIER]
    billed = billed_office(office.db, sup, office.operators[Role.CLERK])
    desk_db = office.as_role(Role.CASHIER)
    drawer = drawers.open_drawer(desk_db, cas, "KASA1", D("10"), DAY)
    receipt = counter.pay(desk_db, cas, counter.PaymentRequest(
        key(), drawer.id, "KASA1", billed.customers["P-100"], "cash", D("57.03"),
        D("60"), (), DAY))
    for statement in (
            f"INSERT INTO cash_receipt_print (receipt_id, printed_at, printed_by, "
            f"supervisor_code, reason) VALUES ({receipt.id}, now(), 'x', 'SUP-REAL', 'x')",
            "UPDATE cash_receipt SET amount = 1", "DELETE FROM cash_receipt_line",
            "UPDATE cash_session SET opening_float = 0",
            "UPDATE ledger_entry SET credit = 1", "TRUNCATE cash_receipt"):
        assert _refused(desk_db, statement) == "42501", statement
    # the supervisor's own connection may reprint; the record names the real supervisor
    supervision.reprint(office.as_role(Role.SUPERVISOR), sup, receipt.id, "jam", cas.code)
    closed = drawers.close_drawer(desk_db, cas, drawer.id, "67.03", "0")
    assert closed.difference == 0 and closed.cashier_code == "CAS-REAL"
    with office.db.engine.connect() as conn:
        assert conn.scalar(text("SELECT supervisor_code FROM cash_receipt_print")) == "SUP-REAL"


def test_postgresql_lets_a_cashier_close_only_his_own_open_drawer(office: Office) -> None:
    """The row level of the drawer rules: a cashier's own login cannot close or change another
    cashier's drawer, nor change a closed one; a supervisor closes a forgotten drawer."""
    cas, sup = office.operators[Role.CASHIER], office.operators[Role.SUPERVISOR]
    other = Operator(0, "CAS-OTHER", "other", "Other", Role.CASHIER)
    foreign = drawers.open_drawer(office.db, other, "KASA2", D("5"), DAY)
    desk_db = office.as_role(Role.CASHIER)
    own = drawers.open_drawer(desk_db, cas, "KASA1", D("10"), DAY)
    close = ("UPDATE cash_session SET closed_at = now(), closed_by = 'x', counted_cash = 0, "
             "counted_card = 0, system_cash = 0, system_card = 0, difference = 0 "
             "WHERE id = {id}")
    assert _refused(desk_db, close.format(id=foreign.id)) == "42501"
    assert _refused(desk_db, "UPDATE cash_session SET close_note = 'mine' "
                             f"WHERE id = {foreign.id}") == "42501"
    drawers.close_drawer(desk_db, cas, own.id, "10", "0")
    assert _refused(desk_db, f"UPDATE cash_session SET counted_cash = 99 WHERE id = {own.id}") \
        == "42501"
    closed = drawers.close_drawer(office.as_role(Role.SUPERVISOR), sup, foreign.id, "5", "0")
    assert closed.closed_by == "SUP-REAL" and closed.difference == 0
    assert _refused(office.as_role(Role.SUPERVISOR),
                    f"UPDATE cash_session SET close_note = 'x' WHERE id = {foreign.id}") == "42501"


def test_a_cashiers_own_login_sees_the_disputed_part_not_the_complaint(office: Office) -> None:
    """The complaint book is customer care's (PostgreSQL refuses it to a cashier), but the
    counter shows the disputed part of an invoice through office_open_disputes()."""
    from datetime import date

    from office_app.services import complaints
    from office_app.services.complaints import ComplaintInput

    sup, cas = office.operators[Role.SUPERVISOR], office.operators[Role.CASHIER]
    billed = billed_office(office.db, sup, office.operators[Role.CLERK])
    complaints.register(office.as_role(Role.CLERK), office.operators[Role.CLERK],
                        ComplaintInput(billed.customers["P-100"], date(2024, 6, 12), "written",
                                       "bill_amount", "Too high.", "20.00",
                                       (billed.invoice_ids["P-100"],)))
    desk_db = office.as_role(Role.CASHIER)
    assert _refused(desk_db, "SELECT description FROM complaint") == "42501"
    payer = counter.find_payer(desk_db, cas, billed.invoices["P-100"]).payer
    assert payer is not None and payer.items[0].disputed == D("20.00")
    assert payer.total_due == D("37.03")
