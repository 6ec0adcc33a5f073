"""`office-app books print|implausible`: reading books and the implausible readings report as
PDF, for the office's printer or the field."""
from __future__ import annotations

import argparse
from pathlib import Path

from office_app.cli import add_db_option, period
from office_app.commands import fail, open_database, write_output
from office_app.errors import N_
from office_app.i18n import LANGUAGES
from office_app.printing.implausible_report import implausible_report_pdf
from office_app.printing.reading_book import reading_books_pdf
from office_app.services.books import books_for_print
from office_app.services.field_records import implausible_report
from office_app.services.periods import check_label
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("books", help="reading books and the implausible readings report")
    actions = parser.add_subparsers(dest="books_command", metavar="ACTION", required=True)
    printing = actions.add_parser(
        "print", help="print the period's reading books to a PDF",
        description="Print the reading books of a period (every zone, or one) into one PDF: "
                    "one book per zone and reader, points in reading-code order.")
    printing.add_argument("--zone", help="only this zone's books (zone code)")
    printing.set_defaults(handler=_print)
    report = actions.add_parser(
        "implausible", help="print the implausible readings report to a PDF",
        description="Print the readings of a period that wait for a field re-check, one part "
                    "per zone and reader.")
    report.set_defaults(handler=_implausible)
    for p in (printing, report):
        p.add_argument("--period", required=True, metavar="YYYY-MM", type=period)
        p.add_argument("--out", required=True, metavar="FILE.pdf", type=Path)
        p.add_argument("--language", default="sr_Latn", choices=list(LANGUAGES),
                       help="language of the document (default sr_Latn)")
        add_db_option(p)


def _print(args: argparse.Namespace) -> int:
    db = open_database(args)
    books = books_for_print(db, SYSTEM, check_label(args.period), args.zone)
    if not books:
        fail(N_("Period {period} has no reading books (no metered points with customers)."),
             period=args.period)
    write_output(args.out, reading_books_pdf(books, args.language))
    points = sum(len(b.rows) for b in books)
    print(f"{len(books)} reading books, {points} metering points -> {args.out}")
    return 0


def _implausible(args: argparse.Namespace) -> int:
    db = open_database(args)
    report = implausible_report(db, SYSTEM, check_label(args.period))
    write_output(args.out, implausible_report_pdf(report, args.language))
    count = sum(len(g.rows) for g in report.groups)
    print(f"{count} implausible readings in {len(report.groups)} zone/reader parts -> "
          f"{args.out}")
    return 0
