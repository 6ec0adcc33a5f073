"""The zones-and-readers tab: two small registers side by side. Enter or a double click on a
row edits it, Insert (or the New button) adds one; roles without Permission.EDIT_NETWORK see
the lists only."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _
from office_app.services import network
from office_app.services.permissions import Permission
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    select_row,
    selected_row,
)
from office_app.ui.network.dialogs import ReaderDialog, ZoneDialog

ZONE_COLUMNS = [Column(N_("Code"), lambda z: z.code, width=8),
                Column(N_("Name"), lambda z: z.name, width=30)]
READER_COLUMNS = [Column(N_("Code"), lambda r: r.code, width=8),
                  Column(N_("Name"), lambda r: r.name, width=26),
                  Column(N_("Phone"), lambda r: r.phone, width=18),
                  Column(N_("Active"), lambda r: _("Yes") if r.active else _("No"), width=6)]

DialogFactory = Callable[[Any], QDialog]


class RegisterPanel(QGroupBox):
    """A titled list with New and Edit buttons; ``load()`` fetches the rows again."""

    def __init__(self, title: str, columns: list[Column], fetch: Callable[[], list[Any]],
                 make_dialog: DialogFactory, context: AppContext, new_text: str,
                 editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.context, self.fetch, self.make_dialog = context, fetch, make_dialog
        self.editable = editable
        self.model = ListTableModel(columns, self)
        self.table = QTableView()
        configure_view(self.table, self.model)
        self.table.activated.connect(self.edit)
        self.new_button = QPushButton(new_text)
        self.new_button.clicked.connect(self.new)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.clicked.connect(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        for button in (self.new_button, self.edit_button):
            button.setVisible(editable)
        if editable:
            insert = QShortcut(QKeySequence(Qt.Key.Key_Insert), self)
            insert.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            insert.activated.connect(self.new)

    def load(self, keep_id: int | None = None) -> None:
        def loaded(rows: list[Any]) -> None:
            if keep_id is None:
                row = selected_row(self.table)
                current = self.model.record_at(row) if row is not None else None
                keep = current.id if current is not None else None
            else:
                keep = keep_id
            self.model.set_rows(rows)
            ids = [r.id for r in rows]
            if rows:
                select_row(self.table, ids.index(keep) if keep in ids else 0)

        self.context.runner.run(self.fetch, loaded, lambda exc: show_error(self, exc))

    def current(self) -> Any:
        row = selected_row(self.table)
        return self.model.record_at(row) if row is not None else None

    def new(self) -> None:
        if self.editable:
            self._run(self.make_dialog(None))

    def edit(self) -> None:
        record = self.current()
        if self.editable and record is not None:
            self._run(self.make_dialog(record))

    def _run(self, dialog: QDialog) -> None:
        if dialog.exec():
            saved = getattr(dialog, "result_value", None)
            self.load(saved.id if saved is not None else None)
            self.table.setFocus()


class NetworkWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        db, operator = context.db, context.operator
        editable = context.operator.can(Permission.EDIT_NETWORK)
        self.zones = RegisterPanel(
            _("Zones"), ZONE_COLUMNS, lambda: network.list_zones(db, operator),
            lambda record: ZoneDialog(context, record, self), context, _("New zone…"), editable)
        self.readers = RegisterPanel(
            _("Meter readers"), READER_COLUMNS, lambda: network.list_readers(db, operator),
            lambda record: ReaderDialog(context, record, self), context,
            _("New meter reader…"), editable)
        self.zones.setObjectName("zones")
        self.readers.setObjectName("readers")
        layout = QHBoxLayout(self)
        layout.addWidget(self.zones, 2)
        layout.addWidget(self.readers, 3)
        self.setFocusProxy(self.zones.table)
        # No loading here: the main window calls refresh() when the tab is first shown.

    def refresh(self) -> None:
        self.zones.load()
        self.readers.load()
