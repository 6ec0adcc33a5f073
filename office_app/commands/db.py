"""`office-app db upgrade`: create or migrate the schema."""
from __future__ import annotations

import argparse

from office_app.cli import add_db_option
from office_app.commands import fail, open_database
from office_app.db import SchemaState, schema_status, upgrade
from office_app.errors import N_


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="create or migrate the schema to this program's version")
    add_db_option(up)
    up.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    db = open_database(args, require_current=False, create=True)
    status = schema_status(db)
    if status.state is SchemaState.NEWER:
        fail(N_("The database (revision {database}) is newer than this program ({program}); "
                "install the newer program instead."), database=status.database_revision,
             program=status.program_revision)
    upgrade(db)
    print(f"Schema at revision {schema_status(db).database_revision} on {db.display_url}")
    return 0
