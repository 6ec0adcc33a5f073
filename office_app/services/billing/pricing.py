"""The invoice arithmetic, as pure functions of plain data: what a point consumed, the price
book and the customer's category in; invoice lines with exact Decimal amounts out.

Rules (003 II; 004 §31.2):

- Each line is quantity × unit price, rounded half-up to the cent. VAT is its own line:
  the taxable total × rate, rounded half-up once. Total = net + VAT.
- A price change inside the billed days splits the line by days: a volume (kWh, m³) is
  shared out in proportion to the days each price was in force (to the thousandth, the last
  part taking the remainder so the parts add up exactly); a monthly charge (fixed charge,
  availability, flat rate, peak load in kW) is charged for days/days-of-month at each price.
- Monthly charges are also prorated when the customer held the point for only part of the
  month (connection, ownership transfer, termination), and for the days a disconnected
  point was off (after its disconnection date, until the day before its reconnection),
  unless the tariff keeps the charge while disconnected.
- The VAT rate is the one in force on the last day billed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from office_app.errors import N_, DomainError
from office_app.services.billing.elements import (
    ALL,
    COMMON_SHARE,
    ELEMENTS,
    GROUP_ELEMENTS,
    REQUIRED,
    Element,
)

CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def money(value: Decimal) -> Decimal:
    """Round half-up to the cent."""
    return value.quantize(CENT, ROUND_HALF_UP)


def quantity(value: Decimal) -> Decimal:
    return value.quantize(THOUSANDTH, ROUND_HALF_UP)


class MissingTariff(DomainError):
    """No price (or VAT rate) for something that has to be billed."""


# --- the price book ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """A dated value: valid from ``valid_from`` to ``valid_to`` inclusive (None: open)."""

    value: Decimal
    valid_from: date
    valid_to: date | None = None
    #: A monthly charge kept while the point is disconnected (tariffs only).
    while_disconnected: bool = False

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Segment:
    start: date
    end: date
    price: Decimal
    while_disconnected: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


TariffKey = tuple[str, str, str]   # category, group, element


@dataclass(frozen=True)
class PriceBook:
    """Every tariff row, VAT rate and statutory interest rate, as plain data."""

    tariffs: Mapping[TariffKey, Sequence[Rate]]
    vat: Sequence[Rate]
    interest: Sequence[Rate] = ()
    #: Segments already worked out (a run prices thousands of points with the same days).
    _memo: dict[tuple[str, str, str, date, date], list[Segment]] = field(
        default_factory=dict, compare=False, repr=False)
    #: Element plans already worked out (see ``_element_plan``).
    _plans: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    def rates(self, category: str, group: str, element: str) -> Sequence[Rate]:
        """The element's rows for the group, else the category's rows for ``all`` groups."""
        own = self.tariffs.get((category, group, element))
        return own if own else self.tariffs.get((category, ALL, element), ())

    def segments(self, category: str, group: str, element: str, start: date,
                 end: date) -> list[Segment]:
        """The prices in force between ``start`` and ``end``, clipped to them, in date order
        (days without a price are simply not covered)."""
        key = (category, group, element, start, end)
        memo = self._memo.get(key)
        if memo is None:
            memo = self._memo[key] = self._segments(category, group, element, start, end)
        return memo

    def _segments(self, category: str, group: str, element: str, start: date,
                  end: date) -> list[Segment]:
        found = []
        for rate in sorted(self.rates(category, group, element), key=lambda r: r.valid_from):
            lo = max(start, rate.valid_from)
            hi = end if rate.valid_to is None else min(end, rate.valid_to)
            if lo <= hi:
                found.append(Segment(lo, hi, rate.value, rate.while_disconnected))
        return found

    def vat_on(self, day: date) -> Decimal:
        for rate in self.vat:
            if rate.covers(day):
                return rate.value
        raise MissingTariff(N_("There is no VAT rate for {date}; a supervisor enters it under "
                               "Billing → Tariffs."), date=day.strftime("%d.%m.%Y"))

    def interest_on(self, day: date) -> Decimal:
        for rate in self.interest:
            if rate.covers(day):
                return rate.value
        return ZERO


# --- what is billed ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CommonShare:
    """A flat's share of its building's common consumption (003 II б): the common point's
    priced total divided equally among the flats."""

    point_number: str
    quantity: Decimal       # the common point's whole consumption
    unit: str
    total: Decimal          # the common point's net amount
    flats: int
    amount: Decimal         # this flat's share


@dataclass(frozen=True)
class ChargeItem:
    """A one-off approved charge waiting for the invoice (late fee, reconnection, ...)."""

    element: str
    charged_on: date
    quantity: Decimal = Decimal(1)
    charge_id: int | None = None


@dataclass(frozen=True)
class RegisterUse:
    """What a meter other than the point's own measured in the billed days (the old meter
    of a replacement), priced by the tariff group of that meter: an old single-rate meter's
    kWh at the single-rate price, even when the point is now two-rate."""

    meter_number: str
    kind: str
    vt: Decimal
    mt: Decimal | None = None


@dataclass(frozen=True)
class PointBill:
    """Everything the arithmetic needs about one point, one customer, one period."""

    category: str
    group: str
    period_start: date
    period_end: date
    #: The days of the period the customer held the point (inside the period).
    service_start: date
    service_end: date
    vt: Decimal | None = None
    mt: Decimal | None = None
    peak: Decimal | None = None
    sewage: bool = True
    common: tuple[CommonShare, ...] = ()
    charges: tuple[ChargeItem, ...] = ()
    #: Consumption of other meters priced by their own tariff group (see RegisterUse).
    registers: tuple[RegisterUse, ...] = ()
    #: The days (first, last) the point was disconnected, inside the service days: monthly
    #: charges are not charged for them unless the tariff keeps them (``while_disconnected``).
    disconnected: tuple[tuple[date, date], ...] = ()

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @property
    def service_days(self) -> int:
        return (self.service_end - self.service_start).days + 1


@dataclass(frozen=True)
class DraftLine:
    element: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    share_days: int | None = None
    period_days: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    taxable: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)
    charge_id: int | None = None


@dataclass(frozen=True)
class InvoiceDraft:
    lines: tuple[DraftLine, ...]
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal


# --- the arithmetic ---------------------------------------------------------------------------

def price_point(bill: PointBill, book: PriceBook) -> InvoiceDraft:
    """The invoice lines and totals for one point. Raises MissingTariff when a required
    element has no price for a billed day, or there is no VAT rate."""
    lines = price_elements(bill, book)
    for register in bill.registers:
        lines += register_lines(bill, register, book)
    lines += [_common_line(c) for c in bill.common]
    lines += [_charge_line(bill, book, c) for c in bill.charges]
    return totals(lines, book.vat_on(bill.service_end))


def totals(lines: Sequence[DraftLine], vat_rate: Decimal) -> InvoiceDraft:
    net = taxable = ZERO
    for line in lines:
        net += line.amount
        if line.taxable:
            taxable += line.amount
    vat = money(taxable * vat_rate / HUNDRED)
    return InvoiceDraft(tuple(lines), net, vat_rate, vat, net + vat)


#: The priced elements of one kind of bill: each element with its price segments, and its
#: lines when they do not depend on the point's own figures (monthly charges but peak load).
Plan = list[tuple[Element, list[Segment], list[DraftLine] | None]]


def price_elements(bill: PointBill, book: PriceBook) -> list[DraftLine]:
    """The metered and monthly elements of the point's group, in invoice order."""
    lines: list[DraftLine] = []
    for element, segments, fixed in _element_plan(bill, book):
        if fixed is not None:
            lines += fixed
        elif element.basis == "peak":
            lines += _monthly_lines(bill, element, segments)
        else:
            lines += _volume_lines(bill, element, segments)
    return lines


