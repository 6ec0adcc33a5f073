"""The auditor's tab: run ``office-app audit`` from the desk (a period or everything), with
progress and cancel, and read every violation with its document, customer and point."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; nothing runs until the auditor presses Run."""
    from office_app.ui.audit.widget import AuditWidget

    return AuditWidget(context)


__all__ = ["create_tab"]
