"""The cash desk tab ("Blagajna"): the counter and the cashier's drawer."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.cashdesk.widget import CounterWidget
from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    return CounterWidget(context)


__all__ = ["CounterWidget", "create_tab"]
