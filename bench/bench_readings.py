#!/usr/bin/env python3
"""Reading books at office scale: keying latency and import throughput on PostgreSQL.

    .venv/bin/python bench/bench_readings.py [--customers 500000] [--pg-url URL] [--rows 400]
                                             [--import-rows 100000] [--reuse NAME] [--keep]

Creates a fresh PostgreSQL database, seeds N customers with the demo office (its register
step, then its readings step: thirteen billing orders, a year of readings, the last period
open with one zone in four not yet keyed), then measures:

- keying latency, the way a clerk sees it: the reading book tab's keying widget (offscreen,
  operations run synchronously) on a book not yet keyed; for each row the registers are
  typed and the clock runs from the Enter that stores the row until the next row is ready
  for typing: validation, plausibility against the point's history, the commit, the model
  update and the cursor move. p50, p95 and max over ``--rows`` rows; also the service call
  alone (services.readings.key_reading) for comparison;
- importing ``--import-rows`` readings of points not yet keyed, from a CSV file in memory
  (parse, checks against the points' history, one transaction);
- for billing: services.consumption.period_consumption over the whole open period.

Targets (issue 4): keying p95 <= 50 ms with 500,000 customers; import of 100,000 readings
<= 30 s. ``--reuse NAME`` measures again on an existing database (readings keyed by an
earlier run stay; other books are used). The database is dropped at the end unless --keep.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgbench_db import create_database, drop_database, percentile  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from office_app.db import Database, upgrade  # noqa: E402
from office_app.models import BillingPeriod, MeteringPoint, Reading  # noqa: E402
from office_app.services import books  # noqa: E402
from office_app.services.consumption import period_consumption  # noqa: E402
from office_app.services.permissions import SYSTEM, Operator, Role  # noqa: E402
from office_app.services.reading_import import import_readings  # noqa: E402
from office_app.services.readings import ReadingEntry, key_reading  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
TARGET_P95_MS, TARGET_IMPORT_S = 50.0, 30.0
CLERK = Operator(user_id=0, code="BENCH", login="bench", full_name="Bench clerk",
                 role=Role.CLERK)


@dataclass(frozen=True)
class Next:
    """What to key for a point: its last registers plus last month's use."""

    point_id: int
    number: str
    vt: int
    mt: int | None




def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 0.5), 2),
            "p95_ms": round(percentile(values, 0.95), 2), "max_ms": round(max(values), 2)}


# --- database ---------------------------------------------------------------------------------





