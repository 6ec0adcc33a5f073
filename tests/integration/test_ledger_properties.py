"""The ledger under any sequence of operations (a Hypothesis state machine): post invoices,
pay, reverse payments, correct with credit notes, retry a posting, fail half-way. After every
step: the card's balance equals the sum of its entries (and a model kept beside it), the
running balance ends at the balance, debits and credits reconcile with the open items, no
document number appears twice, and every series the office issues has no gap."""
from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from office_app.db import Database
from office_app.errors import Conflict
from office_app.services import ledger
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.permissions import Operator, Role
from tests.conftest import make_operator

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
_examples = itertools.count(1)


class Boom(Exception):
    pass


def ledger_machine(db: Database) -> type[RuleBasedStateMachine]:
    clerk = make_operator(Role.CLERK, "CLK1")
    supervisor = make_operator(Role.SUPERVISOR, "SUP1")

    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(_examples)
            self.office = f"H{n}"          # a series of its own for each example
            self.customer = create_customer(db, clerk, CustomerInput(
                surname=f"Svojstvo{n}", given_name="Test", address="Obala 1", place="Bar")).id
            self.day = date(2024, 1, 1)
            self.expected = Decimal("0.00")
            self.issued: dict[str, list[int]] = defaultdict(list)
            self.invoices: list[tuple[str, Decimal]] = []
            self.payments: list[tuple[str, Decimal]] = []
            self.reversed: set[str] = set()
            self.posted: list[tuple[str, str]] = []

        def _post(self, op: Operator, kind: str, debit: Decimal = Decimal(0),
                  credit: Decimal = Decimal(0), series: str | None = None,
                  number: str = "") -> str:
            self.day += timedelta(days=3)
            with db.unit_of_work() as s:
                if series:
                    seq, number = ledger.issue_number(s, series, self.office, 2024)
                    self.issued[series].append(seq)
                ledger.post(s, op, ledger.Posting(
                    self.customer, kind, number, self.day, debit=debit, credit=credit,
                    due_date=self.day + timedelta(days=17) if debit else None))
            self.expected += debit - credit
            self.posted.append((kind, number))
            return number

        @rule(amount=AMOUNTS)
        def invoice(self, amount: Decimal) -> None:
            self.invoices.append((self._post(supervisor, "invoice", debit=amount,
                                             series="invoice"), amount))

        @rule(amount=AMOUNTS)
        def pay(self, amount: Decimal) -> None:
            number = f"UP-{self.office}-{len(self.payments) + 1}"
            self.payments.append((self._post(supervisor, "payment", credit=amount,
                                             number=number), amount))

        @precondition(lambda self: any(p not in self.reversed for p, _a in self.payments))
        @rule(data=st.data())
        def reverse(self, data: st.DataObject) -> None:
            number, amount = data.draw(st.sampled_from(
                [p for p in self.payments if p[0] not in self.reversed]))
            self._post(supervisor, "payment_reversal", debit=amount, number=f"R-{number}")
            self.reversed.add(number)

        @precondition(lambda self: bool(self.invoices))
        @rule(data=st.data())
        def correct(self, data: st.DataObject) -> None:
            _number, amount = data.draw(st.sampled_from(self.invoices))
            part = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=amount, places=2))
            self._post(supervisor, "credit_note", credit=part, series="credit_note")

        @precondition(lambda self: bool(self.posted))
        @rule(data=st.data())
        def retry(self, data: st.DataObject) -> None:
            """A desk posts a document again (double click, lost answer): refused."""
            kind, number = data.draw(st.sampled_from(self.posted))
            with pytest.raises(Conflict), db.unit_of_work() as s:
                ledger.post(s, supervisor, ledger.Posting(
                    self.customer, kind, number, self.day, debit=Decimal("1.00")))

        @rule(amount=AMOUNTS)
        def fail_half_way(self, amount: Decimal) -> None:
            """The number is taken, then the transaction fails: the number is given back."""
            with pytest.raises(Boom), db.unit_of_work() as s:
                _seq, number = ledger.issue_number(s, "invoice", self.office, 2024)
                ledger.post(s, supervisor, ledger.Posting(self.customer, "invoice", number,
                                                          self.day, debit=amount))
                raise Boom

        @invariant()
        def balance_is_the_sum_of_entries(self) -> None:
            card = ledger.card(db, supervisor, self.customer)
            total = sum((r.debit - r.credit for r in card.rows), Decimal(0))
            assert card.closing_balance == total == self.expected
            assert not card.rows or card.rows[-1].balance == card.closing_balance
            with db.unit_of_work() as s:
                assert ledger.balance(s, self.customer) == self.expected
                entries = ledger.entries(s, [self.customer])[self.customer]
            allocation = ledger.allocate(entries)
            open_total = sum((i.open for i in allocation.items), Decimal(0))
            assert open_total - allocation.unapplied == self.expected
            assert all(i.open >= 0 for i in allocation.items)

        @invariant()
        def no_number_twice_and_no_gap(self) -> None:
            card = ledger.card(db, supervisor, self.customer)
            keys = [(r.document_type, r.document_number) for r in card.rows]
            assert len(keys) == len(set(keys))
            for numbers in self.issued.values():
                assert sorted(numbers) == list(range(1, len(numbers) + 1))

    return LedgerMachine


@pytest.mark.parametrize("steps", [12])
def test_ledger_state_machine(db: Database, steps: int) -> None:
    machine = ledger_machine(db)
    machine.TestCase.settings = settings(
        max_examples=20 if db.is_postgres else 30, stateful_step_count=steps, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    machine.TestCase().runTest()
