#!/usr/bin/env python3
"""The customer register at office scale: seeding, search latency and GUI memory.

    .venv/bin/python bench/bench_register.py [--customers 500000] [--pg-url URL]

Creates a fresh PostgreSQL database on the server at --pg-url, migrates it, seeds N customers
through the demo office's register step (office_app.demo), then reports:

- seeding time of the demo's register step (users, zones, readers, customers with their
  points, meters, installations and holdings, index builds, VACUUM ANALYZE); with
  --all-steps, of the whole demo office (readings, invoices, ... as later features add them);
- search latency p50/p95 of ~200 typical queries, each one what the register tab does per
  keystroke: services.search.search_customer_ids, then customer_rows for the first 50 ids;
- peak memory (RSS) of a GUI process that opens the customer register tab on the full,
  unfiltered list and scrolls it from top to bottom offscreen (run as a subprocess of this
  script with --gui-child, so its memory is its own).

The database is dropped at the end unless --keep. Targets (issue 3): seeding <= 120 s,
search p95 <= 100 ms, GUI memory <= 400 MB. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgbench_db import create_database, drop_database, percentile  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from office_app.db import Database, normalise_url, upgrade  # noqa: E402
from office_app.models import Customer, Meter, Zone  # noqa: E402
from office_app.services.permissions import SYSTEM  # noqa: E402
from office_app.services.search import (  # noqa: E402
    CustomerQuery,
    customer_rows,
    search_customer_ids,
)
from office_app.services.validation import fold  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"
TARGET_SEED_S, TARGET_P95_MS, TARGET_RSS_MB = 120.0, 100.0, 400.0
PAGE = 50


@dataclass(frozen=True)
class Probe:
    kind: str
    query: CustomerQuery


# --- database ---------------------------------------------------------------------------------





def seed(db: Database, customers: int, seed_value: int, all_steps: bool) -> float:
    """The demo's register step (or, with ``all_steps``, the whole demo office with every
    feature's step: a year of readings, invoices, ...)."""
    from office_app.demo import DemoContext, build_demo
    from office_app.demo.register import build_register

    def progress(label: str, done: int, total: int) -> None:
        print(f"\r  {label}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)

    started = time.perf_counter()
    if all_steps:
        build_demo(db, customers, seed_value, progress)
    else:
        build_register(DemoContext(db=db, customers=customers, seed=seed_value,
                                   today=date.today(), progress=progress))
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    return elapsed


# --- search -----------------------------------------------------------------------------------

def _sample(db: Database, rng: random.Random, count: int, *columns: object) -> list[tuple]:
    with db.unit_of_work() as s:
        low, high = s.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
        ids = [rng.randint(low, high) for _ in range(count)]
        return [tuple(r) for r in s.execute(select(*columns).where(  # type: ignore[call-overload]
            Customer.id.in_(ids)))]


def _street(address: str) -> str:
    street = address.split(",")[0]
    words = street.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].isdigit() else street


def probes(db: Database, rng: random.Random) -> list[Probe]:
    """~200 queries a counter clerk types, drawn from the seeded data (deterministic)."""
    people = _sample(db, rng, 80, Customer.surname, Customer.given_name, Customer.address,
                     Customer.place, Customer.personal_number, Customer.code, Customer.kind)
    households = [p for p in people if p[6] == "household"]
    with db.unit_of_work() as s:
        meters = list(s.scalars(select(Meter.number).order_by(func.random()).limit(20)))
        zones = list(s.scalars(select(Zone.id).order_by(Zone.code)))
    out: list[Probe] = []
    for surname, *_ in households[:30]:
        out.append(Probe("surname prefix", CustomerQuery(text=fold(surname)[:5])))
        out.append(Probe("full surname", CustomerQuery(text=surname)))
    for p in people[:15]:
        out.append(Probe("customer code", CustomerQuery(text=p[5])))
    for number in meters:
        out.append(Probe("meter number prefix", CustomerQuery(text=number[:5])))
    for p in [p for p in households if p[4]][:15]:
        out.append(Probe("JMBG prefix", CustomerQuery(text=p[4][:7])))
    for p in people[30:50]:
        out.append(Probe("street name", CustomerQuery(text=_street(p[2]))))
    for i, (surname, given, address, place, *_) in enumerate(households[:30]):
        words = ([surname, given], [fold(surname)[:5], place], address.split(",")[0].split()[-2:])
        out.append(Probe("two words", CustomerQuery(text=" ".join(words[i % 3]))))
    for zone in rng.sample(zones, min(15, len(zones))):
        out.append(Probe("zone filter", CustomerQuery(zone_id=zone)))
    for status in ("I", "T", "N", "I", "T"):
        out.append(Probe("status filter", CustomerQuery(status=status)))
    for surname, *_ in households[30:40]:
        out.append(Probe("text + filter", CustomerQuery(
            text=fold(surname)[:5], zone_id=rng.choice(zones) if rng.random() < 0.5 else None,
            status="I" if rng.random() < 0.3 else None)))
    for word in ("pekara", "market", "apoteka", "restoran", "hotel"):
        out.append(Probe("text + filter", CustomerQuery(text=word, category="commercial")))
    return out


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def run_probe(db: Database, probe: Probe) -> int:
    ids = search_customer_ids(db, SYSTEM, probe.query)
    customer_rows(db, SYSTEM, ids[:PAGE])
    return len(ids)




