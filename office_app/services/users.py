"""Users, passwords and log-in.

On PostgreSQL every user is a login role of the server (office_app.privileges): the password is
the role's SCRAM-SHA-256 secret, PostgreSQL checks it when the desk connects as the person, and
a trigger keeps the role (group, LOGIN/NOLOGIN, password) in step with the ``app_user`` row. On
SQLite passwords are hashed with Argon2id at OWASP's parameters (19 MiB, t=2, p=1).

Five failed attempts lock an account for 15 minutes. Each attempt is counted *before* the
password is checked, by one atomic UPDATE, so parallel guessers get at most five checks; an
unknown login costs the same Argon2 time as a known one. An administrator can unlock an account
by setting a new password. The last active administrator cannot be disabled or demoted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from office_app import privileges
from office_app.db import Database
from office_app.errors import (
    N_,
    AuthenticationError,
    Conflict,
    DatabaseUnavailable,
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
#: Verified against when the login is unknown, so that costs the same time as a known one.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


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


def _secret(s: Session, password: str) -> str:
    """What ``app_user.password_hash`` is given: on PostgreSQL the SCRAM-SHA-256 verifier,
    computed here so the clear password never reaches the server (the trigger hands it to the
    login role and keeps only a marker); on SQLite the Argon2id hash."""
    connection = s.connection()
    if connection.dialect.name != "postgresql":
        return _hasher.hash(password)
    from psycopg2.extensions import encrypt_password

    raw = connection.connection.dbapi_connection
    return str(encrypt_password(password, "", raw, "scram-sha-256"))


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
                    password_hash=_secret(s, password), created_by=created_by,
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
    """Add a user (and on PostgreSQL their login role, in the same transaction)."""
    operator.require(Permission.MANAGE_USERS)
    return _insert_user(db, operator.code, login, role, password, full_name, code, language)


def list_users(db: Database, operator: Operator) -> list[UserInfo]:
    operator.require(Permission.MANAGE_USERS)
    with db.unit_of_work() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.login))]


def _get(s: Session, login: str, lock: bool = False) -> User:
    query = select(User).where(User.login == login.strip().lower())
    user = s.scalar(query.with_for_update() if lock else query)
    if user is None:
        raise NotFound(N_("There is no user {login}."), "login", login=login)
    return user


def _keep_an_administrator(s: Session, user: User) -> None:
    """Refuse to disable or demote the last active administrator (PostgreSQL's trigger refuses
    it too; this is the message)."""
    if user.role != Role.ADMIN or not user.active:
        return
    # Lock the administrators' rows so two desks cannot each remove "the other" one.
    others = s.scalars(select(User.id).where(User.role == Role.ADMIN, User.active,
                                             User.id != user.id).with_for_update()).all()
    if not others:
        raise Conflict(N_("{login} is the last active administrator; make another user an "
                          "administrator first."), "login", login=user.login)


def set_active(db: Database, operator: Operator, login: str, active: bool) -> UserInfo:
    """Enable or disable a user. On PostgreSQL disabling makes the login role NOLOGIN and ends
    the user's open sessions, so their next action is refused."""
    operator.require(Permission.MANAGE_USERS)
    if not active and login.strip().lower() == operator.login:
        raise Conflict(N_("You cannot disable your own account."), "login")
    with db.unit_of_work() as s:
        user = _get(s, login, lock=True)
        if not active:
            _keep_an_administrator(s, user)
        user.active = active
        return _info(user)


@dataclass(frozen=True)
class DisableImpact:
    """What disabling ``login`` would leave: the active users still in the role, and the
    cash drawers the user has open (a supervisor closes those)."""

    user: UserInfo
    others_in_role: int
    open_drawers: int


def disable_impact(db: Database, operator: Operator, login: str) -> DisableImpact:
    """The counts an administrator confirms before disabling ``login``; writes nothing."""
    from office_app.models import CashSession

    operator.require(Permission.MANAGE_USERS)
    with db.unit_of_work() as s:
        user = _get(s, login)
        others = s.scalar(select(func.count()).select_from(User).where(
            User.role == user.role, User.active.is_(True), User.id != user.id)) or 0
        drawers = s.scalar(select(func.count()).select_from(CashSession).where(
            CashSession.created_by == user.code, CashSession.closed_at.is_(None))) or 0
        return DisableImpact(_info(user), others, drawers)


def set_role(db: Database, operator: Operator, login: str, role: str) -> UserInfo:
    """Give a user another office role (on PostgreSQL: another group role)."""
    operator.require(Permission.MANAGE_USERS)
    if role not in Role.__members__.values():
        raise ValidationError([FieldError("role", N_("Role: choose one of {roles}."),
                                          {"roles": ", ".join(r.value for r in Role)})])
    with db.unit_of_work() as s:
        user = _get(s, login, lock=True)
        if role != Role.ADMIN:
            _keep_an_administrator(s, user)
        user.role = role
        return _info(user)


def reset_password(db: Database, operator: Operator, login: str, password: str) -> UserInfo:
    """Set a new password and lift a lock (administrator's action)."""
    operator.require(Permission.MANAGE_USERS)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError([FieldError("password", N_(
            "Password: use at least {count} characters."), {"count": MIN_PASSWORD_LENGTH})])
    with db.unit_of_work() as s:
        user = _get(s, login)
        user.password_hash = _secret(s, password)
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


