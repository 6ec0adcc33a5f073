#!/usr/bin/env python3
"""Billing at office scale: the billing run against a plain COPY of the same rows, and invoice
PDF pages per second against a bare reportlab page loop, measured in the same run.

    .venv/bin/python bench/bench_billing.py [--customers 100000] [--pages 3000] [--pg-url URL]
    .venv/bin/python bench/bench_billing.py --customers 100000 --seed-only --keep --name SEEDED
    .venv/bin/python bench/bench_billing.py --template SEEDED     # bill a copy of SEEDED

(``--seed-only`` and ``--template`` seed once and bill fresh copies of that database, e.g.
to compare two versions of the run back to back on the same data.)

Creates a fresh PostgreSQL database, seeds the demo office's register and a year of readings
(office_app.demo; about one metering point per customer, so 100,000 customers give ~100,000
points), enters the demo's tariffs, then:

- billing: times ``run_billing`` for the last closed period (every billable point: readings,
  pricing, account snapshot, numbers, invoices, lines, card entries, in committed batches);
  then COPYs exactly the rows that run wrote (invoice, invoice_line, billed_interval,
  ledger_entry) into empty
  tables of the same definition (LIKE ... INCLUDING ALL: same columns, defaults, checks and
  indexes) and times that COPY. Goal: the run within 4x of the COPY.
- PDF: times printing ``--pages`` of the period's invoices in delivery order into one PDF (as
  ``office-app invoices print`` does: loading their documents from the database, the fixed
  layout as a form, per-page text and barcode), and a bare reportlab loop that draws the same
  strings at the same places in the same fonts, page after page, with nothing else (no
  database, no formatting, no form, no barcode, no frames). Goal: within 3x of the bare loop.

The database is dropped at the end unless --keep. See bench/README.md.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgbench_db import create_database, drop_database  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.demo.billing import price_lists  # noqa: E402
from office_app.demo.context import DemoContext  # noqa: E402
from office_app.demo.readings import build_readings  # noqa: E402
from office_app.demo.register import build_register  # noqa: E402
from office_app.i18n import translator  # noqa: E402
from office_app.models import BillingPeriod, Invoice  # noqa: E402
from office_app.printing.fonts import register_fonts  # noqa: E402
from office_app.printing.invoice import Fmt, InvoicePrinter, draw_invoice, draw_layout  # noqa: E402
from office_app.services.billing import invoices  # noqa: E402
from office_app.services.billing import run as billing  # noqa: E402
from office_app.services.billing.elements import Period  # noqa: E402
from office_app.services.office import office_in  # noqa: E402
from office_app.services.permissions import SYSTEM  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
GOAL_COPY, GOAL_PDF = 4.0, 3.0
TABLES = ("invoice", "invoice_line", "billed_interval", "ledger_entry")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)






# --- seeding ------------------------------------------------------------------------------------

def seed(db: Database, customers: int) -> tuple[str, float]:
    """Register and readings of the demo office, the demo's tariffs; the period to bill."""
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
    period = Period.parse(closed[-1])
    price_lists(ctx, Period.parse(closed[1]), period.shift(-3))
    return period.code, time.perf_counter() - started


def last_closed(db: Database) -> str:
    with db.unit_of_work() as s:
        return str(s.scalar(select(func.max(BillingPeriod.period)).where(
            BillingPeriod.status == "closed")))


# --- billing against COPY -------------------------------------------------------------------------

def bill(db: Database, period: str) -> dict[str, Any]:
    log(f"billing {period} …")
    started = time.perf_counter()
    result = billing.run_billing(db, SYSTEM, period)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "invoices": result.invoices_made, "held": len(result.held),
            "run_id": result.run_id, "status": result.status}


def _rows_sql(table: str, run_id: int) -> str:
    invoices_of_run = f"SELECT id FROM invoice WHERE run_id = {run_id}"
    return {"invoice": f"SELECT * FROM invoice WHERE run_id = {run_id}",
            "invoice_line": f"SELECT * FROM invoice_line WHERE invoice_id IN ({invoices_of_run})",
            "billed_interval": "SELECT * FROM billed_interval WHERE invoice_id IN "
                               f"({invoices_of_run})",
            "ledger_entry": "SELECT * FROM ledger_entry WHERE document_type = 'invoice' AND "
                            f"invoice_id IN ({invoices_of_run})"}[table]


