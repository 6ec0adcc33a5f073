"""`office-app audit [--period YYYY-MM] [--json]`: check every invariant of the books and list
each violation with its document, customer and point. Exit status 0 when clean, 1 when there
is any violation (2 for a usage error, as argparse does)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from office_app.cli import add_db_option
from office_app.commands import open_database
from office_app.i18n import current, set_language
from office_app.services.integrity import AuditReport, Violation, run_audit
from office_app.services.integrity.runner import check_label, describe, parse_scope
from office_app.services.permissions import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "audit", help="check that every amount, number and posted document is right",
        description="Check the whole database (or one billing period's documents): invoice "
                    "arithmetic, financial cards and statements, numbering, payment references, "
                    "posted documents unchanged, billed intervals. Prints every violation; exit "
                    "status 1 when there is any.")
    parser.add_argument("--period", metavar="YYYY-MM", help="only this billing period")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_db_option(parser)
    parser.set_defaults(handler=_audit)


def _progress(done: int, total: int, name: str) -> None:
    label = check_label(name) if name else ""
    print(f"\raudit: {done}/{total} {label}".ljust(60), end="" if done < total else "\n",
          file=sys.stderr, flush=True)


def _as_dict(v: Violation) -> dict[str, Any]:
    return {"check": v.check, "document": v.document, "customer": v.customer_code,
            "point": v.point_number, "message": describe(v), "message_id": v.message_id,
            "params": v.params}


def _print_json(report: AuditReport) -> None:
    json.dump({"period": report.scope.period, "clean": report.clean,
               "seconds": round(report.seconds, 3),
               "checks": [{"check": c.name, "violations": c.violations,
                           "seconds": round(c.seconds, 3)} for c in report.checks],
               "violations": [_as_dict(v) for v in report.violations]},
              sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()


def _print_text(report: AuditReport) -> None:
    t = current()
    for v in report.violations:
        print("\t".join((check_label(v.check), v.document or "-", v.customer_code or "-",
                         v.point_number or "-", describe(v))))
    counts = ", ".join(f"{check_label(c.name)}: {c.violations}" for c in report.checks)
    print(t.gettext("{count} violations ({checks}) in {seconds} s.",
                    count=len(report.violations), checks=counts,
                    seconds=f"{report.seconds:.1f}"), file=sys.stderr)


def _audit(args: argparse.Namespace) -> int:
    if getattr(args, "language", None):
        set_language(args.language)
    scope = parse_scope(args.period)
    db = open_database(args)
    try:
        report = run_audit(db, SYSTEM, scope, progress=_progress)
    finally:
        db.dispose()
    (_print_json if args.json else _print_text)(report)
    return 0 if report.clean else 1
