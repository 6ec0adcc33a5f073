"""`office-app invoices print|copy|statement|card`: the period's invoices in delivery order,
a copy of one invoice, a statement of a customer's open invoices, a copy of the financial
card — as PDF files."""
from __future__ import annotations

import argparse
from pathlib import Path

from office_app.cli import add_db_option, int_range, period
from office_app.commands import Progress, fail, open_database, write_output
from office_app.db import Database
from office_app.errors import N_
from office_app.i18n import LANGUAGES
from office_app.services.billing import invoices
from office_app.services.customers import find_by_code
from office_app.services.permissions import Operator


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("invoices", help="print invoices, copies, statements, cards")
    actions = parser.add_subparsers(dest="invoices_command", metavar="ACTION", required=True)
    batch = actions.add_parser(
        "print", help="print a period's invoices into one PDF, ordered for delivery",
        description="Print every invoice of a period (or one zone's) into one PDF, ordered by "
                    "zone and reading code for delivery. Invoices printed before come out "
                    "marked COPY.")
    batch.add_argument("--period", required=True, metavar="YYYY-MM", type=period)
    batch.add_argument("--zone", default="", help="only this zone (zone code)")
    batch.set_defaults(handler=_print)
    copy = actions.add_parser("copy", help="a copy of one invoice (marked COPY)")
    copy.add_argument("number", help="invoice number, e.g. 01-2024-0000123")
    copy.set_defaults(handler=_copy)
    statement = actions.add_parser("statement", help="a statement of a customer's open invoices")
    statement.add_argument("customer", help="customer code")
    statement.set_defaults(handler=_statement)
    card = actions.add_parser("card", help="a copy of a customer's financial card")
    card.add_argument("customer", help="customer code")
    card.add_argument("--months", type=int_range(1, 120), default=invoices.COPY_MONTHS)
    card.set_defaults(handler=_card)
    for p in (batch, copy, statement, card):
        p.add_argument("--out", required=True, metavar="FILE.pdf", type=Path)
        p.add_argument("--as", dest="as_login", metavar="LOGIN", default="",
                       help="the office user printing (recorded on copies); default: the "
                            "operating-system user")
        add_db_option(p)
    for p in (statement, card):
        p.add_argument("--language", choices=list(LANGUAGES),
                       help="language of the document (default: the customer's)")


def _operator(db: Database, args: argparse.Namespace) -> Operator:
    """``--as LOGIN`` checked against the users table, or the operating-system user."""
    return invoices.batch_operator(db, args.as_login)


def _print(args: argparse.Namespace) -> int:
    db = open_database(args)
    operator = _operator(db, args)
    line: dict[str, Progress] = {}

    def progress(done: int, total: int) -> None:
        line.setdefault("p", Progress(f"printing {args.period}", total))(done)

    try:
        with args.out.open("wb") as out:
            result = invoices.print_period(db, operator, args.period, out, args.zone, progress)
    except OSError as exc:
        fail(N_("cannot write {path}: {reason}"), path=str(args.out),
             reason=exc.strerror or exc)
    print(f"{result.invoices} invoices ({result.copies} of them copies) -> {args.out}")
    return 0


def _copy(args: argparse.Namespace) -> int:
    db = open_database(args)
    operator = _operator(db, args)
    invoice = invoices.find_invoice(db, operator, args.number)
    write_output(args.out, invoices.print_copy(db, operator, invoice.id))
    print(f"invoice {invoice.number} -> {args.out}")
    return 0


def _statement(args: argparse.Namespace) -> int:
    db = open_database(args)
    operator = _operator(db, args)
    customer = find_by_code(db, operator, args.customer)
    write_output(args.out, invoices.statement(db, operator, customer.id,
                                              language=args.language))
    print(f"statement of {customer.code} -> {args.out}")
    return 0


def _card(args: argparse.Namespace) -> int:
    db = open_database(args)
    operator = _operator(db, args)
    customer = find_by_code(db, operator, args.customer)
    write_output(args.out, invoices.card_copy(db, operator, customer.id, max(args.months, 1),
                                        language=args.language))
    print(f"financial card of {customer.code} -> {args.out}")
    return 0
