"""The energy card page of the customer detail view (001 Član 3.1): every change on the
customer's points with old and new registers and the consumption, newest first, a bar chart of
the consumption per period beside it, and a printable copy of the last 12 months."""
from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from office_app.errors import N_
from office_app.i18n import _, current
from office_app.printing.energy_card import energy_card_pdf
from office_app.printing.registers import quantity
from office_app.services.energy_card import KIND_LABELS, EnergyCard, PeriodUse, energy_card
from office_app.ui.context import AppContext
from office_app.ui.documents import Document, DocumentButton
from office_app.ui.forms import show_error
from office_app.ui.layout import remember_splitter
from office_app.ui.lazy_table import Column, ListTableModel, configure_view, sample_date
from office_app.ui.readings.book_model import register_text

COLUMNS = [
    Column(N_("Date"), lambda r: current().date(r.read_on), width=10, sample=sample_date),
    Column(N_("Change"), lambda r: f"{_(KIND_LABELS.get(r.kind, r.kind))} {r.mark}".strip(),
           width=14),
    Column(N_("Point"), lambda r: r.point_number, width=11),
    Column(N_("Meter"), lambda r: r.meter_number, width=10),
    Column(N_("Constant"), lambda r: register_text(r.constant), width=8, align_right=True),
    Column(N_("Old VT"), lambda r: register_text(r.old_vt), width=9, align_right=True),
    Column(N_("New VT"), lambda r: register_text(r.new_vt), width=9, align_right=True),
    Column("VT", lambda r: quantity(current(), r.vt_quantity), width=8, align_right=True),
    Column(N_("Old MT"), lambda r: register_text(r.old_mt), width=9, align_right=True),
    Column(N_("New MT"), lambda r: register_text(r.new_mt), width=9, align_right=True),
    Column("MT", lambda r: quantity(current(), r.mt_quantity), width=8, align_right=True),
    Column(N_("Peak load"), lambda r: quantity(current(), r.peak_load), width=7,
           align_right=True),
    Column(N_("Status"), lambda r: r.customer_status, width=5),
]


