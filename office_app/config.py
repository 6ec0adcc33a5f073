"""Settings: the database URL and the user's language, kept in a small JSON file per user."""
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
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")


def default_db_url() -> str:
    return f"sqlite:///{paths.data_dir() / 'office.sqlite3'}"


def resolve_db_url(cli_url: str | None = None) -> str:
    """--db, else OFFICE_DB_URL, else the settings file, else an SQLite file in the data dir."""
    return cli_url or os.environ.get(ENV_DB_URL) or load_settings().db_url or default_db_url()


# --- connection URLs (the GUI's connection dialog edits these parts) ---------------------------

POSTGRES_DRIVER = "postgresql+psycopg2"


@dataclass(frozen=True)
class ConnectionParts:
    kind: str = "postgresql"        # "postgresql" or "sqlite"
    host: str = "localhost"
    port: int = 5432
    database: str = "office"
    user: str = "postgres"
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
    return URL.create(POSTGRES_DRIVER, username=parts.user, password=parts.password or None,
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
