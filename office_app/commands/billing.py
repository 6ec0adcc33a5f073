"""`office-app billing run|check|interest|tariff|rate`: the monthly billing run and the
monthly interest run for the server, with a progress line; tariffs and rates for set-up."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import date
from decimal import Decimal
from typing import Any

from office_app.cli import add_db_option, decimal_range, int_range, period
from office_app.commands import Progress, open_database
from office_app.services.billing import interest, tariffs
from office_app.services.billing import run as billing
from office_app.services.billing.elements import ELEMENTS, GROUPS
from office_app.services.permissions import SYSTEM

MAX_BATCH = 100_000
#: A price per kWh, m³ or month (NUMERIC(14, 5) holds nine digits before the point).
MAX_PRICE = Decimal(1_000_000)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("billing", help="billing run, interest run, tariffs")
    actions = parser.add_subparsers(dest="billing_command", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run", help="bill a period",
        description="Bill every billable metering point of a period, in committed batches. "
                    "Running it again bills only what is not billed yet, so an interrupted run "
                    "is resumed by running it again. Ctrl+C stops after the current batch.")
    run.add_argument("--on-implausible", choices=("hold", "stop"), default="hold",
                     help="points with unresolved implausible readings (or no tariff, ...): "
                          "hold them back and bill the rest (default), or stop before billing")
    run.add_argument("--batch", type=int_range(1, MAX_BATCH), default=billing.DEFAULT_BATCH,
                     metavar="N",
                     help=f"invoices per committed batch (default {billing.DEFAULT_BATCH})")
    run.set_defaults(handler=_run)
    check = actions.add_parser("check", help="what a run of the period would do, without it")
    check.set_defaults(handler=_check)
    charge = actions.add_parser("interest", help="charge late interest for a month that ended")
    charge.set_defaults(handler=_interest)
    for p in (run, check, charge):
        p.add_argument("--period", required=True, metavar="YYYY-MM", type=period)
        add_db_option(p)
    for p in (run, charge):
        p.add_argument("--take-over", action="store_true",
                       help="SQLite: carry on a run that is marked as working but has died, "
                            "without waiting two minutes (an administrator's decision)")
    tariff = actions.add_parser("tariff", help="enter a price (a new price closes the old one)")
    tariff.add_argument("--category", required=True,
                        choices=("household", "commercial", "institutional"))
    tariff.add_argument("--group", required=True, choices=GROUPS)
    tariff.add_argument("--element", required=True, choices=sorted(ELEMENTS))
    tariff.add_argument("--price", required=True, type=decimal_range(Decimal(0), MAX_PRICE))
    tariff.set_defaults(handler=_tariff)
    rate = actions.add_parser("rate", help="enter a VAT or statutory interest rate (percent)")
    rate.add_argument("--kind", required=True, choices=tariffs.RATE_KINDS)
    rate.add_argument("--rate", required=True, type=decimal_range(Decimal(0), Decimal(100)))
    rate.set_defaults(handler=_rate)
    listing = actions.add_parser("tariffs", help="list the prices in force on a day")
    listing.add_argument("--on", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD")
    listing.set_defaults(handler=_list)
    for p in (tariff, rate):
        p.add_argument("--from", dest="valid_from", required=True, type=date.fromisoformat,
                       metavar="YYYY-MM-DD")
        p.add_argument("--to", dest="valid_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
        p.add_argument("--source", default="", help="the decision the price comes from")
    for p in (tariff, rate, listing):
        add_db_option(p)


class _StopAfterBatch:
    """Ctrl+C asks the run to stop after the batch in flight (a second Ctrl+C kills it)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: Any = None

    def __enter__(self) -> _StopAfterBatch:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, _signum: int, _frame: Any) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.event.set()
        print("\nstopping after the current batch…", file=sys.stderr)

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)


def _progress(label: str) -> Any:
    line: dict[str, Progress] = {}

    def report(done: int, total: int) -> None:
        line.setdefault("p", Progress(label, total))(done)
    return report


