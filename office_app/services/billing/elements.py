"""What can be priced: tariff elements, tariff groups and the periods they are billed for.

A tariff group says how a metering point is measured and therefore which elements price it:

- electricity ``single`` (one register), ``two`` (VT/MT registers), ``peak`` (VT/MT plus the
  peak-load register of business meters);
- water ``metered`` and ``flat`` (a connection without a meter pays a flat rate, 004 §31.2c);
- ``all``: prices defined once for every group of a category (e.g. the approved one-off
  charges, or a fixed charge common to all groups).

A point's group follows from its meter (two-rate, peak-load constant, no meter at all) unless
a supervisor set another one in the point's billing profile.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from office_app.errors import N_, FieldError, ValidationError
from office_app.models.customers import CATEGORIES

ELECTRICITY_GROUPS = ("single", "two", "peak")
WATER_GROUPS = ("metered", "flat")
ALL = "all"
GROUPS = (*ELECTRICITY_GROUPS, *WATER_GROUPS, ALL)

GROUP_LABELS = {
    "single": N_("Single-rate"),
    "two": N_("Two-rate (VT/MT)"),
    "peak": N_("Two-rate with peak load"),
    "metered": N_("Metered water"),
    "flat": N_("No meter (flat rate)"),
    ALL: N_("All groups"),
}
CATEGORY_LABELS = {"household": N_("Household"), "commercial": N_("Commercial / industrial"),
                   "institutional": N_("Institutional")}

#: How an element's quantity is found: a register's consumption (split by days across a
#: price change), the peak load or one month (prorated by days), or a one-off charge.
VOLUME_BASES = ("total", "vt", "mt", "sewage_total")
MONTHLY_BASES = ("month", "peak", "sewage_month")


@dataclass(frozen=True)
class Element:
    code: str
    label: str      # msgid
    unit: str       # kWh, kW, m3, month, pcs
    basis: str
    taxable: bool = True


_ELEMENTS = [
    Element("energy", N_("Electricity"), "kWh", "total"),
    Element("energy_vt", N_("Electricity, higher tariff (VT)"), "kWh", "vt"),
    Element("energy_mt", N_("Electricity, lower tariff (MT)"), "kWh", "mt"),
    Element("peak_load", N_("Peak load"), "kW", "peak"),
    Element("fixed", N_("Fixed monthly charge (metering point)"), "month", "month"),
    Element("availability", N_("Water service availability"), "month", "month"),
    Element("water_volume", N_("Water volume"), "m3", "total"),
    Element("flat_rate", N_("Flat rate (no meter)"), "month", "month"),
    Element("sewage_availability", N_("Sewage service availability"), "month", "sewage_month"),
    Element("sewage_volume", N_("Sewage volume"), "m3", "sewage_total"),
    Element("late_fee", N_("Late payment fee"), "pcs", "charge"),
    Element("disconnection", N_("Disconnection"), "pcs", "charge"),
    Element("reconnection", N_("Reconnection"), "pcs", "charge"),
    Element("other_service", N_("Other approved service"), "pcs", "charge"),
]
ELEMENTS: dict[str, Element] = {e.code: e for e in _ELEMENTS}
#: The line that carries a flat's share of its building's common consumption (003 II).
COMMON_SHARE = Element("common_share", N_("Common consumption of the building"), "", "share")
CHARGE_ELEMENTS = tuple(e.code for e in _ELEMENTS if e.basis == "charge")

#: Elements each group is priced with, in invoice order; the required ones must have a price
#: for every day billed, the others are charged for the days they have one.
GROUP_ELEMENTS: dict[str, tuple[str, ...]] = {
    "single": ("energy", "fixed"),
    "two": ("energy_vt", "energy_mt", "fixed"),
    "peak": ("energy_vt", "energy_mt", "peak_load", "fixed"),
    "metered": ("water_volume", "sewage_volume", "availability", "sewage_availability"),
    "flat": ("flat_rate", "availability", "sewage_availability"),
}
REQUIRED: dict[str, frozenset[str]] = {
    "single": frozenset({"energy"}),
    "two": frozenset({"energy_vt", "energy_mt"}),
    "peak": frozenset({"energy_vt", "energy_mt", "peak_load"}),
    "metered": frozenset({"water_volume", "sewage_volume"}),
    "flat": frozenset({"flat_rate"}),
}

UNIT_LABELS = {"kWh": N_("kWh"), "kW": N_("kW"), "m3": N_("m³"), "month": N_("month"),
               "pcs": N_("pcs"), "": ""}


def groups_for(utility: str) -> tuple[str, ...]:
    """The groups a point of the office's utility can be in (a connection without a meter
    pays a flat rate in either)."""
    return (*ELECTRICITY_GROUPS, "flat") if utility == "electricity" else WATER_GROUPS


def derived_group(utility: str, has_meter: bool, two_rate: bool, peak_constant: bool) -> str:
    """The group a point's meter implies."""
    if not has_meter:
        return "flat"
    if utility != "electricity":
        return "metered"
    if peak_constant:
        return "peak"
    return "two" if two_rate else "single"


def check_key(category: str, group: str, element: str) -> None:
    errors = []
    if category not in CATEGORIES:
        errors.append(FieldError("category", N_("Category: choose one from the list.")))
    if group not in GROUPS:
        errors.append(FieldError("tariff_group", N_("Tariff group: choose one from the list.")))
    if element not in ELEMENTS:
        errors.append(FieldError("element", N_("Tariff element: choose one from the list.")))
    if errors:
        raise ValidationError(errors)


# --- periods ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A billing period: one calendar month, written "YYYY-MM"."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        try:
            year, month = (int(p) for p in text.strip().split("-"))
            if not (1 <= month <= 12 and 2000 <= year <= 2200):
                raise ValueError(text)
        except ValueError:
            raise ValidationError([FieldError("period", N_(
                "Period: write the month as YYYY-MM, e.g. 2024-05."))]) from None
        return cls(year, month)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shift(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def due_date(self) -> date:
        """Invoices for a month are due on the 25th of the next month (003 III.1а)."""
        following = self.shift(1)
        return date(following.year, following.month, 25)

    def __str__(self) -> str:
        return self.code


def day_before(day: date) -> date:
    return day - timedelta(days=1)
