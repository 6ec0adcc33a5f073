"""Every message in the code is translated, and translations keep their placeholders.

A string added to the code without a translation in sr_Latn.po and sq.po turns this red: run
``python tools/translations.py``, translate what it lists, and commit the catalogues.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from office_app.i18n import _PLACEHOLDER as KEPT_LATIN  # what to_cyrillic leaves alone
from office_app.i18n import to_cyrillic, translator

ROOT = Path(__file__).resolve().parents[2]
_BRACES = re.compile(r"\{([^{}]*)\}")


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("office_translations",
                                                  ROOT / "tools" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
MESSAGES = tool.extract()


def _placeholders(text: str) -> set[str]:
    return set(_BRACES.findall(text))


def test_extraction_finds_every_marking_style() -> None:
    source = '''
from office_app.i18n import _, translator
from office_app.errors import N_
LABELS = {"a": N_("Meter")}
def f(t, lang):
    _("Save")
    t("Customer {code}", code=1)
    translator(lang)("Page {page} of {pages}", page=1, pages=2)
    t.gettext("Reading code")
    _(LABELS["a"])              # computed: marked where written
    super().__init__("not a message")
'''
    assert [m for m, _ in tool.messages_in(source)] == [
        "Meter", "Save", "Customer {code}", "Page {page} of {pages}", "Reading code"]


def test_the_code_has_messages() -> None:
    # Guards the extractor against silently finding nothing.
    assert {"Customer record extract", "Customers", "Cancel"} <= set(MESSAGES)


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    missing = tool.untranslated(tool.read_catalog(language), MESSAGES)
    listing = "\n".join(f"  {m!r} ({MESSAGES[m].locations[0][0]})" for m in missing)
    assert not missing, (f"{len(missing)} message(s) without a {language} translation; run "
                         f"`python tools/translations.py` and translate:\n{listing}")


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    wrong = []
    for entry in tool.read_catalog(language):
        if not entry.id or not entry.string or not isinstance(entry.id, str):
            continue
        if _placeholders(entry.id) != _placeholders(entry.string):
            wrong.append(f"{entry.id!r} -> {entry.string!r}")
            continue
        values = {name: "x" for name in _placeholders(entry.id)}
        try:
            entry.string.format(**values)
        except (ValueError, IndexError, KeyError) as exc:
            wrong.append(f"{entry.string!r}: {exc}")
    assert wrong == []


#: Letters of the Serbian Latin alphabet; any of them left means transliteration missed text.
_SERBIAN_LATIN = re.compile(r"[a-pr-vzA-PR-VZčćđšžČĆĐŠŽ]")


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_translations_keep_keyboard_accelerators(language: str) -> None:
    """A label with an &accelerator keeps exactly one, so the form stays usable by keyboard."""
    wrong = [f"{entry.id!r} -> {entry.string!r}" for entry in tool.read_catalog(language)
             if isinstance(entry.id, str) and entry.string
             and (entry.id.replace("&&", "").count("&") == 1)
             != (entry.string.replace("&&", "").count("&") == 1)]
    assert wrong == []


def test_cyrillic_is_derived_from_latin_with_placeholders_intact() -> None:
    cyrillic, latin = translator("sr_Cyrl"), translator("sr_Latn")
    assert cyrillic("Customer") == "Купац"
    assert cyrillic("Metering point {number}", number="100245") == "Мјерно мјесто 100245"
    leftovers = []
    for msgid in MESSAGES:
        text = cyrillic(msgid)
        if _placeholders(text) != _placeholders(msgid):
            leftovers.append(f"{msgid!r}: placeholders changed in {text!r}")
        if latin(msgid) != msgid and _SERBIAN_LATIN.search(KEPT_LATIN.sub("", text)):
            leftovers.append(f"{msgid!r}: Latin letters left in {text!r}")
    assert leftovers == []


def test_to_cyrillic_leaves_placeholders_alone() -> None:
    assert to_cyrillic("Šifra kupca {code}: {field}") == "Шифра купца {code}: {field}"


def test_units_technical_words_file_patterns_and_keys_stay_latin() -> None:
    assert to_cyrillic("Vršno opterećenje kW, potrošnja kWh") == (
        "Вршно оптерећење kW, потрошња kWh")
    assert to_cyrillic("SQLite baze (*.sqlite3 *.db)") == "SQLite базе (*.sqlite3 *.db)"
    assert to_cyrillic("PDF dokumenti (*.pdf)") == "ПДФ документи (*.pdf)"
    assert to_cyrillic("izvod-{code}.pdf") == "izvod-{code}.pdf"
    assert to_cyrillic("PostgreSQL server") == "PostgreSQL сервер"
    assert to_cyrillic("Novi kupac (Ctrl+N)") == "Нови купац (Ctrl+N)"
    assert to_cyrillic("Nazad (Esc), pritisnite Tab") == "Назад (Esc), притисните Tab"
