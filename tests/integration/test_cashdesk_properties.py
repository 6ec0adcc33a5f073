"""The counter under any sequence of operations (a Hypothesis state machine): new debts,
payments in cash or by card, full, partial or overpaid, retried with their key, refused bad
amounts, reversals (while the drawer is open: the money leaves it). After every step: the
card's balance equals the model's, the drawer's totals equal what was taken, every receipt's
lines add up to its amount, the desk's receipts are gapless, and the audit finds nothing."""
from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select

from office_app.db import Database
from office_app.errors import ValidationError
from office_app.models import CashReceipt
from office_app.services import ledger
from office_app.services.cashdesk import counter, drawers, supervision
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.integrity import CHECKS, Scope
from office_app.services.permissions import SYSTEM, Role
from tests.conftest import make_operator

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)
DAY = date(2024, 3, 1)
_examples = itertools.count(1)


def counter_machine(db: Database) -> type[RuleBasedStateMachine]:
    clerk = make_operator(Role.CLERK, "CLK1")
    supervisor = make_operator(Role.SUPERVISOR, "SUP1")

    class CounterMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(_examples)
            self.desk = f"P{n}"
            self.cashier = make_operator(Role.CASHIER, f"C{n}")
            self.customer = create_customer(db, clerk, CustomerInput(
                surname=f"Blagajna{n}", given_name="Test", address="Obala 1",
                place="Bar")).id
            self.drawer = drawers.open_drawer(db, self.cashier, self.desk, "10", DAY).id
            self.balance = Decimal("0.00")
            self.taken = {"cash": Decimal("0.00"), "card": Decimal("0.00")}
            self.receipts: list[counter.Receipt] = []
            self.reversed: set[int] = set()
            self.debts = 0

        @rule(amount=AMOUNTS)
        def new_debt(self, amount: Decimal) -> None:
            self.debts += 1
            with db.unit_of_work() as s:
                ledger.post(s, SYSTEM, ledger.Posting(
                    self.customer, "opening_balance", f"{self.desk}-D{self.debts}",
                    DAY - timedelta(days=self.debts), debit=amount,
                    due_date=DAY - timedelta(days=self.debts)))
            self.balance += amount

        @rule(amount=AMOUNTS, card=st.booleans(), retry=st.booleans())
        def pay(self, amount: Decimal, card: bool, retry: bool) -> None:
            means = "card" if card else "cash"
            request = counter.PaymentRequest(uuid.uuid4().hex, self.drawer, self.desk,
                                             self.customer, means, amount, None, (), DAY)
            receipt = counter.pay(db, self.cashier, request)
            if retry:
                assert counter.pay(db, self.cashier, request) == receipt
            self.receipts.append(receipt)
            self.balance -= amount
            self.taken[means] += amount

        @rule(amount=st.sampled_from(["0", "-1.00", "1.001", "abc"]))
        def refused(self, amount: str) -> None:
            with pytest.raises(ValidationError):
                counter.pay(db, self.cashier, counter.PaymentRequest(
                    uuid.uuid4().hex, self.drawer, self.desk, self.customer, "cash", amount,
                    None, (), DAY))

        @precondition(lambda self: len(self.reversed) < len(self.receipts))
        @rule(data=st.data())
        def reverse(self, data: st.DataObject) -> None:
            open_ones = [r for r in self.receipts if r.id not in self.reversed]
            receipt = data.draw(st.sampled_from(open_ones))
            supervision.reverse_payment(db, supervisor, receipt.id, "wrong customer", DAY)
            self.reversed.add(receipt.id)
            self.balance += receipt.amount
            self.taken[receipt.means] -= receipt.amount  # the money left the open drawer

        @invariant()
        def books_agree(self) -> None:
            card = ledger.card(db, supervisor, self.customer)
            assert card.closing_balance == self.balance
            drawer = drawers.get_drawer(db, self.cashier, self.drawer)
            assert (drawer.cash_taken, drawer.card_taken) == (self.taken["cash"],
                                                               self.taken["card"])
            assert drawer.payments == len(self.receipts)
            for receipt in self.receipts:
                assert sum((line.amount for line in receipt.lines), Decimal(0)) == \
                    receipt.amount
            with db.unit_of_work() as s:
                sequences = sorted(s.scalars(select(CashReceipt.sequence)
                                             .where(CashReceipt.desk == self.desk)))
                assert sequences == list(range(1, len(self.receipts) + 1))
                assert list(CHECKS["cash_desk"](s, Scope())) == []

    return CounterMachine


def test_counter_state_machine(db: Database) -> None:
    machine = counter_machine(db)
    machine.TestCase.settings = settings(
        max_examples=10 if db.is_postgres else 15, stateful_step_count=10, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    machine.TestCase().runTest()
