"""Shared checks for register forms: required text, length limits taken from the schema."""
from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause

from office_app.errors import N_, FieldError

#: How each form field is named in messages (msgid; translated by the UI).
LABELS: dict[str, str] = {
    "surname": N_("Surname"), "given_name": N_("Given name"), "name": N_("Name"),
    "address": N_("Address"), "place": N_("Place"), "postal_code": N_("Postal code"),
    "billing_address": N_("Billing address"), "billing_place": N_("Billing place"),
    "phone": N_("Phone"), "email": N_("E-mail"), "billing_number": N_("Billing number"),
    "payment_arrangement": N_("Payment arrangement"), "number": N_("Number"),
    "type": N_("Type"), "nominal_current": N_("Nominal current"),
    "nominal_voltage": N_("Nominal voltage"), "time_switch_number": N_("Time switch number"),
    "time_switch_type": N_("Time switch type"), "size": N_("Meter size"),
    "seal_numbers": N_("Seal numbers"), "code": N_("Code"),
}


def check_text(table: FromClause, values: dict[str, Any],
               required: tuple[str, ...]) -> list[FieldError]:
    """Missing required text and text longer than its column, one error per field."""
    errors: list[FieldError] = []
    for name, value in values.items():
        if not isinstance(value, str) or name not in table.c:
            continue
        label = LABELS.get(name, name)
        limit = getattr(table.c[name].type, "length", None)
        if name in required and not value.strip():
            errors.append(FieldError(name, N_("{field}: this field is required."),
                                     {"field": label}))
        elif limit and len(value) > limit:
            errors.append(FieldError(name, N_(
                "{field}: at most {limit} characters (now {length})."),
                {"field": label, "limit": limit, "length": len(value)}))
    return errors


def strip_all(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
