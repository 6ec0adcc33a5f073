"""The billing tab (issue 5): the billing and interest runs with a progress bar, the invoice
register with batch printing, copies, credit and debit notes and statements, and the tariffs;
and the financial card page of the customer detail view."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


def create_tab(context: AppContext) -> QWidget:
    from office_app.ui.billing.widget import BillingWidget

    return BillingWidget(context)


__all__ = ["create_tab"]
