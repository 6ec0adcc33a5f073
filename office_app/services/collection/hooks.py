"""Who the warning and order runs leave out for reasons other registers know.

An installment plan in force or an open complaint about the amount (issue 11) keeps a customer
out of the runs. Those registers live in other packages; each appends a function to
``EXCLUSIONS`` when its module is imported (e.g. services/plans.py)::

    def _active_plans(s: Session, customer_ids: Sequence[int], on: date) -> dict[int, str]:
        ...  # {customer id: reason msgid} for the customers with a plan in force on ``on``

    hooks.EXCLUSIONS.append(_active_plans)

A hook returns, for the customers it excludes, the reason as a gettext msgid (marked with
``N_``) that the preview shows.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy.orm import Session

ExclusionHook = Callable[[Session, Sequence[int], date], dict[int, str]]

#: Filled by other registers' modules; empty while those registers do not exist.
EXCLUSIONS: list[ExclusionHook] = []


def excluded(s: Session, customer_ids: Sequence[int], on: date) -> dict[int, str]:
    """{customer id: reason msgid} of every customer some register keeps out of the runs."""
    found: dict[int, str] = {}
    if not customer_ids:
        return found
    for hook in EXCLUSIONS:
        for customer_id, reason in hook(s, customer_ids, on).items():
            found.setdefault(customer_id, reason)
    return found
