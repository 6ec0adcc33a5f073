"""Dialogs of the litigation register: a new case, a batch of enforcement proposals filed for
the candidates picked, an event with its deadline, a document attached, a stage, costs a
court awards, closing."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_, FieldError, ValidationError
from office_app.i18n import _, current
from office_app.services import enforcement, ledger, legal, network
from office_app.services.legal import (
    CLOSING_STAGES,
    EVENT_KINDS,
    EVENT_LABELS,
    STAGE_LABELS,
    Candidate,
    CaseInput,
    CaseRecord,
)
from office_app.ui.complaints.dialogs import customer_by_code
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog, DateField, InputError, NumberField
from office_app.ui.lazy_table import Column, ListTableModel, configure_view


def _finish(dialog: BaseDialog, widgets: list[QWidget]) -> None:
    chain = [*widgets, *dialog.buttons.buttons()]
    for before, after in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(before, after)
    widgets[0].setFocus()
    dialog.resize(max(dialog.width(), 460), dialog.sizeHint().height())


def _combo(labels: dict[str, str], keys: tuple[str, ...]) -> QComboBox:
    box = QComboBox()
    for key in keys:
        box.addItem(_(labels[key]), key)
    return box




class CaseDialog(BaseDialog):
    """A new case: the customer by code, the court's case number, amounts."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("New court case"), context.runner, parent)
        self.context = context
        widgets = [
            self.add_row("customer_id", _("Customer code"), QLineEdit()),
            self.add_row("case_number", _("Case number"), QLineEdit()),
            self.add_row("court", _("Court"), QLineEdit()),
            self.add_row("filed_on", _("Date filed"), DateField("filed_on", _("Date filed"))),
            self.add_row("amount_sued", _("Amount sued"),
                         NumberField("amount_sued", _("Amount sued"), decimal=True)),
            self.add_row("court_fee", _("Court fee"),
                         NumberField("court_fee", _("Court fee"), decimal=True)),
            self.add_row("other_costs", _("Other costs"),
                         NumberField("other_costs", _("Other costs"), decimal=True))]
        self.field("filed_on").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        code = self.field("customer_id").text().strip()
        number, court = self.field("case_number").text(), self.field("court").text()
        filed = self.field("filed_on").value() or date.today()
        amounts = [self.field(n).value() for n in ("amount_sued", "court_fee", "other_costs")]
        sued, fee, costs = (a if a is not None else "0" for a in amounts)
        db, operator = self.context.db, self.context.operator

        def work() -> CaseRecord:
            customer = customer_by_code(db, operator, code)
            return legal.open_case(db, operator, CaseInput(customer.id, number, court, filed,
                                                           sued, fee, costs))
        return work


class EventDialog(BaseDialog):
    """A hearing, decision, appeal … of a case, with its deadline."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Event of case {number}", number=case.case_number), context.runner,
                         parent)
        self.context, self.case = context, case
        widgets = [
            self.add_row("kind", _("Event"), _combo(EVENT_LABELS, EVENT_KINDS)),
            self.add_row("event_date", _("Date"), DateField("event_date", _("Date"))),
            self.add_row("deadline", _("Deadline"), DateField("deadline", _("Deadline"))),
            self.add_row("note", _("Note"), QLineEdit())]
        self.field("event_date").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        kind = self.field("kind").currentData()
        day = self.field("event_date").value() or date.today()
        deadline, note = self.field("deadline").value(), self.field("note").text()
        db, operator, case_id = self.context.db, self.context.operator, self.case.id
        return lambda: legal.add_event(db, operator, case_id, kind, day, deadline, note)


class CloseDialog(BaseDialog):
    """Close a case as settled, paid or written off, with the outcome."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Close case {number}", number=case.case_number), context.runner,
                         parent)
        self.context, self.case = context, case
        widgets = [
            self.add_row("stage", _("Outcome"), _combo(STAGE_LABELS, CLOSING_STAGES)),
            self.add_row("outcome", _("Description"), QLineEdit()),
            self.add_row("closed_on", _("Date closed"),
                         DateField("closed_on", _("Date closed")))]
        self.field("closed_on").set_value(date.today())
        # A write-off posts what the card shows owed: the amount stands in the dialog before OK.
        self.write_off = QLabel()
        self.write_off.setObjectName("write_off")
        self.write_off.setWordWrap(True)
        self.write_off.hide()
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, self.write_off)
        self.field("stage").currentIndexChanged.connect(self._on_stage_changed)
        _finish(self, widgets)
        self._on_stage_changed()

    def _on_stage_changed(self, *_args: object) -> None:
        if self.field("stage").currentData() != "written_off":
            self.write_off.hide()
            return
        db, operator, case = self.context.db, self.context.operator, self.case
        self.context.runner.run(
            lambda: ledger.card(db, operator, case.customer_id).closing_balance,
            lambda owed: self._show_write_off(owed), lambda _exc: self.write_off.hide())

    def _show_write_off(self, owed: Decimal) -> None:
        self.write_off.setText(_(
            "OK posts a write-off of {amount} € (what the card of {code} shows owed) and closes "
            "the case.", amount=current().number(owed, 2), code=self.case.customer_code))
        self.write_off.setVisible(self.field("stage").currentData() == "written_off")

    def save(self) -> Callable[[], Any]:
        stage, text = self.field("stage").currentData(), self.field("outcome").text()
        day = self.field("closed_on").value() or date.today()
        db, operator, case_id = self.context.db, self.context.operator, self.case.id
        return lambda: legal.close_case(db, operator, case_id, stage, text, day)