def copy_same_rows(db: Database, run_id: int) -> dict[str, Any]:
    """COPY the run's rows out (not timed), then into empty look-alike tables (timed)."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        dumps, counts = {}, {}
        for table in TABLES:
            buffer = io.StringIO()
            cursor.copy_expert(f"COPY ({_rows_sql(table, run_id)}) TO STDOUT", buffer)
            dumps[table] = buffer.getvalue()
            counts[table] = dumps[table].count("\n")
            cursor.execute(f"DROP TABLE IF EXISTS bench_copy_{table}")
            cursor.execute(f"CREATE TABLE bench_copy_{table} (LIKE {table} INCLUDING ALL)")
        raw.commit()
        started = time.perf_counter()
        for table in TABLES:
            cursor.copy_expert(f"COPY bench_copy_{table} FROM STDIN", io.StringIO(dumps[table]))
        raw.commit()
        elapsed = time.perf_counter() - started
        for table in TABLES:
            cursor.execute(f"DROP TABLE bench_copy_{table}")
        raw.commit()
    finally:
        raw.close()
    return {"seconds": elapsed, "rows": counts, "bytes": sum(len(d) for d in dumps.values())}


# --- PDF against a bare reportlab loop ------------------------------------------------------------

class RecordingCanvas(Canvas):
    """Records every string drawn (font, size, position, text) to replay it bare."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, float, float, float, str]] = []

    def drawString(self, x: float, y: float, text: str, *args: Any,  # noqa: N802
                   **kwargs: Any) -> None:
        self.calls.append((self._fontname, self._fontsize, x, y, text))
        super().drawString(x, y, text, *args, **kwargs)

    def drawRightString(self, x: float, y: float, text: str, *args: Any,  # noqa: N802
                        **kwargs: Any) -> None:
        self.calls.append((self._fontname, self._fontsize, x - self.stringWidth(text), y, text))
        super().drawRightString(x, y, text, *args, **kwargs)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any,  # noqa: N802
                          **kwargs: Any) -> None:
        self.calls.append((self._fontname, self._fontsize, x - self.stringWidth(text) / 2, y,
                           text))
        super().drawCentredString(x, y, text, *args, **kwargs)


def page_strings(docs: list[invoices.InvoiceDoc]) -> list[list[tuple[str, float, float, float,
                                                                     str]]]:
    """What each invoice page shows, as (font, size, x, y, text): layout and invoice text."""
    register_fonts()
    pages = []
    for doc in docs:
        c = RecordingCanvas(io.BytesIO(), pagesize=A4)
        assert doc.office is not None
        draw_layout(c, doc.office, translator(doc.language))
        draw_invoice(c, doc, translator(doc.language), Fmt(doc.language))
        pages.append(c.calls)
    return pages


def bare_loop(pages: list[list[tuple[str, float, float, float, str]]]) -> float:
    """Draw the same strings page after page on a plain canvas: the floor for such pages."""
    register_fonts()
    started = time.perf_counter()
    c = Canvas(io.BytesIO(), pagesize=A4, pageCompression=1)
    for calls in pages:
        for font, size, x, y, string in calls:
            c.setFont(font, size)
            c.drawString(x, y, string)
        c.showPage()
    c.save()
    return time.perf_counter() - started


def print_pages(db: Database, ids: list[int]) -> tuple[float, float, int]:
    """Print the invoices as `invoices print` does (documents from the database, 1000 at a
    time); returns (seconds end to end, seconds of rendering alone, PDF bytes)."""
    out = io.BytesIO()
    started = time.perf_counter()
    render = 0.0
    printer = InvoicePrinter(out)
    for start in range(0, len(ids), 1000):
        with db.unit_of_work() as s:
            docs = invoices.documents(s, ids[start:start + 1000], office_in(s))
        t = time.perf_counter()
        printer.add(docs)
        render += time.perf_counter() - t
    t = time.perf_counter()
    printer.finish()
    render += time.perf_counter() - t
    return time.perf_counter() - started, render, len(out.getvalue())


