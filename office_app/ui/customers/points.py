"""The "Metering points" page of the detail view: the customer's points with their current
meters, and the actions on them.

Transferring a point and replacing its meter go through the reading-based dialogs shared with
the Reading books tab (services.meter_events): the transfer takes the reading of the transfer
day, the replacement the old meter's final and the new meter's initial reading. There is no
plain "remove meter" here: meter_events has no removal with a final reading, and a meter taken
off without one would lose the use since the last reading. Installing stays for a point with no
meter (a new connection), through services.metering.install_meter."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QTableView, QToolBar, QVBoxLayout, QWidget

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import customers, metering, network
from office_app.services.metering import PointInput, PointRecord
from office_app.services.permissions import Permission
from office_app.ui.context import AppContext
from office_app.ui.customers.labels import POINT_KIND_LABELS
from office_app.ui.customers.point_dialogs import (
    HistoryDialog,
    InstallMeterDialog,
    MeterDialog,
    PointDialog,
)
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view, sample_date, select_row
from office_app.ui.meter_event_dialogs import ReplacementDialog, TransferDialog


def _meter(p: PointRecord) -> str:
    return p.meter.number if p.meter else ""


def _kind(p: PointRecord) -> str:
    if p.kind == "common":
        return _("Common meter, {count} flats", count=p.flats)
    if p.common_point_number:
        return _("Flat under {number}", number=p.common_point_number)
    return _(POINT_KIND_LABELS["regular"])


POINT_COLUMNS = [
    Column(N_("Point"), lambda p: p.number, width=10),
    Column(N_("Kind"), _kind, width=16),
    Column(N_("Address"), lambda p: f"{p.address}, {p.place}", width=32),
    Column(N_("Zone"), lambda p: p.zone_code, width=6),
    Column(N_("Reader"), lambda p: p.reader_code, width=6),
    Column(N_("Reading code"), lambda p: str(p.reading_code), width=11, align_right=True),
    Column(N_("Meter"), _meter, width=12),
    Column(N_("Meter type"), lambda p: p.meter.type if p.meter else "", width=14),
    Column(N_("Constant"), lambda p: current().number(p.meter.constant) if p.meter else "", width=9,
           align_right=True),
    Column(N_("Installed on"), lambda p: current().date(p.meter_installed_on), width=12,
           sample=sample_date),
    Column(N_("Held since"), lambda p: current().date(p.held_since), width=12, sample=sample_date),
]
METER_HISTORY_COLUMNS = [
    Column(N_("Meter"), lambda i: i.meter_number, width=14),
    Column(N_("Installed on"), lambda i: current().date(i.installed_on), width=12,
           sample=sample_date),
    Column(N_("Removed on"), lambda i: current().date(i.removed_on) or _("still installed"),
           width=14),
]
HOLDER_COLUMNS = [
    Column(N_("Customer code"), lambda h: h.customer_code, width=10),
    Column(N_("Name"), lambda h: h.customer_name, width=28),
    Column(N_("From"), lambda h: current().date(h.valid_from), width=11, sample=sample_date),
    Column(N_("Until"), lambda h: current().date(h.valid_to) or _("now"), width=11,
           sample=sample_date),
]
FLAT_COLUMNS = [
    Column(N_("Point"), lambda p: p.number, width=10),
    Column(N_("Address"), lambda p: f"{p.address}, {p.place}", width=28),
    Column(N_("Customer"), lambda p: f"{p.holder_code} {p.holder_name}", width=28),
    Column(N_("Meter"), _meter, width=12),
]


class PointsWidget(QWidget):
    """``load(customer_id)`` shows the points; sig_changed(customer_id) after any change."""

    sig_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id: int | None = None
        self.customer_defaults = PointInput()
        self.editable = context.operator.can(Permission.EDIT_CUSTOMERS)
        # Transfers and replacements store readings too (meter_events asks for both).
        self.reads = self.editable and context.operator.can(Permission.KEY_READINGS)
        self.model = ListTableModel(POINT_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("points_table")
        configure_view(self.table, self.model)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_menu)
        self.table.activated.connect(self._on_table_activated)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_: dict[str, QAction] = {}
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()

    # -- actions ----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        # (key, text, slot, who sees it: "edit", "read" = edit and key readings, "" = all)
        groups: list[list[tuple[str, str, Callable[[], None], str]]] = [
            [("new_point", _("New point…"), self.new_point, "edit"),
             ("edit_point", _("Edit point…"), self.edit_point, "edit"),
             ("transfer", _("Transfer point…"), self.transfer_point, "read")],
            [("install", _("Install meter…"), self.install_meter, "edit"),
             ("edit_meter", _("Edit meter…"), self.edit_meter, "edit"),
             ("replace_meter", _("Replace meter…"), self.replace_meter, "read")],
            [("meter_history", _("Meter history"), self.show_meter_history, ""),
             ("holders", _("Holder history"), self.show_holders, ""),
             ("flats", _("Flats"), self.show_flats, "")],
        ]
        allowed = {"edit": self.editable, "read": self.reads, "": True}
        for group in groups:
            shown = [a for a in group if allowed[a[3]]]
            if shown and self.toolbar.actions():
                self.toolbar.addSeparator()
            for key, text, slot, _edits in shown:
                action = QAction(text, self)
                action.setObjectName(key)
                action.triggered.connect(slot)
                self.toolbar.addAction(action)
                self.actions_[key] = action
        new_point = self.actions_.get("new_point")
        if new_point is not None:
            # Insert adds a point while the focus is anywhere on this page.
            new_point.setShortcut(QKeySequence(Qt.Key.Key_Insert))
            new_point.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            new_point.setToolTip(_("New metering point (Insert)"))
            self.addAction(new_point)

    def _update_actions(self) -> None:
        point = self.current_point()
        enabled = {
            "new_point": self.customer_id is not None,
            "edit_point": point is not None,
            "transfer": point is not None,
            "install": point is not None and point.meter is None,
            "edit_meter": point is not None and point.meter is not None,
            "replace_meter": point is not None and point.meter is not None,
            "meter_history": point is not None,
            "holders": point is not None,
            "flats": point is not None and point.kind == "common",
        }
        for key, action in self.actions_.items():
            action.setEnabled(enabled[key])

    def _on_table_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        for action in self.toolbar.actions():
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _on_table_activated(self) -> None:
        if self.editable:
            self.edit_point()
        else:
            self.show_meter_history()

    # -- loading ----------------------------------------------------------------------------
    def load(self, customer_id: int | None, keep_point: int | None = None) -> None:
        self.customer_id = customer_id
        if customer_id is None:
            self.model.set_rows([])
            return
        db, operator = self.context.db, self.context.operator

        def work() -> tuple[list[PointRecord], PointInput]:
            record = customers.get_customer(db, operator, customer_id)
            defaults = PointInput(address=record.address, place=record.place)
            return metering.points_of_customer(db, operator, customer_id), defaults

        self.context.runner.run(work, lambda result: self._loaded(customer_id, result,
                                                                  keep_point),
                                lambda exc: show_error(self, exc))

    def _loaded(self, customer_id: int, result: tuple[list[PointRecord], PointInput],
                keep_point: int | None) -> None:
        if customer_id != self.customer_id:
            return
        points, self.customer_defaults = result
        self.model.set_rows(points)
        ids = [p.id for p in points]
        if points:
            select_row(self.table, ids.index(keep_point) if keep_point in ids else 0)

    def current_point(self) -> PointRecord | None:
        rows = self.table.selectionModel().selectedRows()
        record = self.model.record_at(rows[0].row()) if rows else None
        return record if isinstance(record, PointRecord) else None

    # -- dialogs ----------------------------------------------------------------------------
    def _after(self, dialog: QDialog, point: PointRecord | None = None) -> None:
        """Run a dialog; when it saved, reload the points (``point`` or the one saved stays
        selected if the customer still holds it) and tell the tab."""
        if dialog.exec() == QDialog.DialogCode.Accepted and self.customer_id is not None:
            result = getattr(dialog, "result_value", None)
            keep = result.id if isinstance(result, PointRecord) else (
                point.id if point else None)
            if isinstance(result, PointRecord) and result.holder_id != self.customer_id:
                keep = None  # transferred away
            customer_id = self.customer_id
            self.load(customer_id, keep)
            self.sig_changed.emit(customer_id)

    def _with_network(self, then: Callable[[list, list], None]) -> None:
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(
            lambda: (network.list_zones(db, operator), network.list_readers(db, operator)),
            lambda lists: then(*lists), lambda exc: show_error(self, exc))

    def new_point(self) -> None:
        if self.customer_id is None:
            return
        customer_id = self.customer_id
        self._with_network(lambda zones, readers: self._after(PointDialog(
            self.context, customer_id, None, zones, readers, self.customer_defaults, self)))

    def edit_point(self) -> None:
        point = self.current_point()
        if point is not None and self.customer_id is not None:
            customer_id = self.customer_id
            self._with_network(lambda zones, readers: self._after(PointDialog(
                self.context, customer_id, point, zones, readers, parent=self)))

    def transfer_point(self) -> None:
        """Ownership transfer with the reading of the transfer day (003 I.1.6)."""
        point = self.current_point()
        if point is not None:
            self._after(TransferDialog(self.context, parent=self, point=point))

    def install_meter(self) -> None:
        point = self.current_point()
        if point is not None and point.meter is None:
            self._after(InstallMeterDialog(self.context, point, self))

    def edit_meter(self) -> None:
        point = self.current_point()
        if point is not None and point.meter is not None:
            self._after(MeterDialog(self.context, point.meter, self))

    def replace_meter(self) -> None:
        """The old meter's final reading, the new meter and its initial reading (000)."""
        point = self.current_point()
        if point is not None and point.meter is not None:
            self._after(ReplacementDialog(self.context, parent=self, point=point), point)

    def _show_list(self, title: str, columns: list[Column],
                   fetch: Callable[[], list[Any]]) -> None:
        def show(rows: list[Any]) -> None:
            HistoryDialog(title, columns, rows, self).exec()

        self.context.runner.run(fetch, show, lambda exc: show_error(self, exc))

    def show_meter_history(self) -> None:
        point = self.current_point()
        if point is None:
            return
        db, operator = self.context.db, self.context.operator
        self._show_list(_("Meters on point {number}", number=point.number),
                        METER_HISTORY_COLUMNS,
                        lambda: metering.meter_history(db, operator, point.id))

    def show_holders(self) -> None:
        point = self.current_point()
        if point is None:
            return
        db, operator = self.context.db, self.context.operator
        self._show_list(_("Holders of point {number}", number=point.number), HOLDER_COLUMNS,
                        lambda: metering.holding_history(db, operator, point.id))

    def show_flats(self) -> None:
        point = self.current_point()
        if point is None or point.kind != "common":
            return
        db, operator = self.context.db, self.context.operator
        self._show_list(_("Flats under common point {number}", number=point.number),
                        FLAT_COLUMNS, lambda: metering.flats_of(db, operator, point.id))