CANDIDATE_COLUMNS = [
    Column(N_("Customer code"), lambda c: c.code, width=9),
    Column(N_("Name"), lambda c: c.name, width=22),
    Column(N_("Address"), lambda c: c.address, width=24),
    Column(N_("Status"), lambda c: c.status or "", width=6),
    Column(N_("Debt"), lambda c: current().money(c.debt), width=11, align_right=True),
    Column(N_("Days overdue"), lambda c: str(c.days_overdue), width=8, align_right=True),
]


class ProposalsDialog(BaseDialog):
    """The candidates to sue (owing at least an amount, overdue for more than some days, in a
    zone or all; disconnected customers first) and a batch of enforcement proposals filed for
    those picked: one case each, five copies with the financial card and the open items as of
    the filing date. ``result_value`` is the service's BatchFiled (its PDF to save)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Enforcement proposals"), context.runner, parent)
        self.context = context
        zone = QComboBox()
        zone.addItem(_("All zones"), None)
        for z in network.list_zones(context.db, context.operator):
            zone.addItem(f"{z.code} {z.name}", z.id)
        self.model = ListTableModel(CANDIDATE_COLUMNS, self)
        self.table = QTableView()
        configure_view(self.table, self.model, "proposal_candidates")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.table.setMinimumHeight(180)
        # the debt and the days overdue (the columns the clerk chooses by) in view without
        # scrolling sideways
        columns = sum(self.table.columnWidth(n) for n in range(self.model.columnCount()))
        self.table.setMinimumWidth(min(columns + 2 * self.table.frameWidth()
                                       + self.table.verticalScrollBar().sizeHint().width(), 1000))
        self.find_button = QPushButton(_("&Find candidates"))
        self.find_button.setObjectName("find")
        self.find_button.clicked.connect(self.find_candidates)
        widgets = [
            self.add_row("min_debt", _("Debt at least"),
                         NumberField("min_debt", _("Debt at least"), decimal=True)),
            self.add_row("older_than", _("Overdue more than (days)"),
                         NumberField("older_than", _("Overdue more than (days)"))),
            self.add_row("zone_id", _("Zone"), zone),
            self.find_button,
            self.add_row("customer_ids", _("Customers to sue"), self.table),
            self.add_row("court", _("Court"), QLineEdit()),
            self.add_row("filed_on", _("Date filed"), DateField("filed_on", _("Date filed"))),
            self.add_row("court_fee", _("Court fee"),
                         NumberField("court_fee", _("Court fee"), decimal=True)),
            self.add_row("other_costs", _("Other costs"),
                         NumberField("other_costs", _("Other costs"), decimal=True))]
        self.form.insertRow(3, "", self.find_button)
        self.field("min_debt").setText("100")
        self.field("older_than").setText("60")
        self.field("filed_on").set_value(date.today())
        _finish(self, widgets)
        self.resize(max(self.width(), 720), self.height())

    def find_candidates(self) -> None:
        try:
            floor = self.field("min_debt").value()
            days = self.field("older_than").value()
        except InputError as exc:
            self.show_errors([exc.error])
            return
        zone = self.field("zone_id").currentData()
        db, operator, on = self.context.db, self.context.operator, date.today()
        self.runner.run(
            lambda: legal.candidates(db, operator, floor if floor is not None else "0",
                                     int(days) if days is not None else 0, on, zone),
            self._found, self._failed)

    def _found(self, found: list[Candidate]) -> None:
        self.clear_errors()
        self.model.set_rows(found)

    def chosen(self) -> list[Candidate]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.record_at(r) for r in rows]

    def save(self) -> Callable[[], Any]:
        ids = [c.customer_id for c in self.chosen()]
        court, filed = self.field("court").text(), self.field("filed_on").value() or date.today()
        fee, costs = (self.field(n).value() for n in ("court_fee", "other_costs"))
        db, operator = self.context.db, self.context.operator
        return lambda: enforcement.file_proposals(
            db, operator, ids, court, filed, fee if fee is not None else "0",
            costs if costs is not None else "0")


class AttachDialog(BaseDialog):
    """A scan or PDF to keep with a case; the file is read when OK is pressed, and what is
    wrong with it (not a PDF or an image, too large, unreadable) is said next to it."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Attach a document to case {number}", number=case.case_number),
                         context.runner, parent)
        self.context, self.case = context, case
        path = QLineEdit()
        browse = QPushButton(_("&Browse…"))
        browse.setObjectName("browse")
        browse.clicked.connect(self.browse)
        self.add_row("file_name", _("File"), path)
        self.form.insertRow(1, "", browse)
        _finish(self, [path, browse])

    def browse(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Attach a document"), "", _("PDF and images (*.pdf *.png *.jpg *.jpeg "
                                               "*.tif *.tiff)"))
        if chosen:
            self.field("file_name").setText(chosen)

    def save(self) -> Callable[[], Any]:
        path = Path(self.field("file_name").text().strip())
        if not path.name or not path.is_file():
            raise InputError(FieldError("file_name", N_(
                "File: choose a PDF or an image to attach.")))
        db, operator, case_id = self.context.db, self.context.operator, self.case.id

        def work() -> legal.AttachmentRecord:
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise ValidationError([FieldError("file_name", N_(
                    "File: {name} cannot be read ({detail})."),
                    {"name": path.name, "detail": exc.strerror or str(exc)})]) from exc
            return legal.attach(db, operator, case_id, path.name, content)
        return work


