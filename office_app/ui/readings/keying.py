"""Keying a returned reading book, keyboard only.

The cursor starts on the first point not yet keyed. Typing starts editing the cell; Enter
moves VT → MT (two-rate meters) → peak load (meters with a peak register) → remark code, and
Enter on the remark stores the row (its own transaction) and brings up the next row. Escape
cancels the edit in progress (and, outside an edit, leaves the book); Delete removes a row's
reading after a question; the arrow keys move freely, also to the date column.

An implausible value is not stored at once: the row turns red, the findings are shown and the
registers are emptied for keying again, the first values staying visible in italics; keying
the same values again confirms them (they go to the field for a
re-check), keying different ones corrects a keying error. Remark N (no access) with empty
registers stores an estimate.

While a row is being stored, keys typed ahead are held and replayed into the next row, so a
fast typist loses nothing whatever the latency.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import DomainError
from office_app.i18n import _, current, tr_error
from office_app.printing.registers import describe
from office_app.services.books import ReadingBook, open_book
from office_app.services.readings import KeyResult, ReadingEntry, clear_reading, key_reading
from office_app.ui.context import AppContext
from office_app.ui.forms import ERROR_STYLE, DateField, InputError, show_error
from office_app.ui.readings.book_model import (
    COL_CUSTOMER,
    COL_DATE,
    COL_MT,
    COL_PEAK,
    COL_REMARK,
    COL_VT,
    KEY_ORDER,
    WIDTHS,
    BookTableModel,
    column_of,
    remark_legend,
)

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


_REGISTER_TEXT = re.compile(r"^(\d*)(?:[.,](\d*))?$")
REGISTER_DECIMALS = 3


class RegisterValidator(QValidator):
    """Refuses, as it is typed, what a register of ``digits`` digits cannot show (letters,
    signs, too many digits or decimals) and says why through ``refused(reason)``."""

    def __init__(self, name: str, digits: int, refused: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name, self.digits, self.refused = name, digits, refused

    def validate(self, text: str, pos: int) -> QValidator.State:  # type: ignore[override]
        match = _REGISTER_TEXT.match(text.strip())
        if match is None:
            self.refused(_("{register}: digits only; a register shows no letters or signs.",
                           register=self.name))
            return QValidator.State.Invalid
        if len(match.group(1)) > self.digits:
            self.refused(_("{register}: this meter's register has {digits} digits.",
                           register=self.name, digits=self.digits))
            return QValidator.State.Invalid
        if len(match.group(2) or "") > REGISTER_DECIMALS:
            self.refused(_("{register}: at most {decimals} decimals.", register=self.name,
                           decimals=REGISTER_DECIMALS))
            return QValidator.State.Invalid
        return QValidator.State.Acceptable


class _CellDelegate(QStyledItemDelegate):
    """A plain line editor; remark codes are one letter; register cells take only what the
    meter's register can show (``refused`` hears why a keystroke was refused)."""

    def __init__(self, view: QTableView, model: BookTableModel,
                 refused: Callable[[str], None]) -> None:
        super().__init__(view)
        self.model, self.refused = model, refused

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:  # type: ignore[override]
        editor = QLineEdit(parent)
        editor.setFrame(False)
        column = index.column()
        editor.setMaxLength(1 if column == COL_REMARK else 16)
        if column != COL_REMARK:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        if column in (COL_VT, COL_MT, COL_PEAK):
            name = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            digits = self.model.row_state(index.row()).book.digits
            editor.setValidator(RegisterValidator(name, digits, self.refused, editor))
        return editor


