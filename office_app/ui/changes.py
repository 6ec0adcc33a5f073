"""The "what changed" notification: one small bus that any screen tells when it changed money
or documents, and that open screens listen to (the financial card, the invoice list, the
drawer), so they refresh when a payment is posted anywhere in the program.

Emitted on the GUI thread (from an operation's ``on_done``); listeners refresh through the
operation runner as usual."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

#: Kinds of change.
PAYMENT = "payment"


class ChangeBus(QObject):
    """``sig_changed(kind, customer_id)``: ``customer_id`` is 0 when many customers changed."""

    sig_changed = Signal(str, int)

    def notify(self, kind: str, customer_id: int = 0) -> None:
        self.sig_changed.emit(kind, customer_id)


_bus: ChangeBus | None = None


def bus() -> ChangeBus:
    """The program's one bus (made on first use, after the QApplication)."""
    global _bus
    if _bus is None:
        _bus = ChangeBus()
    return _bus
