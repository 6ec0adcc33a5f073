"""Dialogs for a zone and a meter reader."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from office_app.i18n import _
from office_app.services import network
from office_app.services.network import ReaderRecord, ZoneRecord
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog


class _SmallDialog(BaseDialog):
    def finish(self, widgets: list[QWidget]) -> None:
        """Fields in order, then OK and Cancel; the cursor starts in the first field."""
        chain = [*widgets, *self.buttons.buttons()]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        widgets[0].setFocus()
        self.resize(max(self.width(), 420), self.sizeHint().height())


class ZoneDialog(_SmallDialog):
    """A new zone (``record`` None) or a zone's code and name."""

    def __init__(self, context: AppContext, record: ZoneRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New zone") if record is None
                         else _("Zone {code}", code=record.code), context.runner, parent)
        self.context, self.record = context, record
        code = self.add_row("code", _("Code"), QLineEdit(record.code if record else ""))
        name = self.add_row("name", _("Name"), QLineEdit(record.name if record else ""))
        code.setMaximumWidth(120)
        self.finish([code, name])

    def save(self) -> Callable[[], Any]:
        code, name = self.field("code").text(), self.field("name").text()
        db, operator = self.context.db, self.context.operator
        zone_id = self.record.id if self.record else None
        return lambda: network.save_zone(db, operator, code, name, zone_id)


class ReaderDialog(_SmallDialog):
    """A new meter reader or changes to one; a reader who left is made inactive, not deleted,
    so the readings and books keep their code."""

    def __init__(self, context: AppContext, record: ReaderRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New meter reader") if record is None
                         else _("Meter reader {code}", code=record.code), context.runner,
                         parent)
        self.context, self.record = context, record
        code = self.add_row("code", _("Code"), QLineEdit(record.code if record else ""))
        name = self.add_row("name", _("Name"), QLineEdit(record.name if record else ""))
        phone = self.add_row("phone", _("Phone"), QLineEdit(record.phone if record else ""))
        active = QCheckBox(_("Reads meters now"))
        active.setChecked(record.active if record else True)
        self.add_row("active", _("Active"), active)
        code.setMaximumWidth(120)
        self.finish([code, name, phone, active])

    def save(self) -> Callable[[], Any]:
        values = (self.field("code").text(), self.field("name").text(),
                  self.field("phone").text(), self.field("active").isChecked())
        db, operator = self.context.db, self.context.operator
        reader_id = self.record.id if self.record else None
        return lambda: network.save_reader(db, operator, *values, reader_id=reader_id)
