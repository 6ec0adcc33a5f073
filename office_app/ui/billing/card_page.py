"""The financial card page of the customer detail view (001 Član 3.1): every entry with its
document, type, debit, credit, running balance, accounting order and operator; the balance
and what is open; a printable copy of the last 12 months and a statement of open invoices."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services import ledger, metering
from office_app.services.billing import invoices, points
from office_app.services.collection import warnings
from office_app.services.office import get_office
from office_app.services.permissions import Permission
from office_app.ui import changes
from office_app.ui.billing.common import day, money
from office_app.ui.billing.profile_dialog import BillingProfileDialog
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import (
    Column,
    ListTableModel,
    configure_view,
    sample_date,
    sample_money,
)

COLUMNS = [
    Column(N_("Date"), lambda r: day(r.document_date), width=10, sample=sample_date),
    Column(N_("Document"), lambda r: r.document_number, width=17, sample="BAR-2026-0000000"),
    Column(N_("Document type"), lambda r: _(ledger.DOCUMENT_TYPE_LABELS.get(
        r.document_type, r.document_type)), width=18),
    Column(N_("Description"), lambda r: r.description, width=18, stretch=True),
    Column(N_("Debit"), lambda r: money(r.debit) if r.debit else "", width=10,
           align_right=True),
    Column(N_("Credit"), lambda r: money(r.credit) if r.credit else "", width=10,
           align_right=True),
    Column(N_("Balance"), lambda r: money(r.balance), width=10, align_right=True,
           sample=sample_money),
    Column(N_("Due date"), lambda r: day(r.due_date), width=10, sample=sample_date),
    Column(N_("Accounting order"), lambda r: f"{r.order_number} {day(r.order_date)}".strip(),
           width=28),
    Column(N_("Operator"), lambda r: r.operator_code, width=8),
]


class FinancialCardWidget(QWidget):
    """A customer page: ``load(customer_id)`` shows that customer's card."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id: int | None = None
        self.card: ledger.FinancialCard | None = None
        #: {ledger entry id: the warnings that chased it}, shown in the last column.
        self.warned: dict[int, str] = {}
        self.model = ListTableModel(COLUMNS + [Column(
            N_("Warnings"), lambda r: self.warned.get(r.entry_id, ""), width=22)], self)
        self.table = QTableView()
        self.table.setObjectName("card")
        configure_view(self.table, self.model)
        self.summary = QLabel()
        self.summary.setObjectName("card_summary")
        self.summary.setWordWrap(True)
        printing = context.operator.can(Permission.PRINT_INVOICES)
        self.print_button = DocumentButton(context, _("Card (12 months)"), self.card_document,
                                           "print_card")
        self.preview_button = self.print_button
        self.statement_button = DocumentButton(context, _("Statement of open invoices"),
                                               self.statement_document, "print_statement")
        for button in (self.print_button, self.statement_button):
            button.setVisible(printing)
        self.profile_button = QPushButton(_("Billing of a point…"))
        self.profile_button.setObjectName("billing_profile")
        self.profile_button.clicked.connect(self.edit_profile)
        self.profile_button.setVisible(context.operator.can(Permission.MANAGE_TARIFFS))
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.profile_button)
        bar.addWidget(self.statement_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.setEnabled(context.operator.can(Permission.VIEW_LEDGER))
        changes.bus().sig_changed.connect(self._on_bus_changed)

    def _on_bus_changed(self, kind: str, customer_id: int) -> None:
        """A payment posted anywhere: show this customer's card anew."""
        if kind == changes.PAYMENT and self.customer_id is not None \
                and customer_id in (0, self.customer_id):
            self.load(self.customer_id)

    def load(self, customer_id: int) -> None:
        self.customer_id = customer_id
        if not self.context.operator.can(Permission.VIEW_LEDGER):
            self.summary.setText(_("Your role does not show the financial card."))
            return
        ctx = self.context

        def work() -> tuple[ledger.FinancialCard, list[warnings.WarningRecord]]:
            return (ledger.card(ctx.db, ctx.operator, customer_id), warnings.warning_register(
                ctx.db, ctx.operator, warnings.WarningQuery(customer_id=customer_id)))

        ctx.runner.run(work, self._on_loaded, lambda exc: show_error(self, exc))

    def _on_loaded(self, found: tuple[ledger.FinancialCard,
                                      list[warnings.WarningRecord]]) -> None:
        card, sent = found
        if card.customer_id != self.customer_id:
            return
        self.card = card
        self.warned = _warned_entries(sent)
        self.model.set_rows(list(reversed(card.rows)))
        owed = sum((i.open for i in card.open_items), ledger.ZERO)
        text = _("Balance {balance} € · debit {debit} € · credit {credit} € · {count} open "
                 "documents ({open} €)", balance=money(card.closing_balance),
                 debit=money(card.total_debit), credit=money(card.total_credit),
                 count=len(card.open_items), open=money(owed))
        if sent:
            latest = sent[0]
            text += " · " + _("Warnings: {count}, the latest {number} of {date}: {debt} € by "
                              "{deadline}", count=len(sent), number=latest.number,
                              date=day(latest.issued_on), debt=money(latest.debt),
                              deadline=day(latest.deadline))
        self.summary.setText(text)

    def edit_profile(self) -> None:
        """Choose one of the customer's points (the only one, or from a list) and set how it
        is billed."""
        if self.customer_id is None:
            return
        ctx, customer_id = self.context, self.customer_id

        def load() -> tuple[list[Any], list[Any], str]:
            held = metering.points_of_customer(ctx.db, ctx.operator, customer_id)
            profiles = [points.get_profile(ctx.db, ctx.operator, p.id) for p in held]
            return held, profiles, get_office(ctx.db).utility

        def loaded(found: tuple[list[Any], list[Any], str]) -> None:
            held, profiles, utility = found
            index = 0 if len(held) == 1 else _choose_point(self, held)
            if index is not None and held:
                BillingProfileDialog(ctx, held[index], profiles[index], utility, self).exec()

        ctx.runner.run(load, loaded, lambda exc: show_error(self, exc))

    def _code(self) -> str:
        return self.card.customer_code if self.card else str(self.customer_id)

    def card_document(self) -> Document | None:
        """The card copy of the last 12 months."""
        if self.customer_id is None:
            return None
        ctx, customer_id = self.context, self.customer_id
        return Document(_("Financial card"), _("card-{code}.pdf", code=self._code()),
                        lambda: invoices.card_copy(ctx.db, ctx.operator, customer_id),
                        _("Printing the card…"))

    def statement_document(self) -> Document | None:
        if self.customer_id is None:
            return None
        ctx, customer_id = self.context, self.customer_id
        return Document(_("Statement of open invoices"),
                        _("statement-{code}.pdf", code=self._code()),
                        lambda: invoices.statement(ctx.db, ctx.operator, customer_id),
                        _("Printing the statement…"))


def _warned_entries(sent: list[warnings.WarningRecord]) -> dict[int, str]:
    """{entry id: "OP-… (dd.mm.yyyy), …"} of the debits each warning chased, oldest first."""
    found: dict[int, list[str]] = {}
    for w in sorted(sent, key=lambda w: (w.issued_on, w.id)):
        for item in w.items:
            found.setdefault(item.entry_id, []).append(f"{w.number} ({day(w.issued_on)})")
    return {entry_id: ", ".join(numbers) for entry_id, numbers in found.items()}


def _choose_point(parent: QWidget, held: list[Any]) -> int | None:
    if not held:
        return None
    numbers = [f"{p.number} · {p.address}" for p in held]
    chosen, ok = QInputDialog.getItem(parent, _("Billing of a point"), _("Point:"), numbers, 0,
                                      False)
    return numbers.index(chosen) if ok else None


__all__ = ["FinancialCardWidget", "current"]
