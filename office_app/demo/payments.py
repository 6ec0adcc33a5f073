"""The demo's payments as they reach the office: about a fifth at the counter (cash and card,
posted through the ledger until the cash desk lands), the rest by bank transfer and at the post
office — written as the bank's weekly camt.053 statements and the post office's monthly CSV
with the office's real model 97 references (office_app.demo.statement_files), and posted by the
real statement importer. So the cards, the statements tab and its unmatched queue look real:
some payments are partial, some overpaid (rounded up), a few quote a mistyped reference or none
at all and wait in the queue, bank fees and a returned payment appear as debit and reversal
lines that are never posted as payments."""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from office_app.demo.context import DemoContext
from office_app.demo.statement_files import Payment, camt053, post_csv
from office_app.models import Customer, Invoice
from office_app.services import ledger
from office_app.services.billing.references import account_reference
from office_app.services.epc import office_iban
from office_app.services.office import get_office
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
    counter, bank, post = [], defaultdict(list), defaultdict(list)
    for item in paid:
        roll = rng.random()
        if roll < 0.2:
            counter.append(item)
        elif roll < 0.75:
            bank[_week_end(item[2], ctx.today)].append(item)
        else:
            post[min(date(item[2].year, item[2].month, 28), ctx.today)].append(item)
    _counter(ctx, period, counter)
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


def _counter(ctx: DemoContext, period: str, items: Sequence[Paid]) -> None:
    postings = [ledger.Posting(customer_id, "payment", f"BL-{period}-{n:06d}", day,
                               "Blagajna", credit=amount, invoice_id=invoice_id)
                for n, (customer_id, invoice_id, day, amount) in enumerate(items, start=1)]
    with ctx.db.unit_of_work() as s:
        ledger.post_many(s, ctx.operator.code, postings, want_ids=False)
