"""The audit runner: every registered check over one read-only, consistent view of the
database, with its violations and per-check counts and timings.

On PostgreSQL the checks share one REPEATABLE READ, READ ONLY transaction (one snapshot, and
the database refuses any write); on SQLite one read transaction with ``query_only`` set.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, FieldError, ValidationError
from office_app.i18n import translator
from office_app.services.integrity.base import CHECKS, Scope, Violation
from office_app.services.permissions import Operator, Permission

#: What each check is called on the auditor's screen (a check missing here shows its name).
CHECK_LABELS: dict[str, str] = {
    "billed_intervals": N_("Billed intervals"),
    "invoice_arithmetic": N_("Invoice arithmetic"),
    "financial_card": N_("Financial cards"),
    "statement_total": N_("Statement totals"),
    "invoice_to_pay": N_("Amounts to pay"),
    "numbering": N_("Numbering"),
    "payment_references": N_("Payment references"),
    "posting_seals": N_("Posted documents unchanged"),
    "cash_desk": N_("Cash desk drawers and receipts"),
    "statement_postings": N_("Bank and post statements"),
    "status_I_has_field_record": N_("Disconnections with a field record"),
    "order_after_expired_warning": N_("Orders after an expired warning"),
    "dunning_runs_idempotent": N_("Warning and order runs"),
    "legal_status": N_("Litigation status"),
    "installment_plans": N_("Installment plans"),
}

#: progress(done, total, check name about to run or just run)
AuditProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class CheckResult:
    name: str
    violations: int
    seconds: float


@dataclass(frozen=True)
class AuditReport:
    scope: Scope
    violations: tuple[Violation, ...]
    checks: tuple[CheckResult, ...]
    seconds: float
    cancelled: bool = False

    @property
    def clean(self) -> bool:
        return not self.violations and not self.cancelled


def check_label(name: str, language: str | None = None) -> str:
    label = CHECK_LABELS.get(name)
    if label is None:
        return name
    return translator(language).gettext(label) if language else _current_gettext(label)


def _current_gettext(msg_id: str, **params: Any) -> str:
    from office_app.i18n import current

    return current().gettext(msg_id, **params)


def describe(violation: Violation, language: str | None = None) -> str:
    """The violation's message in ``language`` (default: the UI's)."""
    if language:
        return translator(language).gettext(violation.message_id, **violation.params)
    return _current_gettext(violation.message_id, **violation.params)


_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_scope(period: str | None) -> Scope:
    """A scope from what was typed: nothing (everything) or a period YYYY-MM."""
    text = (period or "").strip()
    if text and not _PERIOD.match(text):
        raise ValidationError([FieldError("period", N_(
            "Period: year and month as YYYY-MM, e.g. 2026-03, or empty for everything."))])
    return Scope(text or None)


@contextmanager
def read_only_session(db: Database) -> Iterator[Session]:
    """One read-only transaction for the whole audit; never commits anything."""
    with db.engine.connect() as conn:
        if db.is_postgres:
            conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                          postgresql_readonly=True)
            conn.exec_driver_sql("SET LOCAL DateStyle = 'ISO, YMD'")
        else:
            conn.exec_driver_sql("PRAGMA query_only = ON")
            conn.exec_driver_sql("BEGIN")
        try:
            with Session(bind=conn) as session:
                yield session
        finally:
            conn.rollback()
            if not db.is_postgres:
                conn.exec_driver_sql("PRAGMA query_only = OFF")


def run_audit(db: Database, operator: Operator, scope: Scope,
              progress: AuditProgress | None = None,
              cancel: Callable[[], bool] | None = None) -> AuditReport:
    """Run every registered check (``office_app.services.integrity.CHECKS``) in one read-only
    transaction and return every violation found. Cancelling (``cancel`` returns True) stops
    between checks; the report says so. Raises PermissionDenied for roles other than auditor,
    supervisor and admin."""
    operator.require(Permission.VIEW_AUDIT)
    started = time.perf_counter()
    found: list[Violation] = []
    results: list[CheckResult] = []
    names = list(CHECKS)
    cancelled = False
    with read_only_session(db) as session:
        for n, name in enumerate(names):
            if cancel is not None and cancel():
                cancelled = True
                break
            if progress:
                progress(n, len(names), name)
            t0 = time.perf_counter()
            violations = list(CHECKS[name](session, scope))
            results.append(CheckResult(name, len(violations), time.perf_counter() - t0))
            found.extend(violations)
        if progress and not cancelled:
            progress(len(names), len(names), "")
    return AuditReport(scope, tuple(found), tuple(results), time.perf_counter() - started,
                       cancelled)
