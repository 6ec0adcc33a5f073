"""Tariffs, VAT rates and statutory interest rates with their dates and history. Supervisors
enter a new price (it closes the open one the day before), end a price, enter rates; an
overlap or a change of days already billed is refused next to the date field."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services.billing import tariffs
from office_app.services.billing.elements import (
    CATEGORY_LABELS,
    ELEMENTS,
    GROUP_LABELS,
    GROUPS,
    UNIT_LABELS,
)
from office_app.services.permissions import Permission
from office_app.ui.billing.common import day
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, NumberField, show_error
from office_app.ui.layout import remember_splitter
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    sample_date,
    sample_datetime,
    selected_row,
)

CATEGORIES = tuple(CATEGORY_LABELS)


def _price(value: Decimal) -> str:
    return current().number(value.normalize() if value == value.to_integral() else value,
                            5 if value != round(value, 2) else 2)


def _unit(element: str) -> str:
    unit = ELEMENTS[element].unit if element in ELEMENTS else ""
    return _(UNIT_LABELS.get(unit, unit)) if unit else ""


TARIFF_COLUMNS = [
    Column(N_("Category"), lambda t: _(CATEGORY_LABELS.get(t.category, t.category)), width=20),
    Column(N_("Tariff group"), lambda t: _(GROUP_LABELS.get(t.tariff_group, t.tariff_group)),
           width=22),
    Column(N_("Tariff element"), lambda t: _(ELEMENTS[t.element].label)
           if t.element in ELEMENTS else t.element, width=34),
    Column(N_("Price (€)"), lambda t: _price(t.price), width=9, align_right=True),
    Column(N_("per"), lambda t: _unit(t.element), width=6),
    Column(N_("Valid from"), lambda t: day(t.valid_from), width=10, sample=sample_date),
    Column(N_("Valid until"), lambda t: day(t.valid_to) or "…", width=10, sample=sample_date),
    Column(N_("Decision"), lambda t: t.source, width=16),
    Column(N_("While disconnected"), lambda t: _("charged") if t.while_disconnected else "",
           width=9),
    Column(N_("Entered by"), lambda t: t.created_by, width=8),
    Column(N_("Closed by"), lambda t: t.closed_by or "", width=8),
]
RATE_COLUMNS = [
    Column(N_("Rate (%)"), lambda r: current().number(r.rate, 2), width=8, align_right=True),
    Column(N_("Valid from"), lambda r: day(r.valid_from), width=10, sample=sample_date),
    Column(N_("Valid until"), lambda r: day(r.valid_to) or "…", width=10, sample=sample_date),
    Column(N_("Decision"), lambda r: r.source, width=16),
    Column(N_("Entered by"), lambda r: r.created_by, width=8),
]
ENTITY_LABELS = {"tariff": N_("Price"), "vat_rate": N_("VAT rate"),
                 "interest_rate": N_("Interest rate")}
ACTION_LABELS = {"create": N_("entered"), "close": N_("closed")}
HISTORY_COLUMNS = [
    Column(N_("When"), lambda h: current().datetime(h.at), width=15, sample=sample_datetime),
    Column(N_("Who"), lambda h: h.operator_code, width=7),
    Column(N_("What"), lambda h: _(ENTITY_LABELS.get(h.entity, h.entity)), width=12),
    Column(N_("Action"), lambda h: _(ACTION_LABELS.get(h.action, h.action)), width=9),
    Column(N_("Values"), lambda h: change_text(h), width=60, stretch=True),
]
#: The fields of a price or rate as the change log names them.
CHANGE_FIELDS = {"key": N_("Tariff element"), "price": N_("Price (€)"),
                 "rate": N_("Rate (%)"), "valid_from": N_("Valid from"),
                 "valid_to": N_("Valid until"), "source": N_("Decision")}


def _change_value(field: str, value: str | None) -> str:
    if value is None or value == "":
        return _("open-ended") if field == "valid_to" else "—"
    try:
        if field == "price":
            return _price(Decimal(value))
        if field == "rate":
            return current().number(Decimal(value), 2)
        if field in ("valid_from", "valid_to"):
            return day(date.fromisoformat(value))
    except (ArithmeticError, ValueError):
        return value
    if field == "key" and value.count("/") == 2:
        category, group, element = value.split("/")
        return " · ".join((_(CATEGORY_LABELS.get(category, category)),
                           _(GROUP_LABELS.get(group, group)),
                           _(ELEMENTS[element].label) if element in ELEMENTS else element))
    return value


def change_text(change: tariffs.TariffChange) -> str:
    """A change of a price or rate in words: "Price (€): 0,08460 · Valid from: 01.01.2026"."""
    if not change.values:
        return change.changes
    parts = []
    for field, old, new in change.values:
        label = _(CHANGE_FIELDS.get(field, field))
        text = _change_value(field, new)
        if old is not None or change.action == "close":
            text = f"{_change_value(field, old)} → {text}"
        parts.append(f"{label}: {text}")
    return " · ".join(parts)


def _combo(items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    for code, label in items:
        box.addItem(label, code)
    return box


class TariffDialog(BaseDialog):
    """A new price for an element of a category and group."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("New price"), context.runner, parent)
        self.context = context
        self.add_row("category", _("Category"), _combo(
            [(c, _(CATEGORY_LABELS[c])) for c in CATEGORIES]))
        self.add_row("tariff_group", _("Tariff group"), _combo(
            [(g, _(GROUP_LABELS[g])) for g in GROUPS]))
        self.add_row("element", _("Tariff element"), _combo(
            [(code, f"{_(e.label)} ({_(UNIT_LABELS[e.unit])})") for code, e in ELEMENTS.items()]))
        self.add_row("price", _("Price (€)"), NumberField("price", _("Price"), decimal=True))
        self.add_row("valid_from", _("Valid from"), DateField("valid_from", _("Valid from")))
        self.add_row("valid_to", _("Valid until (empty: until further notice)"),
                     DateField("valid_to", _("Valid until")))
        self.add_row("source", _("Decision"), QLineEdit())
        self.add_row("while_disconnected", "", QCheckBox(_(
            "Charged also while the point is disconnected (monthly charges only)")))

    def save(self) -> Callable[[], Any]:
        ctx = self.context
        values = (self.field("category").currentData(), self.field("tariff_group").currentData(),
                  self.field("element").currentData(), self.field("price").value(),
                  self.field("valid_from").value(), self.field("valid_to").value(),
                  self.field("source").text())
        price = values[3] if values[3] is not None else ""
        kept = self.field("while_disconnected").isChecked()
        return lambda: tariffs.add_tariff(ctx.db, ctx.operator, values[0], values[1], values[2],
                                          price, values[4], values[5], values[6], kept)


