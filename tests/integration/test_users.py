"""Log-in, lock-out and user administration on both databases."""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from office_app.db import Database
from office_app.errors import (
    AuthenticationError,
    Conflict,
    DomainError,
    PermissionDenied,
    ValidationError,
)
from office_app.services import users
from office_app.services.permissions import SYSTEM, Operator, Role


def test_first_admin_then_login(db: Database) -> None:
    assert not users.has_users(db)
    users.create_first_admin(db, "admin", "secret1")
    operator, info = users.authenticate(db, "Admin", "secret1")
    assert (operator.role, info.login) == (Role.ADMIN, "admin")
    with pytest.raises(PermissionDenied):
        users.create_first_admin(db, "second", "secret2")


# On PostgreSQL the server checks passwords; the test server trusts 127.0.0.1, so wrong
# passwords are tried against a scram-sha-256 cluster in test_server_guide.py instead.

def test_five_failures_lock_for_fifteen_minutes(sqlite_db: Database) -> None:
    db = sqlite_db
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


def test_admin_unlocks_and_resets(sqlite_db: Database, admin: Operator) -> None:
    db = sqlite_db
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


def test_eight_parallel_guessers_get_at_most_five_password_checks(
        sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each attempt is claimed by one atomic UPDATE before the hash is checked."""
    users.create_first_admin(sqlite_db, "admin", "secret1")
    checks: list[str] = []
    real_verify = users._verify

    def counting(password_hash: str, password: str) -> bool:
        if password_hash != users._DUMMY_HASH:
            checks.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(users, "_verify", counting)

    def guess(n: int) -> str:
        try:
            users.log_in(sqlite_db, "admin", f"guess{n}")
        except DomainError as exc:
            return exc.msg_id
        return "in"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(guess, range(8)))
    assert len(checks) <= 5
    assert "in" not in answers and any("locked" in a for a in answers)
    with pytest.raises(AuthenticationError, match="locked"):
        users.log_in(sqlite_db, "admin", "secret1")


def test_an_unknown_login_costs_the_same_time_as_a_known_one(sqlite_db: Database) -> None:
    users.create_first_admin(sqlite_db, "admin", "secret1")

    def cost(login: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(AuthenticationError):
                users.log_in(sqlite_db, login, "wrong")
            times.append(time.perf_counter() - start)
            users.reset_password(sqlite_db, SYSTEM, "admin", "secret1")
        return statistics.median(times)

    known, unknown = cost("admin"), cost("nobody")
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(
        db: Database, admin: Operator) -> None:
    users.create_first_admin(db, "boss", "secret1")
    with pytest.raises(Conflict, match="last active administrator"):
        users.set_active(db, admin, "boss", False)
    with pytest.raises(Conflict, match="last active administrator"):
        users.set_role(db, admin, "boss", Role.CLERK)
    users.add_user(db, admin, "deputy", Role.ADMIN, "secret1")
    assert users.set_role(db, admin, "boss", Role.SUPERVISOR).role is Role.SUPERVISOR
