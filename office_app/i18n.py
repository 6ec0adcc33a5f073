"""One mechanism for every string a person reads: gettext catalogues read with Babel.

The Serbian Cyrillic catalogue is not kept by hand: it is the Latin one transliterated with
cyrtranslit, placeholders left untouched. A translator is chosen per call, so a document can be
printed in the customer's language while the clerk's GUI stays in another.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache

import cyrtranslit
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol

from office_app.paths import TRANSLATIONS

DOMAIN = "office_app"
DEFAULT_LANGUAGE = "sr_Latn"
#: UI language code -> its own name, shown in the language menu.
LANGUAGES: dict[str, str] = {
    "sr_Latn": "Crnogorski / srpski (latinica)",
    "sr_Cyrl": "Српски (ћирилица)",
    "sq": "Shqip",
    "en": "English",
}
#: Babel locale used for numbers: English reads 29,335.000 and 1,234.56 €, where the local
#: formats read 29.335,000 and 1.234,56 € (a local 29.335 would read as a decimal in English).
NUMBER_LOCALES = {"sr_Latn": "sr_Latn_ME", "sr_Cyrl": "sr_Cyrl_ME", "sq": "sq_XK",
                  "en": "en"}
DATE_FORMAT = "%d.%m.%Y"
#: English thousands grouping as typed: 1,234 or 12,345,678.90.
_EN_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")
#: Left in Latin script by to_cyrillic: placeholders and markup; file names and patterns;
#: words with letters Serbian does not use (kWh, kW, SQLite, PostgreSQL, Qt); key names.
_PLACEHOLDER = re.compile(
    r"(\{[^}]*\}|%\([^)]*\)[a-z]|%[sd]|<[^>]*>|&\w+;"
    r"|[\w{}*-]*\.(?:pdf|csv|txt|jpe?g|png|sqlite3?|db)\b"
    r"|\b\w*[qwxyQWXY]\w*\b"
    r"|\b(?:Ctrl|Alt|Shift)\+\w+|\b(?:F\d{1,2}|Esc|Enter|Tab|Insert|Delete)\b)")

Translate = Callable[[str], str]


def to_cyrillic(text: str) -> str:
    """Transliterate Latin to Serbian Cyrillic, leaving placeholders and markup alone."""
    parts = _PLACEHOLDER.split(text)
    return "".join(p if _PLACEHOLDER.fullmatch(p) else cyrtranslit.to_cyrillic(p, "sr")
                   for p in parts)


def _po_path(language: str):  # type: ignore[no-untyped-def]
    return TRANSLATIONS / f"{language}.po"


@cache
def _catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    if language == "sr_Cyrl":
        return {k: to_cyrillic(v) for k, v in _catalog("sr_Latn").items()}
    path = _po_path(language)
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=None)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


class Translator:
    """gettext for one language; untranslated strings fall back to the English msgid."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        self.language = language
        self._messages = _catalog(language)

    def gettext(self, msg_id: str, **params: object) -> str:
        text = self._messages.get(msg_id, msg_id)
        return text.format(**params) if params else text

    __call__ = gettext

    def money(self, amount: Decimal | None, currency: str = "€") -> str:
        return "" if amount is None else f"{self.number(amount, 2)} {currency}"

    def number(self, value: Decimal | int | None, decimals: int | None = None) -> str:
        if value is None:
            return ""
        fmt = None if decimals is None else "#,##0." + "0" * decimals if decimals else "#,##0"
        return format_decimal(value, format=fmt, locale=NUMBER_LOCALES[self.language],
                              decimal_quantization=decimals is not None)

    def parse_decimal(self, text: str) -> Decimal:
        """A number as a person types it in this language. A comma or a point may be the
        decimal sign; where both appear the last one is. English also reads its own
        grouping (1,234.56 and 1,234 are 1234.56 and 1234); the local languages read
        1.234,56 as 1234.56 and a lone point as the decimal sign (1.5). Raises
        decimal.InvalidOperation on anything else."""
        text = "".join(text.split())
        if self.language == "en" and _EN_GROUPED.match(text):
            return Decimal(text.replace(",", ""))
        if "," in text and "." in text:
            decimal_sign = "," if text.rindex(",") > text.rindex(".") else "."
            grouping = "." if decimal_sign == "," else ","
            text = text.replace(grouping, "")
        return Decimal(text.replace(",", "."))

    @property
    def decimal_symbol(self) -> str:
        """The decimal sign: a comma in the local languages, a point in English."""
        return get_decimal_symbol(NUMBER_LOCALES[self.language])

    @staticmethod
    def date(value: date | None) -> str:
        return "" if value is None else value.strftime(DATE_FORMAT)

    @staticmethod
    def datetime(value: datetime | None) -> str:
        return "" if value is None else value.strftime(DATE_FORMAT + " %H:%M")


@cache
def translator(language: str) -> Translator:
    return Translator(language)


_current = translator(DEFAULT_LANGUAGE)


def set_language(language: str) -> Translator:
    """Switch the UI language of this process."""
    global _current
    _current = translator(language)
    return _current


def current() -> Translator:
    return _current


def _(msg_id: str, **params: object) -> str:
    """Translate into the current UI language."""
    return _current.gettext(msg_id, **params)


def tr_error(error: object, language: str | None = None) -> str:
    """Translate a DomainError or FieldError (anything with msg_id and params). String
    parameters that are message ids themselves (field labels, roles) are translated too."""
    t = translator(language) if language else _current
    params = {k: t.gettext(v) if isinstance(v, str) else v
              for k, v in error.params.items()}  # type: ignore[attr-defined]
    return t.gettext(error.msg_id, **params)  # type: ignore[attr-defined]