VT_COLOR, MT_COLOR, GRID_COLOR = "#1f4e79", "#8aa4bd", "#d9dee4"
LEGEND = ((N_("VT: higher rate"), VT_COLOR), (N_("MT: lower rate"), MT_COLOR))


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round values for a value axis from 0 past ``top`` in about ``count`` steps."""
    if top <= 0:
        return [0.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


class ConsumptionChart(QWidget):
    """Stacked bars of VT and MT per period (the last 12) on a value axis in the card's unit,
    with the periods under the bars and a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consumption_chart")
        self.periods: list[PeriodUse] = []
        self.unit = "kWh"
        self.setMinimumSize(300, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 260)

    def set_periods(self, periods: list[PeriodUse], unit: str) -> None:
        self.periods, self.unit = periods[-12:], unit
        self.update()

    def ticks(self) -> list[float]:
        return nice_ticks(max((float(p.total) for p in self.periods), default=0.0))

    def tick_labels(self) -> list[str]:
        return [current().number(Decimal(str(t)).normalize()) for t in self.ticks()]

    def legend_texts(self) -> list[str]:
        return [_(text) for text, _color in LEGEND]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.drawText(QRectF(8, 2, self.width() - 16, line), Qt.AlignmentFlag.AlignLeft,
                         _("Consumption per period ({unit})", unit=self.unit))
        self._paint_legend(painter, 2 + line + 2)
        top_y = 2 + 2 * line + 10
        if not self.periods or self.ticks()[-1] <= 0:
            painter.drawText(QRectF(self.rect()).adjusted(8, top_y, -8, -8),
                             Qt.AlignmentFlag.AlignCenter, _("No consumption yet"))
            painter.end()
            return
        labels = self.tick_labels()
        left = 12 + max(metrics.horizontalAdvance(t) for t in [*labels, self.unit])
        area = QRectF(left, top_y + line, self.width() - left - 10,
                      self.height() - top_y - line - line - 10)
        self._paint_axis(painter, area, labels)
        self._paint_bars(painter, area)
        painter.end()

    def _paint_legend(self, painter: QPainter, y: float) -> None:
        x = 8.0
        box = painter.fontMetrics().height() - 4
        for text, color in LEGEND:
            painter.fillRect(QRectF(x, y + 2, box, box), QColor(color))
            x += box + 4
            label = _(text)
            painter.drawText(QRectF(x, y, painter.fontMetrics().horizontalAdvance(label) + 2,
                                    box + 4), Qt.AlignmentFlag.AlignVCenter, label)
            x += painter.fontMetrics().horizontalAdvance(label) + 16

    def _paint_axis(self, painter: QPainter, area: QRectF, labels: list[str]) -> None:
        ticks, line = self.ticks(), painter.fontMetrics().height()
        painter.drawText(QRectF(0, area.top() - line - 2, area.left() - 6, line),
                         Qt.AlignmentFlag.AlignRight, self.unit)
        for value, label in zip(ticks, labels, strict=True):
            y = area.bottom() - area.height() * value / ticks[-1]
            painter.setPen(QColor(GRID_COLOR))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, y - line / 2, area.left() - 6, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        painter.drawLine(QPointF(area.left(), area.top()), QPointF(area.left(), area.bottom()))

    def _paint_bars(self, painter: QPainter, area: QRectF) -> None:
        top, line = self.ticks()[-1], painter.fontMetrics().height()
        slot = area.width() / len(self.periods)
        for i, use in enumerate(self.periods):
            x = area.left() + i * slot + slot * 0.15
            width = slot * 0.7
            vt_h = area.height() * max(float(use.vt), 0.0) / top
            mt_h = area.height() * max(float(use.mt), 0.0) / top
            painter.fillRect(QRectF(x, area.bottom() - vt_h, width, vt_h), QColor(VT_COLOR))
            painter.fillRect(QRectF(x, area.bottom() - vt_h - mt_h, width, mt_h),
                             QColor(MT_COLOR))
            painter.drawText(QRectF(x - 8, area.bottom() + 2, width + 16, line),
                             Qt.AlignmentFlag.AlignHCenter, use.period[2:])


class EnergyCardWidget(QWidget):
    """A page of the customer detail view: ``load(customer_id)``."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.card: EnergyCard | None = None
        self.model = ListTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("energy_card")
        configure_view(self.table, self.model)
        self.chart = ConsumptionChart()
        self.summary = QLabel()
        self.print_button = DocumentButton(context, _("Energy card (12 months)"),
                                           self.copy_document, "print_energy_card")
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.print_button)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        remember_splitter(split, "energy_card", (60, 40))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(split, 1)

    def load(self, customer_id: int) -> None:
        db, operator = self.context.db, self.context.operator
        self.context.runner.run(lambda: energy_card(db, operator, customer_id),
                                self._on_loaded, lambda exc: show_error(self, exc))

    def _on_loaded(self, card: EnergyCard) -> None:
        self.card = card
        self.model.set_rows(reversed(card.rows))
        self.chart.set_periods(list(card.periods), card.unit)
        last = card.periods[-1] if card.periods else None
        self.summary.setText(_("{count} changes · last period {period}: {use} {unit}",
                               count=len(card.rows), period=last.period if last else "—",
                               use=quantity(current(), last.total) if last else "0",
                               unit=card.unit))

    def copy_document(self) -> Document | None:
        card = self.card
        if card is None:
            return None
        db, operator, customer_id = self.context.db, self.context.operator, card.customer_id

        def make() -> bytes:
            copy = energy_card(db, operator, customer_id, months=12)
            return energy_card_pdf(copy, copy.language)

        return Document(_("Energy card"), _("energy-card-{code}.pdf", code=card.customer_code),
                        make, _("Preparing the energy card…"))
