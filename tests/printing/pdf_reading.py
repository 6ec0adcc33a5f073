"""Reading an invoice back from its PDF the way a customer would: every printed string with
its position, charge rows split into their columns, numbers parsed in the document's own
number format (taken from the language's Translator, so English formats are followed too)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from pypdf import PdfReader
from reportlab.lib.units import mm

from office_app.i18n import translator

PAGE_H_MM = 297.0


@dataclass(frozen=True)
class Word:
    x: float      # mm from the left
    top: float    # mm from the top (baseline)
    text: str


def words(pdf: bytes, page: int = 0) -> list[Word]:
    found: list[Word] = []

    def visit(text: str, cm: list[float], tm: list[float], *_args: object) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append(Word(x / mm, PAGE_H_MM - y / mm, text.strip()))

    PdfReader(BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def rows_between(found: list[Word], top: float, bottom: float) -> list[list[Word]]:
    """Strings whose baseline lies between ``top`` and ``bottom`` (mm), grouped by line."""
    rows: dict[float, list[Word]] = {}
    for w in found:
        if top <= w.top <= bottom:
            key = next((k for k in rows if abs(k - w.top) < 0.5), round(w.top, 1))
            rows.setdefault(key, []).append(w)
    return [sorted(r, key=lambda w: w.x) for _k, r in sorted(rows.items())]


class Numbers:
    """Parses numbers printed in one language's format."""

    def __init__(self, language: str) -> None:
        sample = translator(language).number(Decimal("1234.5"), 2)
        self.decimal = sample[-3]
        self.group = sample[1] if len(sample) == 8 else ""

    def parse(self, text: str) -> Decimal:
        text = text.replace("€", "").strip()
        if self.group:
            text = text.replace(self.group, "")
        text = re.sub(r"[\s\u00a0\u202f]", "", text)
        return Decimal(text.replace(self.decimal, "."))


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
