"""The billing tab: a page each for the billing run, the invoice register and the tariffs.
The run page is there for roles that may run billing; the others see invoices and tariffs."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from office_app.i18n import _
from office_app.services.permissions import Permission
from office_app.ui.billing.invoices_page import InvoicesPage
from office_app.ui.billing.run_page import RunPage
from office_app.ui.billing.tariffs_page import TariffsPage
from office_app.ui.context import AppContext
from office_app.ui.icons import icon
from office_app.ui.layout import roomy_tabs


class BillingWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.pages = QTabWidget()
        self.pages.setObjectName("billing_pages")
        roomy_tabs(self.pages)
        self.run_page: RunPage | None = None
        if context.operator.can(Permission.RUN_BILLING):
            self.run_page = RunPage(context)
            self.pages.addTab(self.run_page, icon("run"), _("Billing run"))
        self.invoices_page = InvoicesPage(context)
        self.pages.addTab(self.invoices_page, icon("billing"), _("Invoices"))
        self.tariffs_page = TariffsPage(context)
        self.pages.addTab(self.tariffs_page, icon("price"), _("Tariffs"))
        if self.run_page is not None:
            self.run_page.sig_billed.connect(self._on_run_page_billed)
        self.pages.currentChanged.connect(lambda _i: self._refresh_current())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.setFocusProxy(self.pages)

    def refresh(self) -> None:
        self._refresh_current()

    def _refresh_current(self) -> None:
        page = self.pages.currentWidget()
        refresh = getattr(page, "refresh", None)
        if refresh is not None:
            refresh()

    def _on_run_page_billed(self, period: str) -> None:
        self.invoices_page.period.setText(period)
