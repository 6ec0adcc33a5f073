#!/usr/bin/env python3
"""Importing a 50,000-line camt.053 statement (issue 10: ≤ 20 s).

    .venv/bin/python bench/bench_statements.py [--lines 50000] [--customers 20000]
                                               [--pg-url URL] [--sqlite] [--keep]

Seeds the demo office's register (``--customers``) in a fresh PostgreSQL database (or an
SQLite file with ``--sqlite``), writes one day's camt.053 statement of ``--lines`` entries with
the office's own references (office_app.demo.statement_files) — 90 % quoting a customer's
account reference (model 97, kind 2), 4 % only a customer code in the text, 4 % nothing usable
(the unmatched queue), 2 % debits — and times ``import_file`` as ``office-app payments import``
runs it: parse (defusedxml iterparse), validate, match in bulk, post the payments and the
statement lines in one transaction. It then imports the same file again (refused, nothing
posted) and times that too. Prints one JSON line of figures. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgbench_db import create_database, drop_database  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.demo.context import DemoContext  # noqa: E402
from office_app.demo.register import build_register  # noqa: E402
from office_app.demo.statement_files import Payment, camt053  # noqa: E402
from office_app.errors import Conflict  # noqa: E402
from office_app.models import Customer, LedgerEntry  # noqa: E402
from office_app.privileges import drop_roles, names_for  # noqa: E402
from office_app.services.billing.references import account_reference  # noqa: E402
from office_app.services.epc import office_iban  # noqa: E402
from office_app.services.office import get_office  # noqa: E402
from office_app.services.permissions import SYSTEM  # noqa: E402
from office_app.services.statements.importer import import_file  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
GOAL_SECONDS = 20.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def statement(db: Database, lines: int) -> bytes:
    office = get_office(db)
    with db.unit_of_work() as s:
        codes = list(s.scalars(select(Customer.code).order_by(Customer.id)))
    rng = random.Random(7)
    payments = []
    for n in range(lines):
        roll, code = rng.random(), rng.choice(codes)
        amount = Decimal(rng.randint(100, 30000)) / 100
        if roll < 0.90:
            payments.append(Payment(amount, account_reference(office.code, code), f"Payer {n}"))
        elif roll < 0.94:
            payments.append(Payment(amount, "", f"Payer {n}", text=f"struja kupac {code}"))
        elif roll < 0.98:
            payments.append(Payment(amount, "", f"Payer {n}", text="uplata"))
        else:
            payments.append(Payment(amount, "", "Bank", text="naknada", debit=True))
    return camt053(office_iban(office) or office.bank_account, f"BENCH-{lines}",
                   date.today(), payments)


def run(db: Database, customers: int, lines: int) -> dict[str, object]:
    started = time.perf_counter()
    build_register(DemoContext(db=db, customers=customers, seed=1, today=date.today()))
    seeded = time.perf_counter() - started
    data = statement(db, lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "izvod.xml"
        path.write_bytes(data)
        log(f"importing {lines:,} lines ({len(data) / 1e6:.1f} MB) …")
        started, cpu = time.perf_counter(), time.process_time()
        result = import_file(db, SYSTEM, path)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        try:
            import_file(db, SYSTEM, path)
            again = "posted twice!"
        except Conflict:
            again = "refused"
        second = time.perf_counter() - started
    with db.unit_of_work() as s:
        payments = s.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.document_type == "payment"))
    return {"lines": lines, "megabytes": round(len(data) / 1e6, 1), "seconds": round(elapsed, 2),
            "client_cpu_seconds": round(cpu, 2), "load_average": os.getloadavg()[0],
            "goal_seconds": GOAL_SECONDS, "posted": result.posted, "unmatched": result.unmatched,
            "debits": result.debits, "payments_in_ledger": payments,
            "second_import": again, "second_import_seconds": round(second, 2),
            "seed_seconds": round(seeded, 1), "customers": customers,
            "python": platform.python_version(), "cpus": os.cpu_count()}


def drop_roles_of(server: str, name: str) -> None:
    """The roles ``upgrade`` made for the scratch database (global to the server)."""
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        drop_roles(conn, names_for(name))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--sqlite", action="store_true", help="measure on an SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.sqlite:
        folder = tempfile.mkdtemp()
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        upgrade(db)
        figures = run(db, args.customers, args.lines)
        db.dispose()
    else:
        name = f"office_bench_statements_{os.getpid()}"
        db = Database(create_database(args.pg_url, name))
        try:
            upgrade(db)
            figures = run(db, args.customers, args.lines)
        finally:
            db.dispose()
            if not args.keep:
                drop_database(args.pg_url, name)
                drop_roles_of(args.pg_url, name)
    figures["database"] = "sqlite" if args.sqlite else "postgresql"
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
