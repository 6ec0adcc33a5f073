"""`office-app users add|list|disable|enable|role|password`: user accounts, for the IT service.

On PostgreSQL each action changes the application's user row and the user's login role in one
transaction (a trigger keeps them in step): ``disable`` makes the role NOLOGIN and ends the
user's open sessions; ``password`` sets the role's SCRAM-SHA-256 secret and lifts a lock."""
from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from office_app.cli import add_db_option
from office_app.commands import fail, open_database
from office_app.db import Database
from office_app.errors import N_, DomainError
from office_app.i18n import tr_error
from office_app.services import users
from office_app.services.permissions import SYSTEM, Role
from office_app.services.users import UserInfo


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("users", help="user accounts")
    actions = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user")
    add.add_argument("login")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", default="", help="full name")
    add.add_argument("--code", default="", help="operator code (default: the login)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input instead of a prompt")
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help="list users")
    listing.set_defaults(handler=_list)
    disable = actions.add_parser("disable", help="disable a user and end their open sessions")
    disable.add_argument("login")
    disable.set_defaults(handler=_disable)
    enable = actions.add_parser("enable", help="enable a disabled user")
    enable.add_argument("login")
    enable.set_defaults(handler=_enable)
    role = actions.add_parser("role", help="give a user another role")
    role.add_argument("login")
    role.add_argument("role", choices=[r.value for r in Role])
    role.set_defaults(handler=_role)
    password = actions.add_parser("password", help="set a new password (also lifts a lock)")
    password.add_argument("login")
    password.add_argument("--password-stdin", action="store_true",
                          help="read the password from standard input instead of a prompt")
    password.set_defaults(handler=_new_password)
    for p in (add, listing, disable, enable, role, password):
        add_db_option(p)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        fail(N_("The passwords do not match."))
    return first


def _add(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        info = users.add_user(db, SYSTEM, args.login, args.role, _password(args), args.name,
                              args.code)
    except DomainError as exc:
        fail(tr_error(exc))
    print(f"Added {info.login} ({info.role.value}, operator code {info.code})")
    return 0


def _list(args: argparse.Namespace) -> int:
    db = open_database(args)
    for u in users.list_users(db, SYSTEM):
        state = "active" if u.active else "disabled"
        print(f"{u.login:<16} {u.code:<8} {u.role.value:<11} {state:<9} {u.full_name}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    return _change(args, lambda db: users.set_active(db, SYSTEM, args.login, False), "Disabled")


def _enable(args: argparse.Namespace) -> int:
    return _change(args, lambda db: users.set_active(db, SYSTEM, args.login, True), "Enabled")


def _role(args: argparse.Namespace) -> int:
    return _change(args, lambda db: users.set_role(db, SYSTEM, args.login, args.role),
                   f"Role {args.role} given to")


def _new_password(args: argparse.Namespace) -> int:
    return _change(args, lambda db: users.reset_password(db, SYSTEM, args.login,
                                                         _password(args)), "New password for")


def _change(args: argparse.Namespace, action: Callable[[Database], UserInfo], done: str) -> int:
    db = open_database(args)
    try:
        info = action(db)
    except DomainError as exc:
        fail(tr_error(exc))
    print(f"{done} {info.login}")
    return 0
