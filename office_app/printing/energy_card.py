"""The energy card copy (001 Član 3.1; a copy for up to 12 months back, 001 Član 3): per
change the date, old and new VT and MT, the consumption, meter number, constant and status;
the business card (001 Član 3.1.2) starts every row with the metering point (subscriber
number) and adds peak load and the reactive registers in a second table. A bar chart of the
consumption per period, with its unit, value axis and legend, closes the card.

Columns are sized to what they hold: readings, meter numbers and dates never wrap.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from office_app.i18n import Translator, translator
from office_app.printing.document import (
    ACCENT,
    CONTENT_WIDTH,
    MUTED,
    PageFrame,
    data_table,
    doc_text,
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



def _what(t: Translator, r: EnergyCardRow) -> str:
    label = t(KIND_LABELS.get(r.kind, r.kind))
    # The mark in the script of the legend under the table ("E estimate …" reads "Е процјена"
    # on a Cyrillic card).
    return f"{label} {doc_text(t, r.mark)}".strip()


def _shows_point(card: EnergyCard) -> bool:
    """The business card always names the metering point (subscriber number); a household's
    card only when the rows come from more than one point."""
    return card.business or len({r.point_number for r in card.rows}) > 1


def _point(card: EnergyCard, r: EnergyCardRow) -> list[str]:
    return [r.point_number] if _shows_point(card) else []


def _active(t: Translator, card: EnergyCard) -> Flowable:
    unit = card.unit
    point = [t("Metering point")] if _shows_point(card) else []
    headers = [*point, t("Date"), t("Change"), t("Meter number"), t("Constant"), t("Old VT"),
               t("New VT"), f"{t('VT')} {unit}", t("Old MT"), t("New MT"),
               f"{t('MT')} {unit}", t("Status")]
    rows = [[*_point(card, r), t.date(r.read_on), _what(t, r), r.meter_number,
             register(r.constant, t), register(r.old_vt, t), register(r.new_vt, t),
             quantity(t, r.vt_quantity), register(r.old_mt, t), register(r.new_mt, t),
             quantity(t, r.mt_quantity), r.customer_status] for r in card.rows]
    first = len(point)
    wrap = {first + 1, first + 10}              # the change and the status may wrap
    return data_table(headers, rows, None, t("No readings in this time."),
                      nowrap=set(range(len(headers))) - wrap,
                      right=set(range(first + 3, first + 10)))


def _business(t: Translator, card: EnergyCard) -> Flowable:
    # The unit stays out of the message: Cyrillic transliteration would garble "kW".
    headers = [t("Metering point"), t("Date"), t("Meter number"), f"{t('Peak load')} kW",
               t("Peak-load constant")]
    reactive = card.has_reactive
    if reactive:
        headers += [t("Old VTR"), t("New VTR"), "VTR kvarh", t("Old MTR"), t("New MTR"),
                    "MTR kvarh"]
    rows = []
    for r in card.rows:
        peak = "" if r.peak_load is None else t.number(r.peak_load, 2)
        row = [r.point_number, t.date(r.read_on), r.meter_number, peak,
               register(r.peak_constant, t)]
        if reactive:
            row += [register(r.old_vt_reactive, t), register(r.new_vt_reactive, t),
                    quantity(t, r.vt_reactive_quantity), register(r.old_mt_reactive, t),
                    register(r.new_mt_reactive, t), quantity(t, r.mt_reactive_quantity)]
        rows.append(row)
    return data_table(headers, rows, None, nowrap=set(range(len(headers))),
                      right=set(range(3, len(headers))))


def _chart(t: Translator, card: EnergyCard) -> Drawing:
    periods = list(card.periods)[-12:]
    drawing = Drawing(CONTENT_WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 16 * mm, 8 * mm
    chart.width, chart.height = CONTENT_WIDTH - 20 * mm, 42 * mm
    chart.data = [[float(p.vt) for p in periods], [float(p.mt) for p in periods]]
    chart.categoryAxis.categoryNames = [p.period for p in periods]
    chart.categoryAxis.style = "stacked"
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = 7.5
    totals = [float(p.vt + p.mt) for p in periods]
    step = tick_step(max(totals, default=0.0))
    # The axis ends on a labelled tick above the highest bar, so every bar can be read off it.
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * (int(max(totals, default=0.0) // step) + 1)
    chart.valueAxis.labelTextFormat = lambda v: quantity(t, Decimal(str(v)).normalize())
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = MUTED
    chart.valueAxis.gridStrokeWidth = 0.2
    chart.bars[0].fillColor = ACCENT
    chart.bars[1].fillColor = MUTED
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    drawing.add(chart)
    # Each period's total printed above its bar: a printed card is read without a ruler.
    for number, (period, total) in enumerate(zip(periods, totals, strict=True)):
        if total:
            drawing.add(String(
                chart.x + chart.width * (number + 0.5) / len(periods),
                chart.y + chart.height * total / chart.valueAxis.valueMax + 1.5 * mm,
                quantity(t, period.vt + period.mt), fontName=REGULAR, fontSize=7,
                textAnchor="middle"))
    drawing.add(String(chart.x - 2 * mm, chart.y + chart.height + 4 * mm, card.unit,
                       fontName=REGULAR, fontSize=7, fillColor=MUTED, textAnchor="end"))
    drawing.add(_legend(t, card, chart.x + chart.width, chart.y + chart.height + 7 * mm))
    return drawing


def tick_step(top: float, count: int = 4) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving about ``count`` ticks up to ``top``."""
    if top <= 0:
        return 1.0
    rough = top / count
    magnitude = 10 ** math.floor(math.log10(rough))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)


def _legend(t: Translator, card: EnergyCard, right: float, top: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = right - 60 * mm, top
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = REGULAR
    legend.fontSize = 7
    legend.dx = legend.dy = 7
    legend.deltax = 30 * mm
    legend.colorNamePairs = [(ACCENT, t("VT (higher tariff)"))]
    if any(p.mt for p in card.periods):
        legend.colorNamePairs.append((MUTED, t("MT (lower tariff)")))
    return legend


def energy_card_pdf(card: EnergyCard, language: str) -> bytes:
    """The card as PDF bytes, labels in ``language``."""
    t = translator(language)
    frame = PageFrame(card.office, t("Energy card"), card.operator_code, card.printed_at,
                      t("Customer {code}", code=card.customer_code))
    since = t("since {date}", date=t.date(card.since)) if card.since else t("all readings")
    name, address = doc_text(t, card.customer_name), doc_text(t, card.address)
    story: list[Any] = title_block(t("Energy card"), [f"{card.customer_code} · {name}", since])
    story.append(field_grid([(t("Customer code"), card.customer_code),
                             (t("Name"), name), (t("Address"), address),
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
