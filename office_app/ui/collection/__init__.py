"""The collection tab: the warning run with its preview, the warning register, and the order
register with the field crew's records (disconnection, reconnection)."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    from office_app.ui.collection.widget import CollectionWidget

    return CollectionWidget(context)


__all__ = ["create_tab"]
