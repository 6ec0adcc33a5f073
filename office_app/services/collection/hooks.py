"""Who the warning and order runs leave out, and what they do not demand, for reasons other
registers know.

An installment plan in force keeps a customer out of the runs; an open complaint takes the
amount it disputes out of the debt they demand (issue 11). Those registers live in other
packages; each appends a function here when its module is imported (e.g. services/plans.py)::

    def _active_plans(s: Session, customer_ids: Sequence[int], on: date) -> dict[int, str]:
        ...  # {customer id: reason msgid} for the customers with a plan in force on ``on``

    hooks.EXCLUSIONS.append(_active_plans)

An exclusion hook returns, for the customers it excludes, the reason as a gettext msgid
(marked with ``N_``) that the preview shows. A deduction hook (``DEDUCTIONS``, a pair of the
function and its reason msgid) returns {customer id: amount not to be demanded on ``on``}.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

ExclusionHook = Callable[[Session, Sequence[int], date], dict[int, str]]
DeductionHook = Callable[[Session, Sequence[int], date], dict[int, Decimal]]

#: Filled by other registers' modules; empty while those registers do not exist.
EXCLUSIONS: list[ExclusionHook] = []
#: (hook, reason msgid shown when nothing is left to demand): e.g. the complaint book.
DEDUCTIONS: list[tuple[DeductionHook, str]] = []
#: The registers that fill the hooks, imported before the first use so that a run started from
#: any entry point (GUI, CLI, a test) sees them all.
REGISTERS = ("office_app.services.plans", "office_app.services.complaints")


def _load_registers() -> None:
    for module in REGISTERS:
        importlib.import_module(module)


def excluded(s: Session, customer_ids: Sequence[int], on: date) -> dict[int, str]:
    """{customer id: reason msgid} of every customer some register keeps out of the runs."""
    found: dict[int, str] = {}
    if not customer_ids:
        return found
    _load_registers()
    for hook in EXCLUSIONS:
        for customer_id, reason in hook(s, customer_ids, on).items():
            found.setdefault(customer_id, reason)
    return found


def not_demanded(s: Session, customer_ids: Sequence[int],
                 on: date) -> dict[int, tuple[Decimal, str]]:
    """{customer id: (amount the runs must not demand on ``on``, reason msgid)}; the amounts
    of several registers add up, the first register's reason is kept."""
    found: dict[int, tuple[Decimal, str]] = {}
    if not customer_ids:
        return found
    _load_registers()
    for hook, reason in DEDUCTIONS:
        for customer_id, amount in hook(s, customer_ids, on).items():
            if amount > 0:
                before, why = found.get(customer_id, (Decimal("0.00"), reason))
                found[customer_id] = (before + amount, why)
    return found
