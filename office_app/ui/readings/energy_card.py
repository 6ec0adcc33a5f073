"""The energy card page of the customer detail view (001 Član 3.1): every change on the
customer's points with old and new registers and the consumption, newest first, a bar chart of
the consumption per period beside it, and a printable copy of the last 12 months."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
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
from office_app.ui.documents import save_pdf
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


class ConsumptionChart(QWidget):
    """Stacked bars of VT and MT per period (the last 12)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.periods: list[PeriodUse] = []
        self.unit = "kWh"
        self.setMinimumSize(260, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 220)

    def set_periods(self, periods: list[PeriodUse], unit: str) -> None:
        self.periods, self.unit = periods[-12:], unit
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(8, 22, -8, -22)
        painter.drawText(QRectF(8, 2, self.width() - 16, 18), Qt.AlignmentFlag.AlignLeft,
                         _("Consumption per period ({unit})", unit=self.unit))
        top = max((float(p.total) for p in self.periods), default=0.0)
        if not self.periods or top <= 0:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, _("No consumption yet"))
            return
        slot = area.width() / len(self.periods)
        for i, use in enumerate(self.periods):
            x = area.left() + i * slot + slot * 0.15
            width = slot * 0.7
            vt_h = area.height() * max(float(use.vt), 0.0) / top
            mt_h = area.height() * max(float(use.mt), 0.0) / top
            painter.fillRect(QRectF(x, area.bottom() - vt_h, width, vt_h), QColor("#1f4e79"))
            painter.fillRect(QRectF(x, area.bottom() - vt_h - mt_h, width, mt_h),
                             QColor("#8aa4bd"))
            painter.drawText(QRectF(x - 6, area.bottom() + 2, width + 12, 16),
                             Qt.AlignmentFlag.AlignHCenter, use.period[2:])
        painter.end()


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
        self.print_button = QPushButton(_("Print a copy (12 months)…"))
        self.print_button.setObjectName("print_energy_card")
        self.print_button.clicked.connect(self.print_copy)
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

    def print_copy(self) -> None:
        card = self.card
        if card is None:
            return
        db, operator, customer_id = self.context.db, self.context.operator, card.customer_id

        def make() -> bytes:
            copy = energy_card(db, operator, customer_id, months=12)
            return energy_card_pdf(copy, copy.language)

        save_pdf(self, self.context, _("Save the energy card"),
                 _("energy-card-{code}.pdf", code=card.customer_code), make,
                 _("Preparing the energy card…"))
