"""The supervisor's retention tab: what has passed its keeping period on a day, per kind of
record, and archiving the selection after a confirmation that says what will happen."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    from office_app.ui.retention.widget import RetentionWidget

    return RetentionWidget(context)


__all__ = ["create_tab"]
