"""How register values and quantities print on reading documents."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from office_app.i18n import Translator


def register(value: Decimal | None, t: Translator | None = None) -> str:
    """A register as the meter shows it: digits, no grouping, a decimal sign only when the
    value has decimals (13600, 99,5; in English 99.5)."""
    if value is None:
        return ""
    if value == value.to_integral():
        return str(int(value))
    sign = t.decimal_symbol if t is not None else ","
    return format(value.normalize(), "f").replace(".", sign)


def quantity(t: Translator, value: Decimal | None) -> str:
    """A consumption in the document's number format (1.234 or 1.234,5; English 1,234.5)."""
    if value is None:
        return ""
    if value == value.to_integral():
        return t.number(value, 0)
    return t.number(value.normalize())


def describe(t: Translator, error: object) -> str:
    """A finding or field error (anything with msg_id and params) in ``t``'s language, with
    numbers in the language's format (5.500; English 5,500) and dates as 31.03.2025."""
    params = {}
    for name, value in error.params.items():  # type: ignore[attr-defined]
        if isinstance(value, Decimal):
            params[name] = quantity(t, value)
        elif isinstance(value, date):
            params[name] = t.date(value)
        elif isinstance(value, str):
            params[name] = t(value)
        else:
            params[name] = value
    return t(error.msg_id, **params)  # type: ignore[attr-defined]
