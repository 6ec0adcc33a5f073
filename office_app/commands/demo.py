"""`office-app demo`: build the demo office (see office_app.demo), migrating the schema first."""
from __future__ import annotations

import argparse
import time

from office_app.cli import add_db_option, int_range
from office_app.commands import Progress, fail, open_database
from office_app.db import SchemaState, schema_status, upgrade
from office_app.demo import DEFAULT_CUSTOMERS, DEFAULT_SEED, build_demo, existing_customers
from office_app.demo.register import DEMO_USERS
from office_app.errors import N_
from office_app.models.office import UTILITIES

#: The demo is built at office scale at most (the benchmarks use 500,000).
MAX_CUSTOMERS = 1_000_000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="build a realistic demo office",
        description="Build a realistic demo office, the same for the same seed: zones, meter "
                    "readers, households and businesses with metering points and meters, a "
                    "building with a common meter, and a user for every role. The schema is "
                    "created or migrated first. Refused when the register already has "
                    "customers, unless --force.")
    add_db_option(parser)
    parser.add_argument("--customers", type=int_range(1, MAX_CUSTOMERS),
                        default=DEFAULT_CUSTOMERS, metavar="N",
                        help=f"number of customers (default {DEFAULT_CUSTOMERS})")
    parser.add_argument("--seed", type=int_range(0, 2**31 - 1), default=DEFAULT_SEED,
                        metavar="S",
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--utility", choices=UTILITIES, default="electricity",
                        help="the office's utility: electricity (default) or water (water "
                             "meters in m³, water and sewage tariffs, first and red second "
                             "reminders)")
    parser.add_argument("--force", action="store_true",
                        help="add the demo to a register that already has customers, after "
                             "them (nothing is deleted or overwritten)")
    parser.set_defaults(handler=_demo)


class _ProgressLines:
    """Adapts the demo's progress(label, done, total) to one progress line per label."""

    def __init__(self) -> None:
        self._label: str | None = None
        self._line: Progress | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if self._line is None or label != self._label:
            self._label, self._line = label, Progress(label, total)
        self._line(done)


def _demo(args: argparse.Namespace) -> int:
    db = open_database(args, require_current=False, create=True)
    status = schema_status(db)
    if status.state is SchemaState.NEWER:
        fail(N_("The database (revision {database}) is newer than this program ({program}); "
                "install the newer program instead."), database=status.database_revision,
             program=status.program_revision)
    if status.state is not SchemaState.CURRENT:
        upgrade(db)
    already = existing_customers(db)
    if already and not args.force:
        fail(N_("{url} already has {count} customers; the demo office is built only in an "
                "empty register. Use an empty database, or --force to add the demo's customers "
                "after the existing ones."), url=db.display_url, count=already)
    started = time.perf_counter()
    ctx = build_demo(db, args.customers, args.seed, _ProgressLines(), force=args.force,
                     utility=args.utility)
    first, last = ctx.created["customer"]
    print(f"Demo office on {db.display_url}: {last - first + 1} customers "
          f"in {time.perf_counter() - started:.1f} s.")
    print("Demo users: " + ", ".join(f"{login}/{password}"
                                      for login, password, *_ in DEMO_USERS))
    return 0
