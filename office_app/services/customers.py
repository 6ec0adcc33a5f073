"""The customer register: create, edit, read and search customers.

Guarantees: a customer code is issued by the numbering service and never reused (customers are
never deleted); every save is one transaction that either passes every check or writes
nothing; every change is in the audit log with the operator and time.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.i18n import LANGUAGES
from office_app.models import Customer
from office_app.models.base import utcnow
from office_app.models.customers import CATEGORIES, KINDS
from office_app.services import audit, validation
from office_app.services.fields import LABELS, check_text, strip_all
from office_app.services.numbering import next_number
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

CODE_SERIES = "customer"
CODE_WIDTH = 7


@dataclass(frozen=True)
class CustomerInput:
    """What a clerk fills in. Households use surname and given name, businesses name."""

    kind: str = "household"
    category: str = "household"
    surname: str = ""
    given_name: str = ""
    name: str = ""
    personal_number: str = ""
    billing_number: str = ""
    tax_number: str = ""
    bank_account: str = ""
    address: str = ""
    place: str = ""
    postal_code: str = ""
    billing_address: str = ""
    billing_place: str = ""
    phone: str = ""
    email: str = ""
    language: str = "sr_Latn"
    socially_vulnerable: bool = False
    household_members: int | None = None
    payment_arrangement: str = ""
    contract_signed: date | None = None
    contract_effective: date | None = None
    registered_on: date | None = None


@dataclass(frozen=True)
class CustomerRecord(CustomerInput):
    """A saved customer. The status letter and its date are set only by the processes that
    own them, through services/customer_status.py; the edit dialog shows but never sends them."""

    status: str | None = None
    status_date: date | None = None
    id: int = 0
    code: str = ""
    created_at: datetime | None = None
    created_by: str = ""
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def is_business(self) -> bool:
        return self.kind == "business"

    @property
    def display_name(self) -> str:
        return self.name

    def as_input(self) -> CustomerInput:
        return CustomerInput(**{f.name: getattr(self, f.name) for f in fields(CustomerInput)})


_INPUT_FIELDS = [f.name for f in fields(CustomerInput)]


def _record(row: Customer) -> CustomerRecord:
    values = {name: getattr(row, name) for name in _INPUT_FIELDS}
    for name in ("personal_number", "billing_number", "tax_number", "bank_account",
                 "billing_address", "billing_place"):
        values[name] = values[name] or ""
    return CustomerRecord(**values, status=row.status, status_date=row.status_date,
                          id=row.id, code=row.code, created_at=row.created_at,
                          created_by=row.created_by, updated_at=row.updated_at,
                          updated_by=row.updated_by)


def search_key(code: str, name: str, address: str, place: str, billing_address: str) -> str:
    """Name first, so that a short prefix finds surnames; then code and addresses."""
    return validation.fold(" ".join(p for p in (name, code, address, place, billing_address)
                                    if p))[:400]


def _normalise(session: Session, data: CustomerInput) -> tuple[dict, list[FieldError]]:
    """Clean the input and collect every problem at once, so the dialog can mark all fields."""
    values = strip_all(asdict(data))
    errors: list[FieldError] = []
    if values["kind"] not in KINDS:
        errors.append(FieldError("kind", N_("Customer type: choose household or business.")))
    if values["category"] not in CATEGORIES:
        errors.append(FieldError("category", N_("Category: choose household, commercial or "
                                                "institutional.")))
    business = values["kind"] == "business"
    required = ("name", "address", "place") if business else (
        "surname", "given_name", "address", "place")
    if not business:
        values["name"] = f"{values['surname']} {values['given_name']}".strip()
    errors += check_text(Customer.__table__, values, required)
    errors += _check_identifiers(session, values, business)
    if values["language"] not in LANGUAGES:
        errors.append(FieldError("language", N_("Language: choose one from the list.")))
    members = values["household_members"]
    if members is not None and not 0 < members <= 50:
        errors.append(FieldError("household_members", N_(
            "Household members: enter a number from 1 to 50, or leave it empty.")))
    errors += _check_dates(values)
    return values, errors


def _check_identifiers(session: Session, values: dict, business: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    country = office_in(session).country
    checks = [("personal_number", validation.jmbg), ("email", validation.email),
              ("tax_number", lambda v: validation.tax_number(v, country)),
              ("bank_account", validation.bank_account)]
    for name, check in checks:
        if values[name]:
            try:
                values[name] = check(values[name])
            except validation.Invalid as exc:
                errors.append(FieldError(name, exc.msg_id, exc.params))
    if business and not values["tax_number"]:
        errors.append(FieldError("tax_number", N_(
            "Tax number (PIB): a business customer needs one.")))
    return errors


def _check_dates(values: dict) -> list[FieldError]:
    errors: list[FieldError] = []
    signed, effective = values["contract_signed"], values["contract_effective"]
    if signed and effective and effective < signed:
        errors.append(FieldError("contract_effective", N_(
            "Contract effective: the date cannot be before the contract was signed.")))
    return errors


def _check_duplicates(session: Session, values: dict, own_id: int | None) -> None:
    for name in ("personal_number", "tax_number", "billing_number"):
        if not values[name]:
            continue
        other = session.execute(select(Customer.code).where(
            getattr(Customer, name) == values[name], Customer.id != (own_id or 0),
            Customer.status.is_distinct_from("N"))).scalar()
        if other:
            raise Conflict(N_("{field}: customer {code} already has this number; open that "
                              "customer instead of creating a duplicate."), name,
                           field=_ID_LABELS[name], code=other)


_ID_LABELS = {"personal_number": N_("Personal number (JMBG)"),
              "tax_number": N_("Tax number (PIB)"), "billing_number": LABELS["billing_number"]}


def _store(row: Customer, values: dict) -> None:
    for name in _INPUT_FIELDS:
        value = values[name]
        if name in ("personal_number", "billing_number", "tax_number", "bank_account",
                    "billing_address", "billing_place") and value == "":
            value = None
        setattr(row, name, value)
    row.search_key = search_key(row.code, row.name, row.address, row.place,
                                row.billing_address or "")


def create_customer(db: Database, operator: Operator, data: CustomerInput) -> CustomerRecord:
    """Register a customer with a new customer code. Raises ValidationError or Conflict."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        values, errors = _normalise(s, data)
        if errors:
            raise ValidationError(errors)
        _check_duplicates(s, values, None)
        values["registered_on"] = values["registered_on"] or date.today()
        row = Customer(code=str(next_number(s, CODE_SERIES)).zfill(CODE_WIDTH),
                       created_by=operator.code)
        _store(row, values)
        s.add(row)
        s.flush()
        audit.record(s, operator, "customer", row.id, row.id, "create", None,
                     {"code": row.code, **{k: values[k] for k in _INPUT_FIELDS}})
        return _record(row)


