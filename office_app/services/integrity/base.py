"""What every integrity check of ``office-app audit`` shares: the scope it checks and the
violation it reports.

A check is a function ``(session, scope) -> Iterable[Violation]`` registered with
``@integrity_check("name")``. It reads only (the audit runs in one read-only transaction) and
reports every violation it finds, each naming the document, customer and point it concerns,
so that an auditor can go straight to the record.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Scope:
    """What to check: everything, or only the documents of one billing period ("YYYY-MM")."""

    period: str | None = None


@dataclass(frozen=True)
class Violation:
    """One broken invariant. ``message_id`` is an English gettext msgid with {named}
    placeholders filled from ``params`` (so the auditor's screen shows it translated)."""

    check: str
    message_id: str
    params: dict[str, Any] = field(default_factory=dict)
    customer_code: str = ""
    point_number: str = ""
    document: str = ""


Check = Callable[[Session, Scope], Iterable[Violation]]

#: Every registered check by name, in registration order.
CHECKS: dict[str, Check] = {}


def integrity_check(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name`` (its violations carry that name)."""

    def register(fn: Check) -> Check:
        if name in CHECKS:
            raise ValueError(f"integrity check {name!r} registered twice")
        CHECKS[name] = fn
        return fn

    return register
