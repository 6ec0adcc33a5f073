"""Small pieces the billing pages share: formatting, saving a PDF made in the background."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from office_app.i18n import current
from office_app.ui.documents import ask_pdf_path, open_file, save_pdf

__all__ = ["ask_pdf_path", "day", "money", "open_file", "save_pdf"]


def money(value: Decimal | None) -> str:
    return "" if value is None else current().number(value, 2)


def day(value: date | None) -> str:
    return current().date(value)