def pdf(db: Database, period: str, count: int) -> dict[str, Any]:
    ids = invoices.delivery_order(db, SYSTEM, period)[:count]
    log(f"printing {len(ids):,} invoices …")
    ours, render, size = print_pages(db, ids)
    with db.unit_of_work() as s:
        docs = invoices.documents(s, ids, office_in(s))
    strings = page_strings(docs)
    bare = bare_loop(strings)
    return {"pages": len(ids), "seconds": ours, "render_seconds": render, "bare_seconds": bare,
            "bytes": size, "strings_per_page": sum(map(len, strings)) / max(len(strings), 1)}


# --- report ---------------------------------------------------------------------------------------

def report(customers: int, points: int, seeded: float | None, run: dict[str, Any],
           copy: dict[str, Any], pages: dict[str, Any]) -> None:
    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    ratio = run["seconds"] / copy["seconds"]
    rows = sum(copy["rows"].values())
    print()
    print(f"Billing benchmark: {customers:,} customers, {points:,} metering points, PostgreSQL, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    if seeded is not None:
        print(f"  seeding (register, readings, tariffs): {seeded:.1f} s")
    print(f"billing run: {run['invoices']:,} invoices ({run['held']} held back) in "
          f"{run['seconds']:.1f} s = {run['invoices'] / run['seconds']:,.0f} invoices/s")
    tables = ", ".join(f"{t} {n:,}" for t, n in copy["rows"].items())
    print(f"plain COPY of the same {rows:,} rows ({tables}): {copy['seconds']:.2f} s")
    print(f"  run / COPY = {ratio:.1f}x   goal <= {GOAL_COPY:.0f}x {mark(ratio <= GOAL_COPY)}")
    ours = pages["pages"] / pages["seconds"]
    render = pages["pages"] / pages["render_seconds"]
    bare = pages["pages"] / pages["bare_seconds"]
    print(f"invoice PDF: {pages['pages']:,} pages in {pages['seconds']:.1f} s = {ours:,.0f} "
          f"pages/s from the database ({render:,.0f} pages/s rendering alone), "
          f"{pages['bytes'] / pages['pages'] / 1024:.1f} KB/page")
    print(f"bare reportlab loop, same {pages['strings_per_page']:.0f} strings a page: "
          f"{bare:,.0f} pages/s")
    print(f"  bare / ours = {bare / ours:.1f}x   goal <= {GOAL_PDF:.0f}x "
          f"{mark(bare / ours <= GOAL_PDF)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--name", help="the database's name (default: one per process)")
    parser.add_argument("--seed-only", action="store_true",
                        help="stop after seeding (with --keep: a template for --template)")
    parser.add_argument("--template", help="bill a copy of this seeded database instead of "
                                           "seeding one")
    args = parser.parse_args(argv)
    name = args.name or f"office_bench_billing_{os.getpid()}"
    db = Database(create_database(args.pg_url, name, args.template))
    try:
        if args.template:
            period, seeded = last_closed(db), None
        else:
            upgrade(db)
            period, seeded = seed(db, args.customers)
        if args.seed_only:
            log(f"seeded {name}: period {period}, {seeded:.0f} s")
            return 0
        with db.unit_of_work() as s:
            points = int(s.scalar(text("SELECT count(*) FROM metering_point")) or 0)
            if args.template:
                args.customers = int(s.scalar(text("SELECT count(*) FROM customer")) or 0)
        run = bill(db, period)
        copy = copy_same_rows(db, run["run_id"])
        pages = pdf(db, period, args.pages)
        report(args.customers, points, seeded, run, copy, pages)
        if args.json:
            print(json.dumps({"run": run, "copy": copy, "pdf": pages}, default=str))
        with db.unit_of_work() as s:
            assert s.scalar(select(func.count()).select_from(Invoice)) == run["invoices"]
    finally:
        db.dispose()
        if not args.keep:
            drop_database(args.pg_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
