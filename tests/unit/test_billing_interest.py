"""Late interest per overdue document, from the day after its due date to the day it is paid,
on what is still open, at the rate in force each day; never on interest."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from office_app.services.billing.interest import interest_lines, interest_until_paid
from office_app.services.billing.pricing import Rate
from office_app.services.ledger import EntryData, allocate

RATES = [Rate(D("10.5"), date(2020, 1, 1))]


def entry(id_: int, day: date, kind: str, debit: str = "0", credit: str = "0",
          due: date | None = None, invoice_id: int | None = None) -> EntryData:
    return EntryData(id_, 1, day, kind, f"D-{id_}", "", D(debit), D(credit), due, invoice_id,
                     None, "", None, "T")


def invoice(id_: int, amount: str, due: date) -> EntryData:
    return entry(id_, date(2024, 6, 8), "invoice", debit=amount, due=due, invoice_id=id_)


DUE = date(2024, 6, 25)


def test_unpaid_invoice_bears_interest_from_the_day_after_it_is_due() -> None:
    items = allocate([invoice(1, "100.00", DUE)]).items
    june = interest_lines(items, RATES, date(2024, 6, 1), date(2024, 6, 30))
    july = interest_lines(items, RATES, date(2024, 7, 1), date(2024, 7, 31))
    assert [(ln.date_from, ln.date_to, ln.days, ln.base, ln.amount) for ln in june] == [
        (date(2024, 6, 26), date(2024, 6, 30), 5, D("100.00"), D("0.14"))]   # 0,1438
    assert [(ln.days, ln.amount) for ln in july] == [(31, D("0.89"))]         # 0,8918


def test_partial_payment_lowers_the_base_from_the_next_day() -> None:
    items = allocate([invoice(1, "100.00", DUE),
                      entry(2, date(2024, 7, 10), "payment", credit="40.00")]).items
    july = interest_lines(items, RATES, date(2024, 7, 1), date(2024, 7, 31))
    assert [(ln.date_from, ln.date_to, ln.base, ln.amount) for ln in july] == [
        (date(2024, 7, 1), date(2024, 7, 10), D("100.00"), D("0.29")),    # 10 days: 0,2877
        (date(2024, 7, 11), date(2024, 7, 31), D("60.00"), D("0.36"))]    # 21 days: 0,3625


def test_rate_change_splits_the_days() -> None:
    rates = [Rate(D("10.5"), date(2020, 1, 1), date(2024, 7, 15)),
             Rate(D("12"), date(2024, 7, 16))]
    items = allocate([invoice(1, "1000.00", DUE)]).items
    july = interest_lines(items, rates, date(2024, 7, 1), date(2024, 7, 31))
    assert [(ln.rate, ln.days, ln.amount) for ln in july] == [
        (D("10.5"), 15, D("4.32")), (D("12"), 16, D("5.26"))]    # 4,3151 and 5,2603


def test_paid_in_time_or_interest_itself_bears_nothing() -> None:
    on_time = allocate([invoice(1, "100.00", DUE), entry(2, DUE, "payment", credit="100.00")])
    assert interest_lines(on_time.items, RATES, date(2024, 6, 1), date(2024, 7, 31)) == []
    interest = allocate([entry(1, date(2024, 6, 30), "interest", debit="5.00", due=DUE)])
    assert interest_lines(interest.items, RATES, date(2024, 7, 1), date(2024, 7, 31)) == []


def test_named_invoice_is_paid_first_otherwise_the_oldest() -> None:
    older = invoice(1, "30.00", date(2024, 5, 25))
    newer = invoice(2, "50.00", DUE)
    named = allocate([older, newer, entry(3, date(2024, 6, 10), "payment", credit="50.00",
                                          invoice_id=2)]).items
    assert [i.open for i in named] == [D("30.00"), D("0.00")]
    oldest = allocate([older, newer, entry(3, date(2024, 6, 10), "payment", credit="50.00")])
    assert [i.open for i in oldest.items] == [D("0.00"), D("30.00")]
    # the older one was 16 days late (26.05.-10.06.: 0,138), the newer one's 30,00 is 30 days
    # late on 25.07. (0,259)
    assert interest_until_paid(oldest.items, RATES, date(2024, 7, 25)) == D("0.40")
