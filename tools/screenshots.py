"""The screenshot tour: every tab, page and dialog of every role on a fresh demo office, in the
four UI languages, saved as PNGs with an index page, for review.

    python3 tools/screenshots.py --out DIR [--languages en sq] [--check] [--no-png]
                                 [--utility water]

Runs offscreen on a 1366×768 screen; with ``--check`` it also lists every text that does not
fit its widget, every shortcut letter used twice in a dialog and every dialog class of
office_app.ui the tour never opened, and exits with 1 if any
(tests/ui/test_tour.py runs it that way). Uses the project's .venv when started with another
Python.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def _reexec_in_venv() -> None:
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])


def _offscreen(workdir: Path) -> None:
    """An offscreen platform with one 1366×768 screen (the smallest the desk supports)."""
    from office_app.ui.tour import SCREEN

    config = workdir / "offscreen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "tour", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1],
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["OFFICE_SETTINGS"] = str(workdir / "settings.json")


def _index(out: Path, names: list[str], problems: dict[str, list[str]]) -> None:
    rows = []
    for name in names:
        notes = "".join(f"<li>{html.escape(p)}</li>" for p in problems.get(name, []))
        rows.append(f'<figure><a href="{name}.png"><img src="{name}.png" loading="lazy" '
                    f'width="480"></a><figcaption>{html.escape(name)}'
                    f'{"<ul>" + notes + "</ul>" if notes else ""}</figcaption></figure>')
    (out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>office-app screenshot tour</title>"
        "<style>body{font-family:sans-serif}figure{display:inline-block;margin:8px;"
        "vertical-align:top}ul{color:#b00020}</style>"
        f"<h1>Screenshot tour: {len(names)} screens</h1>" + "".join(rows), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--languages", nargs="*", default=None,
                        help="UI languages (default: all four)")
    parser.add_argument("--check", action="store_true",
                        help="list texts that do not fit; exit 1 if any")
    parser.add_argument("--no-png", action="store_true", help="check only, save nothing")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--utility", choices=("electricity", "water"), default="electricity",
                        help="the demo office's utility (water: m³ meters, water reminders)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="office-tour-"))
    _offscreen(work)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    app.setOrganizationName("office-app-tour")
    app.setApplicationName("office-app-tour")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qs"))
    from office_app.i18n import LANGUAGES
    from office_app.ui.tour import Shot, build_tour_office, dialogs_not_shown, problems, tour

    started = time.monotonic()
    db = build_tour_office(work / "demo.sqlite", args.customers, args.utility)
    out: Path = args.out
    names: list[str] = []
    found: dict[str, list[str]] = {}

    def on_shot(shot: Shot) -> None:
        names.append(shot.name)
        if args.check:
            listed = problems(shot.widget, shot.dialog)
            if listed:
                found[shot.name] = listed
        if not args.no_png:
            path = out / f"{shot.name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            shot.widget.grab().save(str(path))

    languages = tuple(args.languages or LANGUAGES)
    tour(db, on_shot, languages)
    if not args.no_png:
        _index(out, names, found)
    seconds = time.monotonic() - started
    print(f"{len(names)} screens in {len(languages)} languages, "
          f"{0 if args.no_png else len(names)} PNGs in {out}, {seconds:.1f} s")
    for name, listed in found.items():
        for problem in listed:
            print(f"NOT FITTING {name}: {problem}")
    missing = dialogs_not_shown() if args.check else []
    for dialog in missing:
        print(f"NOT IN TOUR: {dialog}")
    db.engine.dispose()
    return 1 if found or missing else 0


if __name__ == "__main__":
    _reexec_in_venv()
    sys.exit(main())
