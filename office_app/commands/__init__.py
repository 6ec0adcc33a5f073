"""Batch subcommands of `office-app`, one module each."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from office_app.config import resolve_db_url
from office_app.db import Database, SchemaState, schema_status
from office_app.errors import N_
from office_app.i18n import _


def open_database(args: argparse.Namespace, require_current: bool = True,
                  create: bool = False) -> Database:
    """The database named by --db (or the defaults). A URL that is not usable raises
    DatabaseUrlError, an unreachable database DatabaseUnavailable (office_app.cli turns both
    into one line); an SQLite file is created only with ``create`` (db upgrade, demo)."""
    db = Database(resolve_db_url(getattr(args, "db", None)), create=create)
    if require_current:
        status = schema_status(db)
        if status.state is not SchemaState.CURRENT:
            fail(N_("The database schema is {state} (database {database}, program {program}); "
                    "run `office-app db upgrade` first."), state=status.state.value,
                 database=status.database_revision or "-", program=status.program_revision)
    return db


def fail(message: str, code: int = 1, **params: object) -> None:
    """End the command with one line on stderr: ``message`` (a message id, translated into
    the user's language, with ``params``)."""
    print(f"office-app: {_(message, **params)}", file=sys.stderr)
    raise SystemExit(code)


def write_output(path: Path, data: bytes) -> None:
    """Write a document the command made; a path that cannot be written ends the command."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(N_("cannot write {path}: {reason}"), path=str(path), reason=exc.strerror or exc)
    except ValueError as exc:
        fail(N_("cannot write {path}: {reason}"), path=str(path), reason=exc)


class Progress:
    """A one-line progress report on stderr for long batch work."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self._last = label, max(total, 1), -1

    def __call__(self, done: int) -> None:
        percent = done * 100 // self.total
        if percent != self._last:
            self._last = percent
            print(f"\r{self.label}: {done}/{self.total} ({percent} %)", end="",
                  file=sys.stderr, flush=True)
            if done >= self.total:
                print(file=sys.stderr)
