"""The demo office: a realistic office built deterministically from a seed, for a newcomer's
first look (`office-app demo`, `python3 dev.py demo`), for tests and for benchmarks.

``build_demo`` runs the ordered list ``STEPS``. The register step comes first (office header,
users for every role, zones, meter readers, customers with their metering points, meters,
installations and holdings); later features add their own step (a year of readings, a year of
invoices, payments, ...) by appending it to ``STEPS``, so a newcomer always sees a living office.

The step contract
-----------------
A step is a plain callable ``step(ctx: DemoContext) -> None`` (office_app.demo.context):

- ``ctx.db`` is a migrated Database (SQLite or PostgreSQL); ``ctx.customers``, ``ctx.seed`` and
  ``ctx.today`` (every date is relative to it) are the build's parameters.
- Draw randomness only from ``ctx.rng("<step name>")``: each step has its own stream, so the
  same seed gives the same office and adding a step changes nothing before it.
- Find the rows to work on through ``ctx.created`` (id ranges by table name) or by querying;
  ``ctx.fresh`` is False when ``--force`` adds a demo to a register that already had customers.
- Write in one transaction per step, through ``office_app.demo.bulk.loading(ctx.db)``: COPY on
  PostgreSQL, executemany on SQLite, explicit ids, sequences fixed afterwards. Services (one
  unit of work per call) are fine for a handful of rows; not for per-customer data, which must
  stay fast at 500,000 customers (bench/bench_register.py).
- Report progress with ``ctx.progress(label, done, total)``; record what you created in
  ``ctx.created`` if later steps need it.
- Demo rows are stamped ``created_by = ctx.operator.code`` and write no audit entries: like a
  migration from the old system, the register's change history starts after the demo.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select

from office_app.db import Database
from office_app.demo.billing import build_billing
from office_app.demo.collection import build_collection
from office_app.demo.context import DemoContext, ProgressFn, no_progress
from office_app.demo.legal import build_legal
from office_app.demo.plans import build_plans
from office_app.demo.readings import build_readings
from office_app.demo.register import build_register
from office_app.errors import N_, Conflict
from office_app.models import Customer
from office_app.models.office import UTILITIES

Step = Callable[[DemoContext], None]

#: The demo's steps, in order. Append a feature's step here (one line).
STEPS: list[Step] = [
    build_register,
    build_readings,
    build_billing,      # needs the readings step before it
    build_legal,        # cases, complaints, a termination (needs billing)
    build_plans,        # installment plans; needs the billing step before it
    build_collection,   # warnings, orders, a disconnection and a reconnection (after plans)
]

DEFAULT_CUSTOMERS = 2000
DEFAULT_SEED = 1


def existing_customers(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(Customer)) or 0)


def build_demo(db: Database, customers: int = DEFAULT_CUSTOMERS, seed: int = DEFAULT_SEED,
               progress: ProgressFn | None = None, *, force: bool = False,
               today: date | None = None, utility: str = "electricity") -> DemoContext:
    """Build the demo office in ``db`` (migrated to the current schema).

    Refuses with Conflict when the register already has customers, unless ``force``: then the
    demo's rows are added after the existing ones (nothing is ever deleted, the office header
    and existing users are left as they are). Each step commits on its own; a failing step
    leaves the steps before it in place. Returns the context, with the created id ranges.
    ``utility`` "water" builds a water and sewage office instead of the electricity one
    (water meters in m³, water tariffs, first and red second reminders of 004 §32).
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if utility not in UTILITIES:
        raise ValueError(f"utility must be one of {', '.join(UTILITIES)}")
    already = existing_customers(db)
    if already and not force:
        raise Conflict(N_("The database already has {count} customers; the demo office is "
                          "built only in an empty register."), count=already)
    ctx = DemoContext(db=db, customers=customers, seed=seed, today=today or date.today(),
                      fresh=not already, progress=progress or no_progress, utility=utility)
    for step in STEPS:
        step(ctx)
    return ctx


__all__ = ["DEFAULT_CUSTOMERS", "DEFAULT_SEED", "STEPS", "DemoContext", "Step", "build_demo",
           "existing_customers"]
