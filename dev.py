#!/usr/bin/env python3
"""Set up the project in a local virtual environment and run it.

    python3 dev.py demo   # install, build the demo office, open the application
    python3 dev.py test   # install, run linters and the whole test suite (SQLite and PostgreSQL)

Only the standard library is used here: this is what runs on a fresh clone.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
DEMO_DB = ROOT / "demo-office.sqlite3"


def _run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def ensure_venv() -> None:
    """Create .venv and install the project with its test extras, once per pyproject change."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PY.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing the application and its dependencies ...", flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], cwd=ROOT)
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "-e", ".[test]"], cwd=ROOT)
    STAMP.write_text(digest)


def demo(extra: list[str]) -> int:
    url = f"sqlite:///{DEMO_DB}"
    if not DEMO_DB.exists():
        print(f"Building the demo office in {DEMO_DB.name} ...", flush=True)
        rc = _run(BIN / "office-app", "demo", "--db", url)
        if rc:
            return rc
    else:
        print("Demo users: admin/admin123, supervisor/super123, cashier/cash123, clerk/clerk123, "
              "legal/legal123, auditor/audit123", flush=True)
    return _run(BIN / "office-app", "--db", url, *extra)


def test(extra: list[str]) -> int:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for step in (
        [BIN / "ruff", "check", "office_app", "tests", "bench", "tools", "dev.py"],
        [BIN / "mypy"],
    ):
        print("$", " ".join(str(s.name if isinstance(s, Path) else s) for s in step), flush=True)
        if _run(*step, env=env):
            return 1
    return _run(PY, "-m", "pytest", "-q", *extra, env=env)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_venv()
    command, extra = sys.argv[1], sys.argv[2:]
    return demo(extra) if command == "demo" else test(extra)


if __name__ == "__main__":
    sys.exit(main())
