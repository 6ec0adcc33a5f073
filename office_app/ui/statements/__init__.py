"""The statements tab ("Izvodi"): import bank and post statements, see what each line became,
and assign the unmatched credits to customers by hand."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    from office_app.ui.statements.widget import StatementsWidget

    return StatementsWidget(context)


__all__ = ["create_tab"]
