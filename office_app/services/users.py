"""Users, passwords and log-in.

Passwords are hashed with Argon2id at OWASP's parameters (19 MiB, t=2, p=1). Five failed
attempts lock an account for 15 minutes; an administrator can unlock it and set a new password.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from office_app.db import Database
from office_app.errors import (
    N_,
    AuthenticationError,
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from office_app.i18n import LANGUAGES
from office_app.models import User
from office_app.services.permissions import Operator, Permission, Role

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 6
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_LOGIN = re.compile(r"^[a-z0-9._-]{2,40}$")


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    code: str
    full_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    language: str


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.login, user.code, user.full_name, Role(user.role), user.active,
                    _aware(user.locked_until), user.language)


def _operator(user: User) -> Operator:
    return Operator(user.id, user.code, user.login, user.full_name, Role(user.role))


def has_users(db: Database) -> bool:
    with db.unit_of_work() as s:
        return bool(s.scalar(select(func.count()).select_from(User)))


def _validate(login: str, password: str, role: str, code: str, full_name: str) -> None:
    errors = []
    if not _LOGIN.match(login):
        errors.append(FieldError("login", N_(
            "Login: use 2 to 40 lower-case letters, digits, dots, dashes or underscores.")))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", N_(
            "Password: use at least {count} characters."), {"count": MIN_PASSWORD_LENGTH}))
    if role not in Role.__members__.values():
        errors.append(FieldError("role", N_("Role: choose one of {roles}."),
                                 {"roles": ", ".join(r.value for r in Role)}))
    if not code.strip() or len(code) > 20:
        errors.append(FieldError("code", N_("Operator code: enter 1 to 20 characters.")))
    if not full_name.strip() or len(full_name) > 120:
        errors.append(FieldError("full_name", N_("Full name: enter 1 to 120 characters.")))
    if errors:
        raise ValidationError(errors)


def _insert_user(db: Database, created_by: str, login: str, role: str, password: str,
                 full_name: str, code: str, language: str) -> UserInfo:
    login = login.strip().lower()
    code = (code or login).strip().upper()[:20]
    full_name = full_name.strip() or login
    _validate(login, password, role, code, full_name)
    with db.unit_of_work() as s:
        if s.scalar(select(User.id).where(User.login == login)):
            raise Conflict(N_("Login: {login} is taken; choose another."), "login", login=login)
        if s.scalar(select(User.id).where(User.code == code)):
            raise Conflict(N_("Operator code: {code} is taken; choose another."), "code",
                           code=code)
        user = User(login=login, code=code, full_name=full_name, role=role,
                    password_hash=_hasher.hash(password), created_by=created_by,
                    language=language if language in LANGUAGES else "sr_Latn")
        s.add(user)
        s.flush()
        return _info(user)


def create_first_admin(db: Database, login: str, password: str, full_name: str = "",
                       language: str = "sr_Latn") -> UserInfo:
    """Create the administrator of an empty database; refused once any user exists."""
    if has_users(db):
        raise PermissionDenied(N_("The administrator has already been set up."))
    return _insert_user(db, "SYSTEM", login, Role.ADMIN, password, full_name or "Administrator",
                        login, language)


def add_user(db: Database, operator: Operator, login: str, role: str, password: str,
             full_name: str = "", code: str = "", language: str = "sr_Latn") -> UserInfo:
    operator.require(Permission.MANAGE_USERS)
    return _insert_user(db, operator.code, login, role, password, full_name, code, language)


def list_users(db: Database, operator: Operator) -> list[UserInfo]:
    operator.require(Permission.MANAGE_USERS)
    with db.unit_of_work() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.login))]


def _get(s, login: str) -> User:  # type: ignore[no-untyped-def]
    user = s.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None:
        raise NotFound(N_("There is no user {login}."), "login", login=login)
    return user


def set_active(db: Database, operator: Operator, login: str, active: bool) -> UserInfo:
    operator.require(Permission.MANAGE_USERS)
    if not active and login.strip().lower() == operator.login:
        raise Conflict(N_("You cannot disable your own account."), "login")
    with db.unit_of_work() as s:
        user = _get(s, login)
        user.active = active
        return _info(user)


def reset_password(db: Database, operator: Operator, login: str, password: str) -> UserInfo:
    """Set a new password and lift a lock (administrator's action)."""
    operator.require(Permission.MANAGE_USERS)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError([FieldError("password", N_(
            "Password: use at least {count} characters."), {"count": MIN_PASSWORD_LENGTH})])
    with db.unit_of_work() as s:
        user = _get(s, login)
        user.password_hash = _hasher.hash(password)
        user.failed_attempts = 0
        user.locked_until = None
        return _info(user)


def set_language(db: Database, operator: Operator, language: str) -> None:
    """Remember the user's UI language."""
    if language not in LANGUAGES:
        return
    with db.unit_of_work() as s:
        user = s.get(User, operator.user_id)
        if user is not None:
            user.language = language


def authenticate(db: Database, login: str, password: str,
                 now: datetime | None = None) -> tuple[Operator, UserInfo]:
    """Check a login; counts failures and locks the account after five of them."""
    now = now or _now()
    with db.unit_of_work() as s:
        user = s.scalar(select(User).where(User.login == login.strip().lower()))
        if user is None or not user.active:
            raise AuthenticationError(N_("Wrong login or password."), "password")
        locked_until = _aware(user.locked_until)
        if locked_until is not None and locked_until > now:
            raise AuthenticationError(
                N_("This account is locked after too many failed attempts until {time}. "
                   "Ask an administrator to unlock it."), "login",
                time=locked_until.astimezone().strftime("%H:%M"))
        if _verify(user.password_hash, password):
            user.failed_attempts = 0
            user.locked_until = None
            return _operator(user), _info(user)
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.failed_attempts = 0
            user.locked_until = now + LOCK_DURATION
        failed = user.failed_attempts
    # The failure count was committed above; only now tell the user.
    if failed == 0:
        raise AuthenticationError(
            N_("Wrong password. The account is now locked for {minutes} minutes."), "password",
            minutes=int(LOCK_DURATION.total_seconds() // 60))
    raise AuthenticationError(N_("Wrong login or password."), "password")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
