"""Batch subcommands of `office-app`, one module each."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from office_app.config import resolve_db_url
from office_app.db import Database, SchemaState, schema_status
from office_app.errors import DomainError
from office_app.i18n import tr_error


def open_database(args: argparse.Namespace, require_current: bool = True) -> Database:
    """The database named by --db (or the defaults); exits with a message if it is unusable."""
    db = Database(resolve_db_url(getattr(args, "db", None)))
    if require_current:
        try:
            status = schema_status(db)
        except DomainError as exc:
            fail(tr_error(exc))
        if status.state is not SchemaState.CURRENT:
            fail(f"The database schema is {status.state.value} "
                 f"(database {status.database_revision}, program {status.program_revision}); "
                 "run `office-app db upgrade` first.")
    return db


def fail(message: str, code: int = 1) -> None:
    print(f"office-app: {message}", file=sys.stderr)
    raise SystemExit(code)


def write_output(path: Path, data: bytes) -> None:
    """Write a document the command made; a path that cannot be written ends the command."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")


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
