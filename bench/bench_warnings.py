#!/usr/bin/env python3
"""The warning run at office scale (issue 11): 100,000 customers with overdue debt.

    .venv/bin/python bench/bench_warnings.py [--customers 100000] [--debts 3] [--pg-url URL]
    .venv/bin/python bench/bench_warnings.py --seed-only --keep --name SEEDED
    .venv/bin/python bench/bench_warnings.py --template SEEDED     # measure on a copy

Creates a PostgreSQL database, migrates it, seeds ``--customers`` customers through the demo's
register step and gives every one of them ``--debts`` overdue documents on the financial card
(opening balances due 45 to 165 days before the run's date), then times, for one date:

- selection: ``preview_warnings`` (what the GUI's preview list and ``office-app dunning
  warnings --dry-run`` show): debtors, their cards allocated, overdue items, exclusions;
- the run: ``run_warnings`` (selection again, then the warnings and the invoices they chase
  written in committed batches, numbered) — what ``office-app dunning warnings`` does;
- documents: ``warning_documents`` for every warning issued — each in two labelled copies, one
  PDF per customer language (what ``--pdf`` writes); pages and pages per second.

The database is dropped at the end unless --keep. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
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
from office_app.models import Customer, DebtWarning, WarningItem  # noqa: E402
from office_app.services import ledger  # noqa: E402
from office_app.services.collection import documents, warnings  # noqa: E402
from office_app.services.permissions import SYSTEM  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
TODAY = date.today()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def uptime() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def seed(db: Database, customers: int, debts: int, seed_value: int) -> float:
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
            ledger.post_many(s, SYSTEM.code, [
                ledger.Posting(cid, "opening_balance", f"OBW-{cid}-{m}",
                               TODAY - timedelta(days=60 + 30 * (debts - m)),
                               debit=Decimal(rng.randint(1500, 9000)) / 100,
                               due_date=TODAY - timedelta(days=45 + 30 * (debts - m)))
                for cid in ids[start:start + 20_000] for m in range(debts)], want_ids=False)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE ledger_entry")
        conn.commit()
    return time.perf_counter() - started


def measure(db: Database) -> dict[str, object]:
    import pypdfium2 as pdfium

    criteria = warnings.WarningCriteria(as_of=TODAY)
    figures: dict[str, object] = {"load_before": uptime()}
    started = time.perf_counter()
    preview = warnings.preview_warnings(db, SYSTEM, criteria)
    figures["selection_seconds"] = round(time.perf_counter() - started, 2)
    figures["candidates"] = len(preview.candidates)
    figures["to_issue"] = len(preview.to_issue)
    log(f"selection: {figures['selection_seconds']} s, {len(preview.to_issue):,} to issue "
        f"(load {uptime()})")
    started = time.perf_counter()
    result = warnings.run_warnings(db, SYSTEM, criteria)
    figures["run_seconds"] = round(time.perf_counter() - started, 2)
    figures["issued"] = result.issued
    figures["for_review"] = result.for_review
    figures["left_out"] = result.left_out
    log(f"run: {figures['run_seconds']} s, {result.issued:,} issued (load {uptime()})")
    started = time.perf_counter()
    pdfs = documents.warning_documents(db, SYSTEM, result.warning_ids)
    figures["documents_seconds"] = round(time.perf_counter() - started, 2)
    pages = sum(len(pdfium.PdfDocument(pdf)) for pdf in pdfs.values())
    figures["pdf_files"] = {language: len(pdf) for language, pdf in pdfs.items()}
    figures["pages"] = pages
    figures["pages_per_second"] = round(pages / max(figures["documents_seconds"], 1e-9), 1)
    log(f"documents: {figures['documents_seconds']} s, {pages:,} pages (load {uptime()})")
    again = warnings.run_warnings(db, SYSTEM, criteria)
    figures["second_run_issued"] = again.issued
    with db.unit_of_work() as s:
        figures["warnings_in_register"] = s.scalar(select(func.count()).select_from(DebtWarning))
        figures["chased_items"] = s.scalar(select(func.count()).select_from(WarningItem))
    figures["load_after"] = uptime()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--debts", type=int, default=3,
                        help="overdue documents on every customer's card")
    parser.add_argument("--pg-url", default=DEFAULT_SERVER)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--name", help="the database's name (default: one per process)")
    parser.add_argument("--seed-only", action="store_true",
                        help="stop after seeding (with --keep: a template for --template)")
    parser.add_argument("--template", help="measure on a copy of this database seeded with "
                                           "--seed-only --keep instead of seeding one")
    args = parser.parse_args(argv)
    name = args.name or f"office_bench_warnings_{os.getpid()}"
    db = Database(create_database(args.pg_url, name, args.template))
    figures: dict[str, object] = {}
    try:
        if args.template:
            with db.unit_of_work() as s:
                args.customers = int(s.scalar(select(func.count()).select_from(Customer)) or 0)
        else:
            upgrade(db)
            figures["seed_seconds"] = round(seed(db, args.customers, args.debts, args.seed), 1)
            log(f"seeded {args.customers:,} customers with {args.debts} overdue documents each "
                f"in {figures['seed_seconds']} s")
        if args.seed_only:
            return 0
        figures.update(measure(db))
        figures.update({"customers": args.customers, "python": platform.python_version(),
                        "cpus": os.cpu_count()})
        print(json.dumps(figures))
    finally:
        db.dispose()
        if not args.keep:
            drop_database(args.pg_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
