"""How register values and quantities print on reading documents."""
from __future__ import annotations

from decimal import Decimal

from office_app.i18n import Translator


def register(value: Decimal | None) -> str:
    """A register as the meter shows it: digits, no grouping, a decimal comma only when the
    value has decimals (13600, 99,5)."""
    if value is None:
        return ""
    if value == value.to_integral():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def quantity(t: Translator, value: Decimal | None) -> str:
    """A consumption in the office's number format (1.234 or 1.234,5)."""
    if value is None:
        return ""
    if value == value.to_integral():
        return t.number(value, 0)
    return t.number(value.normalize())
