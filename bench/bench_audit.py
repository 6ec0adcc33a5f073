#!/usr/bin/env python3
"""The audit at office scale: ``run_audit`` over a year of billing of 100,000 customers on
PostgreSQL.

    .venv/bin/python bench/bench_audit.py [--customers 100000] [--pg-url URL] [--keep]

Creates a fresh PostgreSQL database, seeds the demo office's register and a year of readings
(as bench/bench_billing.py does), then bills the year as the demo office does, month after
month: the late-interest run, the billing run (each writes its posting seals), the month's
payments. Then times ``run_audit`` over the whole database (every check, one read-only
transaction) and prints the time per check. Goal: at most 60 s. The database is dropped at
the end unless --keep. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgbench_db import create_database, drop_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.demo.billing import _payments, price_lists  # noqa: E402
from office_app.demo.context import DemoContext  # noqa: E402
from office_app.demo.readings import build_readings  # noqa: E402
from office_app.demo.register import build_register  # noqa: E402
from office_app.models import BillingPeriod, Invoice, InvoiceLine, LedgerEntry  # noqa: E402
from office_app.services.billing import interest  # noqa: E402
from office_app.services.billing import run as billing  # noqa: E402
from office_app.services.billing.elements import Period  # noqa: E402
from office_app.services.integrity import Scope, run_audit  # noqa: E402
from office_app.services.permissions import SYSTEM  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
GOAL_SECONDS = 60.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed_year(db: Database, customers: int) -> float:
    """Register, readings, tariffs, then a year of interest runs, billing runs and payments."""
    def progress(label: str, done: int, total: int) -> None:
        print(f"\r  {label}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    started = time.perf_counter()
    ctx = DemoContext(db=db, customers=customers, seed=1, today=date.today(),
                      progress=progress)
    build_register(ctx)
    build_readings(ctx)
    log("")
    with db.unit_of_work() as s:
        closed = list(s.scalars(select(BillingPeriod.period).where(
            BillingPeriod.status == "closed").order_by(BillingPeriod.period)))
    billable = closed[1:]
    price_lists(ctx, Period.parse(billable[0]), Period.parse(billable[len(billable) // 2]))
    rng = ctx.rng("billing")
    payers: dict[int, Any] = {}
    for code in billable:
        t0 = time.perf_counter()
        if Period.parse(code).end < date.today():
            interest.run_interest(db, SYSTEM, code)
        result = billing.run_billing(db, SYSTEM, code)
        _payments(ctx, rng, code, payers)
        log(f"  {code}: {result.invoices_made:,} invoices in {time.perf_counter() - t0:.0f} s")
    return time.perf_counter() - started


def counts(db: Database) -> dict[str, int]:
    with db.unit_of_work() as s:
        return {m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (Invoice, InvoiceLine, LedgerEntry)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--reuse", metavar="NAME",
                        help="audit the database NAME seeded by an earlier --keep run")
    args = parser.parse_args(argv)
    name = args.reuse or f"office_bench_audit_{os.getpid()}"
    if args.reuse:
        db, seeded = Database(f"{args.pg_url}/{name}"), 0.0
        args.keep = True
    else:
        db = Database(create_database(args.pg_url, name))
    try:
        if not args.reuse:
            upgrade(db)
            seeded = seed_year(db, args.customers)
            log(f"seeded database {name}")
        rows = counts(db)
        log("auditing …")
        report = run_audit(db, SYSTEM, Scope())
        print(f"customers {args.customers:,}; seeded in {seeded:.0f} s; "
              + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
        for check in report.checks:
            print(f"  {check.name:20} {check.seconds:7.1f} s  {check.violations:,} violations")
        verdict = "OK" if report.seconds <= GOAL_SECONDS else "OVER"
        print(f"audit: {report.seconds:.1f} s (goal <= {GOAL_SECONDS:.0f} s: {verdict}); "
              f"{len(report.violations):,} violations")
        if args.json:
            print(json.dumps({"seconds": report.seconds, "rows": rows,
                              "checks": [c.__dict__ for c in report.checks]}))
    finally:
        db.dispose()
        if not args.keep:
            drop_database(args.pg_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
