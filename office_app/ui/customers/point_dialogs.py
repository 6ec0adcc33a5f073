"""Dialogs for metering points and meters: a point, a meter, installing a meter on a point
that has none, and a read-only history list. Transfer and meter replacement, which need
readings, are in office_app.ui.meter_event_dialogs."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import NotFound
from office_app.i18n import _
from office_app.services import metering
from office_app.services.metering import MeterInput, MeterRecord, PointInput, PointRecord
from office_app.services.network import ReaderRecord, ZoneRecord
from office_app.ui.context import AppContext
from office_app.ui.customers.formkit import ChoiceField, RegisterDialog, line
from office_app.ui.customers.labels import POINT_KIND_LABELS
from office_app.ui.forms import DateField, NumberField, translate_buttons
from office_app.ui.lazy_table import Column, ListTableModel, configure_view

NOTE_STYLE = "color: #505050;"


class PointDialog(RegisterDialog):
    """A new point held by ``customer_id`` (``record`` None) or changes to a point."""

    def __init__(self, context: AppContext, customer_id: int, record: PointRecord | None,
                 zones: Sequence[ZoneRecord], readers: Sequence[ReaderRecord],
                 defaults: PointInput | None = None, parent: QWidget | None = None) -> None:
        title = (_("New metering point") if record is None
                 else _("Metering point {number}", number=record.number))
        super().__init__(title, context.runner, parent=parent)
        self.context, self.customer_id, self.record = context, customer_id, record
        self.add_field("number", _("Point number"), line())
        self.add_field("kind", _("Kind"), ChoiceField(
            (k, _(label)) for k, label in POINT_KIND_LABELS.items()))
        self.add_field("address", _("Address"), line())
        self.add_field("place", _("Place"), line())
        self.add_field("zone_id", _("Zone"), ChoiceField(
            [(None, ""), *((z.id, f"{z.code} — {z.name}") for z in zones)]))
        self.add_field("reader_id", _("Meter reader"), ChoiceField(
            [(None, ""), *((r.id, f"{r.code} — {r.name}") for r in readers
                           if r.active or (record and r.id == record.reader_id))]))
        self.add_field("reading_code", _("Reading code"),
                       NumberField("reading_code", _("Reading code")))
        self.add_field("connection_diameter", _("Connection diameter (mm)"),
                       NumberField("connection_diameter", _("Connection diameter (mm)")))
        self.add_field("common_point_number", _("Building common point"),
                       line(placeholder=_("number of the common point, for a flat")))
        if record is None:
            self.add_field("valid_from", _("Held from"), DateField("valid_from", _("Held from")))
            self.field("valid_from").set_value(date.today())
        for name in ("reading_code", "connection_diameter"):
            self.field(name).setMaximumWidth(120)
        self._load(record.as_input() if record else defaults or PointInput())
        self.finish()
        self.resize(max(self.width(), 560), self.sizeHint().height())

    def _load(self, data: PointInput) -> None:
        for name in ("number", "address", "place", "common_point_number"):
            self.field(name).setText(getattr(data, name))
        for name in ("kind", "zone_id", "reader_id"):
            self.field(name).set_value(getattr(data, name))
        for name in ("reading_code", "connection_diameter"):
            self.field(name).set_value(getattr(data, name))

    def values(self) -> PointInput:
        return PointInput(
            number=self.field("number").text(), address=self.field("address").text(),
            place=self.field("place").text(), zone_id=self.field("zone_id").value(),
            reader_id=self.field("reader_id").value(),
            reading_code=self.field("reading_code").value(), kind=self.field("kind").value(),
            connection_diameter=self.field("connection_diameter").value(),
            common_point_number=self.field("common_point_number").text())

    def save(self) -> Callable[[], Any]:
        data, db, operator = self.values(), self.context.db, self.context.operator
        if self.record is None:
            valid_from = self.field("valid_from").value()
            customer_id = self.customer_id
            return lambda: metering.create_point(db, operator, customer_id, data, valid_from)
        point_id = self.record.id
        return lambda: metering.update_point(db, operator, point_id, data)


class _MeterForm(RegisterDialog):
    """The meter's fields in two columns; subclasses add what they need around them."""

    def add_meter_fields(self) -> None:
        self.add_field("type", _("Type"), line(placeholder=_("make and model")))
        self.add_field("two_rate", _("Registers"), QCheckBox(_("Two-rate (VT and MT)")))
        self.add_field("constant", _("Constant"), NumberField("constant", _("Constant"), True))
        self.add_field("digits", _("Digits"), NumberField("digits", _("Digits")))
        self.add_field("peak_load_constant", _("Peak-load constant"),
                       NumberField("peak_load_constant", _("Peak-load constant"), True))
        self.add_field("size", _("Meter size (water)"), line(placeholder=_("e.g. DN20")))
        self.add_field("seal_numbers", _("Seal numbers"), line())
        self.add_field("production_date", _("Production date"),
                       DateField("production_date", _("Production date")), 1)
        self.add_field("calibration_date", _("Calibration date"),
                       DateField("calibration_date", _("Calibration date")), 1)
        self.add_field("nominal_current", _("Nominal current"),
                       line(placeholder=_("e.g. 10(60) A")), 1)
        self.add_field("nominal_voltage", _("Nominal voltage"),
                       line(placeholder=_("e.g. 3x230/400 V")), 1)
        self.add_field("time_switch_number", _("Time switch number"), line(), 1)
        self.add_field("time_switch_type", _("Time switch type"), line(), 1)
        for name in ("constant", "digits", "peak_load_constant"):
            self.field(name).setMaximumWidth(120)

    def load_meter(self, data: MeterInput) -> None:
        for name in ("number", "type", "nominal_current", "nominal_voltage", "time_switch_number",
                     "time_switch_type", "size", "seal_numbers"):
            self.field(name).setText(getattr(data, name))
        for name in ("production_date", "calibration_date", "constant", "digits",
                     "peak_load_constant"):
            self.field(name).set_value(getattr(data, name))
        self.field("two_rate").setChecked(data.two_rate)

    def meter_values(self) -> MeterInput:
        text: dict[str, Any] = {n: self.field(n).text() for n in (
            "number", "type", "nominal_current", "nominal_voltage", "time_switch_number",
            "time_switch_type", "size", "seal_numbers")}
        numbers: dict[str, Any] = {n: self.field(n).value() for n in (
            "production_date", "calibration_date", "constant", "digits", "peak_load_constant")}
        # An empty constant or digit count goes to the service as None, which names the field.
        return MeterInput(two_rate=self.field("two_rate").isChecked(), **text, **numbers)


