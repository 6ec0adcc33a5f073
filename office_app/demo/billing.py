"""The billing step: a year of billed periods, so balances, copies and interest can be seen.

- Tariffs for every category and group from the first billed month (the water demo: water and
  sewage volume per m³, service availability, a flat rate, VAT 7 %), with a household price
  change on the 15th of a month in the middle of the year (its invoices show the proration),
  VAT 21 % and a dated statutory interest rate.
- Every closed period after the opening month is billed by the real billing run (the same code
  as `office-app billing run`), in order; points the run holds back stay held.
- Customers pay like customers do: most on time, some late, some in part, a few not at all;
  at the counter, by bank and at the post office (office_app.demo.payments: the bank's and the
  post office's statements go through the real importer); each month the late-interest run
  charges interest, which the next invoice shows.
- A few invoices corrected with credit notes.

Needs the readings step (billing orders and readings) before it in office_app.demo.STEPS.
Skipped when invoices exist already, and for very large demos (from BIG customers), where the
register benchmark measures seeding: bill those with `office-app billing run`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from office_app.demo import payments
from office_app.demo.context import DemoContext
from office_app.models import BillingPeriod, Invoice
from office_app.services.billing import corrections, interest, tariffs
from office_app.services.billing import run as billing
from office_app.services.billing.elements import Period

BIG = 50_000
D = Decimal

#: (category, group, element, price): the first price list.
PRICES = [
    (category, group, element, price)
    for category, scale in (("household", D("1")), ("commercial", D("1.12")),
                            ("institutional", D("1.08")))
    for group, element, price in (
        ("single", "energy", D("0.0950")), ("two", "energy_vt", D("0.1100")),
        ("two", "energy_mt", D("0.0550")), ("peak", "energy_vt", D("0.0980")),
        ("peak", "energy_mt", D("0.0490")), ("peak", "peak_load", D("6.40")),
        ("flat", "flat_rate", D("18.00")), ("all", "fixed", D("2.50")),
        ("all", "reconnection", D("15.00")), ("all", "disconnection", D("15.00")))
    for price in [(price * scale).quantize(D("0.00001"))]
]
#: The water demo's first price list (004 §31.2): water and sewage volume per m³, the monthly
#: availability of each service, a flat rate for a connection without a meter, and the
#: approved disconnection and reconnection charges.
WATER_PRICES = [
    (category, group, element, price)
    for category, scale in (("household", D("1")), ("commercial", D("2.10")),
                            ("institutional", D("1.60")))
    for group, element, price in (
        ("metered", "water_volume", D("0.6400")), ("metered", "sewage_volume", D("0.3100")),
        ("all", "availability", D("2.20")), ("all", "sewage_availability", D("1.30")),
        ("flat", "flat_rate", D("9.50")),
        ("all", "reconnection", D("20.00")), ("all", "disconnection", D("20.00")))
    for price in [(price * scale).quantize(D("0.00001"))]
]
#: Household water prices from the middle of the year.
NEW_WATER_HOUSEHOLD = [("household", "metered", "water_volume", D("0.6900")),
                       ("household", "metered", "sewage_volume", D("0.3300"))]
#: Household prices from the middle of the year.
NEW_HOUSEHOLD = [("household", "single", "energy", D("0.1020")),
                 ("household", "two", "energy_vt", D("0.1180")),
                 ("household", "two", "energy_mt", D("0.0590"))]


@dataclass(frozen=True)
class _Payer:
    kind: str           # punctual, late, partial, never


def _payers(rng: random.Random) -> _Payer:
    roll = rng.random()
    if roll < 0.80:
        return _Payer("punctual")
    if roll < 0.92:
        return _Payer("late")
    if roll < 0.97:
        return _Payer("partial")
    return _Payer("never")


def build_billing(ctx: DemoContext) -> None:
    """The billing step (after the readings step)."""
    if ctx.customers >= BIG:
        return
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(Invoice)):
            return
        closed = [p for p in s.scalars(select(BillingPeriod.period).where(
            BillingPeriod.status == "closed").order_by(BillingPeriod.period))]
    billable = closed[1:]                   # the first month only opens the registers
    if not billable:
        return
    first = Period.parse(billable[0])
    price_lists(ctx, first, Period.parse(billable[len(billable) // 2]))
    rng = ctx.rng("billing")
    payers: dict[int, _Payer] = {}
    for n, code in enumerate(billable, start=1):
        ctx.progress("billing", n - 1, len(billable))
        # as the office does it: when a month has ended, first the late-interest run, then
        # the month's billing (so the invoice shows the interest), then the payments come in
        month = Period.parse(code)
        if month.end < min(ctx.today, date.today()):
            interest.run_interest(ctx.db, ctx.operator, code)
        billing.run_billing(ctx.db, ctx.operator, code)
        _payments(ctx, rng, code, payers)
    ctx.progress("billing", len(billable), len(billable))
    _corrections(ctx, rng, billable[-1])


def price_lists(ctx: DemoContext, first: Period, change: Period) -> None:
    op = ctx.operator
    water = ctx.utility == "water"
    for category, group, element, price in WATER_PRICES if water else PRICES:
        tariffs.add_tariff(ctx.db, op, category, group, element, price, first.start,
                           source="Odluka SO Bar o cijenama vode 3/2024" if water
                           else "Odluka RAE 2/2024")
    switch = date(change.year, change.month, 15)
    for category, group, element, price in NEW_WATER_HOUSEHOLD if water else NEW_HOUSEHOLD:
        tariffs.add_tariff(ctx.db, op, category, group, element, price, switch,
                           source="Odluka SO Bar o cijenama vode 9/2024" if water
                           else "Odluka RAE 7/2024")
    # water supply is taxed at the reduced rate of 7 % in Montenegro, electricity at 21 %
    tariffs.add_rate(ctx.db, op, "vat", "7" if water else "21", date(2017, 1, 1),
                     source="Zakon o PDV-u")
    tariffs.add_rate(ctx.db, op, "interest", "10.75", date(2015, 1, 1),
                     date(first.year - 1, 12, 31), source="CBCG")
    tariffs.add_rate(ctx.db, op, "interest", "10.25", date(first.year, 1, 1), source="CBCG")


def _payments(ctx: DemoContext, rng: random.Random, period: str,
              payers: dict[int, _Payer]) -> None:
    with ctx.db.unit_of_work() as s:
        invoices = s.execute(select(Invoice.id, Invoice.customer_id, Invoice.total,
                                    Invoice.issue_date, Invoice.due_date)
                             .where(Invoice.period == period).order_by(Invoice.id)).all()
    rows = []
    for invoice_id, customer_id, total, issued, due in invoices:
        payer = payers.setdefault(customer_id, _payers(rng))
        paid = _payment(rng, payer, total, issued, due)
        if paid is None or paid[0] > ctx.today or paid[1] <= 0:
            continue
        rows.append((customer_id, invoice_id, paid[0], paid[1]))
    payments.post_month(ctx, rng, period, rows)


def _payment(rng: random.Random, payer: _Payer, total: Decimal, issued: date,
             due: date) -> tuple[date, Decimal] | None:
    if payer.kind == "never" or total <= 0:
        return None
    if payer.kind == "punctual":
        return issued + timedelta(days=rng.randint(2, (due - issued).days)), total
    if payer.kind == "late":
        return due + timedelta(days=rng.randint(3, 45)), total
    share = D(rng.randint(40, 90)) / 100
    return due - timedelta(days=rng.randint(0, 5)), (total * share).quantize(D("0.01"))


def _corrections(ctx: DemoContext, rng: random.Random, period: str) -> None:
    with ctx.db.unit_of_work() as s:
        ids = list(s.scalars(select(Invoice.id).where(Invoice.period == period,
                                                      Invoice.net_amount > 20)))
    for invoice_id in rng.sample(ids, min(3, len(ids))):
        corrections.issue_note(ctx.db, ctx.operator, invoice_id, "credit", "5.00",
                               "Ispravka očitanja po zapisniku", min(ctx.today, date.today()))
