"""`office-app complaints overdue`: complaints not answered within their deadline."""
from __future__ import annotations

import argparse
import json
from datetime import date

from office_app.cli import add_db_option
from office_app.commands import open_database
from office_app.services import complaints
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("complaints", help="the complaint book")
    actions = parser.add_subparsers(dest="complaints_command", metavar="ACTION", required=True)
    late = actions.add_parser(
        "overdue", help="complaints past their answer deadline",
        description=f"Unanswered complaints whose deadline ({complaints.ANSWER_DAYS} working "
                    "days after receipt) has passed.")
    late.add_argument("--on", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                      help="the day to check (default: today)")
    late.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_db_option(late)
    late.set_defaults(handler=_overdue)


def _overdue(args: argparse.Namespace) -> int:
    db = open_database(args)
    on = args.on or date.today()
    rows = complaints.overdue(db, SYSTEM, on)
    if args.json:
        print(json.dumps([{"number": c.number, "customer": c.customer_code,
                           "name": c.customer_name, "received_on": c.received_on.isoformat(),
                           "deadline": c.deadline.isoformat(), "days_late": (on - c.deadline).days,
                           "subject": c.subject, "disputed_amount": f"{c.disputed_amount:.2f}"}
                          for c in rows], ensure_ascii=False, indent=1))
        return 0
    for c in rows:
        print(f"{c.number:<18} {c.deadline.isoformat()} {(on - c.deadline).days:>4} "
              f"{c.customer_code:<10} {c.customer_name}")
    print(f"{len(rows)} overdue complaints")
    return 0