def _label(query: CustomerQuery) -> str:
    parts = [repr(query.text)] if query.text else []
    parts += [f"{name}={value}" for name, value in (
        ("zone", query.zone_id), ("status", query.status), ("category", query.category))
        if value is not None]
    return " ".join(parts)


def search_figures(db: Database, rng: random.Random) -> dict:
    all_probes = probes(db, rng)
    for probe in rng.sample(all_probes, 20):       # warm the caches, as on a working server
        run_probe(db, probe)
    measured: list[tuple[float, Probe, int]] = []
    for probe in all_probes:
        started = time.perf_counter()
        found = run_probe(db, probe)
        measured.append(((time.perf_counter() - started) * 1000, probe, found))
    every = [ms for ms, _p, _n in measured]
    kinds: dict[str, tuple[int, float, float, float]] = {}
    for kind in dict.fromkeys(p.kind for p in all_probes):
        times = [ms for ms, p, _n in measured if p.kind == kind]
        hits = [n for _ms, p, n in measured if p.kind == kind]
        kinds[kind] = (len(times), percentile(times, 0.5), percentile(times, 0.95),
                       statistics.median(hits))
    unfiltered = [timed(lambda: search_customer_ids(db, SYSTEM, CustomerQuery()))
                  for _ in range(3)]
    slowest = sorted(measured, key=lambda m: -m[0])[:5]
    return {"count": len(every), "p50": percentile(every, 0.5), "p95": percentile(every, 0.95),
            "kinds": kinds, "unfiltered_ms": statistics.median(unfiltered),
            "slowest": [(ms, _label(p.query), n) for ms, p, n in slowest]}


# --- GUI memory -------------------------------------------------------------------------------

