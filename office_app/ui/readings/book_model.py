"""The table model of a reading book being keyed: one row per metering point in route order,
with what is stored (the service's ReadingState) and what the clerk is typing (drafts).

A row is in one of these states: ``open`` (nothing keyed), ``keyed`` (stored, plausible),
``pending`` (stored as implausible, waits for the field), ``estimate`` (no access),
``confirming`` (the service found the values implausible; the clerk must key them again) or
``error`` (the service refused the values; the message says why).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.services.books import BookRow
from office_app.services.readings import REMARKS, ReadingState

Index = QModelIndex | QPersistentModelIndex

COL_CODE, COL_POINT, COL_CUSTOMER, COL_METER, COL_LAST = range(5)
COL_VT, COL_MT, COL_PEAK, COL_REMARK, COL_DATE, COL_USE, COL_STATE = range(5, 12)
#: Where Enter goes: the registers, then the remark; the date only when moved to.
KEY_ORDER = (COL_VT, COL_MT, COL_PEAK, COL_REMARK)
EDITABLE = (*KEY_ORDER, COL_DATE)
DRAFT_KEYS = {COL_VT: "vt", COL_MT: "mt", COL_PEAK: "peak", COL_REMARK: "remark_code",
              COL_DATE: "date"}
HEADERS = [N_("Code"), N_("Point"), N_("Customer"), N_("Meter"), N_("Last reading"), "VT", "MT",
           N_("Peak"), N_("Remark"), N_("Date"), N_("Use"), N_("State")]
WIDTHS = [6, 10, 26, 10, 26, 10, 10, 7, 7, 10, 9, 16]

STATE_LABELS = {"open": N_("not keyed"), "keyed": N_("keyed"),
                "pending": N_("implausible, to the field"), "estimate": N_("estimate (E)"),
                "self": N_("self-reading (S)"), "confirming": N_("key again to confirm"),
                "error": N_("refused"), "confirmed": N_("confirmed by the field"),
                "corrected": N_("corrected by the field")}
COLORS = {"pending": "#fde2e1", "confirming": "#f8c9c6", "error": "#f8c9c6",
          "estimate": "#fff1d6", "streak": "#ffd9a8", "keyed": "#e6f4ea"}


def register_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value == value.to_integral():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
          | Qt.ItemFlag.ItemNeverHasChildren)
_EDIT_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_DISPLAY, _EDIT = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole)
_BACKGROUND, _TOOLTIP = int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT, _FONT = int(Qt.ItemDataRole.TextAlignmentRole), int(Qt.ItemDataRole.FontRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ROLES = frozenset({_DISPLAY, _EDIT, _BACKGROUND, _TOOLTIP, _ALIGNMENT, _FONT, _FOREGROUND})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_COLUMNS = frozenset({COL_CODE, COL_VT, COL_MT, COL_PEAK, COL_USE})
_REGISTER_COLUMNS = frozenset({COL_VT, COL_MT, COL_PEAK})
_BRUSHES: dict[str, QBrush] = {}
_FONTS: list[QFont] = []
#: The colour of a value keyed first and questioned, shown until it is keyed again.
QUESTIONED_COLOR = "#7a4b00"


def _bold() -> QFont:
    if not _FONTS:
        font = QFont()
        font.setBold(True)
        _FONTS.append(font)
    return _FONTS[0]


def _italic() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


def _brush(name: str) -> QBrush:
    brush = _BRUSHES.get(name)
    if brush is None:
        brush = _BRUSHES[name] = QBrush(QColor(COLORS[name]))
    return brush


@dataclass
class RowState:
    book: BookRow
    saved: ReadingState | None
    drafts: dict[str, str] = field(default_factory=dict)
    #: The values keyed first when the service found them implausible (to be keyed again).
    first_entry: dict[str, str] | None = None
    message: str = ""
    error_field: str | None = None
    #: Texts of the columns that never change while keying (code, point, customer, meter,
    #: last reading), made once.
    static: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        if self.first_entry is not None:
            return "confirming"
        if self.error_field is not None:
            return "error"
        if self.saved is None:
            return "open"
        if self.saved.check_state != "ok":
            return self.saved.check_state
        if self.saved.source == "estimate":
            return "estimate"
        if self.saved.source == "self":
            return "self"
        return "keyed"


class BookTableModel(QAbstractTableModel):
    """Rows of one book. ``value(row, column)`` is what the cell shows (the draft while one is
    typed, else the stored value); ``setData`` stores drafts only; the widget submits a row."""

    def __init__(self, streak_limit: int = 2, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[RowState] = []
        self.streak_limit = streak_limit
        self.default_date: date | None = None

    # -- loading ----------------------------------------------------------------------------
    def set_rows(self, rows: list[BookRow], streak_limit: int) -> None:
        self.beginResetModel()
        self.rows = [RowState(r, r.reading, static=(
            str(r.reading_code), r.point_number, f"{r.customer_code} {r.customer_name}",
            r.meter_number, _last_text(r))) for r in rows]
        self.streak_limit = streak_limit
        self.endResetModel()

    def row_state(self, row: int) -> RowState:
        return self.rows[row]

    def keyed_count(self) -> int:
        return sum(1 for r in self.rows if r.saved is not None)

    def pending_count(self) -> int:
        return sum(1 for r in self.rows if r.saved is not None
                   and r.saved.check_state == "pending")

    # -- editing ----------------------------------------------------------------------------
    def editable(self, row: int, column: int) -> bool:
        if not 0 <= row < len(self.rows) or column not in EDITABLE:
            return False
        book = self.rows[row].book
        if column == COL_MT:
            return book.two_rate
        if column == COL_PEAK:
            return book.has_peak
        return True

    def value(self, row: int, column: int) -> str:
        r = self.rows[row]
        key = DRAFT_KEYS.get(column)
        if key is not None and key in r.drafts:
            return r.drafts[key]
        saved = r.saved
        if column == COL_DATE:
            if saved is not None:
                return saved.read_on.strftime("%d.%m.%Y")
            return self.default_date.strftime("%d.%m.%Y") if self.default_date else ""
        if saved is None:
            return ""
        return {COL_VT: register_text(saved.vt), COL_MT: register_text(saved.mt),
                COL_PEAK: register_text(saved.peak), COL_REMARK: saved.remark_code}.get(column, "")

    def set_draft(self, row: int, column: int, text: str) -> None:
        key = DRAFT_KEYS[column]
        r = self.rows[row]
        r.drafts[key] = text.strip().upper() if column == COL_REMARK else text.strip()
        self._changed(row)

    def has_drafts(self, row: int) -> bool:
        return bool(self.rows[row].drafts)

    def entry_values(self, row: int) -> dict[str, str]:
        """What the row would submit: drafts over stored values."""
        return {key: self.value(row, column) for column, key in DRAFT_KEYS.items()}

    def mark_saved(self, row: int, reading: ReadingState, message: str = "") -> None:
        r = self.rows[row]
        r.saved, r.drafts, r.first_entry, r.error_field = reading, {}, None, None
        r.message = message
        self._changed(row)

    def mark_confirming(self, row: int, first: dict[str, str], message: str) -> None:
        r = self.rows[row]
        r.first_entry, r.error_field, r.message = first, None, message
        r.drafts = {k: v for k, v in r.drafts.items() if k in ("remark_code", "date")}
        r.drafts.update({"vt": "", "mt": "", "peak": ""})
        self._changed(row)

    def mark_error(self, row: int, field_name: str | None, message: str) -> None:
        r = self.rows[row]
        r.error_field, r.message = field_name or "vt", message
        self._changed(row)

    def mark_cleared(self, row: int) -> None:
        r = self.rows[row]
        r.saved, r.drafts, r.first_entry, r.error_field, r.message = None, {}, None, None, ""
        self._changed(row)

    def revert_row(self, row: int) -> None:
        r = self.rows[row]
        r.drafts, r.first_entry, r.error_field, r.message = {}, None, None, ""
        self._changed(row)

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _EDIT_FLAGS if self.editable(index.row(), index.column()) else _FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section == COL_REMARK:
            return remark_legend("\n")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.editable(index.row(), index.column()):
            return False
        self.set_draft(index.row(), index.column(), str(value or ""))
        return True

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every cell and role on each repaint while the clerk types: plain int
        # comparisons and precomputed values keep a repaint cheap.
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self.rows):
            return None
        if role == _DISPLAY:
            return self._text(row, column)
        if role == _EDIT:  # the editor starts from the draft, never from a questioned value
            return self.value(row, column) if self.editable(row, column) else ""
        if role == _FOREGROUND:
            return QBrush(QColor(QUESTIONED_COLOR)) if self._questioned(row, column) else None
        if role == _BACKGROUND:
            return self._background(row, column)
        if role == _ALIGNMENT:
            return _RIGHT if column in _RIGHT_COLUMNS else _LEFT
        if role == _FONT:
            if self._questioned(row, column):
                return _italic()
            return _bold() if column in _REGISTER_COLUMNS else None
        return self._tooltip(row) or None

    def _text(self, row: int, column: int) -> str:
        r = self.rows[row]
        if column < len(r.static):
            return r.static[column]
        if column in EDITABLE:
            if not self.editable(row, column):
                return "—"
            if self._questioned(row, column):
                return self._first_value(row, column)
            return self.value(row, column)
        if column == COL_USE:
            use = r.saved.consumption if r.saved else None
            return "" if use is None else current().number(use.normalize())
        if column == COL_STATE:
            return self._state_text(r)
        return ""

    def _first_value(self, row: int, column: int) -> str:
        first = self.rows[row].first_entry or {}
        return first.get(DRAFT_KEYS.get(column, ""), "")

    def _questioned(self, row: int, column: int) -> bool:
        """A register keyed first and found implausible, not keyed again yet: it stays visible
        (in italics) so the clerk sees what to confirm or correct."""
        if column not in _REGISTER_COLUMNS or self.rows[row].first_entry is None:
            return False
        return not self.value(row, column) and bool(self._first_value(row, column))

    def _state_text(self, r: RowState) -> str:
        text = _(STATE_LABELS.get(r.state, r.state))
        if r.book.estimate_streak >= self.streak_limit:
            text += " · " + _("E×{count}", count=r.book.estimate_streak)
        return text

    def _background(self, row: int, column: int) -> QBrush | None:
        r = self.rows[row]
        state = r.state
        if state in ("confirming", "error"):
            if column == COL_STATE or column == _column_of(r.error_field) or (
                    state == "confirming" and column in (COL_VT, COL_MT, COL_PEAK)
                    and self.editable(row, column)):
                return _brush(state)
        if state in COLORS and column == COL_STATE:
            return _brush(state)
        if r.book.estimate_streak >= self.streak_limit and column in (COL_POINT, COL_CUSTOMER):
            return _brush("streak")
        return None

    def _tooltip(self, row: int) -> str:
        r = self.rows[row]
        parts = [r.message] if r.message else []
        if r.book.estimate_streak >= self.streak_limit:
            parts.append(_("Estimated {count} periods in a row: have the meter read.",
                           count=r.book.estimate_streak))
        return "\n".join(parts)


def remark_legend(separator: str = " · ") -> str:
    """The remark codes and what they mean, in the UI language."""
    return separator.join(f"{code} = {_(meaning)}" for code, meaning in REMARKS.items())


def _column_of(field_name: str | None) -> int | None:
    for column, key in DRAFT_KEYS.items():
        if key == field_name or (field_name == "read_on" and key == "date"):
            return column
    return None


def column_of(field_name: str | None) -> int | None:
    """The column a service error's field names (read_on is the date)."""
    return _column_of(field_name)


def _last_text(b: BookRow) -> str:
    if b.previous_date is None:
        return ""
    parts = [b.previous_date.strftime("%d.%m.%y"), register_text(b.previous_vt)]
    if b.previous_mt is not None:
        parts.append(register_text(b.previous_mt))
    return " · ".join(parts)


__all__ = ["BookTableModel", "RowState", "column_of"]
