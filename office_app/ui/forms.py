"""Shared dialog and form pieces: a base dialog that keeps geometry and modality in one place,
shows each service error next to the field it names, and saves through the operation runner."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_, DomainError, FieldError
from office_app.i18n import _, current, tr_error
from office_app.ui.operations import OperationRunner

ERROR_STYLE = "color: #b00020;"
INVALID_STYLE = "border: 1px solid #b00020;"


class InputError(Exception):
    """A widget could not parse what was typed; carries the FieldError to show."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.msg_id)
        self.error = error


class DateField(QLineEdit):
    """A date typed as dd.mm.yyyy (also d.m.yyyy, ddmmyyyy); empty means none."""

    def __init__(self, name: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.label = name, label
        self.setPlaceholderText(_("dd.mm.yyyy"))
        self.setMaxLength(10)

    def value(self) -> date | None:
        text = self.text().strip().rstrip(".")
        if not text:
            return None
        for fmt in ("%d.%m.%Y", "%d%m%Y", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise InputError(FieldError(self.name, N_("{field}: write the date as dd.mm.yyyy."),
                                    {"field": self.label}))

    def set_value(self, value: date | None) -> None:
        self.setText("" if value is None else value.strftime("%d.%m.%Y"))


class NumberField(QLineEdit):
    """An integer or decimal typed with a comma or a dot; empty means none."""

    def __init__(self, name: str, label: str, decimal: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.label, self.decimal = name, label, decimal
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def value(self) -> Any:
        text = self.text().strip().replace(" ", "")
        if not text:
            return None
        try:
            if self.decimal:
                return current().parse_decimal(text)
            return int(text)
        except (InvalidOperation, ValueError):
            raise InputError(FieldError(self.name, N_("{field}: enter a number."),
                                        {"field": self.label})) from None

    def set_value(self, value: Any) -> None:
        if value is None:
            self.setText("")
        elif isinstance(value, Decimal):
            self.setText(format(value.normalize(), "f").replace(".", current().decimal_symbol))
        else:
            self.setText(str(value))


class BaseDialog(QDialog):
    """Modal dialog with a form. Subclasses add fields with ``add_row`` and implement
    ``save()``, which returns a callable run on the operation runner; a DomainError it raises
    is shown next to the fields it names and the dialog stays open; success closes it."""

    def __init__(self, title: str, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.runner = runner
        self.result_value: Any = None
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        translate_buttons(self.buttons)
        # Enter means OK wherever the focus is in the form (OK checks the form first and
        # keeps the dialog open when it refuses); only a click or Space presses Cancel.
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self._focused_once = False
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self._restore_geometry()

    # -- building ---------------------------------------------------------------------------
    def add_row(self, name: str, label: str, widget: QWidget) -> QWidget:
        """Add a labelled field; its error label sits right under it."""
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setObjectName(f"error_{name}")
        error.hide()
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(1)
        inner.addWidget(widget)
        inner.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.form.addRow(caption, box)
        widget.setObjectName(name)
        self._fields[name] = (widget, error)
        return widget

    def field(self, name: str) -> Any:
        return self._fields[name][0]

    def first_field(self) -> QWidget | None:
        """The first field that takes typing (where the focus goes when the dialog opens)."""
        for widget, _label in self._fields.values():
            if widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                return widget
        return None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            # An explicit minimum width (or a geometry saved in a shorter language) must not
            # squeeze what the layout needs: nothing is cut in any language.
            need = self.minimumSizeHint()
            if self.width() < need.width() or self.height() < need.height():
                self.resize(max(self.width(), need.width()), max(self.height(), need.height()))
            self._drop_stale_height()
            chosen = self.focusWidget()  # a subclass may have chosen (login: the password)
            if chosen is not None and any(chosen is w or w.isAncestorOf(chosen)
                                          for w, _label in self._fields.values()):
                return
            first = self.first_field()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def error_text(self, name: str) -> str:
        """The message shown next to a field ('' when none): what a user reads."""
        label = self._fields[name][1]
        return label.text() if not label.isHidden() else ""

    def _drop_stale_height(self) -> None:
        """A form's height follows its content: a height saved while error messages were
        shown (after a lockout, say) leaves a tall, gappy dialog on the next start. Dialogs
        with a list or text area keep the height the user gave them."""
        if any(area.isVisibleTo(self) for area in self.findChildren(QAbstractScrollArea)):
            return
        fitting = max(self.heightForWidth(self.width()), self.sizeHint().height(),
                      self.minimumSizeHint().height())
        if self.height() > fitting:
            self.resize(self.width(), fitting)

    # -- errors -----------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.general_error.hide()
        for widget, label in self._fields.values():
            label.hide()
            widget.setStyleSheet("")

    def show_errors(self, errors: list[FieldError]) -> None:
        self.clear_errors()
        general, first = [], None
        for error in errors:
            text = tr_error(error)
            if error.field in self._fields:
                widget, label = self._fields[error.field]
                label.setText(text)
                label.show()
                widget.setStyleSheet(INVALID_STYLE)
                first = first or widget
            else:
                general.append(text)
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
        if first is not None:
            first.setFocus()
        grow_to_fit(self)

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> Callable[[], Any]:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            work = self.save()
        except InputError as exc:
            self.show_errors([exc.error])
            return
        self.buttons.setEnabled(False)
        self.runner.run(work, self._saved, self._failed)

    def _saved(self, result: Any) -> None:
        self.buttons.setEnabled(True)
        self.result_value = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, DomainError):
            self.show_errors(exc.errors)
        else:
            show_error(self, exc)

    # -- geometry ---------------------------------------------------------------------------
    def _settings_key(self) -> str:
        return f"geometry/{type(self).__name__}"

    def _restore_geometry(self) -> None:
        saved = QSettings().value(self._settings_key())
        if isinstance(saved, QByteArray):
            self.restoreGeometry(saved)

    def done(self, result: int) -> None:
        QSettings().setValue(self._settings_key(), self.saveGeometry())
        super().done(result)


def grow_to_fit(dialog: QDialog) -> None:
    """Grow a dialog whose wrapped texts (error messages) no longer fit its height; again
    once the layout has caught up with texts that were just set."""

    def grow() -> None:
        height = dialog.heightForWidth(dialog.width())
        if height > dialog.height():
            dialog.resize(dialog.width(), height)

    grow()
    QTimer.singleShot(0, dialog, grow)


def translate_buttons(box: QDialogButtonBox) -> None:
    """Standard buttons in the UI language (Qt ships no Serbian or Albanian catalogue)."""
    names = {QDialogButtonBox.StandardButton.Ok: _("OK"),
             QDialogButtonBox.StandardButton.Cancel: _("Cancel"),
             QDialogButtonBox.StandardButton.Close: _("Close"),
             QDialogButtonBox.StandardButton.Save: _("Save"),
             QDialogButtonBox.StandardButton.Yes: _("Yes"),
             QDialogButtonBox.StandardButton.No: _("No"),
             QDialogButtonBox.StandardButton.Retry: _("Retry")}
    for which, text in names.items():
        button = box.button(which)
        if button is not None:
            button.setText(text)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A message box for an error: translated text for DomainErrors, a short line otherwise."""
    if isinstance(exc, DomainError):
        text = tr_error(exc)
    else:
        text = _("Something went wrong: {detail}", detail=f"{type(exc).__name__}: {exc}"[:300])
    QMessageBox.warning(parent, _("Error"), text)
