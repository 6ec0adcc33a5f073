"""The office audit (``office-app audit``): every invariant the books must keep, checked over
the whole database. Importing this package registers every check module."""
from office_app.services.integrity import (  # noqa: F401 - registers checks
    card,
    cashdesk,
    collection,
    intervals,
    invoices,
    legal,
    numbering,
    plans,
    references,
    seals,
    statements,
)
from office_app.services.integrity.base import CHECKS, Check, Scope, Violation, integrity_check
from office_app.services.integrity.runner import AuditReport, CheckResult, run_audit

__all__ = ["CHECKS", "AuditReport", "Check", "CheckResult", "Scope", "Violation", "card",
           "integrity_check", "invoices", "numbering", "references", "run_audit", "seals"]
