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