class MeterDialog(_MeterForm):
    """Changes to a registered meter (its number included)."""

    def __init__(self, context: AppContext, record: MeterRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Meter {number}", number=record.number), context.runner,
                         columns=2, parent=parent)
        self.context, self.record = context, record
        self.add_field("number", _("Meter number"), line())
        self.add_meter_fields()
        self.load_meter(record)
        self.finish()
        self.resize(max(self.width(), 820), self.sizeHint().height())

    def save(self) -> Callable[[], Any]:
        data, db, operator = self.meter_values(), self.context.db, self.context.operator
        meter_id = self.record.id
        return lambda: metering.update_meter(db, operator, meter_id, data)


class InstallMeterDialog(_MeterForm):
    """Put a meter on a point. A number already registered installs that meter as it is (its
    data shown read-only); a new number registers the meter from the form in the same
    transaction as the installation."""

    def __init__(self, context: AppContext, point: PointRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Install a meter on point {number}", number=point.number),
                         context.runner, columns=2, parent=parent)
        self.context, self.point = context, point
        self.existing: MeterRecord | None = None
        self.add_field("number", _("Meter number"), line())
        self.add_field("installed_on", _("Installed on"),
                       DateField("installed_on", _("Installed on")), 1)
        self.field("installed_on").set_value(date.today())
        # The initial reading is required: a new connection's first invoice bills from it.
        self.add_field("initial_vt", _("Initial reading VT"), line(), 1)
        self.add_field("initial_mt", _("Initial reading MT"), line(placeholder=_(
            "two-rate meters only")), 1)
        self.note = QLabel(_("Type the meter number: a registered meter is installed as it is, "
                             "a new one is registered with the data below."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self._columns[0].addRow(self.note)
        self.add_meter_fields()
        self.field("constant").set_value(Decimal(1))
        self.field("digits").set_value(6)
        self.field("number").editingFinished.connect(self._on_number_edited)
        self.finish()
        self.resize(max(self.width(), 820), self.sizeHint().height())

    def _on_number_edited(self) -> None:
        number = self.field("number").text().strip()
        if self.existing is not None and self.existing.number == number:
            return
        if not number:
            self._use(None)
            return
        db, operator = self.context.db, self.context.operator

        def found(meter: MeterRecord) -> None:
            if meter.number == self.field("number").text().strip():  # not typed over since
                self._use(meter)

        def missing(exc: BaseException) -> None:
            if isinstance(exc, NotFound) and number == self.field("number").text().strip():
                self._use(None)

        self.runner.run(lambda: metering.find_meter(db, operator, number), found, missing)

    def _use(self, meter: MeterRecord | None) -> None:
        """Show a registered meter read-only, or open the fields for a new one."""
        was_existing, self.existing = self.existing is not None, meter
        for name in self._meter_field_names():
            self.field(name).setEnabled(meter is None)
        if meter is not None:
            self.load_meter(meter)
            self.note.setText(_("Meter {number} is registered: it will be installed as it is. "
                                "Change its data with Edit meter.", number=meter.number))
        else:
            if was_existing:
                number = self.field("number").text()
                self.load_meter(MeterInput(number=number))
            self.note.setText(_("New meter: fill in its data; it is registered when you "
                                "press OK."))

    def _meter_field_names(self) -> list[str]:
        return [n for n in self._fields
                if n not in ("number", "installed_on", "initial_vt", "initial_mt")]

    def field_aliases(self) -> dict[str, str]:
        return {"meter": "number"}

    def save(self) -> Callable[[], Any]:
        installed_on = self.field("installed_on").value() or date.today()
        db, operator, point_id = self.context.db, self.context.operator, self.point.id
        number = self.field("number").text().strip()
        initial = metering.Registers(self.field("initial_vt").text(),
                                     self.field("initial_mt").text())
        if self.existing is not None and self.existing.number == number:
            meter_id = self.existing.id
            return lambda: metering.install_meter(db, operator, point_id, meter_id, installed_on,
                                                  initial)
        data = self.meter_values()
        return lambda: metering.install_new_meter(db, operator, point_id, data, installed_on,
                                                  initial)


class HistoryDialog(QDialog):
    """A read-only list (meter history, holders, flats); Escape or Close leaves."""

    def __init__(self, title: str, columns: Sequence[Column], rows: Sequence[Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.model = ListTableModel(columns, self)
        self.model.set_rows(rows)
        self.table = QTableView()
        configure_view(self.table, self.model)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not rows:
            layout.addWidget(QLabel(_("Nothing recorded yet.")))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        width = sum(self.table.columnWidth(i) for i in range(len(columns)))
        self.resize(min(max(width + 40, 480), 1000), 360)