class BookTableView(QTableView):
    """Enter commits the cell and asks to move on (``sig_advance``); Escape outside an edit
    asks to leave (``sig_leave``); Delete asks to clear the row (``sig_clear``)."""

    sig_advance = Signal()
    sig_leave = Signal()
    sig_clear = Signal()

    def closeEditor(self, editor: QWidget,
                    hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.sig_advance.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.key() in _ENTER:
            self.sig_advance.emit()
        elif not editing and event.key() == Qt.Key.Key_Escape:
            self.sig_leave.emit()
        elif not editing and event.key() == Qt.Key.Key_Delete:
            self.sig_clear.emit()
        else:
            super().keyPressEvent(event)


class _TypeAhead(QObject):
    """Holds key presses while a row is being stored, to replay them afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[QEvent.Type, int, Qt.KeyboardModifier, str]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.events.append((event.type(), event.key(), event.modifiers(), event.text()))
            return True
        return event.type() == QEvent.Type.KeyRelease


class BookKeyingWidget(QWidget):
    """``open(period, zone_id, reader_id)`` loads a book for keying."""

    sig_leave = Signal()
    sig_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.book: ReadingBook | None = None
        self.busy = False
        self._type_ahead = _TypeAhead()
        self.model = BookTableModel(parent=self)
        self.view = BookTableView()
        self.view.setObjectName("book_table")
        self._configure_view()
        self.title = QLabel()
        self.title.setObjectName("book_title")
        self.counter = QLabel()
        self.counter.setObjectName("counter")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.legend = QLabel(_("Remark codes: {legend}", legend=remark_legend()))
        self.legend.setObjectName("remark_legend")
        self.legend.setWordWrap(True)
        self.date_field = DateField("date", _("Reading date"))
        self.date_field.setObjectName("book_date")
        self.date_field.setToolTip(_("The reading date of rows keyed from now on; change a "
                                     "single row's date in its Date column."))
        self.date_field.editingFinished.connect(self._on_date_changed)
        self.back_button = QPushButton(_("Back to the books (Esc)"))
        self.back_button.clicked.connect(self.sig_leave.emit)
        self._build_layout()
        self.view.sig_advance.connect(self._advance)
        self.view.sig_leave.connect(self.sig_leave.emit)
        self.view.sig_clear.connect(self._clear_current)
        self.setFocusProxy(self.view)

    def _configure_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setItemDelegate(_CellDelegate(view, self.model, self._on_key_refused))
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        view.setTabKeyNavigation(False)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        metrics = view.fontMetrics()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        titles = header.fontMetrics()
        for column, width in enumerate(WIDTHS):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            view.setColumnWidth(column, max(metrics.averageCharWidth() * width + 16,
                                            titles.horizontalAdvance(title) + 28))
        # the customer's name takes the room the registers leave (the column policy's rule)
        header.setSectionResizeMode(COL_CUSTOMER, QHeaderView.ResizeMode.Stretch)

    def _build_layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(QLabel(_("Reading date:")))
        head.addWidget(self.date_field)
        head.addWidget(self.counter)
        head.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)

    # -- loading ----------------------------------------------------------------------------
    def open(self, period: str, zone_id: int, reader_id: int) -> None:
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: open_book(db, operator, period, zone_id, reader_id),
                                self._on_loaded, lambda exc: show_error(self, exc))

    def _on_loaded(self, book: ReadingBook) -> None:
        self.book = book
        self.model.set_rows(list(book.rows), book.estimate_streak_limit)
        default = min(book.period.last_reading_on, date.today())
        self.model.default_date = default
        self.date_field.set_value(default)
        self.title.setText(_("Book {zone} {zone_name} · reader {reader} {reader_name} · period "
                             "{period}", zone=book.zone_code, zone_name=book.zone_name,
                             reader=book.reader_code, reader_name=book.reader_name,
                             period=book.period.period))
        self.message.clear()
        self._update_counter()
        first = next((i for i, r in enumerate(self.model.rows) if r.saved is None), 0)
        self.go_to(first, COL_VT)
        self.view.setFocus()

    def _on_date_changed(self) -> None:
        try:
            self.model.default_date = self.date_field.value() or self.model.default_date
        except InputError as exc:
            self.message.setText(tr_error(exc.error))
            return
        self.model.layoutChanged.emit()

    # -- moving -----------------------------------------------------------------------------
    def go_to(self, row: int, column: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, column)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _next_column(self, row: int, column: int) -> int | None:
        if column not in KEY_ORDER:
            return None if column == COL_DATE else KEY_ORDER[0]
        for candidate in KEY_ORDER[KEY_ORDER.index(column) + 1:]:
            if self.model.editable(row, candidate):
                return candidate
        return None

    def _advance(self) -> None:
        if self.busy or self.book is None:
            return
        index = self.view.currentIndex()
        if not index.isValid():
            return
        row, column = index.row(), index.column()
        following = self._next_column(row, column)
        if following is not None:
            self.go_to(row, following)
            return
        state = self.model.row_state(row)
        if not self.model.has_drafts(row) and state.saved is not None and \
                state.first_entry is None:
            self.go_to(row + 1, COL_VT)
            return
        self._submit(row)

    # -- storing ----------------------------------------------------------------------------
    def _entry(self, row: int) -> tuple[ReadingEntry | None, bool]:
        assert self.book is not None
        values = self.model.entry_values(row)
        try:
            day = datetime.strptime(values["date"], "%d.%m.%Y").date()
        except ValueError:
            self._fail(row, "read_on", _("Date: write the date as dd.mm.yyyy."))
            return None, False
        state = self.model.row_state(row)
        first = state.first_entry
        registers = {k: values[k] for k in ("vt", "mt", "peak")}
        confirm = first is not None and {k: first.get(k, "") for k in registers} == registers
        entry = ReadingEntry(state.book.point_id, self.book.period.period, day,
                             values["vt"], values["mt"], values["peak"],
                             values["remark_code"])
        return entry, confirm

    def _submit(self, row: int) -> None:
        entry, confirm = self._entry(row)
        if entry is None:
            return
        db, operator = self.context.db, self.context.operator
        self._set_busy(True)
        self.context.runner.run(lambda: key_reading(db, operator, entry, confirm),
                                lambda result: self._on_stored(row, result),
                                lambda exc: self._on_refused(row, exc))

    def _on_stored(self, row: int, result: KeyResult) -> None:
        if result.saved and result.reading is not None:
            text = "; ".join(describe(current(), f) for f in result.findings)
            self.model.mark_saved(row, result.reading, text)
            self.message.setText(_("Point {point}: implausible values confirmed; they go to "
                                   "the field for a re-check.",
                                   point=self.model.row_state(row).book.point_number)
                                 if result.findings else "")
            self._update_counter()
            self.sig_changed.emit()
            self.go_to(min(row + 1, self.model.rowCount() - 1), COL_VT)
            self._set_busy(False, replay=True)
            return
        first = self.model.entry_values(row)
        findings = "; ".join(describe(current(), f) for f in result.findings)
        text = _("Implausible: {findings} Key the values again to confirm them, or correct "
                 "them.", findings=findings)
        self.model.mark_confirming(row, first, text)
        self.message.setText(text)
        QApplication.beep()
        self.go_to(row, COL_VT)
        self._set_busy(False, replay=False)

    def _on_refused(self, row: int, exc: BaseException) -> None:
        self._set_busy(False, replay=False)
        if not isinstance(exc, DomainError):
            show_error(self, exc)
            return
        error = exc.errors[0]
        self._fail(row, error.field, tr_error(error))

    def _fail(self, row: int, field_name: str | None, text: str) -> None:
        self.model.mark_error(row, field_name, text)
        self.message.setText(text)
        QApplication.beep()
        self.go_to(row, column_of(field_name) or COL_VT)

    def _set_busy(self, busy: bool, replay: bool = False) -> None:
        app = QCoreApplication.instance()
        if busy and not self.busy:
            self.busy = True
            if app is not None:
                app.installEventFilter(self._type_ahead)
            return
        if not busy and self.busy:
            self.busy = False
            if app is not None:
                app.removeEventFilter(self._type_ahead)
            held, self._type_ahead.events = self._type_ahead.events, []
            if replay:
                self._replay(held)

    def _replay(self, held: list[tuple[QEvent.Type, int, Qt.KeyboardModifier, str]]) -> None:
        for position, (kind, key, modifiers, text) in enumerate(held):
            if self.busy:
                self._type_ahead.events = held[position:] + self._type_ahead.events
                return
            target = QApplication.focusWidget() or self.view
            QCoreApplication.sendEvent(target, QKeyEvent(kind, key, modifiers, text))

    # -- the rest ---------------------------------------------------------------------------
    def _on_key_refused(self, reason: str) -> None:
        """A keystroke a register cannot hold was refused: say why, here and in the window's
        status bar."""
        self.message.setText(reason)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(reason, 6000)

    def _update_counter(self) -> None:
        total, keyed = self.model.rowCount(), self.model.keyed_count()
        self.counter.setText(_("Keyed {keyed} of {total} · left {left} · implausible "
                               "{pending}", keyed=keyed, total=total, left=total - keyed,
                               pending=self.model.pending_count()))

    def _clear_current(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid() or self.book is None:
            return
        row = index.row()
        state = self.model.row_state(row)
        if state.saved is None:
            self.model.revert_row(row)
            return
        answer = QMessageBox.question(self, _("Remove the reading"), _(
            "Remove the reading keyed for point {point}?", point=state.book.point_number))
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, operator = self.context.db, self.context.operator
        period = self.book.period.period
        self.context.runner.run(
            lambda: clear_reading(db, operator, state.book.point_id, period),
            lambda _r: self._on_cleared(row), lambda exc: show_error(self, exc))

    def _on_cleared(self, row: int) -> None:
        self.model.mark_cleared(row)
        self._update_counter()
        self.sig_changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.sig_leave.emit()
        else:
            super().keyPressEvent(event)
