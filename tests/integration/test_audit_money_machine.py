"""The audit under any sequence of the money processes of issues 10–12 (a second Hypothesis
state machine beside tests/integration/test_audit_state_machine.py, both databases, its
fresh-database setup shared): the cash desk (drawers opened and closed balanced, short or by a
supervisor when forgotten; cash and card payments, full, partial, overpaid or for chosen
invoices, under either allocation order; a retried payment; storno), bank statements (import,
re-import, a line assigned by hand), collection (warning and order runs, disconnection,
payment, reconnection), installment plans (set up, paid, broken after the grace period),
complaints answered with a linked credit note, court cases and retention archiving — all
through the services the GUI calls.

After every step ``office-app audit`` finds nothing, and the machine checks what a cashier
and a supervisor would check against what it did: every drawer's expected cash is its float
plus its cash payments less the payments reversed while it was open (card the same, without
the float); a closed drawer's difference is counted less expected; the day's report totals
the day's counted payments and lists every receipt once.

``OFFICE_MACHINE_EXAMPLES`` / ``OFFICE_MACHINE_STEPS`` run it deeper locally (with
``--timeout=0``: a deep run outlasts pytest-timeout's 300 s), e.g.
``OFFICE_MACHINE_EXAMPLES=15 OFFICE_MACHINE_STEPS=40 pytest --timeout=0 -k sqlite <this file>``."""
from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from office_app.db import Database
from office_app.demo.statement_files import Payment, camt053
from office_app.errors import Conflict, DomainError
from office_app.models import Customer, Invoice, LedgerEntry
from office_app.services import complaints, legal, plans, retention
from office_app.services.billing import run as billing
from office_app.services.billing import tariffs
from office_app.services.cashdesk import counter, drawers, report, supervision
from office_app.services.collection import orders, warnings
from office_app.services.collection.orders import FieldRecordInput
from office_app.services.collection.warnings import WarningCriteria
from office_app.services.complaints import ComplaintInput
from office_app.services.integrity import Scope, run_audit
from office_app.services.integrity.runner import describe
from office_app.services.legal import CaseInput
from office_app.services.permissions import Operator, Role
from office_app.services.plans import PlanTerms
from office_app.services.statements import queue
from office_app.services.statements.importer import import_statement, office_iban
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, make_operator
from tests.integration.test_audit_state_machine import _fresh_databases

ADMIN = make_operator(Role.ADMIN, "ADM1")
SUP = make_operator(Role.SUPERVISOR, "SUP1")
CLERK = make_operator(Role.CLERK, "CLK1")
AUDITOR = make_operator(Role.AUDITOR, "AUD1")
LAWYER = make_operator(Role.LEGAL, "LEG1")
CASHIERS = (make_operator(Role.CASHIER, "CSH1"), make_operator(Role.CASHIER, "CSH2"))
CASHIER = CASHIERS[0]
DESKS = ("KASA1", "KASA2")
DAY = date(2024, 6, 20)
WARNINGS_ON = date(2024, 8, 1)      # the 2024-05 invoices fell due on 25.06.2024
IBAN = office_iban(TEST_OFFICE) or ""
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_serial = itertools.count(1)
#: What the steps got done across examples (the test checks each kind really happened).
DONE: Counter[str] = Counter()


@dataclass
class Drawer:
    """What the machine put into a drawer (the model the services are checked against)."""

    id: int
    cashier: Operator
    desk: str
    day: date
    opening_float: Decimal
    cash: Decimal = ZERO
    card: Decimal = ZERO
    closed: bool = False


@dataclass
class Taken:
    """A receipt as the machine saw it posted."""

    id: int
    number: str
    drawer_id: int
    day: date
    means: str
    amount: Decimal
    counted: bool = True            # False: reversed while its drawer was open
    reversed: bool = False
    key: str = field(default="")


