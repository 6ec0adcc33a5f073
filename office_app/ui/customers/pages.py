"""Extra pages of the customer detail view, contributed by later tabs' packages.

Each entry is ``(title msgid, factory)``; the factory takes the AppContext and returns a QWidget
with a ``load(customer_id: int) -> None`` method. The detail view shows every page as a sub-tab
after its own sections and calls ``load`` whenever another customer is shown (also after the
customer was edited). A page is shown to every role that sees the customer tab; hide what a role
may not see inside the page.

To add a page, append an entry to CUSTOMER_PAGES below whose factory imports its own package
lazily (so the customer tab never imports other tabs at load time), e.g.::

    def _energy_card(context: AppContext) -> QWidget:
        from office_app.ui.readings.energy_card import EnergyCardWidget
        return EnergyCardWidget(context)

    CUSTOMER_PAGES.append((N_("Energy card"), _energy_card))
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

from office_app.errors import N_
from office_app.ui.context import AppContext


class CustomerPage(Protocol):
    def load(self, customer_id: int) -> None: ...


PageFactory = Callable[[AppContext], QWidget]

#: (title msgid, factory(context) -> QWidget with load(customer_id)).
CUSTOMER_PAGES: list[tuple[str, PageFactory]] = []


def _status_history(context: AppContext) -> QWidget:
    from office_app.ui.customers.status_history import StatusHistoryWidget

    return StatusHistoryWidget(context)


CUSTOMER_PAGES.append((N_("Status history"), _status_history))


def _energy_card(context: AppContext) -> QWidget:
    from office_app.ui.readings.energy_card import EnergyCardWidget

    return EnergyCardWidget(context)


CUSTOMER_PAGES.append((N_("Energy card"), _energy_card))


def _financial_card(context: AppContext) -> QWidget:
    from office_app.ui.billing.card_page import FinancialCardWidget

    return FinancialCardWidget(context)


CUSTOMER_PAGES.append((N_("Financial card"), _financial_card))
