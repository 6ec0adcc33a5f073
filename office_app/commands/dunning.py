"""`office-app dunning warnings|orders`: the warning run and the disconnection-order run for a
date (001 Članovi 5–6), for the server. Both are idempotent per date: run again, they issue
nothing twice. ``--dry-run`` lists what would be issued; ``--json`` prints the result as
JSON for scripts."""
from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from office_app.cli import USAGE, add_db_option, decimal_range, int_range
from office_app.commands import fail, open_database, write_output
from office_app.db import Database
from office_app.errors import N_
from office_app.i18n import translator
from office_app.models import Zone
from office_app.models.customers import CATEGORIES
from office_app.services.collection import documents, orders, warnings
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dunning", help="warning and disconnection-order runs")
    actions = parser.add_subparsers(dest="dunning_command", metavar="ACTION", required=True)
    warn = actions.add_parser(
        "warnings", help="issue the warnings of a date",
        description="Warn every customer whose overdue debt is above the amount and older "
                    "than the days given. Socially vulnerable customers are listed for review "
                    "and not issued here (approve them in the GUI).")
    warn.add_argument("--min-debt", type=decimal_range(Decimal(0), Decimal(10_000_000)),
                      default=warnings.DEFAULT_MIN_DEBT, metavar="EUR")
    warn.add_argument("--min-days", type=int_range(0, 3650),
                      default=warnings.DEFAULT_MIN_DAYS, metavar="DAYS")
    warn.add_argument("--zone", action="append", default=[], metavar="CODE")
    warn.add_argument("--category", action="append", default=[], choices=CATEGORIES)
    warn.add_argument("--status", action="append", default=[], choices=("active", "I", "T"),
                      help="status letters to include (default: active customers only)")
    warn.set_defaults(handler=_warnings)
    order = actions.add_parser("orders", help="issue the disconnection orders of a date")
    order.set_defaults(handler=_orders)
    for p in (warn, order):
        p.add_argument("--as-of", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
        p.add_argument("--dry-run", action="store_true", help="list, issue nothing")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        p.add_argument("--pdf", type=Path, metavar="FILE",
                       help="write the documents issued to FILE (warnings: one file per "
                            "language, FILE-<language>.pdf)")
        p.add_argument("--take-over", action="store_true",
                       help="SQLite: carry on a run marked as working that has died")
        add_db_option(p)


def _zones(db: Database, codes: list[str]) -> tuple[int, ...]:
    with db.unit_of_work() as s:
        found = {c: i for i, c in s.execute(select(Zone.id, Zone.code)
                                            .where(Zone.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        fail(N_("Zone {zone} does not exist."), zone=missing[0])
    return tuple(found[c] for c in codes)


def _criteria(db: Database, args: argparse.Namespace) -> warnings.WarningCriteria:
    statuses = tuple(None if s == "active" else s for s in args.status) or (None,)
    return warnings.WarningCriteria(args.as_of, args.min_debt, args.min_days,
                                    _zones(db, args.zone), tuple(args.category), statuses)


def _check_as_of(as_of: date) -> None:
    """A date after today is a usage error: one line, exit status 2."""
    for error in warnings.as_of_errors(as_of):
        fail(error.msg_id, USAGE, **error.params)


def _warnings(args: argparse.Namespace) -> int:
    _check_as_of(args.as_of)
    db = open_database(args)
    criteria = _criteria(db, args)
    if args.dry_run:
        preview = warnings.preview_warnings(db, SYSTEM, criteria)
        _print_preview(preview, args.json)
        return 0
    result = warnings.run_warnings(db, SYSTEM, criteria, take_over=args.take_over)
    if args.pdf and result.warning_ids:
        for language, pdf in documents.warning_documents(db, SYSTEM,
                                                         result.warning_ids).items():
            write_output(args.pdf.with_name(f"{args.pdf.stem}-{language}.pdf"), pdf)
    summary = {"as_of": result.as_of.isoformat(), "issued": result.issued,
               "already_issued": result.already_issued, "for_review": result.for_review,
               "left_out": result.left_out, "total_debt": str(result.total_debt)}
    _print(summary, args.json, f"{result.issued} warnings issued, {result.already_issued} "
           f"issued before, {result.for_review} for review, {result.left_out} left out")
    return 0


def _print_preview(preview: warnings.WarningPreview, as_json: bool) -> None:
    t = translator("en")
    rows: list[dict[str, Any]] = [
        {"customer": c.code, "name": c.name, "level": c.level, "debt": str(c.debt),
             "invoices": [i.document_number for i in c.items], "review": c.review,
             "left_out": t(c.reason, **c.reason_params) if c.reason else ""}
            for c in preview.candidates]
    if as_json:
        print(json.dumps({"as_of": preview.criteria.as_of.isoformat(), "dry_run": True,
                          "to_issue": len(preview.to_issue), "candidates": rows},
                         ensure_ascii=False, indent=1))
        return
    for r in rows:
        note = " REVIEW" if r["review"] else (f" ({r['left_out']})" if r["left_out"] else "")
        print(f"{r['customer']:<10} {r['name'][:40]:<40} L{r['level']} {r['debt']:>12}{note}")
    print(f"{len(preview.to_issue)} warnings would be issued")


def _orders(args: argparse.Namespace) -> int:
    _check_as_of(args.as_of)
    db = open_database(args)
    if args.dry_run:
        found = orders.preview_orders(db, SYSTEM, args.as_of)
        rows = [{"customer": c.customer_code, "name": c.customer_name, "point": c.point_number,
                 "meter": c.meter_number, "warning": c.warning_number, "debt": str(c.debt)}
                for c in found]
        if args.json:
            print(json.dumps({"as_of": args.as_of.isoformat(), "dry_run": True,
                              "orders": rows}, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                print(f"{r['customer']:<10} {r['name'][:40]:<40} {r['point']:<12} "
                      f"{r['meter']:<14} {r['debt']:>12}")
            print(f"{len(rows)} orders would be issued")
        return 0
    result = orders.run_orders(db, SYSTEM, args.as_of, take_over=args.take_over)
    if args.pdf and result.order_ids:
        write_output(args.pdf, documents.order_documents(db, SYSTEM, result.order_ids))
    _print({"as_of": result.as_of.isoformat(), "issued": result.issued,
            "already_issued": result.already_issued}, args.json,
           f"{result.issued} orders issued, {result.already_issued} issued before")
    return 0


def _print(summary: dict[str, Any], as_json: bool, text: str) -> None:
    print(json.dumps(summary) if as_json else text)
