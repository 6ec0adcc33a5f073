"""The complaint book tab (customer care: clerks and supervisors): complaints with their
deadlines (overdue ones stand out), answers, printed copies, answer letters and e-mail drafts."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; ``refresh()`` loads the book."""
    from office_app.ui.complaints.widget import ComplaintsWidget

    return ComplaintsWidget(context)


__all__ = ["create_tab"]