def _element_plan(bill: PointBill, book: PriceBook) -> Plan:
    """What prices a bill of this category, group and days, memoised in the book (a run
    prices thousands of points alike). Raises MissingTariff (never memoised)."""
    key = (bill.category, bill.group, bill.sewage, bill.service_start,
           bill.service_end, bill.period_start, bill.period_end, bill.disconnected)
    plan = book._plans.get(key)
    if plan is None:
        plan = book._plans[key] = _make_plan(bill, book)
    return plan


def _make_plan(bill: PointBill, book: PriceBook) -> Plan:
    plan: Plan = []
    required = _required(bill)
    for code in GROUP_ELEMENTS.get(bill.group, ()):
        element = ELEMENTS[code]
        if element.basis.startswith("sewage") and not bill.sewage:
            continue
        segments = book.segments(bill.category, bill.group, code, bill.service_start,
                                 bill.service_end)
        if code in required:
            _check_covered(bill, code, segments)
        if not segments:
            continue
        fixed = (_monthly_lines(bill, element, segments)
                 if element.basis in ("month", "sewage_month") else None)
        plan.append((element, segments, fixed))
    return plan


def _required(bill: PointBill) -> frozenset[str]:
    if bill.group not in REQUIRED:
        raise MissingTariff(N_("Tariff group {group} is not known."), group=bill.group)
    required = REQUIRED[bill.group]
    if not bill.sewage:
        required = frozenset(c for c in required if not ELEMENTS[c].basis.startswith("sewage"))
    return required


def _check_covered(bill: PointBill, code: str, segments: Sequence[Segment]) -> None:
    day = bill.service_start
    for segment in segments:
        if segment.start > day:
            break
        day = segment.end + timedelta(days=1)
    if day <= bill.service_end:
        raise MissingTariff(
            N_("There is no price of {element} for {category} / {group} on {date}."),
            element=ELEMENTS[code].label, category=bill.category, group=bill.group,
            date=day.strftime("%d.%m.%Y"))


