"""The screenshot tour walked as a test: every tab, page and dialog of every role in the four
languages at 1366×768, failing when a label, button, tab or header text does not fit its widget
or a shortcut letter repeats within a dialog. The checker itself is tested on widgets made to
fail."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout
from pytestqt.qtbot import QtBot

from office_app.ui.tour import problems, repeated_mnemonics

ROOT = Path(__file__).resolve().parents[2]


def test_the_checker_finds_cut_texts_and_repeated_shortcuts(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    label = QLabel("&Repeat password")
    button = QPushButton("Přiložit fotografie a &ručně zapsaný záznam…")
    layout.addWidget(label)
    layout.addWidget(button)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert problems(dialog, dialog=True) == ["shortcut Alt+R used 2 times"]
    button.setFixedWidth(60)
    found = problems(dialog, dialog=True)
    assert any(p.startswith("button 'Přiložit fotografie") for p in found)
    label.setFixedWidth(30)
    assert any(p.startswith("label 'Repeat password'") for p in problems(dialog))
    button.setText("&Attach…")
    assert repeated_mnemonics(dialog) == []


def test_every_screen_of_the_tour_fits_in_four_languages(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--out", str(tmp_path),
         "--check", "--no-png"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    report = [line for line in result.stdout.splitlines()
              if line.startswith(("NOT FITTING", "NOT IN TOUR", "screens"))
              or " screens in " in line]
    assert result.returncode == 0, "\n".join(report) + result.stderr[-2000:]
    screens = int(report[-1].split()[0])
    assert screens >= 400  # 4 languages × 6 roles × every tab, page and dialog
