"""The audit under any sequence of office work (a Hypothesis state machine, both databases):
readings (read, self-read, estimated), ownership transfers, meter replacements, register
rollovers, terminations, new connections, tariff changes, billing runs, runs killed half-way
(PostgreSQL: ``pg_terminate_backend`` on the run's connection; SQLite: the run's thread dies
between batches), re-runs, payments and credit notes — all through the real services. After
every step ``office-app audit`` finds nothing: every invoice adds up and is on its card once,
every series is gapless, every reference right, every posted row as it was sealed.

Each example starts from an empty database (a fresh SQLite file; PostgreSQL truncated) with the
three-point office of tests/billing_setup.py, period 2024-05 open, and first does every kind of
work once in an order that works (bill, pay, credit, next period, tariff change, connection,
transfer, replacement, the period's readings with a rollover and an estimate, a killed run,
the re-run, a termination); then the rules go on at random. A step the office refuses
(a DomainError: bad input, a point that cannot be billed yet) changes nothing, which is fine:
the audit must be clean either way."""
from __future__ import annotations

import itertools
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import create_engine, select, text

from office_app.db import Database
from office_app.errors import DatabaseUnavailable, DomainError
from office_app.models import Invoice
from office_app.services import ledger, meter_events, metering, periods
from office_app.services.billing import corrections, issue, tariffs
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.integrity import Scope, run_audit
from office_app.services.integrity.runner import describe
from office_app.services.meter_events import Registers, ReplacementInput
from office_app.services.metering import MeterInput, PointInput
from office_app.services.office import save_office
from office_app.services.permissions import Role
from office_app.services.readings import ReadingEntry, key_reading
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, _postgres, make_operator

SUP = make_operator(Role.SUPERVISOR, "SUP1")
CLERK = make_operator(Role.CLERK, "CLK1")
AUDITOR = make_operator(Role.AUDITOR, "AUD1")
_serial = itertools.count(1)
#: What the steps got done (name -> how many times), across examples: the test also checks
#: that the machine really did the office's work rather than being refused at every step.
DONE: Counter[str] = Counter()


class Killed(Exception):
    """The run's thread dies (SQLite's stand-in for a killed connection)."""


