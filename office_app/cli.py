"""The `office-app` command: the GUI by default, batch subcommands for the server.

Each batch command lives in a module under office_app.commands with ``register(subparsers)``;
batch commands run as the SYSTEM operator (whoever runs them has the database's credentials).
"""
from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from office_app import __version__
from office_app.errors import N_

COMMAND_MODULES = [
    "office_app.commands.db",
    "office_app.commands.demo",
    "office_app.commands.users",
    "office_app.commands.books",
    "office_app.commands.readings",
    "office_app.commands.billing",
    "office_app.commands.invoices",
    "office_app.commands.audit",
    "office_app.commands.legal",
    "office_app.commands.complaints",
    "office_app.commands.retention",
    "office_app.commands.dunning",
    "office_app.commands.plans",
    "office_app.commands.payments",
    "office_app.commands.cash",
]
#: Exit status: the work was done; it was refused or failed; the command was given wrongly.
OK, REFUSED, USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="office-app",
        description="Commercial-sector desktop client. With no subcommand, opens the GUI.")
    parser.add_argument("--version", action="version", version=f"office-app {__version__}")
    add_db_option(parser)
    parser.add_argument("--language", dest="ui_language", choices=_languages(),
                        help="language of the program's messages (default: the settings "
                             "file's): sr_Latn, sr_Cyrl, sq or en")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _languages() -> list[str]:
    from office_app.i18n import LANGUAGES

    return list(LANGUAGES)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default: OFFICE_DB_URL, the settings file, "
                             "or an SQLite file in the user's data directory)")


def _tr(message_id: str, **params: object) -> str:
    from office_app.i18n import _

    return _(message_id, **params)


# --- argument types: out-of-range values are usage errors, refused by argparse -------------

def int_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(_tr(N_(
                "{value} is not allowed; give a whole number from {low} to {high}"),
                value=repr(text[:40]), low=low, high=high))
        return value
    parse.__name__ = "number"
    return parse


def decimal_range(low: Decimal, high: Decimal) -> Callable[[str], Decimal]:
    """An argparse type: a finite decimal number from ``low`` to ``high``."""
    def parse(text: str) -> Decimal:
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or not low <= value <= high:
            raise argparse.ArgumentTypeError(_tr(N_(
                "{value} is not allowed; give a number from {low} to {high}, e.g. 12.50"),
                value=repr(text[:40]), low=low, high=high))
        return value
    parse.__name__ = "number"
    return parse


def period(text: str) -> str:
    """An argparse type: a billing period YYYY-MM."""
    from office_app.errors import DomainError
    from office_app.services.periods import check_label

    try:
        return check_label(text)
    except DomainError:
        raise argparse.ArgumentTypeError(_tr(N_(
            "{value} is not a period; write YYYY-MM, e.g. 2025-03"),
            value=repr(text[:40]))) from None


# --- running a command ----------------------------------------------------------------------

def _early_language(argv: Sequence[str]) -> str | None:
    """``--language`` given before the command (a command's own --language is the language of
    its document)."""
    commands = {name.rsplit(".", 1)[-1] for name in COMMAND_MODULES}
    for i, arg in enumerate(argv):
        if arg in commands:
            break
        if arg == "--language" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--language="):
            return arg.split("=", 1)[1]
    return None


def message_language(argv: Sequence[str]) -> str:
    from office_app.config import load_settings
    from office_app.i18n import DEFAULT_LANGUAGE, LANGUAGES

    chosen = _early_language(argv)
    if chosen is None:
        try:
            chosen = load_settings().language
        except Exception:  # noqa: BLE001 - a damaged settings file must not stop a command
            chosen = DEFAULT_LANGUAGE
    return chosen if isinstance(chosen, str) and chosen in LANGUAGES else DEFAULT_LANGUAGE


def say(message_id: str, **params: object) -> None:
    """One line on stderr in the user's language."""
    from office_app.i18n import _

    print(f"office-app: {_(message_id, **params)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (0 done, 1 refused, 2 usage error). Errors
    are one line in the user's language; a traceback only with --debug."""
    from office_app import i18n

    argv = list(sys.argv[1:] if argv is None else argv)
    previous = i18n.current().language
    i18n.set_language(message_language(argv))
    try:
        return _main(argv)
    finally:
        i18n.set_language(previous)


def _main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:      # argparse: --help, --version, or a usage error
        return exc.code if isinstance(exc.code, int) else USAGE
    handler = getattr(args, "handler", None)
    if handler is None:
        from office_app.ui.app import run_gui

        return run_gui(getattr(args, "db", None), args.ui_language)
    try:
        return int(handler(args) or 0)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else REFUSED
    except BaseException as exc:
        if args.debug:
            traceback.print_exc()
        return _report(exc)


def _report(exc: BaseException) -> int:
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from office_app.db_url import DatabaseUrlError
    from office_app.errors import DomainError
    from office_app.i18n import tr_error

    if isinstance(exc, DomainError):
        print(f"office-app: {_one_line(tr_error(exc))}", file=sys.stderr)
        return USAGE if isinstance(exc, DatabaseUrlError) else REFUSED
    if isinstance(exc, KeyboardInterrupt):
        say(N_("Interrupted; what was committed before stays."))
    elif isinstance(exc, DBAPIError):
        say(N_("The database refused the work: {detail}"), detail=_first_line(exc.orig))
    elif isinstance(exc, SQLAlchemyError):
        say(N_("The database cannot be used: {detail}"), detail=_first_line(exc))
    elif isinstance(exc, OSError):
        say(N_("The operating system refused: {detail}"),
            detail=f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc))
    else:
        say(N_("Unexpected error ({kind}: {detail}); nothing more was done. Run the command "
               "again with --debug for the details and report them."),
            kind=type(exc).__name__, detail=_first_line(exc))
    return REFUSED


def _one_line(text: str) -> str:
    """A server's multi-line message on one line."""
    return " ".join(text.split())


def _first_line(exc: object) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [""])[0][:300]


if __name__ == "__main__":
    sys.exit(main())