def _print_held(held: tuple[billing.HeldPoint, ...]) -> None:
    if not held:
        return
    print(f"{len(held)} points held back:")
    for h in held[:50]:
        detail = h.detail("en")
        print(f"  {h.point_number:<12} {h.customer_code:<8} {h.label}"
              + (f" ({detail})" if detail else ""))
    if len(held) > 50:
        print(f"  … and {len(held) - 50} more")


def _run(args: argparse.Namespace) -> int:
    db = open_database(args)
    plan = billing.preview_run(db, SYSTEM, args.period)
    # what the run is about to do, by the same plan the run makes (as `billing check`)
    print(f"period {plan.period}: {plan.to_bill} to bill, {len(plan.held)} to hold back, "
          f"{plan.already_billed} billed before")
    with _StopAfterBatch() as stop:
        result = billing.run_billing(db, SYSTEM, args.period, args.on_implausible,
                                     progress=_progress(f"billing {args.period}"),
                                     cancelled=stop.event.is_set, batch_size=args.batch,
                                     take_over=args.take_over)
    print(f"{result.status}: {result.invoices_made} invoices made, {result.already_billed} "
          f"billed before, accounting order {result.order_number or '-'}")
    _print_held(result.held)
    return 0 if result.status == "completed" else 1


def _check(args: argparse.Namespace) -> int:
    db = open_database(args)
    preview = billing.preview_run(db, SYSTEM, args.period)
    print(f"period {preview.period} ({preview.period_status}), invoices issued "
          f"{preview.issue_date:%d.%m.%Y}, due {preview.due_date:%d.%m.%Y}")
    print(f"{preview.to_bill} to bill, {preview.already_billed} billed before")
    if preview.running_since:
        print(f"a run has been working since {preview.running_since:%d.%m.%Y %H:%M}")
    _print_held(preview.held)
    return 0


def _interest(args: argparse.Namespace) -> int:
    db = open_database(args)
    with _StopAfterBatch() as stop:
        result = interest.run_interest(db, SYSTEM, args.period,
                                       progress=_progress(f"interest {args.period}"),
                                       cancelled=stop.event.is_set, take_over=args.take_over)
    print(f"{result.status}: {result.customers_charged} customers charged {result.total} € "
          f"interest, accounting order {result.order_number or '-'}")
    return 0 if result.status == "completed" else 1


def _tariff(args: argparse.Namespace) -> int:
    db = open_database(args)
    row = tariffs.add_tariff(db, SYSTEM, args.category, args.group, args.element, args.price,
                             args.valid_from, args.valid_to, args.source)
    print(f"{row.category}/{row.tariff_group}/{row.element} = {row.price} from "
          f"{row.valid_from:%d.%m.%Y}")
    return 0


def _rate(args: argparse.Namespace) -> int:
    db = open_database(args)
    row = tariffs.add_rate(db, SYSTEM, args.kind, args.rate, args.valid_from, args.valid_to,
                           args.source)
    print(f"{row.kind} rate {row.rate} % from {row.valid_from:%d.%m.%Y}")
    return 0


def _list(args: argparse.Namespace) -> int:
    db = open_database(args)
    for t in tariffs.list_tariffs(db, SYSTEM, current_on=args.on or date.today()):
        until = f"{t.valid_to:%d.%m.%Y}" if t.valid_to else "…"
        print(f"{t.category:<14} {t.tariff_group:<8} {t.element:<20} {t.price:>12} "
              f"{t.valid_from:%d.%m.%Y} – {until}")
    for kind in tariffs.RATE_KINDS:
        for r in tariffs.list_rates(db, SYSTEM, kind):
            until = f"{r.valid_to:%d.%m.%Y}" if r.valid_to else "…"
            print(f"{kind:<14} {'':<8} {'rate':<20} {r.rate:>12} {r.valid_from:%d.%m.%Y} – "
                  f"{until}")
    return 0
