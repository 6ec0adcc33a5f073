"""`office-app cash report --date YYYY-MM-DD --out FILE.(pdf|xlsx)`: the daily collection
report of the counter (001 Član 4), per cashier and desk and for the office."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from office_app.cli import add_db_option
from office_app.commands import fail, open_database, write_output
from office_app.i18n import LANGUAGES
from office_app.printing.cash_report import report_pdf, report_xlsx
from office_app.services.cashdesk.counter import set_allocation_order
from office_app.services.cashdesk.report import daily_report
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("cash", help="the counter: daily report, allocation order")
    actions = parser.add_subparsers(dest="cash_command", metavar="ACTION", required=True)
    report = actions.add_parser(
        "report", help="the daily collection report as PDF or xlsx",
        description="Every payment taken at the counter on one day, per cashier and desk and "
                    "for the office, with totals by means of payment.")
    report.add_argument("--date", required=True, metavar="YYYY-MM-DD", dest="day")
    report.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx", type=Path)
    report.add_argument("--language", choices=list(LANGUAGES), default="sr_Latn")
    add_db_option(report)
    report.set_defaults(handler=_report)
    allocation = actions.add_parser(
        "allocation", help="how a payment that names no invoice is allocated",
        description="oldest-first (004 §35.2, the default): the oldest open items first; "
                    "costs-first: court costs, then interest, then principal, each oldest "
                    "first. Either way the cashier may tick the invoices to pay instead, and "
                    "payments already posted keep their allocation.")
    allocation.add_argument("order", choices=["oldest-first", "costs-first"])
    add_db_option(allocation)
    allocation.set_defaults(handler=_allocation)


def _report(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        fail(f"--date {args.day}: write the day as YYYY-MM-DD, e.g. 2024-06-20")
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        fail(f"--out {args.out}: the file must end in .pdf or .xlsx")
    db = open_database(args)
    data = daily_report(db, SYSTEM, day)
    content = (report_pdf(data, SYSTEM.code, args.language) if suffix == ".pdf"
               else report_xlsx(data, args.language))
    write_output(args.out, content)
    print(f"{data.count} payments, {data.total} EUR on {day.isoformat()} -> {args.out}")
    return 0


def _allocation(args: argparse.Namespace) -> int:
    office = set_allocation_order(open_database(args), SYSTEM, args.order.replace("-", "_"))
    print(f"Payments that name no invoice: {office.allocation_order.replace('_', '-')}.")
    return 0
