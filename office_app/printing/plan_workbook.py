"""The collection analysis of installment plans as an .xlsx workbook (openpyxl): a sheet of
plans (one row each, amounts as numbers with two decimals) and a sheet of every installment,
with translated headers, so the office can filter and sum them in a spreadsheet."""
from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from office_app.i18n import translator
from office_app.services.plans import STATE_LABELS, STATUS_LABELS, CollectionSummary, PlanState

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD.MM.YYYY"


def plan_workbook(states: Sequence[PlanState], summary: CollectionSummary,
                  language: str) -> bytes:
    """The workbook's bytes; headers and status words in ``language``."""
    t = translator(language)
    book = Workbook()
    plans_sheet = book.active
    plans_sheet.title = t("Plans")[:31]
    _fill(plans_sheet, [t("Plan"), t("Customer code"), t("Customer"), t("Agreed on"),
                        t("Status"), t("Total to pay"), t("Expected"), t("Paid"), t("Open amount"),
                        t("On time"), t("Late"), t("Missed")],
          [[p.number, p.customer_code, p.customer_name, p.agreed_on, t(STATUS_LABELS[p.status]),
            p.total, p.expected, p.paid, p.open, p.count("paid_on_time"),
            p.count("paid_late"), p.count("missed")] for p in states])
    plans_sheet.append([])
    plans_sheet.append([t("Expected by then"), summary.expected, t("Paid"), summary.paid])
    rows = [[p.number, p.customer_code, i.sequence, i.due_date, i.amount, i.paid, i.paid_on,
             t(STATE_LABELS[i.state])] for p in states for i in p.installments]
    _fill(book.create_sheet(t("Installments")[:31]),
          [t("Plan"), t("Customer code"), t("Installment"), t("Due date"), t("Amount"),
           t("Paid"), t("Paid on"), t("State")], rows)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, headers: list[str], rows: list[list[Any]]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if cell.is_date:
                cell.number_format = DATE_FORMAT
            elif hasattr(cell.value, "as_tuple"):      # Decimal money
                cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "A2"
    for n, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = max(10, len(header) + 2)
