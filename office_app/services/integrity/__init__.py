"""The office audit (``office-app audit``): every invariant the books must keep, checked over
the whole database. Importing this package registers every check module."""
# Each check module registers itself on import.
from office_app.services.integrity import cashdesk  # noqa: E402, F401, I001
from office_app.services.integrity.base import CHECKS, Check, Scope, Violation, integrity_check

__all__ = ["CHECKS", "Check", "Scope", "Violation", "integrity_check"]
