"""Settings: the database URL and the user's language, kept in a small JSON file per user.

No password is ever written there: ``save_settings`` strips it from the URL, and a password the
user asked to remember goes to the operating system's keyring (``remember_password``), from
which ``resolve_db_url`` takes it back. The file is created readable by its owner only."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from office_app import paths

ENV_DB_URL = "OFFICE_DB_URL"
ENV_SETTINGS = "OFFICE_SETTINGS"


@dataclass
class Settings:
    db_url: str | None = None
    language: str = "sr_Latn"
    #: This desk's id (receipt series, drawers); empty: taken from the host name.
    desk: str = ""
    #: The desk's printer for slips and documents (empty: the system's default).
    printer: str = ""


def desk_id(settings: Settings | None = None) -> str:
    """The desk id from the settings file, else the host name cut to what a receipt number
    holds (8 letters, digits or dashes, upper case)."""
    import re
    import socket

    chosen = (settings or load_settings()).desk.strip()
    if chosen:
        return chosen.upper()
    host = re.sub(r"[^A-Z0-9-]", "", socket.gethostname().split(".")[0].upper())
    return (host.strip("-")[:8] or "DESK1")


def settings_path() -> Path:
    override = os.environ.get(ENV_SETTINGS)
    return Path(override) if override else paths.config_dir() / "settings.json"


def load_settings() -> Settings:
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {k: v for k, v in data.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)


def save_settings(settings: Settings) -> None:
    """Write the settings file (mode 0600), with any password removed from the URL."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(settings)
    if settings.db_url:
        data["db_url"] = without_password(settings.db_url)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have been made 0644
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, indent=2))


# --- passwords in the operating system's keyring ----------------------------------------------

KEYRING_SERVICE = "office-app"


def without_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    return parsed._replace(password=None).render_as_string(hide_password=False)


def password_of(url: str) -> str | None:
    """The password a URL carries, if any."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).password or None  # type: ignore[return-value]
    except ArgumentError:
        return None


def remember_password(url: str, password: str) -> None:
    """Keep a connection's password in the keyring, under the URL without it; raises
    keyring.errors.KeyringError when the system has no usable keyring."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, without_password(url), password)


def forget_password(url: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(KEYRING_SERVICE, without_password(url))
    except KeyringError:
        pass


def with_remembered_password(url: str) -> str:
    """The URL with the password the keyring holds for it (if any)."""
    import keyring
    from keyring.errors import KeyringError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        if parsed.password or not parsed.username:
            return url
        password = keyring.get_password(KEYRING_SERVICE, without_password(url))
    except (ArgumentError, KeyringError):
        return url
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def default_db_url() -> str:
    return f"sqlite:///{paths.data_dir() / 'office.sqlite3'}"


def resolve_db_url(cli_url: str | None = None) -> str:
    """--db, else OFFICE_DB_URL, else the settings file, else an SQLite file in the data dir."""
    if cli_url or os.environ.get(ENV_DB_URL):
        return cli_url or os.environ[ENV_DB_URL]
    saved = load_settings().db_url
    return with_remembered_password(saved) if saved else default_db_url()


# --- connection URLs (the GUI's connection dialog edits these parts) ---------------------------

POSTGRES_DRIVER = "postgresql+psycopg2"


@dataclass(frozen=True)
class ConnectionParts:
    kind: str = "postgresql"        # "postgresql" or "sqlite"
    host: str = "localhost"
    port: int = 5432
    database: str = "office"
    user: str = ""                  # empty: each person connects as their own login role
    password: str = ""
    path: str = ""                  # SQLite file


def parse_url(url: str) -> ConnectionParts:
    """The parts of a database URL; a malformed URL gives the defaults."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return ConnectionParts()
    if parsed.get_backend_name() == "sqlite":
        return ConnectionParts(kind="sqlite", path=parsed.database or "")
    return ConnectionParts("postgresql", parsed.host or "", parsed.port or 5432,
                           parsed.database or "", parsed.username or "", parsed.password or "")


def compose_url(parts: ConnectionParts) -> str:
    from sqlalchemy.engine import URL

    if parts.kind == "sqlite":
        return URL.create("sqlite", database=str(Path(parts.path).expanduser())).render_as_string(
            hide_password=False)
    return URL.create(POSTGRES_DRIVER, username=parts.user or None,
                      password=parts.password or None,
                      host=parts.host, port=parts.port, database=parts.database,
                      ).render_as_string(hide_password=False)


def display_url(url: str) -> str:
    """The URL with its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
