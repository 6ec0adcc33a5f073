"""The customer record extract (004 §24.1): every field the register holds about one customer,
with translated labels, for the customer to check and have corrected, and the account of the
last 24 months: every invoice with its payment status and every payment (004 §25.1 j).

A Cyrillic extract prints names and addresses in Cyrillic (``doc_text``); codes, numbers,
e-mail addresses and meter types stay as entered. Fields only a water office keeps
(connection diameter, meter size, household members) are left off an electricity office's
extract, and the electricity meter's fields (constant, two-rate, time switch, nominal
current and voltage, peak-load constant) off a water office's.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from office_app.errors import N_
from office_app.i18n import LANGUAGES, Translator, translator
from office_app.printing.document import (
    CONTENT_WIDTH,
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    local_time,
    note_box,
    render_pdf,
    section,
    subsection,
    title_block,
)
from office_app.services.ledger import DOCUMENT_TYPE_LABELS

if TYPE_CHECKING:
    from office_app.services.customers import CustomerRecord
    from office_app.services.extract import (
        AccountEntry,
        AccountHistory,
        CustomerExtract,
        PointExtract,
        StatusChange,
    )
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
        f"{c.code} · {doc_text(t, c.name)}",
        t("The data held in the customer register on {date}.",
          date=t.date(local_time(data.printed_at).date())),
    ])
    water = data.office.utility == "water"
    story += _customer_sections(t, c, water)
    story += _status_section(t, c, data.status_history)
    story += _points_section(t, data.points, water)
    if data.account is not None:
        story += _account_section(t, data.account)
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
        fields += [(t("Name"), doc_text(t, c.name)), category,
                   (t("Tax number (PIB)"), c.tax_number),
                   (t("Billing number"), c.billing_number), (t("Bank account"), c.bank_account)]
        return fields
    fields += [(t("Surname"), doc_text(t, c.surname)),
               (t("Given name"), doc_text(t, c.given_name)),
               (t("Personal number (JMBG)"), c.personal_number), category]
    # Households rarely have these; print them when the register holds them.
    fields += [(label, value) for label, value in (
        (t("Billing number"), c.billing_number), (t("Tax number (PIB)"), c.tax_number),
        (t("Bank account"), c.bank_account)) if value]
    return fields


def _contact(t: Translator, c: CustomerRecord) -> Fields:
    return [(t("Address"), doc_text(t, c.address)), (t("Place"), doc_text(t, c.place)),
            (t("Postal code"), c.postal_code), (t("Phone"), c.phone),
            (t("Billing address"), doc_text(t, c.billing_address)),
            (t("Billing place"), doc_text(t, c.billing_place)),
            (t("E-mail"), c.email),
            (t("Document language"), LANGUAGES.get(c.language, c.language))]


def _contract(t: Translator, c: CustomerRecord, water: bool) -> Fields:
    fields = [(t("Contract signed"), t.date(c.contract_signed)),
              (t("Contract effective"), t.date(c.contract_effective)),
              (t("Registered on"), t.date(c.registered_on)),
              (t("Socially vulnerable"), _yes_no(t, c.socially_vulnerable))]
    if water:   # household members count only for water (004 §25.1 l)
        members = "" if c.household_members is None else str(c.household_members)
        fields.append((t("Household members"), members))
    return fields + [(t("Payment arrangement"), doc_text(t, c.payment_arrangement))]


def _customer_sections(t: Translator, c: CustomerRecord, water: bool) -> list[Flowable]:
    return [section(t("Identity")), field_grid(_identity(t, c)),
            section(t("Addresses and contact")), field_grid(_contact(t, c)),
            section(t("Contract")), field_grid(_contract(t, c, water))]


def _status_text(t: Translator, status: str | None) -> str:
    return t(STATUS_LABELS.get(status, status or ""))


def _status_section(t: Translator, c: CustomerRecord,
                    history: tuple[StatusChange, ...]) -> list[Flowable]:
    rows = [[t.datetime(local_time(h.at)), _status_text(t, h.status), t.date(h.status_date),
             h.operator_code, doc_text(t, h.reason)] for h in history]
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

def _points_section(t: Translator, points: tuple[PointExtract, ...],
                    water: bool) -> list[Flowable]:
    story: list[Flowable] = [section(t("Metering points and meters"))]
    if not points:
        story.append(field_grid([(t("Metering points"),
                                  t("The customer holds no metering point."))], columns=1))
    for item in points:
        story += _point_block(t, item, water)
    return story


def _point_fields(t: Translator, p: PointRecord, zone_name: str, water: bool) -> Fields:
    zone = f"{p.zone_code} {doc_text(t, zone_name)}".strip()
    fields: Fields = [
        (t("Point number"), p.number), (t("Kind"), t(POINT_KIND_LABELS.get(p.kind, p.kind))),
        (t("Address"), doc_text(t, p.address)), (t("Place"), doc_text(t, p.place)),
        (t("Zone"), zone), (t("Meter reader"), p.reader_code),
        (t("Reading code"), str(p.reading_code))]
    if water:
        diameter = "" if p.connection_diameter is None else f"{p.connection_diameter} mm"
        fields.append((t("Connection diameter"), diameter))
    if p.common_point_number:
        fields.append((t("Common meter"), p.common_point_number))
    if p.kind == "common":
        fields.append((t("Flats on this common meter"), str(p.flats)))
    return fields


def _meter_fields(t: Translator, m: MeterRecord, installed_on: date | None,
                  water: bool) -> Fields:
    fields: Fields = [
        (t("Meter number"), m.number), (t("Meter type"), m.type),
        (t("Installed on"), t.date(installed_on)),
        (t("Production date"), t.date(m.production_date)),
        (t("Calibration date"), t.date(m.calibration_date)), (t("Digits"), str(m.digits))]
    if water:
        return fields + [(t("Meter size"), m.size), (t("Seal numbers"), m.seal_numbers)]
    return fields + [
        (t("Two-rate (VT/MT)"), _yes_no(t, m.two_rate)),
        (t("Constant"), t.number(m.constant)),
        (t("Nominal current"), m.nominal_current), (t("Nominal voltage"), m.nominal_voltage),
        (t("Time switch number"), m.time_switch_number),
        (t("Time switch type"), m.time_switch_type),
        (t("Peak-load constant"), t.number(m.peak_load_constant)),
        (t("Seal numbers"), m.seal_numbers)]


def _point_block(t: Translator, item: PointExtract, water: bool) -> list[Flowable]:
    p = item.point
    title = (t("Metering point {number}", number=p.number) if item.current
             else t("Metering point {number} (no longer held)", number=p.number))
    story: list[Flowable] = [KeepTogether([
        subsection(title), field_grid(_point_fields(t, p, item.zone_name, water))])]
    if item.current:
        meter = (field_grid(_meter_fields(t, p.meter, p.meter_installed_on, water)) if p.meter
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


# --- the account (004 §25.1 j) ---------------------------------------------------------------

def _payment_status(t: Translator, e: AccountEntry) -> str:
    if e.open is None:
        return ""
    if e.open <= 0:
        return t("Settled on {date}", date=t.date(e.settled_on))
    if e.open < e.debit:
        return t("Partly paid, {amount} open", amount=t.money(e.open))
    return t("Unpaid")


def _amount(t: Translator, value: Decimal) -> str:
    return t.number(value, 2) if value else ""


def _account_section(t: Translator, account: AccountHistory) -> list[Flowable]:
    headers = [t("Date"), t("Document"), t("Document type"), t("Period"), t("Debit"),
               t("Credit"), t("Balance"), t("Payment status")]
    rows = [[t.date(e.document_date), e.document_number,
             t(DOCUMENT_TYPE_LABELS.get(e.document_type, e.document_type)), e.period or "",
             _amount(t, e.debit), _amount(t, e.credit), t.number(e.balance, 2),
             _payment_status(t, e)] for e in account.entries]
    return [section(t("Invoices and payments in the last 24 months")),
            field_grid([(t("Since"), t.date(account.since)),
                        (t("Balance before"), t.money(account.opening_balance)),
                        (t("Documents"), str(len(account.entries))),
                        (t("Balance now"), t.money(account.closing_balance))]),
            data_table(headers, rows, None,
                       t("No invoice or payment in the last 24 months."),
                       nowrap={0, 1, 3, 4, 5, 6}, right={4, 5, 6})]


# --- closing note ----------------------------------------------------------------------------

def _closing_note(t: Translator, data: CustomerExtract) -> Flowable:
    office = data.office
    contact = " · ".join(p for p in (doc_text(t, office.address), office.phone, office.email)
                         if p)
    paragraphs = [
        t("You may check the data the office keeps about you and have it corrected. If "
          "anything in this extract is wrong or incomplete, bring this extract and an identity "
          "document to the customer service counter, or write to us, and say what should be "
          "corrected. The office corrects the record and tells you in writing when it has "
          "been done."),
        t("Customer service: {contact}", contact=contact or doc_text(t, office.name)),
        t("The office does not collect or store data on religion, ethnicity, sex, political "
          "views, or membership of any association or organisation."),
    ]
    return note_box(paragraphs, t("Correcting your data"))
