"""Extra pages of the customer detail view, contributed by later tabs' packages.

Each entry is ``(title msgid, factory)``; the factory takes the AppContext and returns a QWidget
with a ``load(customer_id: int) -> None`` method. The detail view shows every page as a sub-tab
after its own sections and calls ``load`` whenever another customer is shown. A package appends
its page here at import time of this module (edit this list), e.g. the reading book's
"Energy card" and billing's "Financial card".
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

from office_app.ui.context import AppContext


class CustomerPage(Protocol):
    def load(self, customer_id: int) -> None: ...


PageFactory = Callable[[AppContext], QWidget]

#: (title msgid, factory(context) -> QWidget with load(customer_id)).
CUSTOMER_PAGES: list[tuple[str, PageFactory]] = []
