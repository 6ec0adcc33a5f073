"""The DejaVu fonts shipped in resources/fonts, registered with reportlab.

reportlab's built-in Helvetica has no č ć đ š ž beyond Latin-1 and no Cyrillic at all; DejaVu
covers Montenegrin/Serbian Latin and Cyrillic and Albanian (ë ç), so every document uses it.
"""
from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from office_app.paths import FONTS

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}
_lock = threading.Lock()


def register_fonts() -> None:
    """Register the fonts once per process; safe to call from any thread, any number of times.

    Raises FileNotFoundError when resources/fonts is missing from the installation."""
    with _lock:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / filename)))
        # <b> in a Paragraph switches to the bold face; DejaVu Sans has no italic shipped here.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