def seed(db: Database, customers: int) -> dict:
    """The demo's register and readings steps only: the later steps (billing) are not what
    this bench measures and would take most of the time."""
    import office_app.demo as demo

    steps = list(demo.STEPS)
    demo.STEPS[:] = [s for s in steps if s.__name__ in ("build_register", "build_readings")]

    marks: dict[str, list[float]] = {}

    def progress(label: str, done: int, total: int) -> None:
        now = time.perf_counter()
        marks.setdefault(label, [now, now])[1] = now
        print(f"\r  {label}: {done:,}/{total:,}   ", end="", file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        demo.build_demo(db, customers, 1, progress)
    finally:
        demo.STEPS[:] = steps
    print(file=sys.stderr)
    with db.unit_of_work() as s:
        readings = int(s.scalar(select(func.count()).select_from(Reading)) or 0)
    return {"seconds": round(time.perf_counter() - started, 1), "readings": readings,
            "phases_s": {k: round(b - a, 1) for k, (a, b) in marks.items()}}


def open_period(db: Database) -> str:
    with db.unit_of_work() as s:
        return str(s.scalar(select(BillingPeriod.period).where(BillingPeriod.status == "open")))


def next_values(db: Database, period: str, point_ids: list[int]) -> list[Next]:
    """Registers that continue each point's history plausibly: last + last month's use."""
    rank = func.row_number().over(partition_by=Reading.point_id,
                                  order_by=(Reading.read_on.desc(), Reading.id.desc()))
    inner = (select(Reading.point_id, Reading.vt, Reading.mt, rank.label("rank"))
             .where(Reading.point_id.in_(point_ids), Reading.period < period,
                    Reading.check_state != "pending").subquery())
    last: dict[int, list[tuple]] = {}
    with db.unit_of_work() as s:
        for pid, vt, mt, number in s.execute(select(inner.c.point_id, inner.c.vt, inner.c.mt,
                                                    inner.c.rank).where(inner.c.rank <= 2)):
            last.setdefault(pid, []).append((number, vt, mt))
        numbers = dict(s.execute(select(MeteringPoint.id, MeteringPoint.number).where(
            MeteringPoint.id.in_(point_ids))).all())
    out = []
    for pid in point_ids:
        rows = sorted(last.get(pid, []))
        if len(rows) < 2:
            continue
        (_a, vt1, mt1), (_b, vt0, mt0) = rows
        use_vt = max(int(vt1 - vt0), 1) if vt1 >= vt0 else 1
        use_mt = max(int(mt1 - mt0), 0) if mt1 is not None and mt0 is not None and mt1 >= mt0 \
            else 0
        out.append(Next(pid, numbers[pid], int(vt1) + use_vt,
                        int(mt1) + use_mt if mt1 is not None else None))
    return out


def unkeyed_books(db: Database, period: str) -> list[books.BookSummary]:
    return sorted((b for b in books.list_books(db, SYSTEM, period) if b.keyed == 0),
                  key=lambda b: -b.points)


# --- keying -----------------------------------------------------------------------------------

def gui_keying(db: Database, period: str, book: books.BookSummary, rows: int) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from office_app.i18n import set_language
    from office_app.services.users import UserInfo
    from office_app.ui.context import AppContext
    from office_app.ui.operations import SyncRunner
    from office_app.ui.readings.keying import BookKeyingWidget

    app = QApplication.instance() or QApplication([])
    set_language("en")
    user = UserInfo(0, "bench", "BENCH", "Bench clerk", Role.CLERK, True, None, "en")
    context = AppContext(db, CLERK, user, SyncRunner())
    widget = BookKeyingWidget(context)
    widget.resize(1400, 800)
    widget.show()
    widget.activateWindow()
    opened = time.perf_counter()
    widget.open(period, book.zone_id, book.reader_id)
    open_ms = (time.perf_counter() - opened) * 1000
    app.processEvents()
    model = widget.model
    plan = {n.point_id: n for n in next_values(db, period, [r.book.point_id for r in model.rows])}

    def key(k: str | Qt.Key) -> None:
        QTest.keyClick(QApplication.focusWidget() or widget.view, k)  # type: ignore
        app.processEvents()

    latencies, confirmed = [], 0
    for row in range(min(rows, model.rowCount())):
        state = model.row_state(row)
        values = plan.get(state.book.point_id)
        if values is None or widget.view.currentIndex().row() != row:
            widget.go_to(row, 5)
        cells = [str(values.vt if values else 1)]
        if state.book.two_rate:
            cells.append(str(values.mt if values and values.mt is not None else 1))
        if state.book.has_peak:
            cells.append("")
        for cell in cells:
            for char in cell:
                key(char)
            key(Qt.Key.Key_Return)
        started = time.perf_counter()
        key(Qt.Key.Key_Return)                       # the remark: stores the row
        latencies.append((time.perf_counter() - started) * 1000)
        if model.row_state(row).state == "confirming":
            confirmed += 1
            widget.go_to(row + 1, 5)
    widget.close()
    keyed = sum(1 for r in model.rows if r.saved is not None)
    return {**summary(latencies), "open_book_ms": round(open_ms, 1), "book_points":
            model.rowCount(), "keyed": keyed, "needed_confirmation": confirmed}


def service_keying(db: Database, period: str, book: books.BookSummary, rows: int) -> dict:
    opened = books.open_book(db, SYSTEM, period, book.zone_id, book.reader_id)
    day = min(opened.period.last_reading_on, opened.printed_at.date())
    plan = next_values(db, period, [r.point_id for r in opened.rows[:rows]])
    latencies = []
    for values in plan:
        entry = ReadingEntry(values.point_id, period, day, str(values.vt),
                             "" if values.mt is None else str(values.mt))
        started = time.perf_counter()
        key_reading(db, CLERK, entry, confirm=True)
        latencies.append((time.perf_counter() - started) * 1000)
    return summary(latencies)


# --- import -----------------------------------------------------------------------------------

def import_figures(db: Database, period: str, skip: set[int], wanted: int) -> dict:
    with db.unit_of_work() as s:
        last_day = s.scalar(select(BillingPeriod.last_reading_on).where(
            BillingPeriod.period == period))
    ids: list[int] = []
    for book in unkeyed_books(db, period):
        with db.unit_of_work() as s:
            ids += [pid for pid in s.scalars(select(MeteringPoint.id).where(
                MeteringPoint.zone_id == book.zone_id,
                MeteringPoint.reader_id == book.reader_id)) if pid not in skip]
        if len(ids) >= wanted * 1.1:
            break
    plan = next_values(db, period, ids)[:wanted]
    day = min(last_day, date.today()).strftime("%d.%m.%Y") if last_day else ""
    out = io.StringIO()
    out.write("point;date;vt;mt\n")
    for n in plan:
        out.write(f"{n.number};{day};{n.vt};{'' if n.mt is None else n.mt}\n")
    data = out.getvalue().encode()
    started = time.perf_counter()
    report = import_readings(db, CLERK, data, period)
    seconds = time.perf_counter() - started
    return {"lines": len(plan), "seconds": round(seconds, 2),
            "lines_per_s": round(len(plan) / seconds), "taken": report.count("taken"),
            "implausible": report.count("implausible"), "refused": report.refused,
            "skipped": report.count("skipped"), "file_mb": round(len(data) / 1e6, 1)}


def consumption_figures(db: Database, period: str) -> dict:
    started = time.perf_counter()
    with db.unit_of_work() as s:
        lines = period_consumption(s, period)
    return {"lines": len(lines), "seconds": round(time.perf_counter() - started, 2)}


# --- main -------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER, help="server URL, no database")
    parser.add_argument("--rows", type=int, default=400, help="rows keyed through the GUI")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--reuse", metavar="NAME", help="an existing, seeded database")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    name = args.reuse or f"office_bench_readings_{os.getpid()}"
    url = f"{args.pg_url}/{name}" if args.reuse else create_database(args.pg_url, name)
    db = Database(url)
    results: dict = {"customers": args.customers, "python": platform.python_version(),
                     "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} "
                                "CPUs"}
    try:
        if not args.reuse:
            upgrade(db)
            print(f"Seeding {args.customers:,} customers with a year of readings ...",
                  file=sys.stderr)
            results["seed"] = seed(db, args.customers)
        period = open_period(db)
        results["period"] = period
        candidates = unkeyed_books(db, period)
        if len(candidates) < 2:
            raise SystemExit("not enough books left to key; use a fresh database")
        print("Keying through the GUI ...", file=sys.stderr)
        results["keying_gui"] = gui_keying(db, period, candidates[0], args.rows)
        print("Keying through the service ...", file=sys.stderr)
        results["keying_service"] = service_keying(db, period, candidates[1], args.rows)
        with db.unit_of_work() as s:
            done = set(s.scalars(select(Reading.point_id).where(Reading.period == period)))
        print(f"Importing {args.import_rows:,} readings ...", file=sys.stderr)
        results["import"] = import_figures(db, period, done, args.import_rows)
        results["period_consumption"] = consumption_figures(db, period)
    finally:
        db.dispose()
        if not args.keep and not args.reuse:
            drop_database(args.pg_url, name)
    gui, imp = results["keying_gui"], results["import"]
    results["targets"] = {
        "keying_p95_ms": [gui["p95_ms"], TARGET_P95_MS, gui["p95_ms"] <= TARGET_P95_MS],
        "import_s": [imp["seconds"], TARGET_IMPORT_S, imp["seconds"] <= TARGET_IMPORT_S]}
    print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
