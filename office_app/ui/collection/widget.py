"""The collection tab's pages: the warning run (criteria, preview list, approval of socially
vulnerable customers, issue), the warning register (delivery, printing), and the order
register (order run, the crew's field records, cancellation, reconnection, printing)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_, FieldError, ValidationError
from office_app.i18n import _, current, tr_error
from office_app.services import network
from office_app.services.collection import documents, orders, warnings
from office_app.services.collection.orders import OrderRecord
from office_app.services.collection.warnings import (
    WarningCandidate,
    WarningCriteria,
    WarningPreview,
    WarningRecord,
    WarningRunResult,
)
from office_app.services.permissions import Permission
from office_app.ui.collection.dialogs import (
    DELIVERY_LABELS,
    OUTCOME_LABELS,
    CancelOrderDialog,
    DeliveryDialog,
    FieldRecordDialog,
)
from office_app.ui.context import AppContext
from office_app.ui.customers.labels import CATEGORY_LABELS, STATUS_MEANINGS
from office_app.ui.documents import Document, DocumentButton, DocumentSource
from office_app.ui.forms import INVALID_STYLE, DateField, InputError, NumberField, show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    sample_date,
    selected_row,
)


def _money(value: Decimal) -> str:
    return current().money(value)


def _date(value: date | None) -> str:
    return current().date(value) if value else ""


def _candidate_note(c: WarningCandidate, approved: set[int]) -> str:
    if c.reason:
        return _(c.reason, **c.reason_params)
    if c.review:
        return _("approved") if c.customer_id in approved else _(warnings.REASONS["review"])
    return ""


#: The run's category choices, as the CLI's --category (models.customers.CATEGORIES).
CATEGORIES = tuple(CATEGORY_LABELS)
#: The run's status choices as the CLI's --status: "active" (no letter), I, T.
RUN_STATUSES = ("active", "I", "T")
ERROR_STYLE = "color: #b00020;"


def _status_label(status: str) -> str:
    return _("Active") if status == "active" else _(STATUS_MEANINGS[status])


class _StayOpenMenu(QMenu):
    """A menu of check boxes that stays open while they are ticked."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        action = self.activeAction()
        if action is not None and action.isEnabled() and action.isCheckable():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class ChoiceButton(QPushButton):
    """A drop-down of ticked choices (at least one stays ticked); the button reads what is
    chosen, or ``all_text`` when everything is."""

    def __init__(self, name: str, all_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.all_text = all_text
        self.setMenu(_StayOpenMenu(self))
        self._short: dict[str, str] = {}
        self.setText(all_text)

    def set_choices(self, choices: Sequence[tuple[str, str, str]], chosen: Sequence[str]) -> None:
        """``choices``: (key, label in the list, short label on the button)."""
        menu = self.menu()
        menu.clear()
        self._short = {key: short for key, _label, short in choices}
        for key, label, _short in choices:
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(key in chosen)
            action.setData(key)
            action.toggled.connect(lambda on, a=action: self._toggled(a, on))
        self._show()

    def choice_actions(self) -> list[QAction]:
        return [a for a in self.menu().actions() if a.isCheckable()]

    def chosen(self) -> list[str]:
        return [str(a.data()) for a in self.choice_actions() if a.isChecked()]

    def all_chosen(self) -> bool:
        return all(a.isChecked() for a in self.choice_actions())

    def set_chosen(self, keys: Sequence[str]) -> None:
        if not any(a.data() in keys for a in self.choice_actions()):
            return
        for a in self.choice_actions():
            a.setChecked(a.data() in keys)
        for a in self.choice_actions():      # the guard may have kept one ticked
            a.setChecked(a.data() in keys)

    def _toggled(self, action: QAction, on: bool) -> None:
        if not on and not self.chosen():
            action.setChecked(True)
            return
        self._show()

    def _show(self) -> None:
        chosen = self.chosen()
        if self.all_chosen() and len(chosen) > 1:
            self.setText(self.all_text)
        elif len(chosen) <= 2:
            self.setText(", ".join(self._short[k] for k in chosen))
        else:
            self.setText(_("{count} of {total}", count=len(chosen),
                           total=len(self.choice_actions())))
        self.setToolTip("\n".join(a.text() for a in self.choice_actions() if a.isChecked()))


def _show_date_error(field: QWidget, label: QLabel, error: FieldError | None) -> None:
    """A run's date error next to its date field (None: clear it)."""
    label.setVisible(error is not None)
    label.setText(tr_error(error) if error is not None else "")
    field.setStyleSheet(INVALID_STYLE if error is not None else "")


def _date_error_or_box(page: QWidget, field: QWidget, label: QLabel,
                       exc: BaseException) -> None:
    """A refused run date goes next to its field; anything else to the error box."""
    if isinstance(exc, ValidationError) and any(e.field == "as_of" for e in exc.errors):
        _show_date_error(field, label, next(e for e in exc.errors if e.field == "as_of"))
        return
    show_error(page, exc)


class WarningRunPage(QWidget):
    """Criteria, a preview of who would be warned, and the run."""

    sig_issued = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.approved: set[int] = set()
        self.preview: WarningPreview | None = None
        self.last_run = ""
        self.as_of = DateField("as_of", _("Date"))
        self.as_of.set_value(date.today())
        self.min_debt = NumberField("min_debt", _("Debt above (€)"), decimal=True)
        self.min_debt.set_value(warnings.DEFAULT_MIN_DEBT)
        self.min_days = QSpinBox()
        self.min_days.setRange(0, 3650)
        self.min_days.setValue(warnings.DEFAULT_MIN_DAYS)
        self.as_of_error = QLabel()
        self.as_of_error.setObjectName("as_of_error")
        self.as_of_error.setStyleSheet(ERROR_STYLE)
        self.as_of_error.setWordWrap(True)
        self.as_of_error.hide()
        self.zones = ChoiceButton("zones", _("All zones"))
        self.categories = ChoiceButton("categories", _("All categories"))
        self.categories.set_choices([(c, _(CATEGORY_LABELS[c]), _(CATEGORY_LABELS[c]))
                                     for c in CATEGORIES], CATEGORIES)
        self.statuses = ChoiceButton("statuses", "")
        self.statuses.set_choices([(s, _status_label(s), _("Active") if s == "active" else s)
                                   for s in RUN_STATUSES], ["active"])
        self.preview_button = QPushButton(_("&Preview"))
        self.preview_button.clicked.connect(self.load_preview)
        self.approve_button = QPushButton(_("&Approve selected for issue"))
        self.approve_button.clicked.connect(self.approve_selected)
        self.issue_button = QPushButton(_("&Issue warnings"))
        self.issue_button.clicked.connect(self.issue)
        self.status = QLabel()
        self.model = ListTableModel([
            Column(N_("Customer code"), lambda c: c.code, width=9),
            Column(N_("Name"), lambda c: c.name, width=28),
            Column(N_("Address"), lambda c: c.address, width=28),
            Column(N_("Warning"), lambda c: str(c.level), width=6),
            Column(N_("Overdue debt"), lambda c: _money(c.debt), width=12),
            Column(N_("Invoices"), lambda c: ", ".join(i.document_number for i in c.items),
                   width=24),
            Column(N_("Note"), lambda c: _candidate_note(c, self.approved), width=30),
        ], self)
        self.table = QTableView()
        self.table.setObjectName("warning_preview")
        configure_view(self.table, self.model)
        criteria = QHBoxLayout()
        for label, widget in ((_("Date"), self.as_of), (_("Debt above (€)"), self.min_debt),
                              (_("Overdue days"), self.min_days)):
            criteria.addWidget(QLabel(label))
            criteria.addWidget(widget)
            if widget is self.as_of:
                criteria.addWidget(self.as_of_error)
        criteria.addStretch(1)
        filters = QHBoxLayout()
        for label, choice in ((_("Zones"), self.zones), (_("Category"), self.categories),
                              (_("Status"), self.statuses)):
            filters.addWidget(QLabel(label))
            filters.addWidget(choice)
        filters.addWidget(self.preview_button)
        filters.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.approve_button)
        actions.addWidget(self.issue_button)
        self.issued_ids: tuple[int, ...] = ()
        self.issued_on = date.today()
        self.print_issued = DocumentButton(context, _("The warnings issued"),
                                           self.issued_document, "print_issued_warnings",
                                           missing=N_("Issue the warnings first."))
        actions.addWidget(self.print_issued)
        actions.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(criteria)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        may = context.operator.can(Permission.COLLECT_DEBT)
        for button in (self.preview_button, self.approve_button, self.issue_button):
            button.setEnabled(may)
        self.zone_ids: dict[str, int] = {}
        self.load_zones()

    def load_zones(self) -> None:
        """The zones to choose from (again on the tab's refresh: zones added since appear,
        ticked when every zone was)."""
        if self.context.operator.can(Permission.VIEW_CUSTOMERS):
            db, operator = self.context.db, self.context.operator
            self.context.runner.run(lambda: network.list_zones(db, operator),
                                    self._on_zones_loaded, lambda exc: show_error(self, exc))

    def _on_zones_loaded(self, zones: list[network.ZoneRecord]) -> None:
        keep = None if self.zones.all_chosen() else set(self.zones.chosen())
        self.zone_ids = {z.code: z.id for z in zones}
        self.zones.set_choices([(z.code, f"{z.code} {z.name}", z.code) for z in zones],
                               [z.code for z in zones if keep is None or z.code in keep])

    def criteria(self) -> WarningCriteria | None:
        """The criteria as typed and chosen; None (after showing why) when a field is wrong.
        Every zone or category ticked means no filter (zones added later are included)."""
        self._field_error(None)
        try:
            as_of = self.as_of.value() or date.today()
            min_debt = self.min_debt.value()
        except InputError as exc:
            if exc.error.field == "as_of":
                self._field_error(exc.error)
            else:
                show_error(self, exc)
            return None
        zone_ids = () if self.zones.all_chosen() else tuple(
            self.zone_ids[code] for code in self.zones.chosen())
        categories = () if self.categories.all_chosen() else tuple(self.categories.chosen())
        statuses = tuple(None if s == "active" else s for s in self.statuses.chosen())
        return WarningCriteria(as_of, min_debt if min_debt is not None else Decimal(0),
                               self.min_days.value(), zone_ids, categories, statuses)

    def _field_error(self, error: FieldError | None) -> None:
        _show_date_error(self.as_of, self.as_of_error, error)

    def _on_failed(self, exc: BaseException) -> None:
        _date_error_or_box(self, self.as_of, self.as_of_error, exc)

    def load_preview(self) -> None:
        criteria = self.criteria()
        if criteria is None:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: warnings.preview_warnings(db, operator, criteria),
                                self._on_preview_loaded, self._on_failed)

    def _on_preview_loaded(self, preview: WarningPreview) -> None:
        self.preview = preview
        self.approved &= {c.customer_id for c in preview.candidates if c.review}
        self.model.set_rows(preview.candidates)
        waiting = sum(1 for c in preview.to_issue
                      if c.review and c.customer_id not in self.approved)
        summary = _("{count} warnings to issue, {review} for review, {out} left out",
                    count=len(preview.to_issue) - waiting, review=waiting,
                    out=sum(1 for c in preview.candidates if c.reason))
        self.status.setText(f"{self.last_run} · {summary}" if self.last_run else summary)

    def approve_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or self.preview is None:
            return
        candidate: WarningCandidate = self.model.record_at(row)
        if candidate.review:
            self.approved.add(candidate.customer_id)
            self._on_preview_loaded(self.preview)

    def issue(self) -> None:
        criteria = self.criteria()
        if criteria is None:
            return
        db, operator, approved = self.context.db, self.context.operator, set(self.approved)

        def confirm(preview: WarningPreview) -> None:
            """The counts of the criteria as they stand now, asked once."""
            self._on_preview_loaded(preview)
            chosen = [c for c in preview.to_issue if not c.review or c.customer_id in approved]
            if not chosen:
                return
            waiting = len(preview.to_issue) - len(chosen)
            text = _("{count} warnings will be issued for {debt} € of debt in all; {review} "
                     "waiting for review are left out. Issue them?", count=len(chosen),
                     debt=current().number(sum((c.debt for c in chosen), Decimal(0)), 2),
                     review=waiting)
            if QMessageBox.question(self, _("Issue warnings"), text) == \
                    QMessageBox.StandardButton.Yes:
                # The runner's window: count, time left and Cancel; a cancelled run stops
                # between committed batches and goes on when it is run again for the date.
                self.context.runner.run_job(
                    lambda job: warnings.run_warnings(db, operator, criteria, approved,
                                                      progress=job.show,
                                                      cancelled=job.cancelled),
                    self._on_issued, self._on_failed, parent=self,
                    title=_("Issue warnings"), label=_("Issuing the warnings…"))

        self.context.runner.run(lambda: warnings.preview_warnings(db, operator, criteria),
                                confirm, self._on_failed)

    def issued_document(self) -> Document | None:
        """Every warning of the last run, two copies each, in its customer's language."""
        if not self.issued_ids:
            return None
        db, operator, ids = self.context.db, self.context.operator, self.issued_ids
        return Document(_("{count} warnings", count=len(ids)),
                        _("warnings-{day}.pdf", day=self.issued_on.isoformat()),
                        lambda: documents.warning_batch(db, operator, ids),
                        _("Preparing the warnings…"))

    def _on_issued(self, result: WarningRunResult) -> None:
        self.issued_ids, self.issued_on = result.warning_ids, result.as_of
        self.last_run = _("{issued} warnings issued, {before} issued before",
                          issued=result.issued, before=result.already_issued)
        if result.cancelled:
            self.last_run += " · " + _("cancelled: run it again for the same date to go on")
        self.status.setText(self.last_run)
        self.sig_issued.emit()
        self.load_preview()


