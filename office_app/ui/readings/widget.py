"""The reading books tab: the billing order of a period, its books per zone and reader with
their progress, and the month's work — keying a book, printing the books and the implausible
readings report, field records, imports, meter replacements, transfers and terminations.

Enter on a book opens it for keying; Escape in the book comes back to the list."""
from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.printing.implausible_report import implausible_report_pdf
from office_app.printing.reading_book import reading_books_pdf
from office_app.services import books, periods
from office_app.services.consumption import BillingPeriodInfo, shift_period
from office_app.services.field_records import implausible_report
from office_app.services.permissions import Permission
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton, DocumentSource
from office_app.ui.forms import show_error
from office_app.ui.lazy_table import Column, ListTableModel, configure_view, select_row
from office_app.ui.meter_event_dialogs import (
    ReplacementDialog,
    TerminationDialog,
    TransferDialog,
    offer_termination_notice,
)
from office_app.ui.readings.field_records import FieldRecordDialog
from office_app.ui.readings.import_dialog import run_import
from office_app.ui.readings.keying import BookKeyingWidget
from office_app.ui.readings.period_dialogs import PeriodDialog, PlausibilityDialog

BOOK_COLUMNS = [
    Column(N_("Zone"), lambda b: b.zone_code, width=6),
    Column(N_("Zone name"), lambda b: b.zone_name, width=24),
    Column(N_("Reader"), lambda b: b.reader_code, width=7),
    Column(N_("Reader's name"), lambda b: b.reader_name, width=20),
    Column(N_("Points"), lambda b: str(b.points), width=7, align_right=True),
    Column(N_("Keyed"), lambda b: str(b.keyed), width=7, align_right=True),
    Column(N_("Left"), lambda b: str(b.left), width=7, align_right=True),
    Column(N_("Implausible"), lambda b: str(b.implausible) if b.implausible else "", width=9,
           align_right=True),
    Column(N_("Progress"), lambda b: f"{b.keyed * 100 // max(b.points, 1)} %", width=8),
]
STATUS = {"open": N_("open"), "closed": N_("closed")}


