"""Document numbers of the cash desk (per office, year and desk) and the desk's id."""
from __future__ import annotations

from pathlib import Path

import pytest

from office_app import config
from office_app.services import ledger, numbering


def test_receipts_are_numbered_per_desk_and_other_series_are_not() -> None:
    assert numbering.format_number("receipt", "01", 2024, 42, "KASA1") == \
        "BL-01-2024-KASA1-000042"
    assert numbering.series_name("receipt", "01", 2024, "KASA1") == "receipt:01:2024:KASA1"
    assert numbering.format_number("invoice", "01", 2024, 123) == "01-2024-0000123"
    assert numbering.format_number("storno", "01", 2024, 3) == "ST-01-2024-000003"
    # the ledger's names are the numbering service's (one owner of every format)
    assert ledger.format_number is numbering.format_number
    with pytest.raises(ValueError):
        numbering.series_name("receipt", "01", 2024)
    with pytest.raises(ValueError):
        numbering.series_name("invoice", "01", 2024, "KASA1")
    with pytest.raises(ValueError):
        numbering.format_number("receipt", "01", 2024, 1, "kasa 1")


def test_desk_id_from_the_settings_else_the_host_name(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICE_SETTINGS", str(tmp_path / "settings.json"))
    monkeypatch.setattr("socket.gethostname", lambda: "blagajna-centar.office.local")
    assert config.desk_id() == "BLAGAJNA"
    config.save_settings(config.Settings(desk="kasa2", printer="HP LaserJet"))
    assert config.desk_id() == "KASA2"
    assert config.load_settings().printer == "HP LaserJet"
