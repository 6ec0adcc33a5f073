"""Log-in, lock-out and user administration on both databases."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from office_app.db import Database
from office_app.errors import AuthenticationError, Conflict, PermissionDenied, ValidationError
from office_app.services import users
from office_app.services.permissions import Operator, Role


def test_first_admin_then_login(db: Database) -> None:
    assert not users.has_users(db)
    users.create_first_admin(db, "admin", "secret1")
    operator, info = users.authenticate(db, "Admin", "secret1")
    assert (operator.role, info.login) == (Role.ADMIN, "admin")
    with pytest.raises(PermissionDenied):
        users.create_first_admin(db, "second", "secret2")


def test_five_failures_lock_for_fifteen_minutes(db: Database) -> None:
    users.create_first_admin(db, "admin", "secret1")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for _attempt in range(4):
        with pytest.raises(AuthenticationError, match="Wrong login or password"):
            users.authenticate(db, "admin", "wrong", now=now)
    with pytest.raises(AuthenticationError, match="locked for 15 minutes"):
        users.authenticate(db, "admin", "wrong", now=now)
    with pytest.raises(AuthenticationError, match="locked"):
        users.authenticate(db, "admin", "secret1", now=now + timedelta(minutes=14))
    operator, _ = users.authenticate(db, "admin", "secret1", now=now + timedelta(minutes=16))
    assert operator.login == "admin"


def test_admin_unlocks_and_resets(db: Database, admin: Operator) -> None:
    users.add_user(db, admin, "blagajna1", Role.CASHIER, "kasa123", "Ana Blagojević", "B01")
    for _attempt in range(5):
        with pytest.raises(AuthenticationError):
            users.authenticate(db, "blagajna1", "nope")
    users.reset_password(db, admin, "blagajna1", "novalozinka")
    operator, _ = users.authenticate(db, "blagajna1", "novalozinka")
    assert (operator.code, operator.role) == ("B01", Role.CASHIER)


def test_user_rules(db: Database, admin: Operator, clerk: Operator) -> None:
    with pytest.raises(ValidationError) as caught:
        users.add_user(db, admin, "X Y", "king", "123")
    assert {e.field for e in caught.value.errors} == {"login", "password", "role"}
    users.add_user(db, admin, "pera", Role.CLERK, "secret1")
    with pytest.raises(Conflict):
        users.add_user(db, admin, "pera", Role.CLERK, "secret1")
    with pytest.raises(PermissionDenied):
        users.add_user(db, clerk, "mika", Role.ADMIN, "secret1")
    users.set_active(db, admin, "pera", False)
    with pytest.raises(AuthenticationError):
        users.authenticate(db, "pera", "secret1")
