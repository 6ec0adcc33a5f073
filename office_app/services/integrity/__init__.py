"""The office audit (``office-app audit``): every invariant the books must keep, checked over
the whole database. Importing this package registers every check module."""
from office_app.services.integrity import statements as _statements  # noqa: F401
from office_app.services.integrity.base import CHECKS, Check, Scope, Violation, integrity_check

__all__ = ["CHECKS", "Check", "Scope", "Violation", "integrity_check"]
