"""Dialogs of the billing order: open a period with its five dates or change them, and the
plausibility rules."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from office_app.i18n import _
from office_app.services import periods
from office_app.services.consumption import BillingPeriodInfo
from office_app.services.periods import DATE_FIELDS, DATE_LABELS, PeriodInput, PlausibilitySettings
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField


class PeriodDialog(BaseDialog):
    """A new billing order (``info`` None, with the usual dates for ``suggested``) or the
    dates of the open one."""

    def __init__(self, context: AppContext, info: BillingPeriodInfo | None, suggested: str = "",
                 parent: QWidget | None = None) -> None:
        title = _("New billing order") if info is None else _("Billing order {period}",
                                                              period=info.period)
        super().__init__(title, context.runner, parent)
        self.context, self.info = context, info
        self.period = QLineEdit(info.period if info else suggested)
        self.period.setPlaceholderText(_("yyyy-mm"))
        self.period.setReadOnly(info is not None)
        self.add_row("period", _("Period"), self.period)
        self.dates: dict[str, DateField] = {}
        for name in DATE_FIELDS:
            field = DateField(name, _(DATE_LABELS[name]))
            self.dates[name] = self.add_row(name, _(DATE_LABELS[name]), field)  # type: ignore[assignment]
        self.period.editingFinished.connect(self._suggest_dates)
        source = info or (self._defaults(suggested) if suggested else None)
        if source is not None:
            for name in DATE_FIELDS:
                self.dates[name].set_value(getattr(source, name))

    @staticmethod
    def _defaults(label: str) -> PeriodInput | None:
        try:
            return periods.default_order(label)
        except Exception:  # noqa: BLE001 - a half-typed label simply suggests nothing
            return None

    def _suggest_dates(self) -> None:
        if self.info is not None or any(d.text() for d in self.dates.values()):
            return
        defaults = self._defaults(self.period.text())
        if defaults is not None:
            for name in DATE_FIELDS:
                self.dates[name].set_value(getattr(defaults, name))

    def save(self) -> Callable[[], Any]:
        values = {name: self.dates[name].value() for name in DATE_FIELDS}
        data = PeriodInput(self.period.text().strip(), **values)  # type: ignore[arg-type]
        db, operator = self.context.db, self.context.operator
        if self.info is None:
            return lambda: periods.open_period(db, operator, data)
        return lambda: periods.update_period(db, operator, data)


class PlausibilityDialog(BaseDialog):
    """The band around the average and the other rules of the plausibility check."""

    def __init__(self, context: AppContext, settings: PlausibilitySettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Plausibility rules"), context.runner, parent)
        self.context = context
        self.low = self._spin("band_low_percent", _("Lower limit (% of average)"), 0, 99,
                              settings.band_low_percent)
        self.high = self._spin("band_high_percent", _("Upper limit (% of average)"), 101,
                               10000, settings.band_high_percent)
        self.months = self._spin("history_months", _("Months of history for the average"), 1,
                                 36, settings.history_months)
        self.streak = self._spin("estimate_streak", _("Highlight after estimates in a row"),
                                 1, 12, settings.estimate_streak)

    def _spin(self, name: str, label: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        self.add_row(name, label, spin)
        return spin

    def save(self) -> Callable[[], Any]:
        data = PlausibilitySettings(self.low.value(), self.high.value(), self.months.value(),
                                    self.streak.value())
        db, operator = self.context.db, self.context.operator
        return lambda: periods.save_settings(db, operator, data)