def money_machine(fresh: Callable[[], Database]) -> type[RuleBasedStateMachine]:

    class MoneyMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.db = fresh()
            office = build_office(self.db, SUP, CLERK)
            for category, element in (("household", "disconnection"),
                                      ("commercial", "disconnection"),
                                      ("commercial", "reconnection")):
                tariffs.add_tariff(self.db, SUP, category, "all", element, "10.00",
                                   date(2024, 1, 1))
            billing.run_billing(self.db, SUP, PERIOD)
            self.customers = sorted(office.customers.values())
            self.drawers: dict[int, Drawer] = {}
            self.taken: list[Taken] = []
            self.statements: list[bytes] = []
            self.disconnected: set[int] = set()
            self.day = DAY

        def _try(self, work: Callable[[], Any], name: str = "") -> Any:
            try:
                result = work()
            except DomainError:
                return None
            if name:
                DONE[name] += 1
            return result

        def _invoices(self, customer: int | None = None) -> list[tuple[int, int, Decimal, str]]:
            with self.db.unit_of_work() as s:
                query = select(Invoice.id, Invoice.customer_id, Invoice.total,
                               Invoice.payment_reference).order_by(Invoice.id)
                if customer is not None:
                    query = query.where(Invoice.customer_id == customer)
                return [(a, b, c, d) for a, b, c, d in s.execute(query)]

        def _code(self, customer: int) -> str:
            with self.db.unit_of_work() as s:
                return s.scalars(select(Customer.code).where(Customer.id == customer)).one()

        def _owed(self, customer: int) -> Decimal:
            with self.db.unit_of_work() as s:
                return counter.payer_in(s, customer, day=self.day).total_due

        # -- the cash desk ---------------------------------------------------------------------
        @rule(who=st.integers(0, 1), desk=st.integers(0, 1), cents=st.integers(0, 20000),
              later=st.integers(0, 2))
        def open_drawer(self, who: int, desk: int, cents: int, later: int) -> None:
            cashier, day = CASHIERS[who], self.day + timedelta(days=later)
            amount = Decimal(cents) / 100
            opened = self._try(lambda: drawers.open_drawer(self.db, cashier, DESKS[desk],
                                                           amount, day), "open_drawer")
            if opened is not None:
                assert opened.opening_float == amount
                self.drawers[opened.id] = Drawer(opened.id, cashier, DESKS[desk], day, amount)

        def _open(self) -> list[Drawer]:
            return [d for d in self.drawers.values() if not d.closed]

        @rule(which=st.integers(0, 9), customer=st.integers(0, 9),
              means=st.sampled_from(["cash", "card"]),
              how=st.sampled_from(["full", "partial", "overpaid", "chosen"]),
              share=st.integers(1, 99), order=st.sampled_from(["oldest_first", "costs_first"]),
              retry=st.booleans())
        def counter_payment(self, which: int, customer: int, means: str, how: str, share: int,
                            order: str, retry: bool) -> None:
            if not self._open():            # a cashier opens a drawer before taking money
                self.open_drawer(which % 2, which % 2, 5000, 0)
            open_ = self._open()
            drawer = open_[which % len(open_)]
            customer_id = self.customers[customer % len(self.customers)]
            counter.set_allocation_order(self.db, ADMIN, order)
            owed = self._owed(customer_id)
            chosen: tuple[int, ...] = ()
            if how == "full":
                amount = owed
            elif how == "partial":
                amount = (owed * share / 100).quantize(CENT)
            elif how == "overpaid":
                amount = owed + Decimal(share)
            else:
                invoices = self._invoices(customer_id)
                chosen = tuple(i[0] for i in invoices[-1 - share % 2:])
                amount = (owed * share / 100).quantize(CENT)
            amount = max(amount, CENT)
            received = (amount + Decimal(share) / 10).quantize(CENT) if means == "cash" \
                else None
            receipt = self._take(drawer, customer_id, means, amount, received, chosen, retry,
                                 f"pay_{how}_{means}")
            if receipt is not None:
                DONE[order] += 1

        def _take(self, drawer: Drawer, customer_id: int, means: str, amount: Decimal,
                  received: Decimal | None, chosen: tuple[int, ...] = (), retry: bool = False,
                  name: str = "") -> counter.Receipt | None:
            """A payment at the counter, as the counter screen sends it; the model follows."""
            key = f"machine-{next(_serial):08d}"
            request = counter.PaymentRequest(key, drawer.id, drawer.desk, customer_id, means,
                                             amount, received, chosen, drawer.day)
            receipt: counter.Receipt | None = self._try(
                lambda: counter.pay(self.db, drawer.cashier, request), name)
            if receipt is None:
                return None
            assert receipt.amount == amount
            if received is not None:
                assert receipt.change == received - amount
            if retry:           # the answer was lost: the counter sends the same payment again
                again = counter.pay(self.db, drawer.cashier, request)
                assert (again.id, again.number, again.amount) == \
                    (receipt.id, receipt.number, receipt.amount)
                DONE["retry"] += 1
            if means == "cash":
                drawer.cash += amount
            else:
                drawer.card += amount
            self.taken.append(Taken(receipt.id, receipt.number, drawer.id, drawer.day, means,
                                    amount, key=key))
            return receipt

        def _pay_at_counter(self, customer_id: int, amount: Decimal) -> counter.Receipt | None:
            """Cash at the second desk's drawer (opened on the machine's day if none is)."""
            drawer = next((d for d in self._open() if d.desk == DESKS[1]
                           and d.cashier is CASHIERS[1]), None)
            if drawer is None:
                self.open_drawer(1, 1, 2000, 0)
                drawer = next(d for d in self._open() if d.desk == DESKS[1]
                              and d.cashier is CASHIERS[1])
            return self._take(drawer, customer_id, "cash", amount, None)

        @rule(which=st.integers(0, 30))
        def storno(self, which: int) -> None:
            live = [t for t in self.taken if not t.reversed]
            if not live:
                return
            receipt = live[which % len(live)]
            if self._try(lambda: supervision.reverse_payment(
                    self.db, SUP, receipt.id, "Pogrešan kupac", receipt.day),
                    "storno") is None:
                return
            receipt.reversed = True
            drawer = self.drawers[receipt.drawer_id]
            if not drawer.closed:       # the money leaves the drawer
                receipt.counted = False
                if receipt.means == "cash":
                    drawer.cash -= receipt.amount
                else:
                    drawer.card -= receipt.amount
            assert supervision.is_reversed(self.db, SUP, receipt.id)
            with pytest.raises(Conflict):   # a second click reverses nothing, numbers nothing
                supervision.reverse_payment(self.db, SUP, receipt.id, "Opet", receipt.day)

        @rule(which=st.integers(0, 9), short=st.integers(-500, 500),
              forgotten=st.booleans())
        def close_drawer(self, which: int, short: int, forgotten: bool) -> None:
            open_ = self._open()
            if not open_:
                return
            drawer = open_[which % len(open_)]
            counted = drawer.opening_float + drawer.cash + Decimal(short) / 100
            if counted < 0:
                counted = drawer.opening_float + drawer.cash
            who = SUP if forgotten else drawer.cashier
            closed = self._try(lambda: drawers.close_drawer(
                self.db, who, drawer.id, counted, drawer.card, "ok"),
                "close_forgotten" if forgotten else "close_drawer")
            if closed is None:
                return
            drawer.closed = True
            assert closed.difference == counted - drawer.opening_float - drawer.cash
            if closed.difference:
                DONE["close_with_difference"] += 1

        # -- bank statements -------------------------------------------------------------------
        @rule(shares=st.lists(st.integers(1, 130), min_size=1, max_size=4),
              stray=st.integers(0, 5000))
        def import_statement(self, shares: list[int], stray: int) -> None:
            invoices = self._invoices()
            payments = [Payment((total * share / 100).quantize(CENT) or CENT, reference,
                                f"Platilac {n}")
                        for n, ((_i, _c, total, reference), share)
                        in enumerate(zip(itertools.cycle(invoices), shares, strict=False))]
            if stray:
                payments.append(Payment(Decimal(stray) / 100, "", "Nepoznat", text="uplata"))
            data = camt053(IBAN, f"STMT-{next(_serial)}", self.day, payments)
            result = self._try(lambda: import_statement(self.db, CASHIER, data, "izvod.xml"),
                               "statement")
            if result is not None:
                self.statements.append(data)

        @rule(which=st.integers(0, 9))
        def reimport_statement(self, which: int) -> None:
            if not self.statements:
                return
            before = self._entry_count()
            with pytest.raises(Conflict):
                import_statement(self.db, CASHIER, self.statements[which % len(self.statements)],
                                 "izvod.xml")
            assert self._entry_count() == before
            DONE["reimport"] += 1

        def _entry_count(self) -> int:
            with self.db.unit_of_work() as s:
                return len(s.scalars(select(LedgerEntry.id)).all())

        @rule(which=st.integers(0, 9), customer=st.integers(0, 9), name_invoice=st.booleans())
        def assign_line(self, which: int, customer: int, name_invoice: bool) -> None:
            unmatched = [line for line in queue.lines(self.db, CASHIER, unmatched_only=True)
                         if line.state == "unmatched"]
            if not unmatched:
                return
            line = unmatched[which % len(unmatched)]
            customer_id = self.customers[customer % len(self.customers)]
            invoice = ""
            if name_invoice:
                with self.db.unit_of_work() as s:
                    invoice = s.scalars(select(Invoice.number).where(
                        Invoice.customer_id == customer_id).order_by(Invoice.id)).first() or ""
            view = self._try(lambda: queue.assign(self.db, CASHIER, line.id,
                                                  self._code(customer_id), invoice),
                             "assign_line")
            if view is not None:
                with pytest.raises(Conflict):        # a second click posts nothing
                    queue.assign(self.db, CASHIER, line.id, self._code(customer_id))

        # -- complaints and court cases --------------------------------------------------------
        @rule(customer=st.integers(0, 9), cents=st.integers(1, 3000),
              justified=st.booleans())
        def complaint(self, customer: int, cents: int, justified: bool) -> None:
            customer_id = self.customers[customer % len(self.customers)]
            invoices = self._invoices(customer_id)
            if not invoices:
                return
            invoice_id, _c, total, _r = invoices[-1]
            disputed = min(Decimal(cents) / 100, total)
            entered = self._try(lambda: complaints.register(self.db, CLERK, ComplaintInput(
                customer_id, self.day, "written", "reading", "Pogrešno očitanje.",
                str(disputed), [invoice_id])), "complaint")
            if entered is None:
                return
            answered = complaints.answer(self.db, CLERK, entered.id,
                                         "justified" if justified else "rejected",
                                         "Provjereno na terenu.", self.day)
            if not justified:
                return
            net = (disputed / Decimal("1.21")).quantize(CENT) or CENT
            corrected = self._try(lambda: complaints.correct(
                self.db, SUP, answered.id, invoice_id, "credit", net, self.day),
                "complaint_credit_note")
            if corrected is not None:
                assert corrected.correction_number
                note = complaints.complaint_of_note(self.db, SUP, corrected.correction_note_id)
                assert note is not None and note.id == entered.id

        @rule(customer=st.integers(0, 9), fee=st.integers(1, 9000),
              stage=st.sampled_from(["settled", "paid", "written_off"]))
        def court_case(self, customer: int, fee: int, stage: str) -> None:
            customer_id = self.customers[customer % len(self.customers)]
            owed = self._owed(customer_id)
            case = self._try(lambda: legal.open_case(self.db, LAWYER, CaseInput(
                customer_id, f"I {next(_serial)}/24", "Osnovni sud u Baru", self.day,
                str(max(owed, CENT)), "35.00", "12.50")), "court_case")
            if case is None:
                return
            self._try(lambda: legal.post_costs(self.db, LAWYER, case.id,
                                               Decimal(fee) / 100, self.day, "troškovi"),
                      "court_costs")
            self._try(lambda: legal.close_case(self.db, LAWYER, case.id, stage, "završeno",
                                               self.day), f"case_{stage}")

        # -- collection --------------------------------------------------------------------------
        @rule()
        def warning_run(self) -> None:
            """The warning run of the day, twice: the second issues nothing."""
            self.day = max(self.day, WARNINGS_ON)
            criteria = WarningCriteria(self.day, min_debt=Decimal("20.00"), min_days=30)
            first = self._try(lambda: warnings.run_warnings(self.db, SUP, criteria))
            if first is None:
                return
            DONE["warning_run"] += 1
            DONE["warnings"] += first.issued
            again = warnings.run_warnings(self.db, SUP, criteria)
            assert again.issued == 0 and again.already_issued >= first.issued

        @rule(days=st.integers(0, 20))
        def order_run(self, days: int) -> None:
            """The order run some days later (past the warnings' deadline), twice."""
            self.day = max(self.day, WARNINGS_ON + timedelta(days=13 + days))
            first = self._try(lambda: orders.run_orders(self.db, SUP, self.day))
            if first is None:
                return
            DONE["order_run"] += 1
            DONE["orders"] += first.issued
            assert orders.run_orders(self.db, SUP, self.day).issued == 0

        @rule(which=st.integers(0, 9))
        def disconnect(self, which: int) -> None:
            crew = [o for o in orders.field_crew_list(self.db, SUP) if o.kind == "disconnection"]
            if not crew:
                return
            order = crew[which % len(crew)]
            if self._try(lambda: orders.record_disconnection(self.db, SUP, FieldRecordInput(
                    order.id, self.day, None, "Plomba")), "disconnection") is not None:
                self.disconnected.add(order.customer_id)

        @rule(customer=st.integers(0, 9))
        def reconnect(self, customer: int) -> None:
            """Pay what the reconnection needs at the counter, then reconnect."""
            if not self.disconnected:
                return
            customer_id = sorted(self.disconnected)[customer % len(self.disconnected)]
            try:
                made = orders.issue_reconnection(self.db, SUP, customer_id, self.day)
            except Conflict as owed:
                if "amount" not in owed.params:
                    return                  # nothing disconnected
                if self._pay_at_counter(customer_id, Decimal(owed.params["amount"])) is None:
                    return
                DONE["reconnection_paid"] += 1
                made = self._try(lambda: orders.issue_reconnection(self.db, SUP, customer_id,
                                                                   self.day))
                if made is None:
                    return
            except DomainError:
                return
            for order_id in made:
                orders.record_reconnection(self.db, SUP, FieldRecordInput(
                    order_id, self.day, None, ""))
                DONE["reconnection"] += 1
            self.disconnected.discard(customer_id)

        # -- installment plans -----------------------------------------------------------------
        @rule(customer=st.integers(0, 9), count=st.integers(2, 4), paid=st.booleans())
        def installment_plan(self, customer: int, count: int, paid: bool) -> None:
            """Set up a plan, pay its down payment (and perhaps the first installment) at the
            counter, then ``plans check`` after a missed installment's grace period."""
            owing = [c for c in self.customers if self._owed(c) > 0]
            if not owing:
                return
            customer_id = owing[customer % len(owing)]
            owed = self._owed(customer_id)
            down = (owed / 10).quantize(CENT)
            ref = self._try(lambda: plans.create_plan(self.db, SUP, PlanTerms(
                customer_id, self.day, count, down_payment=down, grace_days=15)),
                "installment_plan")
            if ref is None:
                return
            state = plans.plan_state(self.db, SUP, ref.id, self.day)
            first = state.installments[0]
            self._pay_at_counter(customer_id, down + (first.amount if paid else ZERO))
            missed = state.installments[1 if paid else 0].due_date
            self.day = max(self.day, missed + timedelta(days=16))
            checked = plans.check_plans(self.db, SUP, self.day)
            if ref.number in checked.broken:
                DONE["plan_broken"] += 1
            assert plans.plan_state(self.db, SUP, ref.id, self.day).status in (
                "broken", "completed")
            assert ref.number not in plans.check_plans(self.db, SUP, self.day).broken

        # -- retention -------------------------------------------------------------------------
        @rule()
        def archive(self) -> None:
            """Archiving on a far later date (today: it cannot look ahead) takes personal
            data of the complaints and court cases past their keeping period, never money."""
            on = date.today()
            due = [d for d in retention.due_for_archiving(self.db, SUP, on)
                   if retention.KEEPING[d.kind].archived]
            done = retention.archive(self.db, SUP, on)
            assert done.customers + done.court_cases + done.complaints == len(due)
            assert retention.archive(self.db, SUP, on).complaints == 0
            if due:
                DONE["archived"] += 1

        @rule(days=st.integers(1, 5))
        def next_day(self, days: int) -> None:
            self.day += timedelta(days=days)

        # -- invariants ------------------------------------------------------------------------
        @initialize()
        def a_day_of_money_work(self) -> None:
            steps: list[tuple[str, Callable[[], None]]] = [
                ("open_drawer", lambda: self.open_drawer(0, 0, 5000, 0)),
                ("open_drawer", lambda: self.open_drawer(1, 1, 3000, 0)),
                ("pay_full_cash", lambda: self.counter_payment(0, 0, "cash", "full", 10,
                                                               "oldest_first", True)),
                ("pay_partial_card", lambda: self.counter_payment(1, 1, "card", "partial", 40,
                                                                  "costs_first", False)),
                ("pay_chosen_cash", lambda: self.counter_payment(0, 2, "cash", "chosen", 30,
                                                                 "costs_first", False)),
                ("pay_overpaid_cash", lambda: self.counter_payment(0, 0, "cash", "overpaid", 5,
                                                                   "oldest_first", False)),
                ("statement", lambda: self.import_statement([100, 50], 700)),
                ("reimport", lambda: self.reimport_statement(0)),
                ("assign_line", lambda: self.assign_line(0, 2, True)),
                ("complaint_credit_note", lambda: self.complaint(0, 500, True)),
                ("court_case", lambda: self.court_case(2, 800, "settled")),
                ("storno", lambda: self.storno(0)),
                ("close_forgotten", lambda: self.close_drawer(1, -150, True)),
                ("close_drawer", lambda: self.close_drawer(0, 0, False)),
                ("warning_run", self.warning_run),
                ("order_run", lambda: self.order_run(1)),
                ("disconnection", lambda: self.disconnect(0)),
                ("reconnection", lambda: self.reconnect(1)),
                ("plan_broken", lambda: self.installment_plan(0, 3, True)),
                ("archived", self.archive)]
            for name, step in steps:
                before = DONE[name]
                step()
                assert DONE[name] > before, f"{name} did not happen: {dict(DONE)}"
                self.the_audit_is_clean()
                self.drawers_hold_what_was_taken()
                self.the_day_reports_add_up()

        @invariant()
        def drawers_hold_what_was_taken(self) -> None:
            for drawer in self.drawers.values():
                info = drawers.get_drawer(self.db, SUP, drawer.id)
                assert (info.cash_taken, info.card_taken) == (drawer.cash, drawer.card), \
                    f"drawer {drawer.id}"
                assert info.expected_cash == drawer.opening_float + drawer.cash
                assert info.is_open == (not drawer.closed)

        @invariant()
        def the_day_reports_add_up(self) -> None:
            for day in sorted({t.day for t in self.taken}):
                mine = [t for t in self.taken if t.day == day]
                day_report = report.daily_report(self.db, SUP, day)
                assert sorted(r.document_number for d in day_report.drawers
                              for r in d.rows) == sorted(t.number for t in mine)
                assert day_report.total == sum((t.amount for t in mine if t.counted), ZERO)
                for means in ("cash", "card"):
                    assert day_report.totals[means] == sum(
                        (t.amount for t in mine if t.counted and t.means == means), ZERO)

        @invariant()
        def the_audit_is_clean(self) -> None:
            audit = run_audit(self.db, AUDITOR, Scope())
            assert [f"{v.check} {v.document}: {describe(v, 'en')}"
                    for v in audit.violations] == []

        def teardown(self) -> None:
            if not self.db.is_postgres:
                self.db.dispose()

    return MoneyMachine


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_audit_stays_clean_under_any_money_work(request: pytest.FixtureRequest,
                                                    backend: str, tmp_path: Path) -> None:
    DONE.clear()
    for fresh in _fresh_databases(request, backend, tmp_path):
        machine = money_machine(fresh)
        machine.TestCase.settings = settings(
            max_examples=int(os.environ.get("OFFICE_MACHINE_EXAMPLES", "4")),
            stateful_step_count=int(os.environ.get("OFFICE_MACHINE_STEPS", "15")),
            deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
        machine.TestCase().runTest()
    print(dict(DONE))
    for work in ("open_drawer", "pay_full_cash", "pay_partial_card", "pay_chosen_cash",
                 "pay_overpaid_cash", "retry", "storno",
                 "close_drawer", "close_forgotten", "close_with_difference", "oldest_first",
                 "costs_first", "statement", "reimport", "assign_line",
                 "complaint_credit_note", "court_case", "warning_run", "order_run",
                 "disconnection", "reconnection_paid", "reconnection", "installment_plan",
                 "plan_broken", "archived"):
        assert DONE[work] > 0, f"no {work} in any example: {dict(DONE)}"
