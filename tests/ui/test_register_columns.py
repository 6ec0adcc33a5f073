"""The registers of issues 11 and 12 follow the column-sizing policy: identifying columns
(document numbers, customer codes, dates) carry a sample, so "PI-BAR-2026-000004" or
"13.03.2026" is never cut to "PI-BAR-…-000004" at 1366 px; the name column takes the rest."""
from __future__ import annotations

import pytest

from office_app.ui.collection.widget import ORDER_COLUMNS, WARNING_COLUMNS
from office_app.ui.complaints.widget import COLUMNS as COMPLAINT_COLUMNS
from office_app.ui.lazy_table import Column
from office_app.ui.legal.widget import CASE_COLUMNS, EVENT_COLUMNS
from office_app.ui.plans.widget import INSTALLMENT_COLUMNS, PLAN_COLUMNS

IDENTIFYING = {"Number", "Case number", "Customer code", "Correction", "Date", "Received",
               "Deadline", "Answered", "Date closed", "Pay by", "Done", "Date filed", "Plan",
               "Agreed on", "Due date", "Paid on"}


@pytest.mark.parametrize("columns", [WARNING_COLUMNS, ORDER_COLUMNS, COMPLAINT_COLUMNS,
                                     CASE_COLUMNS, EVENT_COLUMNS, PLAN_COLUMNS,
                                     INSTALLMENT_COLUMNS],
                         ids=["warnings", "orders", "complaints", "cases", "events", "plans",
                              "installments"])
def test_identifying_columns_have_a_sample(columns: list[Column]) -> None:
    missing = [c.title for c in columns if c.title in IDENTIFYING and c.sample is None]
    assert missing == []