class ReadingsWidget(QWidget):
    """The tab; ``refresh()`` reloads the periods and the books."""

    sig_period_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.periods: list[BillingPeriodInfo] = []
        self.manage = context.operator.can(Permission.MANAGE_PERIODS)
        self.key = context.operator.can(Permission.KEY_READINGS)
        self.period_box = QComboBox()
        self.period_box.setObjectName("period")
        self.period_box.currentIndexChanged.connect(self._on_period_chosen)
        self.period_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_info = QLabel()
        self.period_info.setObjectName("period_info")
        # The dates wrap onto a second line in longer languages instead of widening the
        # window past a 1366-pixel screen.
        self.period_info.setWordWrap(True)
        self.books_model = ListTableModel(BOOK_COLUMNS, self)
        self.books_table = QTableView()
        self.books_table.setObjectName("books")
        configure_view(self.books_table, self.books_model)
        self.books_table.activated.connect(self.key_book)
        self.keying = BookKeyingWidget(context)
        self.keying.sig_leave.connect(self._on_keying_leave)
        self.keying.sig_changed.connect(self._on_keying_changed)
        self.stack = QStackedWidget()
        self.buttons: dict[str, QAbstractButton] = {}
        self.stack.addWidget(self._list_page())
        self.stack.addWidget(self.keying)
        layout = QVBoxLayout(self)
        layout.addLayout(self._period_bar())
        layout.addWidget(self.stack, 1)
        self.setFocusProxy(self.books_table)

    # -- layout -----------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot: Any, allowed: bool = True) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(allowed)
        self.buttons[name] = button
        return button

    def _document(self, name: str, text: str, source: DocumentSource) -> DocumentButton:
        button = DocumentButton(self.context, text, source, name, missing=N_(
            "Choose a period and, for one book, the book in the list first."))
        self.buttons[name] = button
        return button

    def _period_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Period:")))
        bar.addWidget(self.period_box)
        bar.addWidget(self.period_info, 1)
        bar.addWidget(self._button("new_period", _("New billing order…"), self.new_period,
                                   self.manage))
        bar.addWidget(self._button("edit_period", _("Dates…"), self.edit_period, self.manage))
        bar.addWidget(self._button("close_period", _("Close period…"), self.close_period,
                                   self.manage))
        bar.addWidget(self._button("rules", _("Plausibility rules…"), self.edit_rules,
                                   self.manage))
        return bar

    def _list_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout()
        actions: list[tuple[str, str, Any, bool | None]] = [
            ("key_book", _("Key the book (Enter)"), self.key_book, self.key),
            ("print_books", _("Reading books"), self.books_document, None),
            ("print_book", _("This reading book"), self.book_document, None),
            ("implausible", _("Implausible readings report"), self.implausible_document, None),
            ("field_records", _("Field records…"), self.field_records, self.key),
            ("import", _("Import readings…"), self.import_readings, self.key),
            ("replacement", _("Meter replacement…"), self.replace_meter, self.key),
            ("transfer", _("Ownership transfer…"), self.transfer, self.key),
            ("termination", _("Contract termination…"), self.terminate,
             self.key and self.context.operator.can(Permission.SET_CUSTOMER_STATUS)),
        ]
        for number, (name, text, slot, allowed) in enumerate(actions):
            button = (self._button(name, text, slot, allowed) if allowed is not None
                      else self._document(name, text, slot))
            grid.addWidget(button, number // 5, number % 5)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.books_table, 1)
        return page

    # -- periods ----------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.stack.currentIndex() == 1:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: periods.list_periods(db, operator),
                                self._on_periods_loaded, lambda exc: show_error(self, exc))

    def _on_periods_loaded(self, found: list[BillingPeriodInfo]) -> None:
        chosen = self.period()
        self.periods = found
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for info in found:
            self.period_box.addItem(f"{info.period} ({_(STATUS[info.status])})", info.period)
        labels = [p.period for p in found]
        open_ones = [p.period for p in found if p.is_open]
        keep = chosen if chosen in labels else (open_ones[0] if open_ones else None)
        self.period_box.setCurrentIndex(labels.index(keep) if keep in labels else 0)
        self.period_box.blockSignals(False)
        self._on_period_chosen()
        self.sig_period_changed.emit(open_ones[0] if open_ones else "")

    def period(self) -> str | None:
        data = self.period_box.currentData()
        return str(data) if data else None

    def period_record(self) -> BillingPeriodInfo | None:
        label = self.period()
        return next((p for p in self.periods if p.period == label), None)

    def _on_period_chosen(self, _index: int = 0) -> None:
        info = self.period_record()
        is_open = info is not None and info.is_open
        for name in ("edit_period", "close_period"):
            self.buttons[name].setEnabled(is_open)
        for name in ("key_book", "field_records", "import", "print_books", "print_book",
                     "implausible"):
            self.buttons[name].setEnabled(info is not None and (is_open or name.startswith(
                ("print", "implausible"))))
        if info is None:
            self.period_info.setText(_("No billing order yet: a supervisor issues one with "
                                       "New billing order."))
            self.books_model.set_rows([])
            return
        t = current()
        self.period_info.setText(_(
            "Books {made} · to the field {handed} · last reading day {last} · processing "
            "{processing} · invoices {invoices}", made=t.date(info.books_made_on),
            handed=t.date(info.handed_out_on), last=t.date(info.last_reading_on),
            processing=t.date(info.processing_on), invoices=t.date(info.invoice_issue_on)))
        self.load_books()

    def new_period(self) -> None:
        latest = self.periods[0].period if self.periods else None
        suggested = shift_period(latest, 1) if latest else f"{date.today():%Y-%m}"
        self._period_dialog(PeriodDialog(self.context, None, suggested, self))

    def edit_period(self) -> None:
        info = self.period_record()
        if info is not None and info.is_open:
            self._period_dialog(PeriodDialog(self.context, info, parent=self))

    def _period_dialog(self, dialog: QDialog) -> None:
        if dialog.exec():
            saved = getattr(dialog, "result_value", None)
            if isinstance(saved, BillingPeriodInfo):
                self.periods = []
                self.period_box.clear()
                self.period_box.addItem(saved.period, saved.period)
            self.refresh()

    def close_period(self) -> None:
        label = self.period()
        if label is None:
            return
        listed = self.books_model.rows()          # the period's books, as on screen
        points = sum(b.points for b in listed)
        answer = QMessageBox.question(self, _("Close the period"), _(
            "Close period {period}? Its readings can no longer be changed afterwards.",
            period=label) + "\n\n" + _(
            "{books} books: {keyed} of {points} points keyed, {left} without a reading, "
            "{implausible} implausible.", books=len(listed),
            keyed=sum(b.keyed for b in listed), points=points,
            left=sum(b.left for b in listed), implausible=sum(b.implausible for b in listed)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: periods.close_period(db, operator, label),
                                lambda _info: self.refresh(), lambda exc: show_error(self, exc))

    def edit_rules(self) -> None:
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: periods.get_settings(db, operator),
                                self._on_rules_loaded, lambda exc: show_error(self, exc))

    def _on_rules_loaded(self, settings: periods.PlausibilitySettings) -> None:
        PlausibilityDialog(self.context, settings, self).exec()

    # -- books ------------------------------------------------------------------------------
    def load_books(self) -> None:
        label = self.period()
        if label is None:
            return
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: books.list_books(db, operator, label),
                                self._on_books_loaded, lambda exc: show_error(self, exc))

    def _on_books_loaded(self, found: list[books.BookSummary]) -> None:
        current_book = self.current_book()
        self.books_model.set_rows(found)
        keys = [(b.zone_id, b.reader_id) for b in found]
        key = (current_book.zone_id, current_book.reader_id) if current_book else None
        if found:
            select_row(self.books_table, keys.index(key) if key in keys else 0)

    def current_book(self) -> books.BookSummary | None:
        rows = self.books_table.selectionModel().selectedRows()
        return self.books_model.record_at(rows[0].row()) if rows else None

    def key_book(self) -> None:
        book, info = self.current_book(), self.period_record()
        if book is None or info is None or not info.is_open or not self.key:
            return
        self.stack.setCurrentIndex(1)
        self.keying.open(info.period, book.zone_id, book.reader_id)

    def _on_keying_leave(self) -> None:
        self.stack.setCurrentIndex(0)
        self.load_books()
        self.books_table.setFocus()

    def _on_keying_changed(self) -> None:
        """Counts on the list are refreshed when the clerk comes back to it."""

    # -- documents --------------------------------------------------------------------------
    def books_document(self, only_current: bool = False) -> Document | None:
        label, book = self.period(), self.current_book()
        if label is None or (only_current and book is None):
            return None
        db, operator, language = self.context.db, self.context.operator, current().language

        def make() -> bytes:
            if only_current and book is not None:
                chosen = [books.open_book(db, operator, label, book.zone_id, book.reader_id)]
            else:
                chosen = books.books_for_print(db, operator, label)
            return reading_books_pdf(chosen, language)

        name = _("reading-books-{period}.pdf", period=label)
        if only_current and book is not None:
            name = _("reading-book-{period}-{zone}-{reader}.pdf", period=label,
                     zone=book.zone_code, reader=book.reader_code)
        return Document(_("Reading books {period}", period=label), name, make,
                        _("Preparing the reading books…"))

    def book_document(self) -> Document | None:
        return self.books_document(only_current=True)

    def implausible_document(self) -> Document | None:
        label = self.period()
        if label is None:
            return None
        db, operator, language = self.context.db, self.context.operator, current().language
        return Document(_("Implausible readings report {period}", period=label),
                        _("implausible-readings-{period}.pdf", period=label),
                        lambda: implausible_report_pdf(implausible_report(db, operator, label),
                                                       language),
                        _("Preparing the report…"))

    # -- the month's other work -------------------------------------------------------------
    def field_records(self) -> None:
        label = self.period()
        if label is not None:
            FieldRecordDialog(self.context, label, self).exec()
            self.load_books()

    def import_readings(self) -> None:
        label = self.period()
        if label is not None:
            run_import(self, self.context, label, self.load_books)

    def replace_meter(self) -> None:
        self._event(ReplacementDialog(self.context, parent=self))

    def transfer(self) -> None:
        self._event(TransferDialog(self.context, parent=self))

    def terminate(self) -> None:
        dialog = TerminationDialog(self.context, parent=self)
        if dialog.exec():
            self.load_books()
            offer_termination_notice(self, self.context, dialog)

    def _event(self, dialog: QDialog) -> None:
        if dialog.exec():
            self.load_books()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.stack.currentIndex() == 0:
            self.key_book()
        else:
            super().keyPressEvent(event)
