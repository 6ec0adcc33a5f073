"""`office-app retention report|archive` and `office-app retention notice`: what has passed its
keeping period, archiving it (personal data removed, the books kept), and the termination
notice of a customer whose contract ended."""
from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from office_app.cli import add_db_option
from office_app.commands import open_database, write_output
from office_app.i18n import _
from office_app.services import retention, termination
from office_app.services.customers import find_by_code
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("retention", help="keeping periods: report, archive, notices")
    actions = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    report = actions.add_parser("report", help="records past their keeping period")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report.set_defaults(handler=_report)
    archive = actions.add_parser(
        "archive", help="remove the personal data of records past their keeping period")
    archive.set_defaults(handler=_archive)
    notice = actions.add_parser("notice", help="the contract termination notice (PDF)")
    notice.add_argument("customer", help="customer code")
    notice.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    notice.set_defaults(handler=_notice)
    for p in (report, archive):
        p.add_argument("--on", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                       help="the day to check (default: today)")
    for p in (report, archive, notice):
        add_db_option(p)


def _report(args: argparse.Namespace) -> int:
    db = open_database(args)
    rows = retention.due_for_archiving(db, SYSTEM, args.on or date.today())
    if args.json:
        print(json.dumps([{"kind": r.kind, "reference": r.reference, "customer": r.customer_code,
                           "since": r.started_on.isoformat(),
                           "kept_until": r.kept_until.isoformat()} for r in rows], indent=1,
                         ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{_(retention.KEEPING[r.kind].label):<50} {r.reference:<28} "
              f"{r.customer_code:<10} {r.kept_until.isoformat()}")
    print(f"{len(rows)} records past their keeping period")
    return 0


def _archive(args: argparse.Namespace) -> int:
    db = open_database(args)
    done = retention.archive(db, SYSTEM, args.on or date.today())
    print(f"archived: {done.customers} customers, {done.court_cases} court cases, "
          f"{done.complaints} complaints ({done.attachments} case files erased)")
    return 0


def _notice(args: argparse.Namespace) -> int:
    db = open_database(args)
    customer = find_by_code(db, SYSTEM, args.customer)
    write_output(args.out, termination.termination_notice(db, SYSTEM, customer.id))
    print(f"termination notice of {customer.code} -> {args.out}")
    return 0
