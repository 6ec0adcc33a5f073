"""An amount of money in words, as a payment slip writes it beside the figures: the euros in
words and the cents as a fraction (``pedeset sedam EUR i 03/100``).

Serbian/Montenegrin and English come from num2words; its Serbian is ekavian, so the few words
that differ are given their ijekavian form (dve → dvije, dvesta → dvjesta), as Montenegro
writes them. num2words has no Albanian: ``albanian`` below spells it (numbers up to
999,999,999,999)."""
from __future__ import annotations

from decimal import Decimal

from num2words import num2words

from office_app.i18n import Translator, to_cyrillic

_IJEKAVIAN = {"dve": "dvije", "dvesta": "dvjesta"}

_SQ_UNITS = ["zero", "një", "dy", "tre", "katër", "pesë", "gjashtë", "shtatë", "tetë", "nëntë",
             "dhjetë", "njëmbëdhjetë", "dymbëdhjetë", "trembëdhjetë", "katërmbëdhjetë",
             "pesëmbëdhjetë", "gjashtëmbëdhjetë", "shtatëmbëdhjetë", "tetëmbëdhjetë",
             "nëntëmbëdhjetë"]
_SQ_TENS = ["", "", "njëzet", "tridhjetë", "dyzet", "pesëdhjetë", "gjashtëdhjetë",
            "shtatëdhjetë", "tetëdhjetë", "nëntëdhjetë"]
_SQ_SCALES = [(10**9, "miliard", "miliardë"), (10**6, "milion", "milionë"),
              (1000, "mijë", "mijë")]


def _sq_below_thousand(n: int) -> str:
    parts = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(("një" if hundreds == 1 else _SQ_UNITS[hundreds]) + "qind")
    if rest:
        if rest < 20:
            parts.append(_SQ_UNITS[rest])
        else:
            tens, unit = divmod(rest, 10)
            parts.append(_SQ_TENS[tens] + (f" e {_SQ_UNITS[unit]}" if unit else ""))
    return " e ".join(parts)


def albanian(n: int) -> str:
    """A whole number in Albanian words: 1234 -> një mijë e dyqind e tridhjetë e katër."""
    if n == 0:
        return "zero"
    if not 0 < n < 10**12:
        raise ValueError(f"{n} is out of range")
    parts = []
    for scale, one, many in _SQ_SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(f"{_sq_below_thousand(count)} {one if count == 1 else many}")
    if n:
        parts.append(_sq_below_thousand(n))
    return " e ".join(parts)


def whole_words(n: int, language: str) -> str:
    if language == "sq":
        return albanian(n)
    if language == "en":
        return str(num2words(n, lang="en"))
    words = " ".join(_IJEKAVIAN.get(w, w) for w in str(num2words(n, lang="sr")).split())
    return to_cyrillic(words) if language == "sr_Cyrl" else words


def amount_in_words(amount: Decimal, t: Translator) -> str:
    """``amount`` (euros, two decimals, not negative) in the translator's language."""
    if amount < 0:
        raise ValueError("an amount in words is never negative")
    cents = int((amount * 100).to_integral_value())
    euros, rest = divmod(cents, 100)
    return t("{words} EUR and {cents}/100", words=whole_words(euros, t.language),
             cents=f"{rest:02d}")
