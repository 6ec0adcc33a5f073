"""Customer register services on both databases."""
from __future__ import annotations

from datetime import date

import pytest

from office_app.db import Database
from office_app.errors import Conflict, PermissionDenied, ValidationError
from office_app.services import audit
from office_app.services.customers import (
    CustomerInput,
    create_customer,
    update_customer,
)
from office_app.services.permissions import Operator
from office_app.services.search import CustomerQuery, customer_rows, search_customer_ids

HOUSEHOLD = CustomerInput(surname="Đurović", given_name="Milica", personal_number="0101990710008",
                          address="Njegoševa 12", place="Bar", phone="+382 67 123 456")
BUSINESS = CustomerInput(kind="business", category="commercial", name="Pekara Šćepanović d.o.o.",
                         tax_number="02005123", bank_account="510-1234567-90",
                         address="Bulevar revolucije 5", place="Bar")


def _fields(exc: ValidationError) -> set[str | None]:
    return {e.field for e in exc.errors}


def test_create_household_issues_code_and_audits(db: Database, clerk: Operator,
                                                 supervisor: Operator) -> None:
    first = create_customer(db, clerk, HOUSEHOLD)
    second = create_customer(db, clerk, CustomerInput(
        surname="Perović", given_name="Ana", address="Obala 3", place="Bar"))
    assert (first.code, second.code) == ("0000001", "0000002")
    assert first.name == "Đurović Milica"
    assert first.registered_on == date.today()
    assert first.created_by == "CLK1"
    history = audit.customer_history(db, supervisor, first.id)
    assert {h.field for h in history} >= {"code", "surname", "personal_number"}
    assert all(h.operator_code == "CLK1" for h in history)


def test_update_records_old_and_new_values(db: Database, clerk: Operator,
                                           supervisor: Operator) -> None:
    created = create_customer(db, clerk, HOUSEHOLD)
    changed = update_customer(db, supervisor, created.id,
                              CustomerInput(**{**created.as_input().__dict__,
                                               "address": "Njegoševa 14"}))
    assert changed.code == created.code and changed.updated_by == "SUP1"
    history = audit.customer_history(db, supervisor, created.id)
    change = next(h for h in history if h.action == "update")
    assert (change.field, change.old_value, change.new_value) == (
        "address", "Njegoševa 12", "Njegoševa 14")
    assert len([h for h in history if h.action == "update"]) == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"personal_number": "0101990710007"}, "personal_number"),
    ({"personal_number": "12345"}, "personal_number"),
    ({"surname": ""}, "surname"),
    ({"address": "x" * 121}, "address"),
    ({"email": "not-an-address"}, "email"),
])
def test_invalid_household_names_the_field_and_saves_nothing(
        db: Database, clerk: Operator, changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_customer(db, clerk, CustomerInput(**{**HOUSEHOLD.__dict__, **changes}))
    assert field in _fields(caught.value)
    assert search_customer_ids(db, clerk, CustomerQuery()) == []


def test_business_needs_valid_pib_and_account(db: Database, clerk: Operator) -> None:
    bad = CustomerInput(**{**BUSINESS.__dict__, "tax_number": "02005124",
                           "bank_account": "510-1234567-91"})
    with pytest.raises(ValidationError) as caught:
        create_customer(db, clerk, bad)
    assert {"tax_number", "bank_account"} <= _fields(caught.value)
    record = create_customer(db, clerk, BUSINESS)
    assert record.bank_account == "510-0000001234567-90"


def test_duplicate_personal_number_is_refused(db: Database, clerk: Operator) -> None:
    first = create_customer(db, clerk, HOUSEHOLD)
    with pytest.raises(Conflict) as caught:
        create_customer(db, clerk, HOUSEHOLD)
    assert caught.value.field == "personal_number"
    assert caught.value.params["code"] == first.code
    assert len(search_customer_ids(db, clerk, CustomerQuery())) == 1


def test_cashier_cannot_edit_register(db: Database, cashier: Operator) -> None:
    with pytest.raises(PermissionDenied):
        create_customer(db, cashier, HOUSEHOLD)


def test_search_by_name_without_diacritics_code_and_number(db: Database, clerk: Operator) -> None:
    milica = create_customer(db, clerk, HOUSEHOLD)
    bakery = create_customer(db, clerk, BUSINESS)
    assert search_customer_ids(db, clerk, CustomerQuery(text="djurovic")) == [milica.id]
    assert search_customer_ids(db, clerk, CustomerQuery(text="durovic")) == [milica.id]
    assert search_customer_ids(db, clerk, CustomerQuery(text="Šćepan")) == [bakery.id]
    assert search_customer_ids(db, clerk, CustomerQuery(text="scepanovic bulevar")) == [bakery.id]
    assert search_customer_ids(db, clerk, CustomerQuery(text=bakery.code)) == [bakery.id]
    assert search_customer_ids(db, clerk, CustomerQuery(text="0101990")) == [milica.id]
    assert search_customer_ids(db, clerk, CustomerQuery(text="020051")) == [bakery.id]
    assert search_customer_ids(db, clerk, CustomerQuery(category="commercial")) == [bakery.id]
    rows = customer_rows(db, clerk, [bakery.id, milica.id])
    assert [r.name for r in rows] == ["Pekara Šćepanović d.o.o.", "Đurović Milica"]
    assert rows[0].identifier == "02005123"
