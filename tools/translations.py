#!/usr/bin/env python3
"""Extract every message id from office_app and update the translation catalogues.

    python tools/translations.py           # write messages.pot, update sr_Latn.po and sq.po
    python tools/translations.py --check   # list untranslated message ids; exit 1 if any

A message id is the first argument, a string literal, of a call to one of:
``_("…")`` (UI), ``N_("…")`` (services, labels in tables), ``t("…")`` / ``tr("…")`` and
``<anything>.gettext("…")`` (documents, with ``t = translator(language)``), and
``translator(language)("…")``. Calls with a computed first argument are not extracted: mark
the literal with ``N_()`` where it is written.

sr_Latn.po and sq.po keep their translations (Babel's update; near matches of a changed
message come back marked fuzzy, which the application ignores until a translator checks
them). sr_Cyrl needs no catalogue: office_app.i18n transliterates sr_Latn with cyrtranslit.
Only the standard library and Babel are used.
"""
from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "office_app"
TRANSLATIONS = ROOT / "resources" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
#: Catalogues kept by hand (sr_Cyrl is derived from sr_Latn).
LANGUAGES = ("sr_Latn", "sq")
FUNCTION_NAMES = frozenset({"_", "N_", "t", "tr", "gettext"})
METHOD_NAMES = frozenset({"gettext", "_"})
FACTORY_NAMES = frozenset({"translator"})
PROJECT = "office-app"
HEADER = ("# Translations of office-app, the utility office's commercial-sector client.\n"
          "# Updated by tools/translations.py; see that script's docstring.\n#")


@dataclass(frozen=True)
class Message:
    msgid: str
    locations: tuple[tuple[str, int], ...]


def _callee_is_keyword(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in FUNCTION_NAMES
    if isinstance(func, ast.Attribute):
        return func.attr in METHOD_NAMES
    if isinstance(func, ast.Call):  # translator(language)("…")
        inner = func.func
        name = inner.id if isinstance(inner, ast.Name) else getattr(inner, "attr", None)
        return name in FACTORY_NAMES
    return False


def messages_in(source: str, filename: str = "<string>") -> list[tuple[str, int]]:
    """(msgid, line) of every marked string literal in one module's source."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if (isinstance(node, ast.Call) and node.args and _callee_is_keyword(node.func)
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str) and node.args[0].value):
            found.append((node.args[0].value, node.lineno))
    return sorted(found, key=lambda item: item[1])


def extract(package: Path = SOURCE) -> dict[str, Message]:
    """Every message id in the package, in file order, with where it is used."""
    seen: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).as_posix()
        for msgid, line in messages_in(path.read_text(encoding="utf-8"), relative):
            seen.setdefault(msgid, []).append((relative, line))
    return {msgid: Message(msgid, tuple(locations)) for msgid, locations in seen.items()}


def template(messages: Iterable[Message]) -> Catalog:
    catalog = Catalog(project=PROJECT, charset="utf-8", fuzzy=False, header_comment=HEADER)
    for message in messages:
        catalog.add(message.msgid, locations=message.locations)
    return catalog


def read_catalog(language: str, directory: Path = TRANSLATIONS) -> Catalog:
    path = directory / f"{language}.po"
    if not path.exists():
        return Catalog(locale=language, project=PROJECT, charset="utf-8", fuzzy=False,
                       header_comment=HEADER, language_team=f"office-app {language}",
                       last_translator="office-app team")
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def untranslated(catalog: Catalog, msgids: Iterable[str]) -> list[str]:
    """Message ids with no translation, or only a fuzzy one (which the application ignores)."""
    missing = []
    for msgid in msgids:
        entry = catalog.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(msgid)
    return missing


def _render(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True,
             sort_by_file=False)
    return out.getvalue()


def _without_dates(content: bytes) -> bytes:
    return b"\n".join(line for line in content.splitlines()
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def _write(path: Path, content: bytes) -> bool:
    """Write unless only the header dates would change; returns whether the file changed."""
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(content):
        return False
    path.write_bytes(content)
    return True


def update(directory: Path = TRANSLATIONS) -> dict[str, list[str]]:
    """Write messages.pot and update every catalogue; returns the untranslated ids per
    language."""
    messages = extract()
    pot = template(messages.values())
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / TEMPLATE.name, _render(pot))
    report = {}
    for language in LANGUAGES:
        catalog = read_catalog(language, directory)
        catalog.update(pot, update_header_comment=False, update_creation_date=False)
        _write(directory / f"{language}.po", _render(catalog))
        report[language] = untranslated(catalog, messages)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only list untranslated message ids; change no file")
    args = parser.parse_args(argv)
    messages = extract()
    if args.check:
        report = {lang: untranslated(read_catalog(lang), messages) for lang in LANGUAGES}
    else:
        report = update()
    print(f"{len(messages)} message ids in {SOURCE.name}/")
    for language, missing in report.items():
        print(f"{language}: {len(missing)} untranslated")
        for msgid in missing:
            where = ", ".join(f"{f}:{n}" for f, n in messages[msgid].locations[:2])
            print(f"  {msgid!r}  ({where})")
    return 1 if args.check and any(report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
