"""The `office-app` command: the GUI by default, batch subcommands for the server.

Each batch command lives in a module under office_app.commands with ``register(subparsers)``;
batch commands run as the SYSTEM operator (whoever runs them has the database's credentials).
"""
from __future__ import annotations

import argparse
import importlib
import sys

from sqlalchemy.exc import OperationalError

from office_app import __version__
from office_app.errors import DomainError
from office_app.i18n import tr_error

COMMAND_MODULES = [
    "office_app.commands.db",
    "office_app.commands.demo",
    "office_app.commands.users",
    "office_app.commands.books",
    "office_app.commands.readings",
    "office_app.commands.billing",
    "office_app.commands.invoices",
    "office_app.commands.cash",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="office-app",
        description="Commercial-sector desktop client. With no subcommand, opens the GUI.")
    parser.add_argument("--version", action="version", version=f"office-app {__version__}")
    add_db_option(parser)
    parser.add_argument("--language", help="UI language: sr_Latn, sr_Cyrl, sq or en")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default: OFFICE_DB_URL, the settings file, "
                             "or an SQLite file in the user's data directory)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from office_app.ui.app import run_gui

        return run_gui(getattr(args, "db", None), args.language)
    try:
        return int(handler(args) or 0)
    except DomainError as exc:
        print(f"office-app: {tr_error(exc, 'en')}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"office-app: the database cannot be reached: {exc.orig}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
