"""The customer register tab: search, results, details, and the dialogs for customers, metering
points and meters. ``pages.CUSTOMER_PAGES`` lets other packages add pages to the details."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; ``refresh()`` (called by the main window when the tab is first shown and
    on F5) loads the zone filter and runs the search."""
    from office_app.ui.customers.widget import CustomerRegisterWidget

    return CustomerRegisterWidget(context)


__all__ = ["create_tab"]
