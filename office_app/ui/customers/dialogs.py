"""The customer create/edit dialog: household or business fields, addresses, contract.

The status letters are not edited here: the processes that own them set them through
services/customer_status.py (disconnection, lawsuit, contract termination)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QWidget

from office_app.i18n import LANGUAGES, _
from office_app.services import customers
from office_app.services.customers import CustomerInput, CustomerRecord
from office_app.ui.context import AppContext
from office_app.ui.customers.formkit import ChoiceField, RegisterDialog, line
from office_app.ui.customers.labels import CATEGORY_LABELS, KIND_LABELS
from office_app.ui.forms import DateField, NumberField

HOUSEHOLD_ONLY = ("surname", "given_name", "personal_number", "socially_vulnerable",
                  "household_members")
BUSINESS_ONLY = ("name", "billing_number", "tax_number", "bank_account")
_TEXT_FIELDS = ("surname", "given_name", "name", "personal_number", "billing_number",
                "tax_number", "bank_account", "address", "place", "postal_code",
                "billing_address", "billing_place", "phone", "email", "payment_arrangement")
_DATE_FIELDS = ("contract_signed", "contract_effective", "registered_on")


class CustomerDialog(RegisterDialog):
    """Create a customer (``record`` None) or edit one (never its status letter)."""

    def __init__(self, context: AppContext, record: CustomerRecord | None = None,
                 parent: QWidget | None = None) -> None:
        title = (_("New customer") if record is None
                 else _("Customer {code}", code=record.code))
        super().__init__(title, context.runner, columns=2, parent=parent, scroll=True)
        self.context, self.record = context, record
        self._build_identity()
        self._build_address_and_contract()
        self.field("kind").currentIndexChanged.connect(self._on_kind_changed)
        self.load(record.as_input() if record else CustomerInput())
        self.finish(self.field("name") if self.is_business() else self.field("surname"))
        self.resize(max(self.width(), 900), max(self.height(), 560))

    # -- building ---------------------------------------------------------------------------
    def _build_identity(self) -> None:
        self.add_heading(_("Customer"))
        self.add_field("kind", _("Type"), ChoiceField(
            (k, _(label)) for k, label in KIND_LABELS.items()))
        self.add_field("category", _("Category"), ChoiceField(
            (k, _(label)) for k, label in CATEGORY_LABELS.items()))
        self.add_field("surname", _("Surname"), line())
        self.add_field("given_name", _("Given name"), line())
        self.add_field("personal_number", _("Personal number (JMBG)"),
                       line(placeholder=_("13 digits")))
        self.add_field("name", _("Name"), line())
        self.add_field("billing_number", _("Billing number"), line())
        self.add_field("tax_number", _("Tax number (PIB)"), line())
        self.add_field("bank_account", _("Bank account"),
                       line(placeholder=_("e.g. 510-1234567-89")))
        self.add_field("phone", _("Phone"), line())
        self.add_field("email", _("E-mail"), line())
        self.add_field("language", _("Language of documents"), ChoiceField(LANGUAGES.items()))
        self.add_field("socially_vulnerable", _("Socially vulnerable"),
                       QCheckBox(_("Entitled to social protection")))
        self.add_field("household_members", _("Household members"),
                       NumberField("household_members", _("Household members")))
        self.field("household_members").setMaximumWidth(80)

    def _build_address_and_contract(self) -> None:
        self.add_heading(_("Address"), 1)
        self.add_field("address", _("Address"), line(), 1)
        self.add_field("place", _("Place"), line(), 1)
        self.add_field("postal_code", _("Postal code"), line(), 1)
        self.add_field("billing_address", _("Billing address"),
                       line(placeholder=_("only when different")), 1)
        self.add_field("billing_place", _("Billing place"), line(), 1)
        self.add_heading(_("Contract"), 1)
        self.add_field("contract_signed", _("Contract signed"),
                       DateField("contract_signed", _("Contract signed")), 1)
        self.add_field("contract_effective", _("Contract effective"),
                       DateField("contract_effective", _("Contract effective")), 1)
        self.add_field("payment_arrangement", _("Payment arrangement"), line(), 1)
        self.add_field("registered_on", _("Registered on"),
                       DateField("registered_on", _("Registered on")), 1)
    # -- values -----------------------------------------------------------------------------
    def is_business(self) -> bool:
        return bool(self.field("kind").value() == "business")

    def load(self, data: CustomerInput) -> None:
        for name in _TEXT_FIELDS:
            self.field(name).setText(getattr(data, name) or "")
        for name in ("kind", "category", "language"):
            self.field(name).set_value(getattr(data, name))
        for name in (*_DATE_FIELDS, "household_members"):
            self.field(name).set_value(getattr(data, name))
        self.field("socially_vulnerable").setChecked(data.socially_vulnerable)
        if data.kind == "household":
            self.field("name").setText("")
        self._show_kind_fields()

    def values(self) -> CustomerInput:
        """What the form holds; fields of the other customer type are sent empty."""
        business = self.is_business()
        hidden = HOUSEHOLD_ONLY if business else BUSINESS_ONLY
        text: dict[str, Any] = {n: "" if n in hidden else self.field(n).text()
                                for n in _TEXT_FIELDS}
        dates: dict[str, Any] = {n: self.field(n).value() for n in _DATE_FIELDS}
        return CustomerInput(
            kind=self.field("kind").value(), category=self.field("category").value(),
            language=self.field("language").value(),
            socially_vulnerable=not business and self.field("socially_vulnerable").isChecked(),
            household_members=None if business else self.field("household_members").value(),
            **text, **dates)

    def save(self) -> Callable[[], Any]:
        data = self.values()
        db, operator = self.context.db, self.context.operator
        if self.record is None:
            return lambda: customers.create_customer(db, operator, data)
        record_id = self.record.id
        return lambda: customers.update_customer(db, operator, record_id, data)

    # -- behaviour --------------------------------------------------------------------------
    def _show_kind_fields(self) -> None:
        business = self.is_business()
        for name in HOUSEHOLD_ONLY:
            self.set_field_visible(name, not business)
        for name in BUSINESS_ONLY:
            self.set_field_visible(name, business)

    def _on_kind_changed(self) -> None:
        self._show_kind_fields()
        business = self.is_business()
        if business and self.field("category").value() == "household":
            self.field("category").set_value("commercial")
        elif not business:
            self.field("category").set_value("household")

    def field_aliases(self) -> dict[str, str]:
        # A household's name is made of surname and given name; its errors belong there.
        return {} if self.is_business() else {"name": "surname"}