WARNING_COLUMNS = [
    Column(N_("Number"), lambda w: w.number, width=18, sample="OP-BAR-2026-000000"),
    Column(N_("Date"), lambda w: _date(w.issued_on), width=10, sample=sample_date),
    Column(N_("Customer code"), lambda w: w.customer_code, width=9, sample="0000000"),
    Column(N_("Name"), lambda w: w.customer_name, width=26),
    Column(N_("Warning"), lambda w: str(w.level), width=6),
    Column(N_("Debt"), lambda w: _money(w.debt), width=12),
    Column(N_("Pay by"), lambda w: _date(w.deadline), width=10, sample=sample_date),
    Column(N_("Invoices"), lambda w: ", ".join(i.document_number for i in w.items), width=24),
    Column(N_("Delivered"), lambda w: (_(DELIVERY_LABELS[w.delivery]) + " " + _date(
        w.delivered_on)) if w.delivery else "", width=18),
    Column(N_("Outcome"), lambda w: _(OUTCOME_LABELS.get(w.outcome, w.outcome)), width=14),
]


class _RegisterPage(QWidget):
    """A list with buttons acting on the selected row."""

    def __init__(self, context: AppContext, columns: list[Column], name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = ListTableModel(columns, self)
        self.table = QTableView()
        self.table.setObjectName(name)
        configure_view(self.table, self.model)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(self.table, 1)

    def button(self, text: str, slot: Callable[[], None], permission: Permission) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        button.setEnabled(self.context.operator.can(permission))
        self.buttons.addWidget(button)
        return button

    def document_button(self, text: str, source: DocumentSource, name: str,
                        missing: str = "") -> DocumentButton:
        button = DocumentButton(self.context, text, source, name, missing=missing)
        button.setEnabled(self.context.operator.can(Permission.PRINT_INVOICES))
        self.buttons.addWidget(button)
        return button

    def current(self) -> Any:
        row = selected_row(self.table)
        return self.model.record_at(row) if row is not None else None

    def fetch(self) -> Callable[[], list[Any]]:
        raise NotImplementedError

    def load(self) -> None:
        self.context.runner.run(self.fetch(), self.model.set_rows,
                                lambda exc: show_error(self, exc))

    def dialog(self, make: Callable[[Any], QDialog]) -> None:
        record = self.current()
        if record is not None and make(record).exec():
            self.load()


class WarningRegisterPage(_RegisterPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, WARNING_COLUMNS, "warning_register", parent)
        self.button(_("&Delivery and outcome…"),
                    lambda: self.dialog(lambda r: DeliveryDialog(context, r, self)),
                    Permission.COLLECT_DEBT)
        self.document_button(_("Warning (2 copies)"), self.warning_document, "print_warning",
                             N_("Choose a warning in the register first."))
        self.document_button(_("The register"), self.register_document,
                             "print_warning_register")
        self.buttons.addStretch(1)

    def fetch(self) -> Callable[[], list[WarningRecord]]:
        db, operator = self.context.db, self.context.operator
        return lambda: warnings.warning_register(db, operator)

    def register_document(self) -> Document | None:
        db, operator, language = self.context.db, self.context.operator, current().language
        return Document(_("Warning register"), _("warning-register.pdf"),
                        lambda: documents.warning_register_document(db, operator, language),
                        _("Preparing the register…"))

    def warning_document(self) -> Document | None:
        record: WarningRecord | None = self.current()
        if record is None:
            return None
        db, operator = self.context.db, self.context.operator
        return Document(_("Warning {number}", number=record.number),
                        _("warning-{number}.pdf", number=record.number),
                        lambda: documents.warning_documents(db, operator,
                                                            [record.id])[record.language],
                        _("Preparing the warning…"))


ORDER_KIND_LABELS = {"disconnection": N_("Disconnection"), "reconnection": N_("Reconnection")}
ORDER_STATUS_LABELS = {"issued": N_("to carry out"), "executed": N_("carried out"),
                       "cancelled": N_("cancelled")}
ORDER_COLUMNS = [
    Column(N_("Number"), lambda o: o.number, width=17, sample="NI-BAR-2026-000000"),
    Column(N_("Kind"), lambda o: _(ORDER_KIND_LABELS[o.kind]), width=14),
    Column(N_("Date"), lambda o: _date(o.issued_on), width=10, sample=sample_date),
    Column(N_("Customer code"), lambda o: o.customer_code, width=9, sample="0000000"),
    Column(N_("Name"), lambda o: o.customer_name, width=24),
    Column(N_("Address"), lambda o: o.customer_address, width=24),
    Column(N_("Meter"), lambda o: o.meter_number, width=12),
    Column(N_("Status"), lambda o: _(ORDER_STATUS_LABELS[o.status]), width=12),
    Column(N_("Paid since the order"), lambda o: _("cancel?") if o.cancel_suggested else "",
           width=10),
    Column(N_("Carried out on"), lambda o: _date(o.done_on), width=10),
]


class OrderRegisterPage(_RegisterPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, ORDER_COLUMNS, "order_register", parent)
        self.as_of = DateField("as_of", _("Date"))
        self.as_of.set_value(date.today())
        self.buttons.addWidget(QLabel(_("Date")))
        self.buttons.addWidget(self.as_of)
        self.as_of_error = QLabel()
        self.as_of_error.setObjectName("as_of_error")
        self.as_of_error.setStyleSheet(ERROR_STYLE)
        self.as_of_error.setWordWrap(True)
        self.as_of_error.hide()
        rows = self.layout()             # under the row of buttons, which has no room for it
        assert isinstance(rows, QVBoxLayout)
        rows.insertWidget(1, self.as_of_error)
        self.button(_("Issue &orders"), self.issue, Permission.COLLECT_DEBT)
        self.button(_("&Field record…"),
                    lambda: self.dialog(lambda r: FieldRecordDialog(context, r, self)),
                    Permission.COLLECT_DEBT)
        self.button(_("&Cancel order…"),
                    lambda: self.dialog(lambda r: CancelOrderDialog(context, r, self)),
                    Permission.COLLECT_DEBT)
        self.reconnect_button = self.button(_("&Reconnect customer"), self.reconnect,
                                            Permission.COLLECT_DEBT)
        self.document_button(_("Order (2 copies)"), self.order_document, "print_order",
                             N_("Choose an order in the register first."))
        self.issued_ids: tuple[int, ...] = ()
        self.issued_on = date.today()
        self.document_button(_("The orders issued"), self.issued_document,
                             "print_issued_orders", N_("Issue the orders first."))
        self.document_button(_("The register"), self.register_document,
                             "print_order_register")
        self.buttons.addStretch(1)
        self.status = QLabel()
        self.buttons.addWidget(self.status)

    def fetch(self) -> Callable[[], list[OrderRecord]]:
        db, operator = self.context.db, self.context.operator
        return lambda: orders.order_register(db, operator)

    def _field_error(self, error: FieldError | None) -> None:
        _show_date_error(self.as_of, self.as_of_error, error)

    def _on_failed(self, exc: BaseException) -> None:
        _date_error_or_box(self, self.as_of, self.as_of_error, exc)

    def issue(self) -> None:
        self._field_error(None)
        try:
            as_of = self.as_of.value() or date.today()
        except InputError as exc:
            self._field_error(exc.error)
            return
        db, operator = self.context.db, self.context.operator

        def done(result: orders.OrderRunResult) -> None:
            self.issued_ids, self.issued_on = result.order_ids, result.as_of
            text = _("{issued} orders issued, {before} issued before",
                     issued=result.issued, before=result.already_issued)
            if result.cancelled:
                text += " · " + _("cancelled: run it again for the same date to go on")
            self.status.setText(text)
            self.load()

        def confirm(candidates: list[orders.OrderCandidate]) -> None:
            if not candidates:
                self.status.setText(_("No orders to issue on {day}.", day=_date(as_of)))
                return
            text = _("{count} disconnection orders will be issued on {day} for {customers} "
                     "customers owing {debt} € in all. Issue them?", count=len(candidates),
                     day=_date(as_of), customers=len({c.customer_id for c in candidates}),
                     debt=current().number(sum((c.debt for c in {
                         c.warning_id: c for c in candidates}.values()), Decimal(0)), 2))
            if QMessageBox.question(self, _("Issue orders"), text) == \
                    QMessageBox.StandardButton.Yes:
                self.context.runner.run_job(
                    lambda job: orders.run_orders(db, operator, as_of, progress=job.show,
                                                  cancelled=job.cancelled),
                    done, self._on_failed, parent=self, title=_("Issue orders"),
                    label=_("Issuing the orders…"))

        self.context.runner.run(lambda: orders.preview_orders(db, operator, as_of), confirm,
                                self._on_failed)

    def reconnect(self) -> None:
        record: OrderRecord | None = self.current()
        if record is None:
            return
        db, operator = self.context.db, self.context.operator

        def done(ids: list[int]) -> None:
            self.status.setText(_("{count} reconnection orders issued", count=len(ids)))
            self.load()

        def confirm(points: int) -> None:
            text = _("{count} reconnection orders will be issued for {code} {name}; the "
                     "reconnection fee comes on the next invoice. Issue them?", count=points,
                     code=record.customer_code, name=record.customer_name)
            if QMessageBox.question(self, _("Reconnect customer"), text) == \
                    QMessageBox.StandardButton.Yes:
                self.context.runner.run(
                    lambda: orders.issue_reconnection(db, operator, record.customer_id,
                                                      date.today()),
                    done, lambda exc: show_error(self, exc))

        self.context.runner.run(
            lambda: orders.reconnection_points(db, operator, record.customer_id, date.today()),
            confirm, lambda exc: show_error(self, exc))

    def register_document(self) -> Document | None:
        db, operator, language = self.context.db, self.context.operator, current().language
        return Document(_("Register of orders"), _("order-register.pdf"),
                        lambda: documents.order_register_document(db, operator, language),
                        _("Preparing the register…"))

    def issued_document(self) -> Document | None:
        """Every order of the last run, two copies each."""
        if not self.issued_ids:
            return None
        db, operator, ids = self.context.db, self.context.operator, self.issued_ids
        return Document(_("{count} orders", count=len(ids)),
                        _("orders-{day}.pdf", day=self.issued_on.isoformat()),
                        lambda: documents.order_documents(db, operator, ids),
                        _("Preparing the orders…"))

    def order_document(self) -> Document | None:
        record: OrderRecord | None = self.current()
        if record is None:
            return None
        db, operator = self.context.db, self.context.operator
        return Document(_("Order {number}", number=record.number),
                        _("order-{number}.pdf", number=record.number),
                        lambda: documents.order_documents(db, operator, [record.id]),
                        _("Preparing the order…"))


class CollectionWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.run_page = WarningRunPage(context)
        self.warnings = WarningRegisterPage(context)
        self.orders = OrderRegisterPage(context)
        self.run_page.sig_issued.connect(self._on_run_page_issued)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        if context.operator.can(Permission.COLLECT_DEBT):
            self.pages.addTab(self.run_page, _("Warning run"))
        self.pages.addTab(self.warnings, _("Warning register"))
        self.pages.addTab(self.orders, _("Order register"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def _on_run_page_issued(self) -> None:
        self.warnings.load()

    def refresh(self) -> None:
        self.run_page.load_zones()
        self.warnings.load()
        self.orders.load()
