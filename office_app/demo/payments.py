"""The demo's payments as they reach the office. About a tenth at the counter, taken by the
demo's cashier through the cash desk: a drawer a day, cash (often with change) and card
(households), a few overpaid, one wrong amount reversed by the supervisor and taken again,
one drawer forgotten open and closed by the supervisor, every drawer balanced or closed with
its recorded difference. The rest by bank transfer and at the post office, written as the
bank's weekly camt.053 statements and the post office's monthly CSV with the office's real
model 97 references (office_app.demo.statement_files), and posted by the real statement
importer. So the cards, the statements tab and its unmatched queue look real: some payments
are partial, some overpaid (rounded up), a few quote a mistyped reference or none at all and
wait in the queue, bank fees and a returned payment appear as debit and reversal lines that
are never posted as payments."""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from office_app.demo.context import DemoContext
from office_app.demo.statement_files import Payment, camt053, post_csv
from office_app.models import Customer, Invoice, User
from office_app.services.billing.references import account_reference
from office_app.services.cashdesk import counter, drawers, supervision
from office_app.services.epc import office_iban
from office_app.services.office import get_office
from office_app.services.permissions import Operator, Role
from office_app.services.statements.importer import import_statement

D = Decimal
#: (customer id, invoice id, day paid, amount)
Paid = tuple[int, int, date, Decimal]


def post_month(ctx: DemoContext, rng: random.Random, period: str, paid: Sequence[Paid]) -> None:
    """Post one billing period's payments: counter, bank statements, post office list."""
    if not paid:
        return
    office = get_office(ctx.db)
    refs: dict[int, str] = {}
    codes: dict[int, str] = {}
    invoice_ids, customer_ids = sorted({p[1] for p in paid}), sorted({p[0] for p in paid})
    with ctx.db.unit_of_work() as s:
        for start in range(0, len(invoice_ids), 2000):
            refs.update((i, r) for i, r in s.execute(select(
                Invoice.id, Invoice.payment_reference).where(
                Invoice.id.in_(invoice_ids[start:start + 2000]))))
        for start in range(0, len(customer_ids), 2000):
            codes.update((i, c) for i, c in s.execute(select(Customer.id, Customer.code).where(
                Customer.id.in_(customer_ids[start:start + 2000]))))
    at_counter, bank, post = [], defaultdict(list), defaultdict(list)
    for item in paid:
        roll = rng.random()
        if roll < 0.1:      # each counter payment goes through the services: keep it a tenth
            at_counter.append(item)
        elif roll < 0.75:
            bank[_week_end(item[2], ctx.today)].append(item)
        else:
            post[min(date(item[2].year, item[2].month, 28), ctx.today)].append(item)
    _counter(ctx, rng, period, at_counter)
    account = office_iban(office) or office.bank_account
    for n, (day, items) in enumerate(sorted(bank.items()), start=1):
        lines = [_line(rng, item, refs, codes, office.code) for item in items]
        lines += _bank_extras(rng, n)
        statement = camt053(account, f"{day:%Y%m%d}-{period}", day, lines)
        import_statement(ctx.db, ctx.operator, statement, f"izvod-{day:%Y%m%d}.xml")
    for day, items in sorted(post.items()):
        lines = [_line(rng, item, refs, codes, office.code) for item in items]
        listing = post_csv(office.bank_account, f"PO-{day:%Y%m%d}-{period}", day, lines)
        import_statement(ctx.db, ctx.operator, listing, f"posta-{day:%Y%m%d}.csv")


def _week_end(day: date, today: date) -> date:
    return min(day + timedelta(days=(4 - day.weekday()) % 7), today)


def _line(rng: random.Random, item: Paid, refs: dict[int, str], codes: dict[int, str],
          office_code: str) -> Payment:
    customer_id, invoice_id, _day, amount = item
    name = f"Uplata za struju, kupac {codes.get(customer_id, '')}"
    roll = rng.random()
    if roll < 0.04:        # overpaid: rounded up to the next five euros
        amount = ((amount / 5).to_integral_value(rounding="ROUND_CEILING") * 5).quantize(D("0.01"))
    if roll > 0.985:       # a typo in the reference: the importer must not guess
        return Payment(amount, refs.get(invoice_id, ""), "Uplatilac", wrong_check=True)
    if roll > 0.975:       # no reference at all, only text
        return Payment(amount, "", "Uplatilac", text="uplata struja")
    if roll > 0.80:        # the customer's account reference from a statement of account
        return Payment(amount, account_reference(office_code, codes[customer_id]), name)
    if roll > 0.75:        # the customer code written in the text
        return Payment(amount, "", name, text=f"struja kupac {codes[customer_id]}")
    return Payment(amount, refs.get(invoice_id, ""), name)