class RateDialog(BaseDialog):
    """A new VAT rate or statutory interest rate."""

    def __init__(self, context: AppContext, kind: str, parent: QWidget | None = None) -> None:
        title = _("New VAT rate") if kind == "vat" else _("New statutory interest rate")
        super().__init__(title, context.runner, parent)
        self.context, self.kind = context, kind
        self.add_row("rate", _("Rate (%)"), NumberField("rate", _("Rate"), decimal=True))
        self.add_row("valid_from", _("Valid from"), DateField("valid_from", _("Valid from")))
        self.add_row("valid_to", _("Valid until (empty: until further notice)"),
                     DateField("valid_to", _("Valid until")))
        self.add_row("source", _("Decision"), QLineEdit())

    def save(self) -> Callable[[], Any]:
        ctx, kind = self.context, self.kind
        rate = self.field("rate").value()
        start, end = self.field("valid_from").value(), self.field("valid_to").value()
        source = self.field("source").text()
        return lambda: tariffs.add_rate(ctx.db, ctx.operator, kind,
                                        rate if rate is not None else "", start, end, source)


class EndDialog(BaseDialog):
    """End a price: it is not charged after the day given."""

    def __init__(self, context: AppContext, row: tariffs.TariffRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("End a price"), context.runner, parent)
        self.context, self.row = context, row
        self.add_row("valid_to", _("Last day charged"), DateField("valid_to", _("Valid until")))

    def save(self) -> Callable[[], Any]:
        ctx, tariff_id = self.context, self.row.id
        last = self.field("valid_to").value()
        return lambda: tariffs.end_tariff(ctx.db, ctx.operator, tariff_id, last)


class TariffsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editor = context.operator.can(Permission.MANAGE_TARIFFS)
        self.category = _combo([("", _("All categories"))]
                               + [(c, _(CATEGORY_LABELS[c])) for c in CATEGORIES])
        self.category.setObjectName("category_filter")
        self.group = _combo([("", _("All groups"))] + [(g, _(GROUP_LABELS[g])) for g in GROUPS])
        self.group.setObjectName("group_filter")
        self.in_force = QCheckBox(_("Only prices in force today"))
        self.in_force.setObjectName("in_force")
        for widget in (self.category, self.group):
            widget.currentIndexChanged.connect(lambda _i: self.refresh())
        self.in_force.toggled.connect(lambda _on: self.refresh())
        self.tariff_model = ListTableModel(TARIFF_COLUMNS, self)
        self.vat_model = ListTableModel(RATE_COLUMNS, self)
        self.interest_model = ListTableModel(RATE_COLUMNS, self)
        self.history_model = ListTableModel(HISTORY_COLUMNS, self)
        self.tables: dict[str, QTableView] = {}
        self.buttons: dict[str, QPushButton] = {}
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Show:")))
        filters.addWidget(self.category)
        filters.addWidget(self.group)
        filters.addWidget(self.in_force)
        filters.addStretch(1)
        filters.addWidget(self._button("new_price", _("New price…"), self.new_price))
        filters.addWidget(self._button("end_price", _("End price…"), self.end_price))
        rates = QHBoxLayout()
        rates.addWidget(self._group_box(_("VAT rates"), "vat", self.vat_model,
                                        self._button("new_vat", _("New VAT rate…"),
                                                     lambda: self.new_rate("vat"))))
        rates.addWidget(self._group_box(
            _("Statutory default-interest rates"), "interest", self.interest_model,
            self._button("new_interest", _("New interest rate…"),
                         lambda: self.new_rate("interest"))))
        split = QSplitter()
        split.addWidget(self._table("tariffs", self.tariff_model))
        split.addWidget(self._group_box(_("Changes"), "history", self.history_model))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        remember_splitter(split, "tariffs", (70, 30))
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 3)
        layout.addLayout(rates, 1)

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(self.editor)
        self.buttons[name] = button
        return button

    def _table(self, name: str, model: ListTableModel) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        configure_view(view, model)
        self.tables[name] = view
        return view

    def _group_box(self, title: str, name: str, model: ListTableModel,
                   button: QPushButton | None = None) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(self._table(name, model))
        if button is not None:
            layout.addWidget(button)
        return box

    def refresh(self) -> None:
        from datetime import date

        ctx = self.context
        category, group = self.category.currentData() or None, self.group.currentData() or None
        on = date.today() if self.in_force.isChecked() else None

        def load() -> tuple[list[Any], ...]:
            return (tariffs.list_tariffs(ctx.db, ctx.operator, category, group, on),
                    tariffs.list_rates(ctx.db, ctx.operator, "vat"),
                    tariffs.list_rates(ctx.db, ctx.operator, "interest"),
                    tariffs.tariff_history(ctx.db, ctx.operator))

        def loaded(result: tuple[list[Any], ...]) -> None:
            for model, rows in zip((self.tariff_model, self.vat_model, self.interest_model,
                                    self.history_model), result, strict=True):
                model.set_rows(rows)

        ctx.runner.run(load, loaded, lambda exc: show_error(self, exc))

    def _run(self, dialog: BaseDialog) -> None:
        if dialog.exec():
            self.refresh()

    def new_price(self) -> None:
        self._run(TariffDialog(self.context, self))

    def new_rate(self, kind: str) -> None:
        self._run(RateDialog(self.context, kind, self))

    def end_price(self) -> None:
        row = selected_row(self.tables["tariffs"])
        record = self.tariff_model.record_at(row) if row is not None else None
        if record is None:
            from office_app.errors import DomainError

            show_error(self, DomainError(N_("Choose a price in the list first.")))
            return
        self._run(EndDialog(self.context, record, self))
