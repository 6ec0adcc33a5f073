"""The litigation register tab (legal office and supervisors): cases, their events and
deadlines, attachments, closing, enforcement proposals."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; ``refresh()`` loads the register and the deadlines."""
    from office_app.ui.legal.widget import LegalWidget

    return LegalWidget(context)


__all__ = ["create_tab"]