class StageDialog(BaseDialog):
    """Move an open case on: decision, enforcement, appeal (closing has its own dialog)."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Stage of case {number}", number=case.case_number), context.runner,
                         parent)
        self.context, self.case = context, case
        open_stages = tuple(k for k in STAGE_LABELS if k not in CLOSING_STAGES)
        stage = _combo(STAGE_LABELS, open_stages)
        stage.setCurrentIndex(max(open_stages.index(case.stage), 0)
                              if case.stage in open_stages else 0)
        _finish(self, [self.add_row("stage", _("Stage"), stage)])

    def save(self) -> Callable[[], Any]:
        stage = self.field("stage").currentData()
        db, operator, case_id = self.context.db, self.context.operator, self.case.id
        return lambda: legal.set_stage(db, operator, case_id, stage)


class CostsDialog(BaseDialog):
    """Costs a court decision awards the office, posted to the customer's card."""

    def __init__(self, context: AppContext, case: CaseRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Costs of case {number}", number=case.case_number), context.runner,
                         parent)
        self.context, self.case = context, case
        widgets = [
            self.add_row("amount", _("Amount"), NumberField("amount", _("Amount"), decimal=True)),
            self.add_row("on", _("Date"), DateField("on", _("Date"))),
            self.add_row("description", _("Description"), QLineEdit())]
        self.field("on").set_value(date.today())
        _finish(self, widgets)

    def save(self) -> Callable[[], Any]:
        amount = self.field("amount").value()
        day = self.field("on").value() or date.today()
        text = self.field("description").text()
        db, operator, case_id = self.context.db, self.context.operator, self.case.id
        return lambda: legal.post_costs(db, operator, case_id,
                                        amount if amount is not None else "", day, text)
