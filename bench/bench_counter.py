#!/usr/bin/env python3
"""The cash desk counter at office scale.

    .venv/bin/python bench/bench_counter.py [--customers 500000] [--pg-url URL]
                                            [--payments 200] [--desk-payments 250]

Creates a fresh PostgreSQL database, migrates it, seeds N customers through the demo's
register step, gives a sample of them debts on the financial card (six monthly documents
each), then reports:

- scan -> slip ready, p50/p95 over ``--payments`` payments at one desk: what the counter does
  between the scanner's Enter and the slip going to the printer — find the payer by the code
  the scanner typed (``counter.find_payer``), post the payment (``counter.pay``), build the slip
  PDF (``printing.cash_slip``) and render its page for the printer (``ui.desk_printing``);
- 8 desks at once: 8 processes, each with its own connection and drawer, posting
  ``--desk-payments`` payments each (every one sent twice with its idempotency key, as a
  retry): payments per second, and the count of lost or doubled payments (must be 0), gapless
  receipts per desk.

The database is dropped at the end unless --keep. Targets (issue 10): p95 <= 300 ms at
500,000 customers; 0 lost. See bench/README.md.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import create_database, drop_database, drop_roles_of, percentile  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.models import CashReceipt, Customer, LedgerEntry  # noqa: E402
from office_app.services import ledger  # noqa: E402
from office_app.services.cashdesk import counter, drawers  # noqa: E402
from office_app.services.permissions import SYSTEM, Operator, Role  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
TARGET_P95_MS = 300.0
DESKS = 8
MONTHS = 6
TODAY = date.today()


def seed(db: Database, customers: int, debtors: int, seed_value: int) -> tuple[float, list]:
    from office_app.demo import DemoContext
    from office_app.demo.register import build_register

    started = time.perf_counter()
    build_register(DemoContext(db=db, customers=customers, seed=seed_value, today=TODAY,
                               progress=lambda *_a: None))
    rng = random.Random(seed_value)
    with db.unit_of_work() as s:
        low, high = s.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
        ids = sorted({rng.randint(low, high) for _ in range(debtors)})
        rows = s.execute(select(Customer.id, Customer.code)
                         .where(Customer.id.in_(ids))).all()
        postings = [ledger.Posting(cid, "opening_balance", f"OB-{cid}-{m}",
                                   TODAY - timedelta(days=30 * (MONTHS - m)),
                                   debit=Decimal(rng.randint(1500, 9000)) / 100,
                                   due_date=TODAY - timedelta(days=30 * (MONTHS - m) - 15))
                    for cid, _code in rows for m in range(MONTHS)]
        ledger.post_many(s, SYSTEM.code, postings, want_ids=False)
    return time.perf_counter() - started, [(cid, code) for cid, code in rows]


def seeded_payers(db: Database) -> list:
    """The customers ``seed`` gave debts (their opening balances), in id order."""
    with db.unit_of_work() as s:
        return [tuple(row) for row in s.execute(
            select(Customer.id, Customer.code).where(Customer.id.in_(
                select(LedgerEntry.customer_id).where(
                    LedgerEntry.document_type == "opening_balance",
                    LedgerEntry.document_number.like("OB-%"))))
            .order_by(Customer.id)).all()]


def counter_latency(db: Database, payers: list, count: int) -> dict[str, list[float]]:
    from office_app.printing.cash_slip import slip_pdf
    from office_app.services.office import get_office
    from office_app.ui.desk_printing import render_pages

    cashier = Operator(90, "BENCH", "bench", "Bench", Role.CASHIER)
    drawer = drawers.open_drawer(db, cashier, "BENCH", Decimal("0"), TODAY)
    office = get_office(db)
    rng = random.Random(7)
    times: dict[str, list[float]] = {"total": [], "find": [], "post": [], "slip": []}
    for n in range(count + 10):
        _cid, code = rng.choice(payers)
        started = time.perf_counter()
        found = counter.find_payer(db, cashier, code)
        payer = found.payer
        assert payer is not None
        found_at = time.perf_counter()
        amount = min(payer.total_due, Decimal("40.00")) or Decimal("10.00")
        receipt = counter.pay(db, cashier, counter.PaymentRequest(
            uuid.uuid4().hex, drawer.id, "BENCH", payer.customer_id, "cash", amount,
            amount + Decimal("5"), (), TODAY))
        posted_at = time.perf_counter()
        render_pages(slip_pdf(receipt, office))
        done = time.perf_counter()
        if n >= 10:  # warm-up
            for phase, seconds in (("total", done - started), ("find", found_at - started),
                                   ("post", posted_at - found_at), ("slip", done - posted_at)):
                times[phase].append(seconds)
    return times


def desk_worker(url: str, desk_number: int, customers: list[int], payments: int,
                day: date) -> tuple[str, int, float, float]:
    db = Database(url)
    cashier = Operator(100 + desk_number, f"C{desk_number:02d}", f"c{desk_number}",
                       "Cashier", Role.CASHIER)
    desk = f"KASA{desk_number}"
    drawer = drawers.open_drawer(db, cashier, desk, Decimal("10.00"), day)
    rng = random.Random(desk_number)
    began = time.time()
    for _ in range(payments):
        request = counter.PaymentRequest(
            uuid.uuid4().hex, drawer.id, desk, rng.choice(customers), "cash",
            Decimal(rng.randint(1, 5000)) / 100, None, (), day)
        first = counter.pay(db, cashier, request)
        assert counter.pay(db, cashier, request).number == first.number  # a retry
    db.dispose()
    return desk, drawer.id, began, time.time()


def eight_desks(db: Database, url: str, customers: list[int], per_desk: int) -> dict:
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(DESKS) as pool:
        spans = pool.starmap(desk_worker, [(url, n, customers, per_desk, TODAY)
                                           for n in range(1, DESKS + 1)])
    elapsed = time.perf_counter() - started
    # The posting window: from the first desk's first payment to the last desk's last one.
    posting = max(end for *_x, end in spans) - min(begin for *_x, begin, _end in spans)
    with db.unit_of_work() as s:
        counts = dict(s.execute(select(CashReceipt.desk, func.count())
                                .where(CashReceipt.desk.like("KASA%"))
                                .group_by(CashReceipt.desk)).all())
        gapless = all(
            sorted(s.scalars(select(CashReceipt.sequence).where(CashReceipt.desk == d)))
            == list(range(1, per_desk + 1)) for d in counts)
        entries = s.scalar(select(func.count()).where(
            LedgerEntry.document_type == "payment", LedgerEntry.source.like("desk:KASA%")))
    expected = DESKS * per_desk
    posted = sum(counts.values())
    return {"payments": expected, "seconds": elapsed, "per_second": expected / elapsed,
            "posting_seconds": posting, "posting_per_second": expected / posting,
            "lost": expected - posted, "doubled": max(0, (entries or 0) - expected),
            "gapless": gapless}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--debtors", type=int, default=5_000,
                        help="customers given debts on their card (the ones who come to pay)")
    parser.add_argument("--payments", type=int, default=200)
    parser.add_argument("--desk-payments", type=int, default=250)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--name", help="the database's name (default: one per process)")
    parser.add_argument("--seed-only", action="store_true",
                        help="stop after seeding (with --keep: a template for --template)")
    parser.add_argument("--template", help="measure on a copy of this database seeded with "
                                           "--seed-only --keep instead of seeding one")
    args = parser.parse_args(argv)
    name = args.name or f"office_bench_counter_{os.getpid()}"
    url = create_database(args.pg_url, name, args.template)
    db = Database(url)
    try:
        if args.template:
            payers = seeded_payers(db)
            with db.unit_of_work() as s:
                args.customers = int(s.scalar(select(func.count()).select_from(Customer)) or 0)
            print(f"copy of {args.template}: {args.customers:,} customers, {len(payers):,} with "
                  f"debts")
        else:
            upgrade(db)
            seconds, payers = seed(db, args.customers, args.debtors, args.seed)
            print(f"seeded {args.customers:,} customers, {len(payers):,} with {MONTHS} debts "
                  f"each, in {seconds:.1f} s")
        if args.seed_only:
            return 0
        times = counter_latency(db, payers, args.payments)
        total = times["total"]
        p50, p95 = percentile(total, 0.5) * 1000, percentile(total, 0.95) * 1000
        print(f"scan -> slip ready ({len(total)} payments): p50 {p50:.0f} ms, p95 {p95:.0f} ms "
              f"(target p95 <= {TARGET_P95_MS:.0f} ms)")
        print("  phases p50 / p95 (ms): " + ", ".join(
            f"{phase} {percentile(v, 0.5) * 1000:.0f} / {percentile(v, 0.95) * 1000:.0f}"
            for phase, v in times.items() if phase != "total"))
        desks = eight_desks(db, url, [cid for cid, _code in payers], args.desk_payments)
        print(f"{DESKS} desks at once: {desks['payments']:,} payments (each sent twice) in "
              f"{desks['seconds']:.1f} s = {desks['per_second']:.1f} payments/s with the "
              f"processes' start ({desks['posting_per_second']:.1f}/s over the "
              f"{desks['posting_seconds']:.1f} s of posting); lost "
              f"{desks['lost']}, doubled {desks['doubled']}, receipts gapless per desk: "
              f"{desks['gapless']}")
        print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}")
    finally:
        db.dispose()
        if not args.keep:
            drop_database(args.pg_url, name)
            if not args.template:
                drop_roles_of(args.pg_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