def _bank_extras(rng: random.Random, n: int) -> list[Payment]:
    extras = [Payment(D("1.50"), "", "Banka", text="Naknada za vođenje računa", debit=True)]
    if n % 4 == 0 and rng.random() < 0.5:
        extras.append(Payment(D("25.00"), "", "Banka", text="Povrat pogrešne uplate",
                              reversal=True))
    return extras


#: The demo's desk, the float each drawer opens with, and the counted differences a few
#: drawers close with (short or over, recorded with the drawer).
DESK = "KASA1"
FLOAT = D("50.00")
DIFFERENCES = (D("-1.00"), D("-0.50"), D("0.20"), D("-5.00"))


def _staff(ctx: DemoContext) -> tuple[Operator, Operator]:
    """The demo's cashier and supervisor (the register step's users)."""
    found: dict[str, Operator] = {}
    with ctx.db.unit_of_work() as s:
        for user in s.scalars(select(User).where(User.role.in_(["cashier", "supervisor"]))
                              .order_by(User.id)):
            found.setdefault(user.role, Operator(user.id, user.code, user.login,
                                                 user.full_name, Role(user.role)))
    return found.get("cashier", ctx.operator), found.get("supervisor", ctx.operator)


def _counter(ctx: DemoContext, rng: random.Random, period: str,
             items: Sequence[Paid]) -> None:
    """The counter's days of the month: the cashier opens a drawer, takes each payment
    (households sometimes by card; cash often with change), and closes it with what was
    counted."""
    if not items:
        return
    cashier, supervisor = _staff(ctx)
    with ctx.db.unit_of_work() as s:
        ids = sorted({i[0] for i in items})
        households = set(s.scalars(select(Customer.id).where(
            Customer.id.in_(ids), Customer.kind == "household")))
    by_day: dict[date, list[Paid]] = defaultdict(list)
    for item in items:
        by_day[item[2]].append(item)
    days = sorted(by_day)
    for n, day in enumerate(days):
        drawer = drawers.open_drawer(ctx.db, cashier, DESK, FLOAT, day)
        taken = {"cash": D("0.00"), "card": D("0.00")}
        for k, (customer_id, _invoice_id, _day, amount) in enumerate(by_day[day]):
            means = "card" if customer_id in households and rng.random() < 0.3 else "cash"
            roll = rng.random()
            if roll < 0.04:     # overpaid: rounded up, the rest stays as a credit
                amount = _round_up(amount, 5)
            received = _round_up(amount, 10) if means == "cash" and roll > 0.5 else None
            key = f"demo-{period}-{day:%Y%m%d}-{k}"
            if not ctx.created.get("counter_storno"):
                # a wrong amount typed (the digits doubled), reversed by the supervisor with
                # the reason while the drawer is open, then the right amount taken
                wrong = counter.pay(ctx.db, cashier, counter.PaymentRequest(
                    key + "-wrong", drawer.id, DESK, customer_id, means, amount * 10, None,
                    (), day))
                supervision.reverse_payment(ctx.db, supervisor, wrong.id,
                                            "Pogrešno ukucan iznos", day)
                ctx.created["counter_storno"] = (wrong.id, wrong.id)
            counter.pay(ctx.db, cashier, counter.PaymentRequest(
                key, drawer.id, DESK, customer_id, means, amount, received, (), day))
            taken[means] += amount
        cash, card = FLOAT + taken["cash"], taken["card"]
        if n == len(days) - 1 and not ctx.created.get("forgotten_drawer"):
            # the month's last drawer forgotten open: the supervisor counts and closes it
            drawers.close_drawer(ctx.db, supervisor, drawer.id, cash, card,
                                 "Zaboravljena kasa; zatvorio nadzornik")
            ctx.created["forgotten_drawer"] = (drawer.id, drawer.id)
            continue
        off = rng.choice(DIFFERENCES) if rng.random() < 0.05 else D("0.00")
        drawers.close_drawer(ctx.db, cashier, drawer.id, cash + off, card,
                             "Manjak" if off < 0 else "Višak" if off else "")


def _round_up(amount: Decimal, step: int) -> Decimal:
    return ((amount / step).to_integral_value(rounding="ROUND_CEILING") * step).quantize(
        D("0.01"))