def _volume(bill: PointBill, element: Element) -> Decimal:
    vt = bill.vt or Decimal(0)
    mt = bill.mt or Decimal(0)
    if element.basis == "vt":
        return vt
    if element.basis == "mt":
        return mt
    return vt + mt


def split_by_days(total: Decimal, parts: Sequence[int]) -> list[Decimal]:
    """``total`` shared in proportion to ``parts`` (days), to the thousandth; the last part
    takes what is left so that the parts add up to ``total`` exactly."""
    whole = sum(parts)
    shares = [quantity(total * days / whole) for days in parts[:-1]]
    return [*shares, total - sum(shares, Decimal(0))]


def _volume_lines(bill: PointBill, element: Element,
                  segments: Sequence[Segment]) -> list[DraftLine]:
    total = _volume(bill, element)
    if len(segments) == 1:      # one price for all the days (nearly every bill)
        price = segments[0].price
        return [DraftLine(element.code, total, element.unit, price, money(total * price))]
    volumes = split_by_days(total, [s.days for s in segments])
    return [DraftLine(element.code, volume, element.unit, s.price, money(volume * s.price),
                      valid_from=s.start, valid_to=s.end)
            for volume, s in zip(volumes, segments, strict=True)]


def _monthly_lines(bill: PointBill, element: Element,
                   segments: Sequence[Segment]) -> list[DraftLine]:
    count = (bill.peak or Decimal(0)) if element.basis == "peak" else Decimal(1)
    month = bill.period_days
    lines = []
    for s in segments:
        days = s.days if s.while_disconnected else s.days - _overlap(s, bill.disconnected)
        if days <= 0:
            continue
        whole = days == month
        amount = money(count * s.price if whole else count * s.price * days / month)
        lines.append(DraftLine(element.code, count, element.unit, s.price, amount,
                               share_days=None if whole else days,
                               period_days=None if whole else month,
                               valid_from=None if whole else s.start,
                               valid_to=None if whole else s.end))
    return lines


def _overlap(segment: Segment, stretches: Sequence[tuple[date, date]]) -> int:
    """The days of ``segment`` inside any of the (first, last) ``stretches``."""
    return sum(max((min(segment.end, last) - max(segment.start, first)).days + 1, 0)
               for first, last in stretches)


def register_lines(bill: PointBill, register: RegisterUse, book: PriceBook) -> list[DraftLine]:
    """The volume lines of another meter's consumption, priced by that meter's own group for
    the days billed (every volume element of that group must have a price for all of them)."""
    if register.kind not in GROUP_ELEMENTS:
        raise MissingTariff(N_("Tariff group {group} is not known."), group=register.kind)
    own = PointBill(bill.category, register.kind, bill.period_start, bill.period_end,
                    bill.service_start, bill.service_end, register.vt, register.mt,
                    sewage=bill.sewage)
    lines: list[DraftLine] = []
    for code in GROUP_ELEMENTS[register.kind]:
        element = ELEMENTS[code]
        if element.basis not in ("total", "vt", "mt"):
            continue
        segments = book.segments(bill.category, register.kind, code, bill.service_start,
                                 bill.service_end)
        _check_covered(own, code, segments)
        lines += [replace(line, params={"meter": register.meter_number})
                  for line in _volume_lines(own, element, segments)]
    return lines


def _common_line(share: CommonShare) -> DraftLine:
    per_flat = quantity(share.quantity / share.flats)
    return DraftLine(COMMON_SHARE.code, per_flat, share.unit, ZERO, share.amount,
                     params={"point": share.point_number, "flats": share.flats,
                             "total": str(share.total), "quantity": str(share.quantity)})


def _charge_line(bill: PointBill, book: PriceBook, charge: ChargeItem) -> DraftLine:
    element = ELEMENTS[charge.element]
    segments = book.segments(bill.category, bill.group, charge.element, charge.charged_on,
                             charge.charged_on)
    if not segments:
        raise MissingTariff(
            N_("There is no price of {element} for {category} / {group} on {date}."),
            element=element.label, category=bill.category, group=bill.group,
            date=charge.charged_on.strftime("%d.%m.%Y"))
    price = segments[0].price
    return DraftLine(element.code, charge.quantity, element.unit, price,
                     money(charge.quantity * price), valid_from=charge.charged_on,
                     charge_id=charge.charge_id)


def split_equally(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` shares that differ by at most one cent and add up exactly; the
    extra cents go to the first shares (flats in point-number order)."""
    cents = int((total / CENT).to_integral_value(ROUND_HALF_UP))
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if i < extra else 0)) * CENT for i in range(count)]
