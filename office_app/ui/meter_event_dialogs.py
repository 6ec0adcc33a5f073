"""Dialogs for the changes that come with a reading: meter replacement (with seal numbers and
photographs), ownership transfer, contract termination. Each saves in one transaction.

Shared by the Reading books tab (the point typed by its number) and the customer register's
points page (opened on the selected point, whose number is then fixed), so neither tab has a
way to swap a meter or pass a point on without its readings."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from office_app.errors import N_, FieldError, NotFound
from office_app.i18n import _
from office_app.services import customers, metering
from office_app.services.customers import CustomerRecord
from office_app.services.meter_events import (
    PhotoInput,
    Registers,
    ReplacementInput,
    replace_meter,
    terminate_contract,
    transfer_unmetered,
    transfer_with_reading,
)
from office_app.services.metering import MeterInput, PointRecord
from office_app.services.termination import termination_notice
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, print_document
from office_app.ui.forms import BaseDialog, DateField, InputError, NumberField

PHOTO_FILTER = N_("Pictures (*.jpg *.jpeg *.png)")
NOTE_STYLE = "color: #505050;"


def _line(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return edit


class _PointDialog(BaseDialog):
    """A dialog that starts from a metering point typed by its number."""

    def __init__(self, title: str, context: AppContext, point_number: str,
                 parent: QWidget | None) -> None:
        super().__init__(title, context.runner, parent)
        self.setMinimumWidth(560)
        self.context = context
        self.point = _line(_("metering point number"))
        self.point.setText(point_number)
        self.add_row("point", _("Metering point"), self.point)
        self.point_info = QLabel()
        self.point_info.setObjectName("point_info")
        self.form.addRow("", self.point_info)
        self.point.editingFinished.connect(self._look_up)
        self.found: PointRecord | None = None

    def start_with(self, point: PointRecord | None) -> None:
        """Open on a known point (the customer register's selection): its number is fixed.
        Subclasses call this last in ``__init__``, once their fields exist."""
        if point is not None:
            self.point.setText(point.number)
            self.point.setReadOnly(True)
            self._on_found(point)

    def _on_found(self, point: PointRecord) -> None:
        self.found = point
        meter = point.meter.number if point.meter else _("no meter")
        self.point_info.setText(f"{point.holder_code} {point.holder_name} · {meter}")
        self.on_point(point)

    def _look_up(self) -> None:
        number = self.point.text().strip()
        if not number or (self.found and self.found.number == number):
            return
        db, operator = self.context.db, self.context.operator

        def missing(exc: BaseException) -> None:
            self.found = None
            self.point_info.setText("")
            self._failed(exc)

        self.context.runner.run(lambda: metering.find_point(db, operator, number),
                                self._on_found, missing)

    def on_point(self, point: PointRecord) -> None:
        """Hook: the typed point was found."""

    def point_id(self) -> int:
        if self.found is None or self.found.number != self.point.text().strip():
            raise InputError(FieldError("point", N_(
                "Metering point: type the point's number and press Tab to find it.")))
        return self.found.id

    def registers(self, prefix: str) -> Registers:
        return Registers(*(self.field(f"{prefix}_{n}").text() for n in ("vt", "mt", "peak")))

    def add_registers(self, prefix: str, title: str) -> None:
        for name, label in (("vt", "VT"), ("mt", "MT"), ("peak", _("Peak load"))):
            self.add_row(f"{prefix}_{name}", f"{title}: {label}", _line())


class ReplacementDialog(_PointDialog):
    """Meter replacement (000): the old meter's final reading, the new meter (registered
    here), its initial reading, seal numbers, the record number and photographs."""

    def __init__(self, context: AppContext, point_number: str = "",
                 parent: QWidget | None = None, point: PointRecord | None = None) -> None:
        super().__init__(_("Meter replacement"), context, point_number, parent)
        self.add_row("date", _("Replaced on"), DateField("date", _("Replaced on")))
        self.add_registers("final", _("Old meter, final"))
        self.add_row("number", _("New meter number"), _line())
        self.add_row("type", _("New meter type"), _line(_("make and model")))
        self.add_row("two_rate", _("Registers"), QCheckBox(_("Two-rate (VT and MT)")))
        self.add_row("digits", _("Digits"), NumberField("digits", _("Digits")))
        self.add_row("constant", _("Constant"), NumberField("constant", _("Constant"), True))
        self.add_row("peak_load_constant", _("Peak-load constant"),
                     NumberField("peak_load_constant", _("Peak-load constant"), True))
        self.add_registers("initial", _("New meter, initial"))
        self.add_row("seal_numbers", _("Seal numbers"), _line())
        self.add_row("record_number", _("Field record number"), _line())
        self.add_row("reason", _("Reason"), _line())
        self.photos: list[Path] = []
        self.photo_label = QLabel(_("No photographs"))
        button = QPushButton(_("Attach photographs…"))
        button.clicked.connect(self._choose_photos)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.photo_label, 1)
        row.addWidget(button)
        self.add_row("photos", _("Photographs"), box)
        self.field("digits").set_value(6)
        self.field("constant").set_value(1)
        self.start_with(point)

    def on_point(self, point: PointRecord) -> None:
        if point.meter is not None:
            self.field("two_rate").setChecked(point.meter.two_rate)
            self.field("digits").set_value(point.meter.digits)
            self.field("constant").set_value(point.meter.constant)
            self.field("peak_load_constant").set_value(point.meter.peak_load_constant)
            self.field("type").setText(point.meter.type)

    def _choose_photos(self) -> None:
        files, _chosen = QFileDialog.getOpenFileNames(self, _("Photographs of the meter"), "",
                                                      _(PHOTO_FILTER))
        self.photos = [Path(f) for f in files]
        self.photo_label.setText(", ".join(p.name for p in self.photos) or _("No photographs"))

    def _meter(self) -> MeterInput:
        return MeterInput(number=self.field("number").text(), type=self.field("type").text(),
                          two_rate=self.field("two_rate").isChecked(),
                          digits=self.field("digits").value() or 0,
                          constant=self.field("constant").value() or Decimal(0),
                          peak_load_constant=self.field("peak_load_constant").value())

    def show_errors(self, errors: list[FieldError]) -> None:
        aliases = {"removed_on": "date", "installed_on": "date", "meter": "point"}
        super().show_errors([FieldError(aliases.get(e.field or "", e.field), e.msg_id, e.params)
                             for e in errors])

    def save(self) -> Callable[[], Any]:
        data = ReplacementInput(
            self.point_id(), self.field("date").value(), self.registers("final"),
            self.registers("initial"), new_meter=self._meter(),
            seal_numbers=self.field("seal_numbers").text(),
            record_number=self.field("record_number").text(),
            reason=self.field("reason").text(),
            photos=tuple(PhotoInput(p.name, p.read_bytes()) for p in self.photos))
        if data.replaced_on is None:
            raise InputError(FieldError("date", N_("Replaced on: enter the date.")))
        db, operator = self.context.db, self.context.operator
        return lambda: replace_meter(db, operator, data)


class TransferDialog(_PointDialog):
    """Ownership transfer (003 I.1.6) with the reading of the transfer day. A point with no
    meter has nothing to read: its register fields give way to a note, and the service
    refuses that path if a meter turns out to be installed."""

    def __init__(self, context: AppContext, point_number: str = "",
                 parent: QWidget | None = None, point: PointRecord | None = None) -> None:
        super().__init__(_("Ownership transfer with reading"), context, point_number, parent)
        self.add_row("customer_code", _("New holder's customer code"), _line())
        self.holder = QLabel()
        self.holder.setObjectName("new_holder")
        self.holder.setStyleSheet(NOTE_STYLE)
        self.form.addRow("", self.holder)
        self.field("customer_code").editingFinished.connect(self._on_code_edited)
        self.add_row("date", _("Transfer date"), DateField("date", _("Transfer date")))
        self.add_registers("transfer", _("Reading"))
        self.no_meter = QLabel(_("The point has no meter: it passes to the new holder without "
                                 "a reading."))
        self.no_meter.setWordWrap(True)
        self.no_meter.setStyleSheet(NOTE_STYLE)
        self.no_meter.hide()
        self.form.addRow(self.no_meter)
        self.start_with(point)

    def on_point(self, point: PointRecord) -> None:
        meter = point.meter
        shown = {"vt": meter is not None, "mt": meter is not None and meter.two_rate,
                 "peak": meter is not None and meter.peak_load_constant is not None}
        for name, visible in shown.items():
            self.form.setRowVisible(self.field(f"transfer_{name}").parentWidget(), visible)
        self.no_meter.setVisible(meter is None)

    def _on_code_edited(self) -> None:
        code = self.field("customer_code").text().strip()
        if not code:
            self.holder.setText("")
            return
        db, operator = self.context.db, self.context.operator

        def found(customer: CustomerRecord) -> None:
            if code == self.field("customer_code").text().strip():
                self.holder.setText(f"{customer.name}, {customer.address}, {customer.place}")

        def missing(exc: BaseException) -> None:
            if code == self.field("customer_code").text().strip():
                self.holder.setText(_("No customer with this code.") if isinstance(
                    exc, NotFound) else "")

        self.context.runner.run(lambda: customers.find_by_code(db, operator, code), found,
                                missing)

    def save(self) -> Callable[[], Any]:
        point_id, code = self.point_id(), self.field("customer_code").text()
        metered = self.found is not None and self.found.meter is not None
        day = self.field("date").value()
        if day is None:
            raise InputError(FieldError("date", N_("Transfer date: enter the date.")))
        registers = self.registers("transfer")
        db, operator = self.context.db, self.context.operator

        def work() -> int | None:
            customer = customers.find_by_code(db, operator, code)
            if not metered:
                transfer_unmetered(db, operator, point_id, customer.id, day)
                return None
            return transfer_with_reading(db, operator, point_id, customer.id, day, registers)

        return work

    def field_aliases(self) -> dict[str, str]:
        return {"code": "customer_code", "on_date": "date", "customer_id": "customer_code"}

    def show_errors(self, errors: list[FieldError]) -> None:
        aliases = self.field_aliases()
        super().show_errors([FieldError(aliases.get(e.field or "", e.field), e.msg_id, e.params)
                             for e in errors])


def termination_notice_document(context: AppContext, customer_id: int,
                                code: str) -> Document:
    """The contract termination notice (two copies: customer, archive)."""
    db, operator = context.db, context.operator
    return Document(_("Termination notice {code}", code=code),
                    _("termination-notice-{code}.pdf", code=code),
                    lambda: termination_notice(db, operator, customer_id),
                    _("Preparing the termination notice…"))


def offer_termination_notice(parent: QWidget, context: AppContext,
                             dialog: TerminationDialog) -> None:
    """Right after a termination: print its notice on the desk's printer (it stays on the
    customer's page for a later print or a PDF)."""
    if dialog.customer_id is None:
        return
    code = dialog.code.text().strip()
    answer = QMessageBox.question(parent, _("Contract termination"), _(
        "The contract of {code} has ended. Print the termination notice (two copies) on the "
        "desk's printer now?", code=code))
    if answer == QMessageBox.StandardButton.Yes:
        print_document(parent, context, termination_notice_document(
            context, dialog.customer_id, code))