def gui_memory(url: str, step: int, timeout: float) -> dict:
    """Run the GUI part in its own process, so the peak RSS is the GUI's alone."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, __file__, "--gui-child", url, "--gui-step",
                           str(step)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return dict(json.loads(lines[-1]))


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB, from /proc."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def gui_child(url: str, step: int) -> int:
    """Open the customer tab on the full list and scroll it top to bottom; print JSON."""
    try:
        from PySide6.QtWidgets import QApplication, QTableView

        from office_app.services.users import authenticate
        from office_app.ui.context import AppContext
        from office_app.ui.customers import create_tab
        from office_app.ui.operations import OperationRunner
    except ImportError as exc:
        print(json.dumps({"error": f"customer tab not available: {exc}"}))
        return 0
    app = QApplication.instance() or QApplication([])
    base_rss, _ = _rss_mb()
    db = Database(url)
    operator, user = authenticate(db, "admin", "admin123")
    context = AppContext(db, operator, user, OperationRunner())
    tab = create_tab(context)
    tab.resize(1280, 800)
    tab.show()
    started = time.perf_counter()
    refresh = getattr(tab, "refresh", None)
    if refresh is not None:
        refresh()
    table = tab.findChild(QTableView, "customer_table") or tab.findChild(QTableView)
    if table is None:
        print(json.dumps({"error": "the customer tab has no table view"}))
        return 0
    model = table.model()
    with db.unit_of_work() as s:
        total = int(s.scalar(select(func.count()).select_from(Customer)) or 0)
    _wait(app, lambda: model.rowCount() == total, 120)
    loaded_s = time.perf_counter() - started
    after_load, _ = _rss_mb()
    if step < 0:
        step = int(getattr(model, "page_size", 0))
    scrolled, steps, scroll_s = _scroll(app, table, model, step)
    current, peak = _rss_mb()
    print(json.dumps({"rows": model.rowCount(), "scrolled_rows": scrolled, "steps": steps,
                      "open_s": loaded_s, "scroll_s": scroll_s, "base_mb": base_rss,
                      "after_load_mb": after_load, "end_mb": current, "peak_mb": peak}))
    tab.close()
    db.dispose()
    return 0


def _wait(app: object, done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while not done():
        app.processEvents()  # type: ignore[attr-defined]
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.001)
    return True


def _scroll(app: object, table: object, model: object,
            step: int) -> tuple[int, int, float]:
    """Scroll from the first row to the last, ``step`` rows at a time (0: a screenful), each
    time waiting until the rows on screen are loaded (the lazy model fetches them on the
    operation runner's threads). The default step is the model's page, so every row of the
    register is fetched and shown once."""
    from PySide6.QtWidgets import QAbstractItemView

    viewport = table.viewport()  # type: ignore[attr-defined]
    total = model.rowCount()  # type: ignore[attr-defined]
    screen = max(1, table.rowAt(viewport.height() - 1) - table.rowAt(0))  # type: ignore
    step = step or screen
    started, last_row = time.perf_counter(), 0

    def visible_loaded() -> bool:
        rows = [r for r in (table.rowAt(0),  # type: ignore[attr-defined]
                            table.rowAt(viewport.height() - 1)) if r >= 0]  # type: ignore
        return all(model.record_at(r) is not None for r in rows)  # type: ignore[attr-defined]

    top = QAbstractItemView.ScrollHint.PositionAtTop
    rows = [*range(0, total, step), total - 1]
    for row in rows:
        table.scrollTo(model.index(row, 0), top)  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        _wait(app, visible_loaded, 30)
        last_row = max(last_row, table.rowAt(viewport.height() - 1))  # type: ignore
    return last_row + 1, len(rows), time.perf_counter() - started


# --- report -----------------------------------------------------------------------------------

def report(customers: int, seeded: float | None, all_steps: bool, search: dict,
           gui: dict | None) -> None:
    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print()
    print(f"Customer register benchmark: {customers:,} customers, PostgreSQL, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'figure':<46}{'measured':>16}  target")
    if seeded is not None:
        label = "seeding (whole demo, every step)" if all_steps else \
            "seeding (customers, points, meters)"
        print(f"{label:<46}{seeded:>14.1f} s  <= {TARGET_SEED_S:.0f} s "
              f"{mark(seeded <= TARGET_SEED_S)}")
    print(f"{'search p50 / p95 (' + str(search['count']) + ' queries)':<46}"
          f"{search['p50']:>7.1f} / {search['p95']:>5.1f} ms  p95 <= {TARGET_P95_MS:.0f} ms "
          f"{mark(search['p95'] <= TARGET_P95_MS)}")
    for kind, (count, p50, p95, hits) in search["kinds"].items():
        print(f"  {kind + f' ({count}, median {hits:,.0f} hits)':<44}"
              f"{p50:>7.1f} / {p95:>5.1f} ms")
    print(f"{'unfiltered list (all ids, as the tab opens)':<46}"
          f"{search['unfiltered_ms']:>13.1f} ms")
    print("  slowest: " + "; ".join(f"{label} {ms:.0f} ms ({hits:,} hits)"
                                    for ms, label, hits in search["slowest"]))
    if gui is None:
        print(f"{'GUI peak RSS':<46}{'skipped':>16}")
    elif "error" in gui:
        print(f"{'GUI peak RSS':<46}{'not measured':>16}  ({gui['error']})")
    else:
        print(f"{'GUI peak RSS (open + scroll all rows)':<46}{gui['peak_mb']:>13.0f} MB  "
              f"<= {TARGET_RSS_MB:.0f} MB {mark(gui['peak_mb'] <= TARGET_RSS_MB)}")
        print(f"  {'after opening on ' + format(gui['rows'], ',') + ' rows':<44}"
              f"{gui['after_load_mb']:>13.0f} MB  (opened in {gui['open_s']:.1f} s)")
        scrolled = f"scrolled to row {gui['scrolled_rows']:,} in {gui['steps']:,} steps"
        print(f"  {scrolled:<44}{gui['scroll_s']:>14.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER,
                        help=f"PostgreSQL server URL without a database (default {DEFAULT_SERVER})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--existing", metavar="URL",
                        help="measure an already seeded database instead of creating one")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI memory figure")
    parser.add_argument("--all-steps", action="store_true",
                        help="seed the whole demo office (every feature's step), not only the "
                             "register; the seeding figure then covers all of it")
    parser.add_argument("--gui-step", type=int, default=-1, metavar="ROWS",
                        help="rows per scroll step: default the lazy model's page (every row "
                             "is fetched and shown once); 0 a screenful at a time (slower)")
    parser.add_argument("--gui-child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.gui_child:
        return gui_child(args.gui_child, args.gui_step)
    server = normalise_url(args.pg_url.rstrip("/"))
    name = f"office_bench_{os.getpid()}"
    url = args.existing or create_database(server, name)
    seeded = None
    try:
        db = Database(url)
        if not args.existing:
            print(f"Seeding {args.customers:,} customers into {name} ...", file=sys.stderr)
            upgrade(db)
            seeded = seed(db, args.customers, args.seed, args.all_steps)
        with db.unit_of_work() as s:
            customers = int(s.scalar(select(func.count()).select_from(Customer)) or 0)
        print("Measuring search ...", file=sys.stderr)
        search = search_figures(db, random.Random(args.seed))
        db.dispose()
        gui = None
        if not args.no_gui:
            print("Measuring the GUI (open the customer tab, scroll to the end) ...",
                  file=sys.stderr)
            gui = gui_memory(url, args.gui_step, timeout=3600)
        report(customers, seeded, args.all_steps, search, gui)
    finally:
        if not args.existing and not args.keep:
            drop_database(server, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
