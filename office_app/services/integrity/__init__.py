"""The office audit (``office-app audit``): every invariant the books must keep, checked over
the whole database. Importing this package registers every check module."""
# Importing a check module registers its checks.
from office_app.services.integrity import (
    collection,  # noqa: F401, E402  (registers)
    legal,
)
from office_app.services.integrity.base import CHECKS, Check, Scope, Violation, integrity_check

__all__ = ["CHECKS", "Check", "Scope", "Violation", "integrity_check", "legal"]
