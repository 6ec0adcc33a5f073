"""Help ▸ About: the program's version, the database it works on and its schema revision."""
from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QWidget

from office_app import __version__
from office_app.db import SchemaStatus, schema_status
from office_app.i18n import _
from office_app.ui.connection import describe_error, fit_width, heading
from office_app.ui.context import AppContext
from office_app.ui.forms import translate_buttons
from office_app.ui.icons import office_logo


class AboutDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About"))
        self.setModal(True)
        form = QFormLayout()
        form.addRow(heading(_("Commercial office")))
        self.version = self._value(__version__)
        form.addRow(_("Version:"), self.version)
        self.database = self._value(context.db.display_url)
        form.addRow(_("Database:"), self.database)
        self.revision = self._value(_("reading…"))
        form.addRow(_("Schema revision:"), self.revision)
        form.addRow(_("Python / Qt:"),
                    self._value(f"{platform.python_version()} / PySide6 {pyside_version}"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        row = QHBoxLayout(self)
        picture = QLabel()
        picture.setPixmap(office_logo(64))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(picture)
        row.addSpacing(12)
        row.addLayout(form, 1)
        fit_width(self, 520)
        db = context.db
        context.runner.run(lambda: schema_status(db), self._on_status, self._on_status_failed)

    @staticmethod
    def _value(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def _on_status(self, status: SchemaStatus) -> None:
        self.revision.setText(status.database_revision or _("none"))

    def _on_status_failed(self, exc: BaseException) -> None:
        self.revision.setText(describe_error(exc))
