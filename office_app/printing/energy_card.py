"""The energy card copy (001 Član 3.1; a copy for up to 12 months back, 001 Član 3): per
change the date, old and new VT and MT, the consumption, meter number, constant and status;
businesses add peak load and the reactive registers in a second table. A bar chart of the
consumption per period closes the card.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from office_app.i18n import Translator, translator
from office_app.printing.document import (
    ACCENT,
    CONTENT_WIDTH,
    MUTED,
    PageFrame,
    data_table,
    field_grid,
    render_pdf,
    section,
    title_block,
)
from office_app.printing.fonts import REGULAR
from office_app.printing.registers import quantity, register
from office_app.services.energy_card import KIND_LABELS

if TYPE_CHECKING:
    from office_app.services.energy_card import EnergyCard, EnergyCardRow

MARK_LABELS = {"E": "E", "S": "S", "D": "D"}


def _what(t: Translator, r: EnergyCardRow) -> str:
    label = t(KIND_LABELS.get(r.kind, r.kind))
    return f"{label} {r.mark}".strip()


def _active(t: Translator, card: EnergyCard) -> Flowable:
    unit = card.unit
    headers = [t("Date"), t("Change"), t("Meter number"), t("Constant"), t("Old VT"),
               t("New VT"), f"VT {unit}", t("Old MT"), t("New MT"), f"MT {unit}",
               t("Status")]
    rows = [[t.date(r.read_on), _what(t, r), r.meter_number, register(r.constant),
             register(r.old_vt), register(r.new_vt), quantity(t, r.vt_quantity),
             register(r.old_mt), register(r.new_mt), quantity(t, r.mt_quantity),
             r.customer_status] for r in card.rows]
    widths = [21, 19, 17, 13, 15, 15, 15, 15, 15, 15, 14]
    return data_table(headers, rows, [w * mm for w in widths],
                      t("No readings in this time."))


def _business(t: Translator, card: EnergyCard) -> Flowable:
    # The unit stays out of the message: Cyrillic transliteration would garble "kW".
    headers = [t("Date"), t("Meter number"), f"{t('Peak load')} kW", t("Peak-load constant")]
    widths = [21, 22, 20, 24]
    reactive = card.has_reactive
    if reactive:
        headers += [t("Old VTR"), t("New VTR"), "VTR kvarh", t("Old MTR"), t("New MTR"),
                    "MTR kvarh"]
        widths = [21, 18, 16, 16, 17, 17, 17, 17, 17, 18]
    rows = []
    for r in card.rows:
        row = [t.date(r.read_on), r.meter_number, quantity(t, r.peak_load),
               register(r.peak_constant)]
        if reactive:
            row += [register(r.old_vt_reactive), register(r.new_vt_reactive),
                    quantity(t, r.vt_reactive_quantity), register(r.old_mt_reactive),
                    register(r.new_mt_reactive), quantity(t, r.mt_reactive_quantity)]
        rows.append(row)
    return data_table(headers, rows, [w * mm for w in widths])


def _chart(t: Translator, card: EnergyCard) -> Drawing:
    periods = list(card.periods)[-12:]
    drawing = Drawing(CONTENT_WIDTH, 55 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 8 * mm
    chart.width, chart.height = CONTENT_WIDTH - 16 * mm, 42 * mm
    chart.data = [[float(p.vt) for p in periods], [float(p.mt) for p in periods]]
    chart.categoryAxis.categoryNames = [p.period for p in periods]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.categoryAxis.style = "stacked"
    chart.bars[0].fillColor = ACCENT
    chart.bars[1].fillColor = MUTED
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    drawing.add(chart)
    return drawing


def energy_card_pdf(card: EnergyCard, language: str) -> bytes:
    """The card as PDF bytes, labels in ``language``."""
    t = translator(language)
    frame = PageFrame(card.office, t("Energy card"), card.operator_code, card.printed_at,
                      t("Customer {code}", code=card.customer_code))
    since = t("since {date}", date=t.date(card.since)) if card.since else t("all readings")
    story: list[Any] = title_block(t("Energy card"), [f"{card.customer_code} · "
                                                      f"{card.customer_name}", since])
    story.append(field_grid([(t("Customer code"), card.customer_code),
                             (t("Name"), card.customer_name), (t("Address"), card.address),
                             (t("Status"), card.status)]))
    story += [section(t("Readings and consumption")), _active(t, card)]
    if card.business and (card.has_peak or card.has_reactive):
        title = t("Peak load and reactive energy") if card.has_reactive else t("Peak load")
        story += [section(title), _business(t, card)]
    if card.periods:
        story.append(KeepTogether([section(t("Consumption per period")), _chart(t, card)]))
    story.append(field_grid([
        (t("Chart"), t("{unit} per period; VT dark, MT light", unit=card.unit)),
        (t("Marks"), t("E estimate (no access), S self-reading, D remote or handheld "
                       "reading"))], columns=1))
    return render_pdf(story, frame, t)
