"""The detail view of one customer: the record, its metering points, the audit log (for roles
that may see it) and the pages other packages add through ``pages.CUSTOMER_PAGES``. Only the
visible page is loaded; the others are loaded when their tab is opened."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from office_app.i18n import LANGUAGES, _
from office_app.services import customers
from office_app.services.customers import CustomerRecord
from office_app.services.extract import customer_extract
from office_app.services.permissions import Permission
from office_app.ui.context import AppContext
from office_app.ui.customers.audit_log import AuditLogWidget
from office_app.ui.customers.dialogs import CustomerDialog
from office_app.ui.customers.info import CustomerInfoWidget
from office_app.ui.customers.labels import status_tooltip
from office_app.ui.customers.pages import CUSTOMER_PAGES
from office_app.ui.customers.points import PointsWidget
from office_app.ui.documents import Document, DocumentButton, save_document
from office_app.ui.forms import show_error
from office_app.ui.icons import icon
from office_app.ui.layout import roomy_tabs
from office_app.ui.meter_event_dialogs import termination_notice_document

#: Icons of the pages other tabs contribute (by title msgid); others get the card icon.
PAGE_ICONS = {"Energy card": "energy", "Financial card": "card"}


class CustomerDetailWidget(QWidget):
    """``show_customer(id)`` shows a customer (None: nothing chosen). Enter or F2 edits it,
    Escape asks the tab to go back to the list (sig_leave)."""

    sig_changed = Signal(int)
    sig_leave = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id: int | None = None
        self.record: CustomerRecord | None = None
        self.editable = context.operator.can(Permission.EDIT_CUSTOMERS)
        self._stale: set[int] = set()
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton(_("&Edit customer…"))
        self.edit_button.setObjectName("edit_customer")
        self.edit_button.setToolTip(_("Edit the customer (F2)"))
        self.edit_button.clicked.connect(self.edit)
        self.edit_button.setVisible(self.editable)
        self.extract_button = self._extract_button()
        self.termination_button = self._termination_button()
        self.info = CustomerInfoWidget()
        self.points = PointsWidget(context)
        self.points.sig_changed.connect(self._on_points_changed)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        roomy_tabs(self.tabs)
        self._loaders: list[Callable[[int | None], None]] = []
        self._add_page(_("Customer"), self.info, lambda _cid: None, "customers")
        self._add_page(_("Metering points"), self.points, self.points.load, "network")
        self.audit: AuditLogWidget | None = None
        if context.operator.can(Permission.VIEW_AUDIT):
            self.audit = AuditLogWidget(context)
            self._add_page(_("Audit log"), self.audit, self.audit.load, "history")
        self.extra_pages = []
        for title, factory in CUSTOMER_PAGES:
            page = factory(context)
            self.extra_pages.append(page)
            self._add_page(_(title), page, self._extra_loader(page),
                           PAGE_ICONS.get(title, "card"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._build_layout()
        self.show_customer(None)

    def _extra_loader(self, page: QWidget) -> Callable[[int | None], None]:
        def load(customer_id: int | None) -> None:
            if customer_id is not None:
                page.load(customer_id)  # type: ignore[attr-defined]
        return load

    def _add_page(self, title: str, widget: QWidget, loader: Callable[[int | None], None],
                  meaning: str) -> None:
        self.tabs.addTab(widget, icon(meaning), title)
        self._loaders.append(loader)

    def _extract_button(self) -> DocumentButton:
        self.extract_language: str | None = None
        button = DocumentButton(self.context, _("Record extract"), self.extract_document,
                                "print_extract")
        languages = QMenu(_("In &another language"), button)
        for code, name in LANGUAGES.items():
            languages.addAction(name).triggered.connect(
                lambda _checked=False, code=code: self.print_extract(code))
        button.menu().addMenu(languages)
        button.setToolTip(_("Everything the register holds about the customer, as a PDF in "
                            "the customer's language (the arrow offers other languages)."))
        return button

    def _termination_button(self) -> DocumentButton:
        button = DocumentButton(self.context, _("Termination notice"),
                                self.termination_document, "termination_notice")
        button.setToolTip(_("The contract termination notice in two copies (customer, "
                            "archive)."))
        button.setVisible(False)
        return button

    def _build_layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.termination_button)
        head.addWidget(self.extract_button)
        head.addWidget(self.edit_button)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(head)
        inner.addWidget(self.tabs, 1)
        self.placeholder = QLabel(_("Choose a customer in the list to see the details."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # -- showing ----------------------------------------------------------------------------
    def show_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self._stale = set(range(self.tabs.count()))
        if customer_id is None:
            self.record = None
            self.stack.setCurrentIndex(0)
            self.points.load(None)
            if self.audit is not None:
                self.audit.load(None)
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: customers.get_customer(db, operator, customer_id),
                                self._on_record_loaded, lambda exc: show_error(self, exc))
        self._load_page(self.tabs.currentIndex())

    def reload(self) -> None:
        self.show_customer(self.customer_id)

    def _on_record_loaded(self, record: CustomerRecord) -> None:
        if record.id != self.customer_id:
            return
        self.record = record
        self.info.show_record(record)
        status = f"  [{record.status}]" if record.status else ""
        self.title.setText(f"{record.code} — {record.name}{status}")
        self.title.setToolTip(status_tooltip(record.status, record.status_date))
        self.termination_button.setVisible(record.status == "N")
        self.stack.setCurrentIndex(1)

    def _load_page(self, index: int) -> None:
        if index in self._stale and 0 <= index < len(self._loaders):
            self._stale.discard(index)
            self._loaders[index](self.customer_id)

    def _on_tab_changed(self, index: int) -> None:
        self._load_page(index)

    def _on_points_changed(self, customer_id: int) -> None:
        # Point changes are audited and may show on other pages: reload those when opened.
        self._stale = set(range(self.tabs.count())) - {self.tabs.currentIndex()}
        self.sig_changed.emit(customer_id)

    # -- actions ----------------------------------------------------------------------------
    def edit(self) -> None:
        if not self.editable or self.record is None:
            return
        dialog = CustomerDialog(self.context, self.record, self)
        if dialog.exec() and isinstance(dialog.result_value, CustomerRecord):
            self.show_customer(dialog.result_value.id)
            self.sig_changed.emit(dialog.result_value.id)

    def extract_document(self, language: str | None = None) -> Document | None:
        """The record extract in ``language`` (None: the customer's own)."""
        record = self.record
        if record is None:
            return None
        db, operator = self.context.db, self.context.operator
        return Document(_("Record extract"), _("record-extract-{code}.pdf", code=record.code),
                        lambda: customer_extract(db, operator, record.id, language),
                        _("Preparing the record extract…"))

    def print_extract(self, language: str | None) -> None:
        """The extract in another language, offered for saving."""
        document = self.extract_document(language)
        if document is not None:
            save_document(self, self.context, document)

    def termination_document(self) -> Document | None:
        record = self.record
        if record is None:
            return None
        return termination_notice_document(self.context, record.id, record.code)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.tabs.currentIndex() == 0:
            self.edit()
        elif key == Qt.Key.Key_Escape:
            self.sig_leave.emit()
        else:
            super().keyPressEvent(event)
