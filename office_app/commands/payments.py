"""`office-app payments import FILE [--json]`: post a bank statement (camt.053 / camt.054) or
the post office's CSV (docs/statements.md). Re-importing a statement posts nothing."""
from __future__ import annotations

import argparse
import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from office_app.cli import add_db_option
from office_app.commands import open_database
from office_app.services import epc
from office_app.services.billing import invoices
from office_app.services.permissions import SYSTEM
from office_app.services.statements.importer import ImportResult, import_file


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("payments", help="import bank and post statements")
    actions = parser.add_subparsers(dest="payments_command", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import", help="post a camt.053/camt.054 statement or the post office's CSV",
        description="Import one statement file: every credit whose model 97 reference (or "
                    "customer code) names a customer is posted as a payment; the rest waits "
                    "in the unmatched queue of the Statements tab. Debits and reversals are "
                    "listed, never posted. A statement imported before posts nothing.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.add_argument("--as", dest="as_login", metavar="LOGIN", default="",
                     help="the office user importing (default: the operating-system user)")
    add_db_option(imp)
    imp.set_defaults(handler=_import)
    qr = actions.add_parser(
        "epc-qr", help="print the EPC payment QR code on invoices (on/off)",
        description="Turn the EPC payment QR code (EPC069-12) on invoices on or off. It needs "
                    "the office account as an IBAN (or a Montenegrin 18-digit account) and the "
                    "euro; customers' banking apps read it to pay the amount with the "
                    "invoice's reference.")
    qr.add_argument("state", choices=["on", "off"])
    add_db_option(qr)
    qr.set_defaults(handler=_epc_qr)


def _import(args: argparse.Namespace) -> int:
    db = open_database(args)
    operator = invoices.batch_operator(db, args.as_login)
    result = import_file(db, operator, args.file)
    if args.json:
        print(json.dumps(_plain(result), indent=2))
    else:
        print(f"Statement {result.statement_id} ({result.account}, {result.statement_date}): "
              f"{result.lines} lines; {result.posted} payments posted ({result.posted_total}); "
              f"{result.unmatched} unmatched ({result.unmatched_total}) wait in the queue; "
              f"{result.debits} debits ({result.debit_total}) and {result.reversals} reversals "
              "not posted.")
    return 0


def _epc_qr(args: argparse.Namespace) -> int:
    office = epc.set_epc_qr(open_database(args), SYSTEM, args.state == "on")
    print(f"EPC QR code on invoices: {'on' if office.epc_qr else 'off'} "
          f"(account {epc.office_iban(office) or office.bank_account}).")
    return 0


def _plain(result: ImportResult) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v.isoformat() if hasattr(v, "isoformat")
            else v for k, v in dataclasses.asdict(result).items()}
