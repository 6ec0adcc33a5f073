"""The implausible readings report (001 Član 2): what the clerks confirmed as keyed but found
implausible, sent to the field for a re-check. One part per zone and reader, each from a new
page, with empty columns for what the field finds; it comes back as the field record.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    RULE,
    SHADE,
    PageFrame,
    doc_text,
    field_grid,
    fit_words,
    note_box,
    para,
    render_pdf,
    styles,
    title_block,
)
from office_app.printing.reading_book import column_widths, signatures
from office_app.printing.registers import quantity, register
from office_app.services.plausibility import FLAG_NAMES

if TYPE_CHECKING:
    from office_app.services.field_records import (
        ImplausibleGroup,
        ImplausibleReport,
        ImplausibleRow,
    )

COLUMNS = [(N_("Point, meter"), 22), (N_("Customer, address"), 38), (N_("Last reading"), 21),
           (N_("Keyed"), 21), (N_("Use / monthly average"), 20), (N_("Finding"), 20),
           (N_("Found VT"), 16), (N_("Found MT"), 16)]
PAD_X = 2


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _registers(t: Translator, day: date | None, vt: Decimal | None,
               mt: Decimal | None) -> str:
    return _lines(t.date(day), f"{t('VT')} {register(vt, t)}" if vt is not None else "",
                  f"{t('MT')} {register(mt, t)}" if mt is not None else "")


def _row(t: Translator, r: ImplausibleRow) -> list[Any]:
    cell = styles().cell
    average = quantity(t, r.monthly_average) if r.monthly_average is not None else "—"
    findings = ", ".join(t(FLAG_NAMES.get(f, f)) for f in r.flags)
    return [para(_lines(r.point_number, r.meter_number, t("code {code}", code=r.reading_code)),
                 cell),
            para(_lines(f"{r.customer_code} {doc_text(t, r.customer_name)}",
                        doc_text(t, r.address)), cell),
            para(_registers(t, r.previous_date, r.previous_vt, r.previous_mt), cell),
            para(_registers(t, r.read_on, r.vt, r.mt), cell),
            para(_lines(quantity(t, r.consumption), average), cell),
            para(findings, cell), "", "" if r.two_rate else "—"]


def _table(t: Translator, group: ImplausibleGroup) -> Table:
    widths = column_widths(t, COLUMNS, PAD_X)
    head = [fit_words(t(name), styles().head_cell, w - 2 * PAD_X)
            for (name, _w), w in zip(COLUMNS, widths, strict=True)]
    table = Table([head] + [_row(t, r) for r in group.rows], colWidths=widths, repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
    ]))
    return table


def _group_story(t: Translator, report: ImplausibleReport,
                 group: ImplausibleGroup) -> list[Flowable]:
    story = title_block(t("Implausible readings"), [
        t("Period {period} · zone {zone} {zone_name} · reader {reader} {reader_name}",
          period=report.period.period, zone=group.zone_code,
          zone_name=doc_text(t, group.zone_name), reader=group.reader_code,
          reader_name=doc_text(t, group.reader_name))])
    story.append(field_grid([(t("Zone"), f"{group.zone_code} {doc_text(t, group.zone_name)}"),
                             (t("Reader"),
                              f"{group.reader_code} {doc_text(t, group.reader_name)}"),
                             (t("Readings to re-check"), str(len(group.rows))),
                             (t("Processing date"), t.date(report.period.processing_on))]))
    story += [Spacer(1, 4 * mm), _table(t, group)]
    story.append(note_box([
        t("Check each meter on site and write the values found. Where they differ from the "
          "keyed ones, the reading is corrected by the field record; otherwise it is "
          "confirmed. Return the report before the processing date."),
    ], t("For the field")))
    story.append(signatures([t("Checked by"), t("Record number and date")]))
    return story


def implausible_report_pdf(report: ImplausibleReport, language: str) -> bytes:
    t = translator(language)
    frame = PageFrame(report.office, t("Implausible readings"), report.operator_code,
                      report.printed_at, t("Period {period}", period=report.period.period))
    story: list[Flowable] = []
    for i, group in enumerate(report.groups):
        if i:
            story.append(PageBreak())
        story += _group_story(t, report, group)
    if not report.groups:
        story = title_block(t("Implausible readings"), [
            t("Period {period}: no reading waits for a field re-check.",
              period=report.period.period)])
    return render_pdf(story, frame, t)
