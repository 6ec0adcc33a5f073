"""Qt stays out of the domain: models, services and printing never import PySide6, so printing
and batch commands work on a server with no display."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "office_app"
DOMAIN_LAYERS = ("models", "services", "printing", "commands", "demo")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", DOMAIN_LAYERS)
def test_domain_layers_do_not_import_qt(layer: str) -> None:
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        qt = {n for n in _imports(path)
              if n.split(".")[0] in ("PySide6", "shiboken6", "qtawesome")
              or n.startswith("office_app.ui")}
        if qt:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(qt)}")
    assert offenders == []


def test_ui_does_not_touch_the_orm() -> None:
    """Widgets call services; they never open sessions or query models themselves."""
    offenders = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        orm = {n for n in _imports(path) if n.startswith(("sqlalchemy", "office_app.models"))}
        if orm:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(orm)}")
    assert offenders == []
