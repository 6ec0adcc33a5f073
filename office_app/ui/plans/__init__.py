"""The installment plans tab (Reprogrami): every plan with its collection on a date, the
selected plan's installments, a new plan, the agreement for signature and the daily check."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    """The tab widget; ``refresh()`` loads the plans."""
    from office_app.ui.plans.widget import PlansWidget

    return PlansWidget(context)


__all__ = ["create_tab"]
