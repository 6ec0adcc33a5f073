"""The customer record extract (004 §24.1): every field the register holds about one customer,
with translated labels, for the customer to check and have corrected.

Proper names and addresses print as entered, whatever the document's script.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from office_app.errors import N_
from office_app.i18n import LANGUAGES, Translator, translator
from office_app.printing.document import (
    CONTENT_WIDTH,
    PageFrame,
    data_table,
    field_grid,
    local_time,
    note_box,
    render_pdf,
    section,
    subsection,
    title_block,
)

if TYPE_CHECKING:
    from office_app.services.customers import CustomerRecord
    from office_app.services.extract import CustomerExtract, PointExtract, StatusChange
    from office_app.services.metering import MeterRecord, PointRecord

Fields = list[tuple[str, str]]

KIND_LABELS = {"household": N_("Household"), "business": N_("Business")}
CATEGORY_LABELS = {"household": N_("Household"), "commercial": N_("Commercial / industrial"),
                   "institutional": N_("Institutional")}
STATUS_LABELS = {"I": N_("I – disconnected"), "T": N_("T – sued"),
                 "N": N_("N – inactive, contract terminated"), None: N_("No status (active)")}
POINT_KIND_LABELS = {"regular": N_("Regular"), "common": N_("Building common meter")}


def customer_extract_pdf(data: CustomerExtract, language: str) -> bytes:
    """The extract as PDF bytes, labels in ``language`` (sr_Latn, sr_Cyrl, sq, en)."""
    t = translator(language)
    c = data.customer
    frame = PageFrame(data.office, t("Customer record extract"), data.operator_code,
                      data.printed_at, t("Customer {code}", code=c.code))
    story: list[Flowable] = title_block(t("Customer record extract"), [
        f"{c.code} · {c.name}",
        t("The data held in the customer register on {date}.",
          date=t.date(local_time(data.printed_at).date())),
    ])
    story += _customer_sections(t, c)
    story += _status_section(t, c, data.status_history)
    story += _points_section(t, data.points)
    story += _record_section(t, c)
    story.append(_closing_note(t, data))
    return render_pdf(story, frame, t)


# --- the customer ----------------------------------------------------------------------------

def _yes_no(t: Translator, value: bool) -> str:
    return t("Yes") if value else t("No")


def _identity(t: Translator, c: CustomerRecord) -> Fields:
    fields: Fields = [(t("Customer code"), c.code),
                      (t("Customer type"), t(KIND_LABELS.get(c.kind, c.kind)))]
    category = (t("Category"), t(CATEGORY_LABELS.get(c.category, c.category)))
    if c.is_business:
        fields += [(t("Name"), c.name), category, (t("Tax number (PIB)"), c.tax_number),
                   (t("Billing number"), c.billing_number), (t("Bank account"), c.bank_account)]
        return fields
    fields += [(t("Surname"), c.surname), (t("Given name"), c.given_name),
               (t("Personal number (JMBG)"), c.personal_number), category]
    # Households rarely have these; print them when the register holds them.
    fields += [(label, value) for label, value in (
        (t("Billing number"), c.billing_number), (t("Tax number (PIB)"), c.tax_number),
        (t("Bank account"), c.bank_account)) if value]
    return fields


def _contact(t: Translator, c: CustomerRecord) -> Fields:
    return [(t("Address"), c.address), (t("Place"), c.place),
            (t("Postal code"), c.postal_code), (t("Phone"), c.phone),
            (t("Billing address"), c.billing_address), (t("Billing place"), c.billing_place),
            (t("E-mail"), c.email),
            (t("Document language"), LANGUAGES.get(c.language, c.language))]


def _contract(t: Translator, c: CustomerRecord) -> Fields:
    members = "" if c.household_members is None else str(c.household_members)
    return [(t("Contract signed"), t.date(c.contract_signed)),
            (t("Contract effective"), t.date(c.contract_effective)),
            (t("Registered on"), t.date(c.registered_on)),
            (t("Socially vulnerable"), _yes_no(t, c.socially_vulnerable)),
            (t("Household members"), members),
            (t("Payment arrangement"), c.payment_arrangement)]


def _customer_sections(t: Translator, c: CustomerRecord) -> list[Flowable]:
    return [section(t("Identity")), field_grid(_identity(t, c)),
            section(t("Addresses and contact")), field_grid(_contact(t, c)),
            section(t("Contract")), field_grid(_contract(t, c))]


def _status_text(t: Translator, status: str | None) -> str:
    return t(STATUS_LABELS.get(status, status or ""))


def _status_section(t: Translator, c: CustomerRecord,
                    history: tuple[StatusChange, ...]) -> list[Flowable]:
    rows = [[t.datetime(local_time(h.at)), _status_text(t, h.status), t.date(h.status_date),
             h.operator_code, h.reason] for h in history]
    widths = [32 * mm, 52 * mm, 26 * mm, 22 * mm, CONTENT_WIDTH - 132 * mm]
    return [section(t("Status")),
            field_grid([(t("Status"), _status_text(t, c.status)),
                        (t("Status date"), t.date(c.status_date))]),
            subsection(t("Status history")),
            data_table([t("Changed on"), t("Status"), t("Status date"), t("Operator"),
                        t("Reason")], rows, widths, t("The status has never been changed."))]


def _record_section(t: Translator, c: CustomerRecord) -> list[Flowable]:
    return [section(t("Record")), field_grid([
        (t("Entered"), _when_by(t, c.created_at, c.created_by)),
        (t("Last changed"), _when_by(t, c.updated_at, c.updated_by))], columns=1)]


def _when_by(t: Translator, when: datetime | None, who: str | None) -> str:
    if when is None:
        return ""
    return t("{when}, operator {operator}", when=t.datetime(local_time(when)),
             operator=who or "")


# --- metering points and meters --------------------------------------------------------------

def _points_section(t: Translator, points: tuple[PointExtract, ...]) -> list[Flowable]:
    story: list[Flowable] = [section(t("Metering points and meters"))]
    if not points:
        story.append(field_grid([(t("Metering points"),
                                  t("The customer holds no metering point."))], columns=1))
    for item in points:
        story += _point_block(t, item)
    return story


def _point_fields(t: Translator, p: PointRecord, zone_name: str) -> Fields:
    zone = f"{p.zone_code} {zone_name}".strip()
    diameter = "" if p.connection_diameter is None else f"{p.connection_diameter} mm"
    fields: Fields = [
        (t("Point number"), p.number), (t("Kind"), t(POINT_KIND_LABELS.get(p.kind, p.kind))),
        (t("Address"), p.address), (t("Place"), p.place), (t("Zone"), zone),
        (t("Meter reader"), p.reader_code), (t("Reading code"), str(p.reading_code)),
        (t("Connection diameter"), diameter)]
    if p.common_point_number:
        fields.append((t("Common meter"), p.common_point_number))
    if p.kind == "common":
        fields.append((t("Flats on this common meter"), str(p.flats)))
    return fields


def _meter_fields(t: Translator, m: MeterRecord, installed_on: date | None) -> Fields:
    return [
        (t("Meter number"), m.number), (t("Meter type"), m.type),
        (t("Two-rate (VT/MT)"), _yes_no(t, m.two_rate)),
        (t("Installed on"), t.date(installed_on)),
        (t("Production date"), t.date(m.production_date)),
        (t("Calibration date"), t.date(m.calibration_date)),
        (t("Constant"), t.number(m.constant)), (t("Digits"), str(m.digits)),
        (t("Nominal current"), m.nominal_current), (t("Nominal voltage"), m.nominal_voltage),
        (t("Time switch number"), m.time_switch_number),
        (t("Time switch type"), m.time_switch_type),
        (t("Peak-load constant"), t.number(m.peak_load_constant)),
        (t("Meter size"), m.size), (t("Seal numbers"), m.seal_numbers)]


def _point_block(t: Translator, item: PointExtract) -> list[Flowable]:
    p = item.point
    title = (t("Metering point {number}", number=p.number) if item.current
             else t("Metering point {number} (no longer held)", number=p.number))
    story: list[Flowable] = [KeepTogether([
        subsection(title), field_grid(_point_fields(t, p, item.zone_name))])]
    if item.current:
        meter = (field_grid(_meter_fields(t, p.meter, p.meter_installed_on)) if p.meter
                 else field_grid([(t("Meter"), t("No meter is installed."))], columns=1))
        story.append(KeepTogether([subsection(t("Meter on the point now")), meter]))
    return story + _point_history(t, item)


def _point_history(t: Translator, item: PointExtract) -> list[Flowable]:
    held = [[t.date(h.valid_from), t.date(h.valid_to) or t("until now")] for h in item.held]
    installed = [[i.meter_number, t.date(i.installed_on), t.date(i.removed_on)]
                 for i in item.installations]
    return [
        KeepTogether([subsection(t("Periods the customer held the point")),
                      data_table([t("From"), t("Until")], held, [30 * mm, 30 * mm])]),
        KeepTogether([subsection(t("Meters on the point while the customer held it")),
                      data_table([t("Meter number"), t("Installed on"), t("Removed on")],
                                 installed, [50 * mm, 30 * mm, 30 * mm],
                                 t("No meter was installed."))]),
    ]


# --- closing note ----------------------------------------------------------------------------

def _closing_note(t: Translator, data: CustomerExtract) -> Flowable:
    office = data.office
    contact = " · ".join(p for p in (office.address, office.phone, office.email) if p)
    paragraphs = [
        t("You may check the data the office keeps about you and have it corrected. If "
          "anything in this extract is wrong or incomplete, bring this extract and an identity "
          "document to the customer service counter, or write to us, and say what should be "
          "corrected. The office corrects the record and tells you in writing when it has "
          "been done."),
        t("Customer service: {contact}", contact=contact or office.name),
        t("The office does not collect or store data on religion, ethnicity, sex, political "
          "views, or membership of any association or organisation."),
    ]
    return note_box(paragraphs, t("Correcting your data"))
