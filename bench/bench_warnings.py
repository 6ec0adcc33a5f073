#!/usr/bin/env python3
"""The warning run at office scale (issue 11).

    .venv/bin/python bench/bench_warnings.py [--customers 100000] [--pg-url URL]
                                             [--documents 0]

Creates a fresh PostgreSQL database, migrates it, seeds N customers through the demo's
register step and gives every one of them overdue debt on the financial card (three monthly
documents each, all past due), then reports the wall time of:

- selection: ``warnings.preview_warnings`` for the date (who would be warned, who is left
  out and why), what the GUI's preview list shows;
- issue: ``warnings.run_warnings`` (selection again, numbering, the warnings and the debits
  each chases, committed in batches of 1,000 on the shared run machinery);
- documents: ``documents.warning_documents`` (two copies of each warning, in the customer's
  language) for the first ``--documents`` warnings (0: all of them), in batches of 1,000.

The database is dropped at the end unless --keep. See bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import create_database, drop_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.models import Customer  # noqa: E402
from office_app.services import ledger  # noqa: E402
from office_app.services.collection import documents, warnings  # noqa: E402
from office_app.services.permissions import SYSTEM  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
TODAY = date.today()
MONTHS = 3
BATCH = 1000


def seed(db: Database, customers: int, seed_value: int) -> float:
    from office_app.demo import DemoContext
    from office_app.demo.register import build_register

    started = time.perf_counter()
    build_register(DemoContext(db=db, customers=customers, seed=seed_value, today=TODAY,
                               progress=lambda *_a: None))
    rng = random.Random(seed_value)
    with db.unit_of_work() as s:
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
    for start in range(0, len(ids), 20_000):
        with db.unit_of_work() as s:
            postings = [ledger.Posting(cid, "opening_balance", f"OB-{cid}-{m}",
                                       TODAY - timedelta(days=30 * (MONTHS - m) + 60),
                                       debit=Decimal(rng.randint(2500, 9000)) / 100,
                                       due_date=TODAY - timedelta(days=30 * (MONTHS - m) + 45))
                        for cid in ids[start:start + 20_000] for m in range(MONTHS)]
            ledger.post_many(s, SYSTEM.code, postings, want_ids=False)
    with db.unit_of_work() as s:
        s.connection().exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def timed(label: str, work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s")
    return result, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=0,
                        help="warnings to print (0: all)")
    parser.add_argument("--pg-url", default=DEFAULT_SERVER)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    name = f"office_bench_warnings_{os.getpid()}"
    url = create_database(args.pg_url, name)
    db = Database(url)
    try:
        upgrade(db)
        seconds = seed(db, args.customers, args.seed)
        with db.unit_of_work() as s:
            debtors = s.scalar(select(func.count()).select_from(Customer))
        print(f"seeded {debtors:,} customers, each with {MONTHS} overdue debts, in "
              f"{seconds:.1f} s")
        criteria = warnings.WarningCriteria(TODAY)
        preview, _ = timed("selection (preview)",
                           lambda: warnings.preview_warnings(db, SYSTEM, criteria))
        review = sum(1 for c in preview.to_issue if c.review)
        print(f"  {len(preview.to_issue) - review:,} to warn, {review:,} for review, "
              f"{len(preview.candidates) - len(preview.to_issue):,} left out")
        result, issue_s = timed("issue (run)", lambda: warnings.run_warnings(db, SYSTEM,
                                                                             criteria))
        print(f"  {result.issued:,} warnings issued, {result.for_review:,} for review")
        ids = list(result.warning_ids)
        if args.documents:
            ids = ids[:args.documents]
        def render() -> int:
            size = 0
            for start in range(0, len(ids), BATCH):
                for pdf in documents.warning_documents(db, SYSTEM,
                                                       ids[start:start + BATCH]).values():
                    size += len(pdf)
            return size

        size, doc_s = timed(f"documents ({len(ids):,} warnings, two copies each)", render)
        pages = len(ids) * 2
        print(f"  {pages:,} pages, {size / 1e6:.1f} MB of PDF")
        print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, load {os.getloadavg()[0]:.2f}")
    finally:
        db.dispose()
        if not args.keep:
            drop_database(args.pg_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
