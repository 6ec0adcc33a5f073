"""The daily collection report (001 Član 4) as PDF (the office frame, one table per drawer with
its totals by means of payment, the office's totals at the end) and as an xlsx workbook (one
sheet, the same rows and totals, amounts as numbers)."""
from __future__ import annotations

from datetime import datetime
from io import BytesIO

from reportlab.platypus import Flowable, Spacer

from office_app.i18n import Translator, translator
from office_app.printing.document import (
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    render_pdf,
    section,
    title_block,
)
from office_app.services.cashdesk.report import DailyReport, ReportRow

HEADERS = ("Office", "Customer code", "Customer", "Document date", "Receipt number",
           "Archive order", "Archive order date", "Operator", "Means of payment", "Amount")
MEANS_LABELS = {"cash": "Cash", "card": "Card"}


#: The PDF's columns (the office code heads every page): archive order and date share one.
PDF_HEADERS = ("Customer code", "Customer", "Document date", "Receipt number",
               "Archive order and date", "Operator", "Means of payment", "Amount")


def _cells(r: ReportRow, t: Translator) -> list[str]:
    means = t(MEANS_LABELS[r.means]) + (" (" + t("storno") + ")" if r.reversed else "")
    return [r.customer_code, doc_text(t, r.customer_name), t.date(r.document_date),
            r.document_number, f"{r.archive_order} {t.date(r.archive_date)}", r.operator_code,
            means, t.money(r.amount)]


def _totals(totals: dict, t: Translator) -> list[tuple[str, str]]:
    pairs = [(t(MEANS_LABELS[m]), t.money(v)) for m, v in totals.items()]
    return [*pairs, (t("Total"), t.money(sum(totals.values())))]


def report_pdf(report: DailyReport, operator_code: str, language: str = "sr_Latn",
               printed_at: datetime | None = None) -> bytes:
    t = translator(language)
    frame = PageFrame(report.office, t("Daily collection report"), operator_code,
                      printed_at or datetime.now(), t.date(report.day))
    story: list[Flowable] = [*title_block(t("Daily collection report"), [
        f"{report.office.code}  {doc_text(t, report.office.name)}", t.date(report.day)])]
    headers = [t(h) for h in PDF_HEADERS]
    for drawer in report.drawers:
        story.append(section(t("Cashier {cashier}, desk {desk}", cashier=drawer.cashier_code,
                               desk=drawer.desk)))
        story.append(data_table(headers, [_cells(r, t) for r in drawer.rows],
                                nowrap={0, 2, 3, 5, 6, 7}, right={7}))
        story.append(field_grid(_totals(drawer.totals, t), columns=3))
        story.append(Spacer(1, 6))
    if not report.drawers:
        story.append(section(t("No payments were taken at the counter on this day.")))
    story.append(section(t("Office total")))
    story.append(field_grid(_totals(report.totals, t), columns=3))
    return render_pdf(story, frame, t)


def report_xlsx(report: DailyReport, language: str = "sr_Latn") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    t = translator(language)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t.date(report.day).replace(".", "-")
    sheet.append([t("Daily collection report"), report.office.code,
                  doc_text(t, report.office.name), report.day])
    bold = Font(bold=True)
    for drawer in report.drawers:
        sheet.append([])
        sheet.append([t("Cashier {cashier}, desk {desk}", cashier=drawer.cashier_code,
                        desk=drawer.desk)])
        sheet.append([t(h) for h in HEADERS])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for r in drawer.rows:
            sheet.append([r.office_code, r.customer_code, doc_text(t, r.customer_name),
                          r.document_date, r.document_number, r.archive_order, r.archive_date,
                          r.operator_code, t(MEANS_LABELS[r.means]), r.amount])
            sheet.cell(sheet.max_row, 10).number_format = "#,##0.00"
        for label, value in [*((t(MEANS_LABELS[m]), v) for m, v in drawer.totals.items()),
                             (t("Total"), drawer.total)]:
            sheet.append([None] * 8 + [label, value])
    sheet.append([])
    for label, value in [*((t(MEANS_LABELS[m]), v) for m, v in report.totals.items()),
                         (t("Office total"), report.total)]:
        sheet.append([None] * 8 + [label, value])
        sheet.cell(sheet.max_row, 9).font = bold
    for column, width in zip("ABCDEFGHIJ", (8, 12, 30, 12, 26, 14, 12, 10, 14, 14),
                             strict=True):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
