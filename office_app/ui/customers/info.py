"""The "Customer" page of the detail view: every field of the record, read-only."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QScrollArea, QWidget

from office_app.errors import N_
from office_app.i18n import LANGUAGES, _, current
from office_app.services.customers import CustomerRecord
from office_app.ui.customers.labels import (
    category_label,
    kind_label,
    local_datetime,
    status_text,
    status_tooltip,
    yes_no,
)

Getter = Callable[[CustomerRecord], str]


def _date(name: str) -> Getter:
    return lambda c: current().date(getattr(c, name))


def _stamp(who: str, when: str) -> Getter:
    return lambda c: " ".join(p for p in (getattr(c, who) or "",
                                          local_datetime(getattr(c, when))) if p)


#: (field name, label msgid, value, shown for household, shown for business)
LEFT: list[tuple[str, str, Getter, bool, bool]] = [
    ("code", N_("Customer code"), lambda c: c.code, True, True),
    ("kind", N_("Type"), lambda c: kind_label(c.kind), True, True),
    ("category", N_("Category"), lambda c: category_label(c.category), True, True),
    ("surname", N_("Surname"), lambda c: c.surname, True, False),
    ("given_name", N_("Given name"), lambda c: c.given_name, True, False),
    ("personal_number", N_("Personal number (JMBG)"), lambda c: c.personal_number, True, False),
    ("name", N_("Name"), lambda c: c.name, False, True),
    ("billing_number", N_("Billing number"), lambda c: c.billing_number, False, True),
    ("tax_number", N_("Tax number (PIB)"), lambda c: c.tax_number, False, True),
    ("bank_account", N_("Bank account"), lambda c: c.bank_account, False, True),
    ("phone", N_("Phone"), lambda c: c.phone, True, True),
    ("email", N_("E-mail"), lambda c: c.email, True, True),
    ("language", N_("Language of documents"), lambda c: LANGUAGES.get(c.language, c.language),
     True, True),
    ("socially_vulnerable", N_("Socially vulnerable"), lambda c: yes_no(c.socially_vulnerable),
     True, False),
    ("household_members", N_("Household members"),
     lambda c: "" if c.household_members is None else str(c.household_members), True, False),
]
RIGHT: list[tuple[str, str, Getter, bool, bool]] = [
    ("address", N_("Address"), lambda c: c.address, True, True),
    ("place", N_("Place"), lambda c: " ".join(p for p in (c.postal_code, c.place) if p),
     True, True),
    ("billing_address", N_("Billing address"),
     lambda c: ", ".join(p for p in (c.billing_address, c.billing_place) if p), True, True),
    ("contract_signed", N_("Contract signed"), _date("contract_signed"), True, True),
    ("contract_effective", N_("Contract effective"), _date("contract_effective"), True, True),
    ("payment_arrangement", N_("Payment arrangement"), lambda c: c.payment_arrangement, True, True),
    ("status", N_("Status"), lambda c: status_text(c.status, c.status_date) or _("Active"),
     True, True),
    ("registered_on", N_("Registered on"), _date("registered_on"), True, True),
    ("created", N_("Entered by"), _stamp("created_by", "created_at"), True, True),
    ("updated", N_("Last changed by"), _stamp("updated_by", "updated_at"), True, True),
]


class CustomerInfoWidget(QScrollArea):
    """Shows one CustomerRecord; households and businesses show their own fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.record: CustomerRecord | None = None
        self.values: dict[str, QLabel] = {}
        self._forms: list[tuple[QFormLayout, list[tuple[str, str, Getter, bool, bool]]]] = []
        body = QWidget()
        row = QHBoxLayout(body)
        for rows in (LEFT, RIGHT):
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setHorizontalSpacing(12)
            form.setVerticalSpacing(4)
            for name, label, _getter, _household, _business in rows:
                value = QLabel()
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setObjectName(f"value_{name}")
                form.addRow(_(label), value)
                self.values[name] = value
            row.addLayout(form, 1)
            self._forms.append((form, rows))
        bold = QFont(self.values["status"].font())
        bold.setBold(True)
        self.values["status"].setFont(bold)
        self.setWidget(body)

    def show_record(self, record: CustomerRecord) -> None:
        self.record = record
        business = record.is_business
        for form, rows in self._forms:
            for number, (name, _label, getter, household, for_business) in enumerate(rows):
                self.values[name].setText(getter(record) or "—")
                form.setRowVisible(number, for_business if business else household)
        self.values["status"].setToolTip(status_tooltip(record.status, record.status_date))
        self.values["status"].setStyleSheet("color: #b00020;" if record.status else "")
