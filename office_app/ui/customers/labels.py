"""How the register's coded values read on screen: categories, kinds, status letters."""
from __future__ import annotations

from datetime import UTC, date, datetime

from office_app.errors import N_
from office_app.i18n import _, current

CATEGORY_LABELS = {"household": N_("Household"), "commercial": N_("Commercial / industrial"),
                   "institutional": N_("Institutional")}
KIND_LABELS = {"household": N_("Household"), "business": N_("Business / institution")}
#: The letters stay as the office knows them; the meaning is the tooltip.
STATUS_MEANINGS = {"I": N_("I = disconnected"), "T": N_("T = sued"),
                   "N": N_("N = inactive after contract termination")}
POINT_KIND_LABELS = {"regular": N_("Regular"), "common": N_("Building common meter")}
ENTITY_LABELS = {"customer": N_("Customer"), "metering_point": N_("Metering point"),
                 "meter": N_("Meter")}
ACTION_LABELS = {"create": N_("created"), "update": N_("changed"), "install": N_("meter installed"),
                 "remove": N_("meter removed"), "transfer": N_("transferred"),
                 "print_extract": N_("record extract printed"),
                 "status": N_("status changed")}


def category_label(category: str) -> str:
    return _(CATEGORY_LABELS.get(category, category))


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


def status_text(status: str | None, status_date: date | None) -> str:
    """'I 12.03.2024' — the letter and, when known, its date."""
    if not status:
        return ""
    return f"{status} {current().date(status_date)}".strip()


def status_tooltip(status: str | None, status_date: date | None) -> str:
    if not status:
        return ""
    meaning = _(STATUS_MEANINGS.get(status, status))
    if status_date is None:
        return meaning
    return _("{meaning}, since {date}", meaning=meaning, date=current().date(status_date))


def local_datetime(value: datetime | None) -> str:
    """A stored time (UTC; SQLite hands it back without a zone) in the desk's local time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return current().datetime(value.astimezone())


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


#: Field names of the audit log that services.fields.LABELS does not name.
FIELD_LABELS = {
    "kind": N_("Type"), "category": N_("Category"), "personal_number": N_("Personal number (JMBG)"),
    "tax_number": N_("Tax number (PIB)"), "bank_account": N_("Bank account"),
    "language": N_("Language of documents"), "socially_vulnerable": N_("Socially vulnerable"),
    "household_members": N_("Household members"), "contract_signed": N_("Contract signed"),
    "contract_effective": N_("Contract effective"), "registered_on": N_("Registered on"),
    "status": N_("Status"), "status_date": N_("Status date"), "zone_id": N_("Zone"),
    "reader_id": N_("Meter reader"), "reading_code": N_("Reading code"),
    "connection_diameter": N_("Connection diameter (mm)"),
    "common_point_id": N_("Building common point"), "two_rate": N_("Two-rate"),
    "production_date": N_("Production date"), "constant": N_("Constant"),
    "digits": N_("Digits"), "calibration_date": N_("Calibration date"),
    "peak_load_constant": N_("Peak-load constant"), "meter": N_("Meter"),
    "holder": N_("Holder"),
}
