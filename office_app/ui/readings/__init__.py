"""The reading books tab: billing orders, keying books, field records, meter events; and the
energy card page of the customer detail view."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; ``refresh()`` (called when the tab is first shown and on F5) loads the
    periods and the books of the chosen one."""
    from office_app.ui.readings.widget import ReadingsWidget

    return ReadingsWidget(context)


__all__ = ["create_tab"]
