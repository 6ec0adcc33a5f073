"""Invoice arithmetic with exact numbers: two-rate electricity, a business with peak load,
water with sewage and a flat rate, proration across a tariff change, VAT and rounding."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from office_app.services.billing.pricing import (
    ChargeItem,
    CommonShare,
    MissingTariff,
    PointBill,
    PriceBook,
    Rate,
    price_point,
    split_by_days,
    split_equally,
)

JAN = date(2024, 1, 1)
VAT = [Rate(D("21"), date(2020, 1, 1))]


def book(prices: dict[tuple[str, str, str], list[Rate]]) -> PriceBook:
    return PriceBook(prices, VAT)


def bill(category: str, group: str, start: date, end: date, **kw: object) -> PointBill:
    return PointBill(category, group, start, end, start, end, **kw)  # type: ignore[arg-type]


def amounts(draft) -> list[tuple[str, D, D, D]]:  # type: ignore[no-untyped-def]
    return [(ln.element, ln.quantity, ln.unit_price, ln.amount) for ln in draft.lines]


def test_two_rate_household() -> None:
    prices = book({
        ("household", "two", "energy_vt"): [Rate(D("0.10500"), JAN)],
        ("household", "two", "energy_mt"): [Rate(D("0.05250"), JAN)],
        ("household", "two", "fixed"): [Rate(D("2.50"), JAN)],
    })
    draft = price_point(bill("household", "two", date(2024, 3, 1), date(2024, 3, 31),
                             vt=D("350"), mt=D("150")), prices)
    assert amounts(draft) == [
        ("energy_vt", D("350"), D("0.10500"), D("36.75")),
        ("energy_mt", D("150"), D("0.05250"), D("7.88")),      # 7.875 rounds half-up
        ("fixed", D("1"), D("2.50"), D("2.50")),
    ]
    assert (draft.net, draft.vat_rate, draft.vat, draft.total) == (
        D("47.13"), D("21"), D("9.90"), D("57.03"))


def test_business_with_peak_load() -> None:
    prices = book({
        ("commercial", "peak", "energy_vt"): [Rate(D("0.09120"), JAN)],
        ("commercial", "peak", "energy_mt"): [Rate(D("0.04560"), JAN)],
        ("commercial", "peak", "peak_load"): [Rate(D("6.84000"), JAN)],
        ("commercial", "all", "fixed"): [Rate(D("12.00"), JAN)],
    })
    draft = price_point(bill("commercial", "peak", date(2024, 2, 1), date(2024, 2, 29),
                             vt=D("12000"), mt=D("5000"), peak=D("48.5")), prices)
    assert amounts(draft) == [
        ("energy_vt", D("12000"), D("0.09120"), D("1094.40")),
        ("energy_mt", D("5000"), D("0.04560"), D("228.00")),
        ("peak_load", D("48.5"), D("6.84000"), D("331.74")),
        ("fixed", D("1"), D("12.00"), D("12.00")),
    ]
    assert (draft.net, draft.vat, draft.total) == (D("1666.14"), D("349.89"), D("2016.03"))


def test_water_with_sewage_and_flat_rate() -> None:
    prices = book({
        ("household", "metered", "water_volume"): [Rate(D("0.45"), JAN)],
        ("household", "metered", "sewage_volume"): [Rate(D("0.20"), JAN)],
        ("household", "all", "availability"): [Rate(D("1.50"), JAN)],
        ("household", "all", "sewage_availability"): [Rate(D("0.80"), JAN)],
        ("household", "flat", "flat_rate"): [Rate(D("9.50"), JAN)],
    })
    metered = price_point(bill("household", "metered", date(2024, 4, 1), date(2024, 4, 30),
                               vt=D("18")), prices)
    assert amounts(metered) == [
        ("water_volume", D("18"), D("0.45"), D("8.10")),
        ("sewage_volume", D("18"), D("0.20"), D("3.60")),
        ("availability", D("1"), D("1.50"), D("1.50")),
        ("sewage_availability", D("1"), D("0.80"), D("0.80")),
    ]
    assert (metered.net, metered.vat, metered.total) == (D("14.00"), D("2.94"), D("16.94"))
    flat = price_point(bill("household", "flat", date(2024, 4, 1), date(2024, 4, 30)), prices)
    assert amounts(flat) == [
        ("flat_rate", D("1"), D("9.50"), D("9.50")),
        ("availability", D("1"), D("1.50"), D("1.50")),
        ("sewage_availability", D("1"), D("0.80"), D("0.80")),
    ]
    assert (flat.net, flat.vat, flat.total) == (D("11.80"), D("2.48"), D("14.28"))
    no_sewage = price_point(bill("household", "metered", date(2024, 4, 1), date(2024, 4, 30),
                                 vt=D("18"), sewage=False), prices)
    assert [ln.element for ln in no_sewage.lines] == ["water_volume", "availability"]


def test_tariff_change_inside_the_month_is_prorated_by_days() -> None:
    change = date(2024, 7, 15)
    prices = book({
        ("household", "single", "energy"): [Rate(D("0.10"), JAN, date(2024, 7, 14)),
                                            Rate(D("0.12"), change)],
        ("household", "single", "fixed"): [Rate(D("3.00"), JAN, date(2024, 7, 14)),
                                           Rate(D("3.30"), change)],
    })
    draft = price_point(bill("household", "single", date(2024, 7, 1), date(2024, 7, 31),
                             vt=D("310")), prices)
    assert [(ln.element, ln.quantity, ln.unit_price, ln.share_days, ln.period_days, ln.amount)
            for ln in draft.lines] == [
        ("energy", D("140.000"), D("0.10"), None, None, D("14.00")),     # 310 × 14/31
        ("energy", D("170.000"), D("0.12"), None, None, D("20.40")),     # the rest, 17 days
        ("fixed", D("1"), D("3.00"), 14, 31, D("1.35")),                  # 3,00 × 14/31
        ("fixed", D("1"), D("3.30"), 17, 31, D("1.81")),                  # 3,30 × 17/31
    ]
    assert [(ln.valid_from, ln.valid_to) for ln in draft.lines[:2]] == [
        (date(2024, 7, 1), date(2024, 7, 14)), (change, date(2024, 7, 31))]
    assert (draft.net, draft.vat, draft.total) == (D("37.56"), D("7.89"), D("45.45"))


def test_part_of_the_month_held_prorates_monthly_charges_only() -> None:
    prices = book({("household", "single", "energy"): [Rate(D("0.10"), JAN)],
                   ("household", "single", "fixed"): [Rate(D("3.10"), JAN)]})
    moved_in = PointBill("household", "single", date(2024, 5, 1), date(2024, 5, 31),
                         date(2024, 5, 22), date(2024, 5, 31), vt=D("40"))
    draft = price_point(moved_in, prices)
    assert amounts(draft) == [("energy", D("40"), D("0.10"), D("4.00")),
                              ("fixed", D("1"), D("3.10"), D("1.00"))]   # 3,10 × 10/31


def test_volume_split_adds_up_exactly() -> None:
    assert split_by_days(D("100"), [14, 17]) == [D("45.161"), D("54.839")]
    assert sum(split_by_days(D("1000.001"), [10, 10, 11])) == D("1000.001")


def test_rounding_is_half_up_per_line_and_vat_once() -> None:
    prices = book({("household", "single", "energy"): [Rate(D("0.17500"), JAN)]})
    draft = price_point(bill("household", "single", date(2024, 1, 1), date(2024, 1, 31),
                             vt=D("3")), prices)
    assert draft.lines[0].amount == D("0.53")           # 0,525: half-up, not half-even
    assert draft.vat == D("0.11")                       # 0,53 × 21 % = 0,1113
    prices = book({("household", "single", "energy"): [Rate(D("0.00500"), JAN)]})
    draft = price_point(bill("household", "single", date(2024, 1, 1), date(2024, 1, 31),
                             vt=D("1")), prices)
    assert draft.lines[0].amount == D("0.01")


def test_vat_rate_change_takes_the_rate_of_the_last_day_billed() -> None:
    prices = PriceBook({("household", "single", "energy"): [Rate(D("0.10"), JAN)]},
                       [Rate(D("19"), JAN, date(2024, 6, 30)), Rate(D("21"), date(2024, 7, 1))])
    june = price_point(bill("household", "single", date(2024, 6, 1), date(2024, 6, 30),
                            vt=D("100")), prices)
    july = price_point(bill("household", "single", date(2024, 7, 1), date(2024, 7, 31),
                            vt=D("100")), prices)
    assert (june.vat, july.vat) == (D("1.90"), D("2.10"))


def test_common_share_and_other_charges_are_their_own_lines() -> None:
    prices = book({("household", "single", "energy"): [Rate(D("0.10"), JAN)],
                   ("household", "all", "reconnection"): [Rate(D("15.00"), JAN)]})
    shares = split_equally(D("100.00"), 3)
    assert shares == [D("33.34"), D("33.33"), D("33.33")]
    draft = price_point(bill(
        "household", "single", date(2024, 1, 1), date(2024, 1, 31), vt=D("10"),
        common=(CommonShare("500100", D("900"), "kWh", D("100.00"), 3, shares[0]),),
        charges=(ChargeItem("reconnection", date(2024, 1, 12), charge_id=7),)), prices)
    assert amounts(draft) == [("energy", D("10"), D("0.10"), D("1.00")),
                              ("common_share", D("300.000"), D("0.00"), D("33.34")),
                              ("reconnection", D("1"), D("15.00"), D("15.00"))]
    assert draft.lines[1].params["point"] == "500100" and draft.lines[2].charge_id == 7
    assert (draft.net, draft.vat, draft.total) == (D("49.34"), D("10.36"), D("59.70"))


def test_missing_prices_are_refused_with_the_day() -> None:
    prices = book({("household", "two", "energy_vt"): [Rate(D("0.1"), JAN, date(2024, 3, 9))],
                   ("household", "two", "energy_mt"): [Rate(D("0.05"), JAN)]})
    with pytest.raises(MissingTariff) as caught:
        price_point(bill("household", "two", date(2024, 3, 1), date(2024, 3, 31),
                         vt=D("1"), mt=D("1")), prices)
    assert caught.value.params["date"] == "10.03.2024"
    with pytest.raises(MissingTariff):
        price_point(bill("institutional", "two", date(2024, 3, 1), date(2024, 3, 31),
                         vt=D("1"), mt=D("1")), prices)
    with pytest.raises(MissingTariff):
        price_point(bill("household", "two", date(2024, 3, 1), date(2024, 3, 31)),
                    PriceBook(prices.tariffs, []))


@pytest.mark.parametrize(("kept", "fixed"), [
    (False, (15, D("1.21"))),   # off 11-20 and 26-31 March: 15 of 31 days on
    (True, (None, D("2.50"))),  # the tariff keeps the fixed charge
])
def test_monthly_charges_stop_while_the_point_is_disconnected(
        kept: bool, fixed: tuple[int | None, D]) -> None:
    """Issue 11: no monthly charge for the days after a disconnection date until the day
    before the reconnection, unless the tariff row says it is charged while disconnected."""
    prices = book({
        ("household", "single", "energy"): [Rate(D("0.09500"), JAN)],
        ("household", "single", "fixed"): [Rate(D("2.50"), JAN, None, kept)],
    })
    off = ((date(2024, 3, 11), date(2024, 3, 20)), (date(2024, 3, 26), date(2024, 3, 31)))
    draft = price_point(bill("household", "single", date(2024, 3, 1), date(2024, 3, 31),
                             vt=D("100"), disconnected=off), prices)
    by_element = {ln.element: (ln.share_days, ln.amount) for ln in draft.lines}
    assert by_element["energy"] == (None, D("9.50"))            # what was consumed is billed
    assert by_element["fixed"] == fixed


def test_a_month_wholly_disconnected_has_no_monthly_line() -> None:
    prices = book({("household", "single", "energy"): [Rate(D("0.09500"), JAN)],
                   ("household", "single", "fixed"): [Rate(D("2.50"), JAN)]})
    draft = price_point(bill("household", "single", date(2024, 3, 1), date(2024, 3, 31),
                             vt=D("0"), disconnected=((date(2024, 3, 1),
                                                       date(2024, 3, 31)),)), prices)
    assert [ln.element for ln in draft.lines] == ["energy"]
