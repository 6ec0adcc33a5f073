"""The one icon set of the desk: Material Design Icons 6 through qtawesome, named by what they
mean here (``icon("print")``), plus the application icon and the office's logo slot in
``resources/``.

Buttons get their icon from their objectName (``BUTTON_ICONS``) when ``decorate(root)`` walks
a screen, so a page keeps naming its buttons and never picks glyphs itself.
"""
from __future__ import annotations

from functools import cache

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QAbstractButton, QToolButton, QWidget

from office_app.paths import RESOURCES

ICON_DIR = RESOURCES / "icons"
LOGO_DIR = RESOURCES / "logo"
APP_ICON = ICON_DIR / "office-app.svg"
COLOR = "#2b4a6b"

#: Meaning -> Material Design Icons 6 glyph.
GLYPHS: dict[str, str] = {
    "customers": "mdi6.account-group", "readings": "mdi6.book-open-page-variant",
    "billing": "mdi6.receipt-text", "network": "mdi6.map-marker-radius",
    "users": "mdi6.account-key", "audit": "mdi6.shield-check",
    "plans": "mdi6.calendar-clock", "collection": "mdi6.alert-octagon",
    "cashdesk": "mdi6.cash-register", "statements": "mdi6.bank-transfer-in",
    "legal": "mdi6.gavel", "complaints": "mdi6.comment-alert",
    "retention": "mdi6.archive-clock",
    "print": "mdi6.printer", "pdf": "mdi6.file-pdf-box",
    "new": "mdi6.plus-circle", "edit": "mdi6.pencil", "check": "mdi6.clipboard-check",
    "run": "mdi6.play-circle", "cancel": "mdi6.stop-circle", "interest": "mdi6.percent",
    "note": "mdi6.file-document-edit", "statement": "mdi6.file-chart",
    "import": "mdi6.file-import", "key": "mdi6.keyboard", "period_new": "mdi6.calendar-plus",
    "period_edit": "mdi6.calendar-edit", "period_close": "mdi6.calendar-lock",
    "rules": "mdi6.tune-variant", "field": "mdi6.clipboard-text-clock",
    "replace": "mdi6.counter", "transfer": "mdi6.account-switch",
    "terminate": "mdi6.file-sign", "implausible": "mdi6.alert-circle",
    "price": "mdi6.tag-plus", "price_end": "mdi6.tag-remove", "profile": "mdi6.calculator",
    "back": "mdi6.arrow-left", "refresh": "mdi6.refresh", "switch_user": "mdi6.logout",
    "quit": "mdi6.exit-to-app", "connection": "mdi6.lan-connect", "about": "mdi6.information",
    "language": "mdi6.translate", "energy": "mdi6.lightning-bolt", "card": "mdi6.cash-multiple",
    "history": "mdi6.history", "user_add": "mdi6.account-plus", "user_off": "mdi6.account-off",
    "user_on": "mdi6.account-check", "password": "mdi6.key-variant",
    "ok": "mdi6.check-circle", "warning": "mdi6.alert-circle",
    "building": "mdi6.office-building-outline",
    "holder": "mdi6.account-edit", "search": "mdi6.text-box-search",
}

#: A button's objectName -> meaning (see decorate()).
BUTTON_ICONS: dict[str, str] = {
    "new_customer": "new", "edit_customer": "edit", "print_extract": "pdf",
    "print_period": "print", "copy": "print", "statement": "statement", "note": "note",
    "check": "check", "run": "run", "cancel": "cancel", "interest": "interest",
    "new_period": "period_new", "edit_period": "period_edit", "close_period": "period_close",
    "rules": "rules", "key_book": "key", "print_books": "print", "print_book": "print",
    "implausible": "implausible", "field_records": "field", "import": "import",
    "replacement": "replace", "transfer": "transfer", "termination": "terminate",
    "new_price": "price", "end_price": "price_end", "new_vat": "price",
    "new_interest": "interest", "billing_profile": "profile", "print_card": "print",
    "print_statement": "statement", "print_energy_card": "print", "new_holder": "holder",
    "post": "ok",
}


@cache
def icon(meaning: str) -> QIcon:
    """The desk's icon for ``meaning`` (a key of GLYPHS)."""
    return qta.icon(GLYPHS[meaning], color=COLOR)


def decorate(root: QWidget) -> int:
    """Give every button under ``root`` that is named in BUTTON_ICONS and has no icon yet its
    icon; returns how many were given one."""
    given = 0
    for button in root.findChildren(QAbstractButton):
        meaning = BUTTON_ICONS.get(button.objectName())
        if meaning is None or not button.icon().isNull():
            continue
        if isinstance(button, QToolButton) and button.defaultAction() is not None:
            button.defaultAction().setIcon(icon(meaning))
            # keep the words: a tool button shows only its icon by default
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        else:
            button.setIcon(icon(meaning))
        given += 1
    return given


@cache
def app_icon() -> QIcon:
    """The application's icon (resources/icons/office-app.svg)."""
    return QIcon(str(APP_ICON)) if APP_ICON.exists() else icon("building")


def office_logo(height: int = 64) -> QPixmap:
    """The office's logo from resources/logo/office-logo.(svg|png), ``height`` pixels tall;
    the application icon when the office has not put one there."""
    for name in ("office-logo.svg", "office-logo.png"):
        path = LOGO_DIR / name
        if path.exists():
            picture = QPixmap(str(path))
            if not picture.isNull():
                return picture.scaledToHeight(height)
    return app_icon().pixmap(height, height)
