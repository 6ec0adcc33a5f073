"""`office-app legal candidates|file`: customers to sue, and a batch of enforcement proposals
filed for them (five copies each, with their attachments, in one PDF)."""
from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from office_app.cli import add_db_option, decimal_range, int_range
from office_app.commands import fail, open_database, write_output
from office_app.db import Database
from office_app.errors import N_
from office_app.services import enforcement, legal, network
from office_app.services.customers import find_by_code
from office_app.services.permissions import SYSTEM

_MONEY = decimal_range(Decimal(0), Decimal("999999999"))


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("legal", help="litigation: candidates to sue, enforcement proposals")
    actions = parser.add_subparsers(dest="legal_command", metavar="ACTION", required=True)
    found = actions.add_parser(
        "candidates", help="customers whose debt is large and old enough to sue",
        description="Customers owing at least --min-debt with a debt overdue for more than "
                    "--older-than days, not already sued; disconnected customers first.")
    found.add_argument("--min-debt", required=True, type=_MONEY, metavar="AMOUNT")
    found.add_argument("--older-than", required=True, type=int_range(0, 36500), metavar="DAYS")
    found.add_argument("--zone", default="", help="only customers with a point in this zone")
    found.add_argument("--json", action="store_true", help="print JSON instead of a table")
    found.set_defaults(handler=_candidates)
    filing = actions.add_parser(
        "file", help="file enforcement proposals for customers (one PDF, five copies each)")
    filing.add_argument("customers", nargs="+", metavar="CODE", help="customer codes")
    filing.add_argument("--court", required=True)
    filing.add_argument("--fee", type=_MONEY, default=Decimal(0), metavar="AMOUNT",
                        help="court fee per proposal")
    filing.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    filing.set_defaults(handler=_file)
    for p in (found, filing):
        p.add_argument("--on", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                       help="the day to count from (default: today)")
        add_db_option(p)


def _candidates(args: argparse.Namespace) -> int:
    db = open_database(args)
    zone_id = _zone(db, args.zone)
    rows = legal.candidates(db, SYSTEM, args.min_debt, args.older_than,
                            args.on or date.today(), zone_id)
    if args.json:
        print(json.dumps([{"code": c.code, "name": c.name, "address": c.address,
                           "status": c.status or "", "debt": f"{c.debt:.2f}",
                           "oldest_due": c.oldest_due.isoformat(),
                           "days_overdue": c.days_overdue} for c in rows],
                         ensure_ascii=False, indent=1))
        return 0
    for c in rows:
        print(f"{c.code:<10} {c.status or '-':<2} {c.debt:>12.2f} {c.days_overdue:>6} "
              f"{c.name} · {c.address}")
    print(f"{len(rows)} candidates, {sum(c.debt for c in rows):.2f} in total")
    return 0


def _zone(db: Database, code: str) -> int | None:
    if not code:
        return None
    zones = {z.code: z.id for z in network.list_zones(db, SYSTEM)}
    if code.strip().upper() not in zones:
        fail(N_("There is no zone {zone}."), zone=code)
    return zones[code.strip().upper()]


def _file(args: argparse.Namespace) -> int:
    db = open_database(args)
    ids = [find_by_code(db, SYSTEM, code).id for code in args.customers]
    filed = enforcement.file_proposals(db, SYSTEM, ids, args.court, args.on or date.today(),
                                       args.fee)
    write_output(args.out, filed.pdf)
    for case in filed.cases:
        print(f"{case.case_number} {case.customer_code} {case.amount_sued:.2f}")
    print(f"{len(filed.cases)} proposals -> {args.out}")
    return 0