def update_customer(db: Database, operator: Operator, customer_id: int,
                    data: CustomerInput) -> CustomerRecord:
    """Save changes to a customer; the customer code never changes."""
    operator.require(Permission.EDIT_CUSTOMERS)
    with db.unit_of_work() as s:
        row = _get(s, customer_id)
        old = {k: getattr(row, k) for k in _INPUT_FIELDS}
        values, errors = _normalise(s, data)
        if errors:
            raise ValidationError(errors)
        _check_duplicates(s, values, row.id)
        values["registered_on"] = values["registered_on"] or row.registered_on
        _store(row, values)
        row.updated_at, row.updated_by = utcnow(), operator.code
        audit.record(s, operator, "customer", row.id, row.id, "update", old,
                     {k: getattr(row, k) for k in _INPUT_FIELDS})
        return _record(row)


def _get(s: Session, customer_id: int) -> Customer:
    row = s.get(Customer, customer_id)
    if row is None:
        raise NotFound(N_("Customer {id} does not exist."), id=customer_id)
    return row


def get_customer(db: Database, operator: Operator, customer_id: int) -> CustomerRecord:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        return _record(_get(s, customer_id))


def find_by_code(db: Database, operator: Operator, code: str) -> CustomerRecord:
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        row = s.scalar(select(Customer).where(Customer.code == code.strip()))
        if row is None:
            raise NotFound(N_("There is no customer with code {code}."), "code", code=code)
        return _record(row)


__all__ = ["CustomerInput", "CustomerRecord", "create_customer", "find_by_code", "get_customer",
           "search_key", "update_customer"]
