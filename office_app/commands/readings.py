"""`office-app readings import`: readings from a handheld terminal or remote-reading system
(format: office_app.services.reading_import)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from office_app.cli import add_db_option, period
from office_app.commands import Progress, fail, open_database
from office_app.errors import N_
from office_app.i18n import tr_error, translator
from office_app.printing.registers import describe
from office_app.services.permissions import SYSTEM
from office_app.services.reading_import import ImportRefused, ImportReport, import_readings

EN = translator("en")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("readings", help="meter readings")
    actions = parser.add_subparsers(dest="readings_command", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import", help="import readings from a CSV file",
        description="Import readings into an open period from a UTF-8 CSV file with the "
                    "header point;date;vt;mt;peak;remark_code;remark (only point, date and vt "
                    "are required). Every line is checked like a keyed reading; the report "
                    "lists what was taken, what waits for a field re-check and what was "
                    "refused, by line number. A malformed file is refused as a whole.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--period", required=True, metavar="YYYY-MM", type=period)
    imp.add_argument("--all-or-nothing", action="store_true",
                     help="import nothing if any line is refused")
    imp.add_argument("--quiet", action="store_true", help="print only the summary")
    add_db_option(imp)
    imp.set_defaults(handler=_import)


def _report(report: ImportReport, quiet: bool) -> None:
    for line in report.lines:
        if quiet or line.outcome in ("taken", "skipped"):
            continue
        reasons = "; ".join(describe(EN, m) for m in line.messages)
        print(f"line {line.line} ({line.point}): {line.outcome}: {reasons}")
    state = "written" if report.written else "nothing written"
    print(f"{report.count('taken')} taken, {report.count('implausible')} taken as implausible "
          f"(field re-check), {report.count('skipped')} already there, {report.refused} "
          f"refused; {state}.")


def _import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        fail(N_("cannot read {path}: {reason}"), path=str(args.file),
             reason=exc.strerror or exc)
    db = open_database(args)
    progress: Progress | None = None

    def step(done: int, total: int) -> None:
        nonlocal progress
        progress = progress or Progress("Checking", total)
        progress(done)

    try:
        report = import_readings(db, SYSTEM, data, args.period, args.all_or_nothing, step)
    except ImportRefused as exc:
        print(f"office-app: {tr_error(exc)}", file=sys.stderr)
        for _line, error in exc.problems:
            print(f"  {tr_error(error)}", file=sys.stderr)
        return 1
    _report(report, args.quiet)
    return 1 if report.refused and args.all_or_nothing else 0