def _next_period(code: str) -> str:
    year, month = map(int, code.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def _day(code: str, day: int) -> date:
    return date(int(code[:4]), int(code[5:7]), day)


def audit_machine(fresh: Callable[[], Database]) -> type[RuleBasedStateMachine]:

    class AuditMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.db = fresh()
            office = build_office(self.db, SUP, CLERK)
            self.zone, self.reader = office.zone_id, office.reader_id
            self.period = PERIOD
            self.killed = False             # the last run was killed before it finished
            self.read = {PERIOD}
            # point id -> [vt, mt or None, digits] as last read
            self.registers: dict[int, list[Any]] = {
                office.points["P-100"]: [Decimal(10350), Decimal(5150), 6],
                office.points["P-200"]: [Decimal(97700), None, 5],
                office.points["P-300"]: [Decimal(1300), Decimal(825), 6]}
            self.holders: dict[int, int] = {p: office.customers[n]
                                            for n, p in office.points.items()}

        def _try(self, work: Callable[[], Any], name: str = "") -> Any:
            try:
                result = work()
            except DomainError:
                return None
            if name:
                DONE[name] += 1
            return result

        def _new_customer(self) -> int:
            n = next(_serial)
            return create_customer(self.db, CLERK, CustomerInput(
                surname=f"Novi{n}", given_name="Kupac", address="Obala 2", place="Bar")).id

        def _ahead(self, point: int, amount: int) -> Registers:
            vt, mt, digits = self.registers[point]
            vt = (vt + amount) % (10 ** digits)
            mt = None if mt is None else (mt + amount // 2) % (10 ** digits)
            self.registers[point] = [vt, mt, digits]
            return Registers(str(vt), "" if mt is None else str(mt))

        # -- readings and the period -------------------------------------------------------
        @rule(amounts=st.lists(st.integers(0, 1500), min_size=8, max_size=8),
              kinds=st.lists(st.sampled_from(["reader", "self", "estimate", "none"]),
                             min_size=8, max_size=8))
        def next_period(self, amounts: list[int], kinds: list[str]) -> None:
            """Read the period if not yet, close it, open the next one."""
            if self.period not in self.read and amounts:
                self.read_period(amounts, kinds)
            with self.db.unit_of_work() as s:      # a clean billing run closes it itself
                still_open = periods.get_period(s, self.period).status == "open"
            if not still_open:
                DONE["next_period"] += 1
            elif self._try(lambda: periods.close_period(self.db, SUP, self.period),
                           "next_period") is None:
                return
            self.period = _next_period(self.period)
            periods.open_period(self.db, SUP, periods.default_order(self.period))

        @precondition(lambda self: self.period not in self.read)
        @rule(amounts=st.lists(st.integers(0, 1500), min_size=8, max_size=8),
              kinds=st.lists(st.sampled_from(["reader", "self", "estimate", "none"]),
                             min_size=8, max_size=8))
        def read_period(self, amounts: list[int], kinds: list[str]) -> None:
            """The period's readings on its last day (transfers, replacements and
            terminations keyed before them fall inside the period)."""
            self.read.add(self.period)
            for (point, _r), amount, kind in zip(sorted(self.registers.items()), amounts,
                                                kinds, strict=False):
                if kind == "none":
                    continue
                before = list(self.registers[point])
                regs = self._ahead(point, amount)
                entry = ReadingEntry(point, self.period, periods.last_day(self.period),
                                     vt="" if kind == "estimate" else regs.vt,
                                     mt="" if kind == "estimate" else regs.mt,
                                     remark_code="N" if kind == "estimate" else "",
                                     source="self" if kind == "self" else "reader")
                if self._try(lambda e=entry: key_reading(self.db, SUP, e, confirm=True),
                             kind) is None or kind == "estimate":
                    self.registers[point] = before

        @precondition(lambda self: bool(self.registers))
        @rule(point=st.integers(0, 7), amount=st.integers(1, 400))
        def transfer(self, point: int, amount: int) -> None:
            point_id = sorted(self.registers)[point % len(self.registers)]
            before = list(self.registers[point_id])
            customer = self._new_customer()
            regs = self._ahead(point_id, amount)
            done = self._try(lambda: meter_events.transfer_with_reading(
                self.db, SUP, point_id, customer, _day(self.period, 15), regs), "transfer")
            if done is None:
                self.registers[point_id] = before
            else:
                self.holders[point_id] = customer

        @precondition(lambda self: bool(self.registers))
        @rule(point=st.integers(0, 7), amount=st.integers(1, 400))
        def replace_meter(self, point: int, amount: int) -> None:
            point_id = sorted(self.registers)[point % len(self.registers)]
            before = list(self.registers[point_id])
            final = self._ahead(point_id, amount)
            two_rate = before[1] is not None
            data = ReplacementInput(
                point_id, _day(self.period, 10), final,
                Registers("0", "0" if two_rate else ""),
                new_meter=MeterInput(number=f"N-{next(_serial)}", type="ISKRA ME162",
                                     two_rate=two_rate))
            if self._try(lambda: meter_events.replace_meter(self.db, SUP, data),
                         "replacement") is None:
                self.registers[point_id] = before
            else:
                self.registers[point_id] = [Decimal(0), Decimal(0) if two_rate else None, 6]

        @precondition(lambda self: bool(self.registers))
        @rule(point=st.integers(0, 7), amount=st.integers(0, 300))
        def terminate(self, point: int, amount: int) -> None:
            point_id = sorted(self.registers)[point % len(self.registers)]
            customer = self.holders[point_id]
            mine = [p for p, c in self.holders.items() if c == customer]
            before = {p: list(self.registers[p]) for p in mine}
            readings = {p: self._ahead(p, amount) for p in mine}
            if self._try(lambda: meter_events.terminate_contract(
                    self.db, SUP, customer, _day(self.period, 20), readings),
                    "termination") is None:
                self.registers.update(before)
            else:
                for p in mine:
                    del self.registers[p], self.holders[p]

        @rule()
        def new_connection(self) -> None:
            n = next(_serial)
            customer = self._new_customer()
            point = metering.create_point(self.db, CLERK, customer, PointInput(
                number=f"NP-{n}", address="Obala 2", place="Bar", zone_id=self.zone,
                reader_id=self.reader, reading_code=100 + n), _day(self.period, 5))
            if self._try(lambda: metering.install_new_meter(
                    self.db, CLERK, point.id, MeterInput(number=f"NM-{n}", type="Landis",
                                                         digits=6), _day(self.period, 5),
                    Registers(vt="0")),
                    "new_connection"):
                self.registers[point.id] = [Decimal(0), None, 6]
                self.holders[point.id] = customer

        @rule(cents=st.integers(1, 3000))
        def tariff_change(self, cents: int) -> None:
            price = (Decimal("0.09") + Decimal(cents) / 100000).quantize(Decimal("0.00001"))
            self._try(lambda: tariffs.add_tariff(self.db, SUP, "household", "single", "energy",
                                                 str(price), _day(self.period, 12)),
                      "tariff_change")

        # -- billing ---------------------------------------------------------------------------
        @initialize()
        def a_month_of_office_work(self) -> None:
            """Every kind of work once, in an order that works, the audit after each step;
            the rules then go on at random."""
            p100, p200, p300 = sorted(self.registers)
            steps: list[tuple[str, Callable[[], None]]] = [
                ("first_run", self.bill), ("payment", lambda: self.pay(0, 50)),
                ("credit_note", lambda: self.credit_note(1, 150)),
                ("next_period", lambda: self.next_period([], [])),
                ("tariff_change", lambda: self.tariff_change(700)),
                ("new_connection", self.new_connection),
                ("transfer", lambda: self.transfer(0, 120)),
                ("replacement", lambda: self.replace_meter(2, 80)),
                ("reader", lambda: self.read_period([150, 2500, 60, 0, 0, 0, 0, 0],
                                                    ["reader", "self", "estimate", "reader",
                                                     "reader", "reader", "reader",
                                                     "reader"])),
                ("killed_run", self.killed_run), ("rerun", self.bill),
                ("termination", lambda: self.terminate(1, 40))]
            for name, step in steps:
                before = DONE[name]
                step()
                assert DONE[name] > before, f"{name} did not happen: {dict(DONE)}"
                self.the_audit_is_clean()

        @rule()
        def bill(self) -> None:
            result = self._try(lambda: billing.run_billing(self.db, SUP, self.period,
                                                           batch_size=1), "run")
            if result is not None:
                DONE["invoices"] += result.invoices_made
                if result.invoices_made and not result.already_billed:
                    DONE["first_run"] += 1
                if result.invoices_made and (result.already_billed or self.killed):
                    DONE["rerun"] += 1          # bills what a killed run left
                self.killed = False

        def billable(self) -> bool:
            """Whether a run of the open period would bill something now."""
            try:
                return billing.preview_run(self.db, SUP, self.period).to_bill > 0
            except DomainError:
                return False

        @precondition(lambda self: self.billable())
        @rule()
        def killed_run(self) -> None:
            if self.db.is_postgres:
                self._killed_on_postgres()
                return
            original = issue.ledger.post_many

            def dies(*args: Any, **kw: Any) -> Any:
                raise Killed                # the first batch dies before it commits

            issue.ledger.post_many = dies  # type: ignore[assignment]
            try:
                billing.run_billing(self.db, SUP, self.period, batch_size=1)
            except Killed:
                DONE["killed_run"] += 1
                self.killed = True
            except DomainError:
                pass
            finally:
                issue.ledger.post_many = original  # type: ignore[assignment]

        def _killed_on_postgres(self) -> None:
            admin = create_engine(self.db.engine.url.render_as_string(hide_password=False))
            original = issue.ledger.post_many
            calls = itertools.count()

            def killing(session: Any, operator_code: str, postings: Any, **kw: Any) -> Any:
                if next(calls) == 0:        # the first batch: its rows in, not committed
                    with admin.connect() as conn:
                        conn.execute(text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                            "datname = current_database() AND pid <> pg_backend_pid()"))
                return original(session, operator_code, postings, **kw)

            issue.ledger.post_many = killing  # type: ignore[assignment]
            try:
                billing.run_billing(self.db, SUP, self.period, batch_size=1)
            except DatabaseUnavailable:
                DONE["killed_run"] += 1
                self.killed = True
            except DomainError:
                pass
            finally:
                issue.ledger.post_many = original  # type: ignore[assignment]
                admin.dispose()

        # -- money -----------------------------------------------------------------------------
        def _invoices(self) -> list[tuple[int, int, Decimal]]:
            with self.db.unit_of_work() as s:
                return [tuple(r) for r in s.execute(  # type: ignore[misc]
                    select(Invoice.id, Invoice.customer_id, Invoice.total)
                    .order_by(Invoice.id))]

        @rule(which=st.integers(0, 50), share=st.integers(1, 120))
        def pay(self, which: int, share: int) -> None:
            invoices = self._invoices()
            if not invoices:
                return
            invoice_id, customer, total = invoices[which % len(invoices)]
            amount = max(Decimal("0.01"), (total * share / 100).quantize(Decimal("0.01")))
            ledger.post_payment(self.db, SUP, customer, amount, _day(self.period, 25),
                                f"UP-{next(_serial)}",
                                invoice_id=invoice_id if share % 2 else None)
            DONE["payment"] += 1

        @rule(which=st.integers(0, 50), cents=st.integers(1, 2000))
        def credit_note(self, which: int, cents: int) -> None:
            invoices = self._invoices()
            if invoices:
                invoice_id = invoices[which % len(invoices)][0]
                self._try(lambda: corrections.issue_note(
                    self.db, SUP, invoice_id, "credit", str(Decimal(cents) / 100),
                    "Pogrešno očitanje", _day(self.period, 26)), "credit_note")

        @invariant()
        def the_audit_is_clean(self) -> None:
            report = run_audit(self.db, AUDITOR, Scope())
            assert [f"{v.check} {v.document}: {describe(v, 'en')}"
                    for v in report.violations] == []

        def teardown(self) -> None:
            if not self.db.is_postgres:
                self.db.dispose()

    return AuditMachine


def _fresh_databases(request: pytest.FixtureRequest, backend: str,
                     tmp_path: Path) -> Iterator[Callable[[], Database]]:
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")

        def fresh_pg() -> Database:
            db = _postgres(url)
            with db.unit_of_work() as s:
                save_office(s, TEST_OFFICE)
            return db

        yield fresh_pg
        return
    template: Path = request.getfixturevalue("sqlite_template")

    def fresh_sqlite() -> Database:
        path = tmp_path / f"example{next(_serial)}.sqlite3"
        shutil.copyfile(template, path)
        db = Database(f"sqlite:///{path}")
        with db.unit_of_work() as s:
            save_office(s, TEST_OFFICE)
        return db

    yield fresh_sqlite


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_audit_stays_clean_under_any_office_work(request: pytest.FixtureRequest,
                                                     backend: str, tmp_path: Path) -> None:
    DONE.clear()
    for fresh in _fresh_databases(request, backend, tmp_path):
        machine = audit_machine(fresh)
        machine.TestCase.settings = settings(
            max_examples=6 if backend == "postgresql" else 8, stateful_step_count=20,
            deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
        machine.TestCase().runTest()
    print(dict(DONE))
    for work in ("first_run", "rerun", "killed_run", "payment", "credit_note", "next_period",
                 "reader", "self"):
        assert DONE[work] > 0, f"no {work} in any example: {dict(DONE)}"
    events = ("transfer", "replacement", "termination", "new_connection", "tariff_change",
              "estimate")
    assert sum(1 for e in events if DONE[e]) >= 4, f"too few kinds of events: {dict(DONE)}"
