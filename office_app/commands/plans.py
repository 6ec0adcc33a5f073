"""`office-app plans check|list`: the daily installment-plan check for the server (breaks
plans with an installment unpaid past the grace period, marks paid plans completed) and the
collection analysis of every plan on a date."""
from __future__ import annotations

import argparse
import json
from datetime import date

from office_app.cli import add_db_option
from office_app.commands import open_database
from office_app.services import plans
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("plans", help="installment plans: daily check, collection")
    actions = parser.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="break plans with a missed installment, complete paid ones",
        description="Break every active plan with an installment still unpaid after the "
                    "grace period (the rest falls due on the date) and mark fully paid plans "
                    "completed. Running it again for the same date changes nothing.")
    check.set_defaults(handler=_check)
    listing = actions.add_parser("list", help="collection of every plan on a date")
    listing.add_argument("--status", choices=sorted(plans.STATUS_LABELS))
    listing.set_defaults(handler=_list)
    for p in (check, listing):
        p.add_argument("--as-of", dest="as_of", type=date.fromisoformat, default=None,
                       metavar="YYYY-MM-DD", help="the day (default: today)")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        add_db_option(p)


def _check(args: argparse.Namespace) -> int:
    db = open_database(args)
    result = plans.check_plans(db, SYSTEM, args.as_of or date.today())
    if args.json:
        print(json.dumps({"as_of": result.as_of.isoformat(), "broken": list(result.broken),
                          "completed": list(result.completed)}))
    else:
        print(f"{result.as_of:%d.%m.%Y}: {len(result.broken)} broken "
              f"({', '.join(result.broken) or '-'}), {len(result.completed)} completed "
              f"({', '.join(result.completed) or '-'})")
    return 0


def _list(args: argparse.Namespace) -> int:
    db = open_database(args)
    states, summary = plans.collection(db, SYSTEM, args.as_of or date.today(), args.status)
    if args.json:
        print(json.dumps({
            "as_of": summary.as_of.isoformat(), "expected": str(summary.expected),
            "paid": str(summary.paid), "by_status": summary.by_status,
            "by_state": summary.by_state,
            "plans": [{"number": p.number, "customer": p.customer_code, "status": p.status,
                       "total": str(p.total), "expected": str(p.expected),
                       "paid": str(p.paid), "open": str(p.open),
                       "installments": [i.state for i in p.installments]} for p in states]},
            ensure_ascii=False))
        return 0
    for p in states:
        print(f"{p.number}\t{p.customer_code}\t{p.status}\t{p.total}\t{p.expected}\t{p.paid}")
    print(f"{summary.plans} plans, expected {summary.expected}, paid {summary.paid} "
          f"({summary.rate} %)")
    return 0
