"""Integration tests read the program's messages in English and never the developer's own
settings file: each test gets a settings file of its own."""
from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _english_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "office-settings.json"
    path.write_text(json.dumps({"language": "en"}), encoding="utf-8")
    monkeypatch.setenv("OFFICE_SETTINGS", str(path))
    return path