# --- log-in -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoggedIn:
    """A person's session: on PostgreSQL ``db`` is their own connection (their login role);
    on SQLite it is the database the log-in was made on."""

    db: Database
    operator: Operator
    info: UserInfo


def _wrong() -> AuthenticationError:
    return AuthenticationError(N_("Wrong login or password."), "password")


def _locked(until: datetime) -> AuthenticationError:
    return AuthenticationError(
        N_("This account is locked after too many failed attempts until {time}. "
           "Ask an administrator to unlock it."), "login",
        time=until.astimezone().strftime("%H:%M"))


def _now_locked() -> AuthenticationError:
    return AuthenticationError(
        N_("Wrong password. The account is now locked for {minutes} minutes."), "password",
        minutes=int(LOCK_DURATION.total_seconds() // 60))


def log_in(db: Database, login: str, password: str, now: datetime | None = None) -> LoggedIn:
    """Check a login and open the person's session; raises AuthenticationError (wrong
    password, locked, disabled) or DatabaseUnavailable. ``now`` is for tests on SQLite; on
    PostgreSQL the server's clock decides."""
    login = login.strip().lower()
    if db.is_postgres:
        return _log_in_postgres(db, login, password)
    operator, info = _authenticate_local(db, login, password, now or _now())
    return LoggedIn(db, operator, info)


def authenticate(db: Database, login: str, password: str,
                 now: datetime | None = None) -> tuple[Operator, UserInfo]:
    """``log_in`` for a check only (e.g. an administrator authorising an upgrade)."""
    session = log_in(db, login, password, now)
    if session.db is not db:
        session.db.dispose()
    return session.operator, session.info


def _authenticate_local(db: Database, login: str, password: str,
                        now: datetime) -> tuple[Operator, UserInfo]:
    """SQLite: claim an attempt atomically, then verify the Argon2 hash outside the lock."""
    with db.unit_of_work() as s:
        s.execute(update(User).where(User.login == login, User.locked_until <= now)
                  .values(failed_attempts=0, locked_until=None))
        claimed = s.execute(update(User).where(
            User.login == login, User.active, User.locked_until.is_(None),
            User.failed_attempts < MAX_FAILED_ATTEMPTS)
            .values(failed_attempts=User.failed_attempts + 1)).rowcount  # type: ignore[attr-defined]
        user = s.scalar(select(User).where(User.login == login))
        if user is not None and not claimed and user.active:
            locked_until = _aware(user.locked_until)
            if locked_until is None:  # the attempts are used up: lock now
                user.failed_attempts, user.locked_until = 0, now + LOCK_DURATION
                locked_until = now + LOCK_DURATION
        password_hash = user.password_hash if user is not None and claimed else None
    if user is not None and not claimed and user.active:
        _verify(_DUMMY_HASH, password)
        raise _locked(locked_until)  # type: ignore[arg-type]
    if password_hash is None or not _verify(password_hash, password):
        if password_hash is None:
            _verify(_DUMMY_HASH, password)
        elif _lock_if_used_up(db, login, now):
            raise _now_locked()
        raise _wrong()
    with db.unit_of_work() as s:
        user = _get(s, login)
        user.failed_attempts, user.locked_until = 0, None
        return _operator(user), _info(user)


def _lock_if_used_up(db: Database, login: str, now: datetime) -> bool:
    with db.unit_of_work() as s:
        return bool(s.execute(update(User).where(
            User.login == login, User.failed_attempts >= MAX_FAILED_ATTEMPTS,
            or_(User.locked_until.is_(None), User.locked_until <= now))
            .values(failed_attempts=0, locked_until=now + LOCK_DURATION)).rowcount)  # type: ignore[attr-defined]


def _log_in_postgres(db: Database, login: str, password: str) -> LoggedIn:
    """PostgreSQL: count the attempt (office_login_begin, under a row lock), then let the
    server check the password by connecting as the person's login role."""
    names = privileges.names_for(db.engine.url.database or "")
    with db.unit_of_work() as s:
        until = s.scalar(text("SELECT office_login_begin(:login)"), {"login": login})
    if until is not None:
        raise _locked(until)
    person = Database(db.engine.url.set(username=names.login(login), password=password)
                      .render_as_string(hide_password=False))
    try:
        with person.unit_of_work() as s:
            s.execute(text("SELECT office_login_succeeded()"))
            user = _get(s, login)
            operator, info = _operator(user), _info(user)
    except (DatabaseUnavailable, OperationalError, NotFound) as exc:
        person.dispose()
        if not _refused_credentials(exc):
            raise
        with db.unit_of_work() as s:
            until = s.scalar(text("SELECT office_login_failed(:login)"), {"login": login})
        raise _now_locked() if until is not None else _wrong() from None
    return LoggedIn(person, operator, info)


def _refused_credentials(exc: Exception) -> bool:
    """The server refused who we are (and not: the server cannot be reached)."""
    if isinstance(exc, NotFound):
        return True
    detail = str(exc.__cause__ or exc)
    return any(marker in detail for marker in (
        "password authentication failed", "is not permitted to log in", "does not exist",
        "no password supplied", "pg_hba.conf"))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
