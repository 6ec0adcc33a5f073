"""The zones-and-readers tab: the small registers of zones (transformer areas) and meter
readers, edited in dialogs."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; ``refresh()`` (called by the main window when the tab is first shown)
    loads both lists."""
    from office_app.ui.network.widget import NetworkWidget

    return NetworkWidget(context)


__all__ = ["create_tab"]
