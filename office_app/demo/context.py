"""What every demo step is given (see office_app.demo for the step contract)."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from office_app.db import Database
from office_app.services.permissions import SYSTEM, Operator

#: progress(label, done, total): called as a step advances; the command draws a progress line.
ProgressFn = Callable[[str, int, int], None]


def no_progress(label: str, done: int, total: int) -> None:
    """The progress callback used when the caller gives none."""


@dataclass
class DemoContext:
    """The database and the parameters of one demo build, shared by its steps."""

    db: Database
    #: How many customers the register step creates (households, businesses, institutions).
    customers: int
    seed: int
    #: The day the demo office is built "as of"; every date in the demo is relative to it, so
    #: the same seed and day give the same office, and the office always looks current.
    today: date
    #: False when --force adds a demo office to a register that already had customers: steps
    #: then add rows after the existing ones and leave the office's own data alone.
    fresh: bool = True
    progress: ProgressFn = no_progress
    #: "electricity" (the default demo office) or "water": the office's utility, which
    #: decides its header, meters (kWh or m³), tariffs and warnings (001 Član 5 or 004 §32).
    utility: str = "electricity"
    #: The operator code stamped on demo rows (created_by).
    operator: Operator = SYSTEM
    #: (first id, last id) of the rows a step created, by table name, so that later steps work
    #: on the demo's rows only. The register step fills "customer", "metering_point", "meter",
    #: "meter_installation", "point_holding", "zone" and "meter_reader".
    created: dict[str, tuple[int, int]] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A random stream of its own for each step (seeded from the seed and the step's name),
        so adding or changing one step never changes the data the others generate."""
        return random.Random(f"{self.seed}:{step}")
