"""Form pieces for the register's dialogs: two-column forms on top of BaseDialog, choice
fields, and the tab order a keyboard user expects (fields in reading order, then OK)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import FieldError
from office_app.ui.forms import BaseDialog
from office_app.ui.operations import OperationRunner


class ChoiceField(QComboBox):
    """A combo box of (value, label) pairs; ``value()`` is the chosen value."""

    def __init__(self, choices: Iterable[tuple[Any, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for value, label in choices:
            self.addItem(label, value)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        index = self.findData(value)
        if index < 0 and value is not None:
            # A value no longer offered (e.g. an inactive reader) stays visible and chosen.
            self.addItem(str(value), value)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class RegisterDialog(BaseDialog):
    """BaseDialog with one or two columns of labelled fields, section headings, fields that
    can be hidden (errors for a hidden field are shown at the top instead), and a tab order
    that runs through the fields in reading order and then to OK and Cancel."""

    def __init__(self, title: str, runner: OperationRunner, columns: int = 1,
                 parent: QWidget | None = None, scroll: bool = False) -> None:
        super().__init__(title, runner, parent)
        self._order: list[QWidget] = []
        self._columns = [self.form]
        if columns > 1:
            self._columns = [self._new_form() for _ in range(columns)]
            body = QWidget()
            row = QHBoxLayout(body)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(24)
            for form in self._columns:
                row.addLayout(form, 1)
            self._insert_body(body, scroll)

    def _new_form(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        return form

    def _insert_body(self, body: QWidget, scroll: bool) -> None:
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)  # BaseDialog's
        position = layout.indexOf(self.buttons)
        if scroll:
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setWidget(body)
            body = area
        layout.insertWidget(position, body, 1)

    def add_field(self, name: str, label: str, widget: QWidget, column: int = 0) -> Any:
        self.form = self._columns[column]
        try:
            self.add_row(name, label, widget)
        finally:
            self.form = self._columns[0]
        self._order.append(widget)
        return widget

    def add_heading(self, text: str, column: int = 0) -> QLabel:
        heading = QLabel(text)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        form = self._columns[column]
        if form.rowCount():
            heading.setContentsMargins(0, 8, 0, 0)
        form.addRow(heading)
        return heading

    def set_field_visible(self, name: str, visible: bool) -> None:
        box = self.field(name).parentWidget()
        for form in self._columns:
            position = form.getWidgetPosition(box)
            row = int(position[0])  # type: ignore[index]
            if row >= 0:
                form.setRowVisible(row, visible)

    def field_visible(self, name: str) -> bool:
        return bool(self.field(name).parentWidget().isVisibleTo(self)) if self.isVisible() \
            else not self.field(name).parentWidget().isHidden()

    def show_errors(self, errors: list[FieldError]) -> None:
        aliases = self.field_aliases()
        shown = []
        for error in errors:
            name = aliases.get(error.field or "", error.field)
            if name is not None and name in self._fields and not self.field_visible(name):
                name = None
            shown.append(FieldError(name, error.msg_id, error.params))
        super().show_errors(shown)

    def field_aliases(self) -> dict[str, str]:
        """Service field names that are shown by another widget of this form."""
        return {}

    def finish(self, first: QWidget | None = None) -> None:
        """Call after adding the fields: sets the tab order and where the cursor starts."""
        chain = [*self._order, *self.buttons.buttons()]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        (first or self._order[0]).setFocus()