class TerminationDialog(BaseDialog):
    """Contract termination (001 Član 9): the final reading of each metered point the
    customer holds, then status N."""

    def __init__(self, context: AppContext, customer_code: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Contract termination"), context.runner, parent)
        self.context = context
        self.code = _line(_("customer code"))
        self.code.setText(customer_code)
        self.add_row("code", _("Customer code"), self.code)
        self.customer_info = QLabel()
        self.form.addRow("", self.customer_info)
        self.add_row("date", _("Contract ends on"), DateField("date", _("Contract ends on")))
        self.add_row("reason", _("Reason"), _line())
        self.points_form = QFormLayout()
        self.form.addRow(self.points_form)
        self.customer_id: int | None = None
        self.points: list[PointRecord] = []
        self.code.editingFinished.connect(self._look_up)

    def _look_up(self) -> None:
        code = self.code.text().strip()
        if not code:
            return
        db, operator = self.context.db, self.context.operator

        def work() -> tuple[Any, list[PointRecord]]:
            record = customers.find_by_code(db, operator, code)
            return record, metering.points_of_customer(db, operator, record.id)

        self.context.runner.run(work, self._on_found, self._failed)

    def _on_found(self, found: tuple[Any, list[PointRecord]]) -> None:
        record, points = found
        self.customer_id, self.points = record.id, [p for p in points if p.meter]
        self.customer_info.setText(f"{record.name} · {record.address}, {record.place}")
        while self.points_form.rowCount():
            self.points_form.removeRow(0)
        for name in [n for n in self._fields if n.startswith("p") and n[1:2].isdigit()]:
            del self._fields[name]
        main, self.form = self.form, self.points_form
        try:
            for point in self.points:
                assert point.meter is not None
                for register in ("vt", "mt") if point.meter.two_rate else ("vt",):
                    self.add_row(f"p{point.id}_{register}", f"{point.number} "
                                 f"({point.meter.number}): {register.upper()}", _line())
        finally:
            self.form = main

    def save(self) -> Callable[[], Any]:
        if self.customer_id is None:
            raise InputError(FieldError("code", N_(
                "Customer code: type the code and press Tab to find the customer.")))
        day = self.field("date").value()
        if day is None:
            raise InputError(FieldError("date", N_("Contract ends on: enter the date.")))
        readings = {p.id: Registers(self.field(f"p{p.id}_vt").text(),
                                    self.field(f"p{p.id}_mt").text()
                                    if p.meter and p.meter.two_rate else "")
                    for p in self.points}
        customer_id, reason = self.customer_id, self.field("reason").text()
        db, operator = self.context.db, self.context.operator
        return lambda: terminate_contract(db, operator, customer_id, day, readings, reason)
