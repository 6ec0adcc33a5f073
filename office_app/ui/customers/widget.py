"""The customer register tab: search as you type with filters, the lazy results table, and the
detail view of the chosen customer below it.

Searching runs in SQL (services.search) and returns ids only; the table builds rows for the
pages on screen. Keyboard: the search field has the focus when the tab opens, Down moves into
the list, Enter opens the customer's details, F2 edits, Ctrl+N makes a new customer, Escape in
the details goes back to the list, Up on the first row back to the search field.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
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
from office_app.i18n import _, current, tr_error
from office_app.services import network, search
from office_app.services.network import ZoneRecord
from office_app.services.permissions import Permission
from office_app.services.search import NO_STATUS, CustomerQuery, CustomerRow
from office_app.ui.context import AppContext
from office_app.ui.customers.detail import CustomerDetailWidget
from office_app.ui.customers.dialogs import CustomerDialog
from office_app.ui.customers.formkit import ChoiceField
from office_app.ui.customers.labels import (
    CATEGORY_LABELS,
    STATUS_MEANINGS,
    category_label,
    status_text,
    status_tooltip,
)
from office_app.ui.forms import ERROR_STYLE
from office_app.ui.layout import remember_splitter
from office_app.ui.lazy_table import (
    Column,
    LazyTableModel,
    configure_view,
    enable_sql_sort,
    select_row,
    selected_row,
)
from office_app.ui.search_page import SearchPageController

SEARCH_DELAY_MS = 250
RESULTS_DETAIL_SIZES = (30, 70)
DETAIL_DELAY_MS = 120

CUSTOMER_COLUMNS = [
    Column(N_("Code"), lambda r: r.code, sort_key="code", width=9, sample="0000000"),
    Column(N_("Name"), lambda r: r.name, sort_key="name", width=28, stretch=True),
    Column(N_("Address"), lambda r: r.address, sort_key="address", width=26),
    Column(N_("Place"), lambda r: r.place, sort_key="place", width=12),
    Column(N_("Category"), lambda r: category_label(r.category), sort_key="category",
           width=13),
    Column(N_("Status"), lambda r: status_text(r.status, r.status_date), sort_key="status",
           width=13, tooltip=lambda r: status_tooltip(r.status, r.status_date)),
    Column(N_("JMBG / PIB"), lambda r: r.identifier, width=18, sample="0000000000000"),
    Column(N_("Zone"), lambda r: r.zones, width=10),
    Column(N_("Points"), lambda r: r.points, width=12),
    Column(N_("Meters"), lambda r: r.meters, width=14),
]


def count_text(count: int) -> str:
    if count == 1:
        return _("1 customer")
    return _("{count} customers", count=current().number(count))


class CustomerRegisterWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editable = context.operator.can(Permission.EDIT_CUSTOMERS)
        self._shown_once = False
        self.model = LazyTableModel(CUSTOMER_COLUMNS, self._fetch_rows, context.runner,
                                    parent=self)
        self.table = QTableView()
        self.table.setObjectName("customer_table")
        configure_view(self.table, self.model)
        enable_sql_sort(self.table, self.model)
        self.count = QLabel()
        self.count.setObjectName("customer_count")
        db, operator = context.db, context.operator
        self.searcher = SearchPageController(
            self.model, context.runner, self.query,
            lambda query: search.search_customer_ids(db, operator, query), self.count,
            count_text, SEARCH_DELAY_MS, self)
        self.searcher.sig_found.connect(self._on_search_done)
        self._build_search_bar()
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.installEventFilter(self)
        self.detail = CustomerDetailWidget(context)
        self.detail.sig_changed.connect(self._on_detail_changed)
        self.detail.sig_leave.connect(self.table.setFocus)
        self._detail_timer = QTimer(self, singleShot=True, interval=DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._show_current_customer)
        self._build_layout()
        self._build_shortcuts()
        # No loading here: the main window calls refresh() when the tab is first shown.

    # -- building ---------------------------------------------------------------------------
    def _build_search_bar(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("customer_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_(
            "Search: code, name, address, meter or point number, JMBG / PIB"))
        self.search.textChanged.connect(self.searcher.typed)
        self.search.returnPressed.connect(self._on_search_return)
        self.search.installEventFilter(self)
        self.zone = ChoiceField([(None, _("All zones"))])
        self.zone.setObjectName("zone_filter")
        self.status = ChoiceField([(None, _("Any status")), (NO_STATUS, _("No status")),
                                   *((s, _(m)) for s, m in STATUS_MEANINGS.items())])
        self.status.setObjectName("status_filter")
        self.category = ChoiceField([(None, _("All categories")),
                                     *((c, _(label)) for c, label in CATEGORY_LABELS.items())])
        self.category.setObjectName("category_filter")
        for combo in (self.zone, self.status, self.category):
            combo.currentIndexChanged.connect(self.run_search)
        self.new_button = QPushButton(_("&New customer…"))
        self.new_button.setObjectName("new_customer")
        self.new_button.setToolTip(_("New customer (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_customer)
        self.new_button.setVisible(self.editable)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        search_label = QLabel(_("Fin&d:"))  # Alt+F belongs to the File menu
        search_label.setBuddy(self.search)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.zone, 1)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.category, 1)
        bar.addWidget(self.new_button)
        top = QWidget()
        upper = QVBoxLayout(top)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addLayout(bar)
        upper.addWidget(self.table, 1)
        upper.addWidget(self.count)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        # The detail (cards, points, history) is what a clerk reads; the list gets a third.
        remember_splitter(self.splitter, "customers", RESULTS_DETAIL_SIZES)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.setFocusProxy(self.search)

    def _build_shortcuts(self) -> None:
        keys = [(QKeySequence(QKeySequence.StandardKey.Find), self._focus_search)]
        if self.editable:
            keys += [(QKeySequence(QKeySequence.StandardKey.New), self.new_customer),
                     (QKeySequence(Qt.Key.Key_F2), self.detail.edit)]
        for key, slot in keys:
            shortcut = QShortcut(key, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- searching --------------------------------------------------------------------------
    def query(self) -> CustomerQuery:
        return CustomerQuery(text=self.search.text(), zone_id=self.zone.value(),
                             status=self.status.value(), category=self.category.value(),
                             sort=self.searcher.sort_key("code"),
                             descending=self.searcher.descending())

    def run_search(self) -> None:
        """Search now (the typing timer calls this; filters and sorting call it at once)."""
        self.searcher.run()

    def _fetch_rows(self, ids: list[int]) -> list[CustomerRow]:
        return search.customer_rows(self.context.db, self.context.operator, ids)

    def _on_search_done(self, _ids: list[int]) -> None:
        keep = self.detail.customer_id
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            select_row(self.table, row)  # the detail already shows it: nothing reloads

    def _on_search_failed(self, exc: BaseException) -> None:
        self.count.setStyleSheet(ERROR_STYLE)
        self.count.setText(tr_error(exc) if hasattr(exc, "msg_id") else str(exc))

    def _on_search_return(self) -> None:
        self.run_search()
        self._enter_table()

    def refresh(self) -> None:
        """Reload the zone filter and search again (the main window calls this)."""
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: network.list_zones(db, operator), self._on_zones_loaded,
                                self._on_search_failed)
        self.run_search()
        if self.detail.customer_id is not None:
            self.detail.reload()

    def _on_zones_loaded(self, zones: list[ZoneRecord]) -> None:
        chosen = self.zone.value()
        self.zone.blockSignals(True)
        self.zone.clear()
        self.zone.addItem(_("All zones"), None)
        for zone in zones:
            self.zone.addItem(f"{zone.code} — {zone.name}", zone.id)
        index = self.zone.findData(chosen)
        self.zone.setCurrentIndex(max(index, 0))
        self.zone.blockSignals(False)

    # -- selection and details --------------------------------------------------------------
    def current_customer_id(self) -> int | None:
        row = selected_row(self.table)
        return self.model.id_at(row) if row is not None else None

    def _on_current_row_changed(self) -> None:
        self._detail_timer.start()

    def _show_current_customer(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id != self.detail.customer_id:
            self.detail.show_customer(customer_id)

    def _on_table_activated(self) -> None:
        self._detail_timer.stop()
        self._show_current_customer()
        self.detail.tabs.setFocus()

    def _on_detail_changed(self, customer_id: int) -> None:
        # The row's columns (name, points, meters) may have changed, and so may the result:
        # search again (the reset drops every cached row).
        self.run_search()

    def new_customer(self) -> None:
        if not self.editable:
            return
        dialog = CustomerDialog(self.context, None, self)
        if dialog.exec() and dialog.result_value is not None:
            created = dialog.result_value
            # Show the new customer whatever the search and the filters said before.
            for widget in (self.search, self.zone, self.status, self.category):
                widget.blockSignals(True)
            self.search.setText(created.code)
            for combo in (self.zone, self.status, self.category):
                combo.setCurrentIndex(0)
            for widget in (self.search, self.zone, self.status, self.category):
                widget.blockSignals(False)
            self.detail.show_customer(created.id)
            self.run_search()

    # -- keyboard ---------------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _enter_table(self) -> None:
        if self.model.rowCount() == 0:
            return
        self.table.setFocus()
        if selected_row(self.table) is None:
            select_row(self.table, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self._enter_table()
                return True
            if watched is self.table and key == Qt.Key.Key_Up and \
                    selected_row(self.table) in (None, 0):
                self._focus_search()
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self._focus_search()
