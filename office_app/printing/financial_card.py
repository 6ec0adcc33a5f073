"""A copy of the financial card (001 Član 3.1) for the customer: every entry with document
date, description and number, document type, debit, credit, running balance, accounting order
number and date and the operator who posted it."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from office_app.i18n import translator
from office_app.printing.document import (
    BAND,
    CONTENT_WIDTH,
    RULE,
    SHADE,
    PageFrame,
    doc_text,
    field_grid,
    fit_words,
    note_box,
    or_empty,
    para,
    render_pdf,
    section,
    styles,
    title_block,
)
from office_app.services.ledger import DOCUMENT_TYPE_LABELS

if TYPE_CHECKING:
    from office_app.services.ledger import FinancialCard
    from office_app.services.office import OfficeInfo


def _table(headers: list[str], rows: list[list[str]], widths: list[float],
           empty: str) -> Flowable:
    """The card's entries in a smaller type than ``data_table`` so that dates and accounting
    order numbers stay on one line; amounts right-aligned."""
    st = styles()
    if not rows:
        return para(empty, st.small)
    cell = ParagraphStyle("card_cell", parent=st.cell, fontSize=7, leading=8.6)
    number = ParagraphStyle("card_number", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("card_head", parent=st.head_cell, fontSize=6.8, leading=8.2)
    head_number = ParagraphStyle("card_head_number", parent=head, alignment=TA_RIGHT)
    body: list[list[Any]] = [[fit_words(h, head_number if i in (3, 4, 5) else head, w - 6)
                              for i, (h, w) in enumerate(zip(headers, widths, strict=True))]]
    body += [[para(or_empty(v), number if i in (3, 4, 5) else cell) for i, v in enumerate(r)]
             for r in rows]
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE), ("LINEBELOW", (0, 1), (-1, -1), 0.25, BAND),
        ("LINEABOVE", (0, -1), (-1, -1), 0.6, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def financial_card_pdf(card: FinancialCard, office: OfficeInfo, language: str,
                       operator_code: str, printed_at: datetime) -> bytes:
    t = translator(language)
    span = f"{t.date(card.since)} – {t.date(card.until)}"
    frame = PageFrame(office, t("Financial card"), operator_code, printed_at,
                      t("Customer {code}", code=card.customer_code))
    name = doc_text(t, card.customer_name)
    story: list[Flowable] = title_block(t("Financial card"), [
        f"{card.customer_code} · {name}", t("Copy for {span}", span=span)])
    story.append(field_grid([(t("Customer code"), card.customer_code),
                             (t("Name"), name),
                             (t("Address"), doc_text(t, card.customer_address)),
                             (t("Opening balance"), t.money(card.opening_balance))]))
    story.append(section(t("Entries")))
    rows = [[t.date(r.document_date), f"{r.document_number}\n{r.description}",
             t(DOCUMENT_TYPE_LABELS.get(r.document_type, r.document_type)),
             t.number(r.debit, 2) if r.debit else "", t.number(r.credit, 2) if r.credit else "",
             t.number(r.balance, 2),
             f"{r.order_number}\n{t.date(r.order_date)}".strip(), r.operator_code]
            for r in card.rows]
    rows.append(["", t("Total"), "", t.number(card.total_debit, 2),
                 t.number(card.total_credit, 2), t.number(card.closing_balance, 2), "", ""])
    widths = [19 * mm, 36 * mm, 21 * mm, 17 * mm, 17 * mm, 18 * mm, 29 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    story.append(_table([t("Date"), t("Document and description"), t("Document type"),
                         t("Debit"), t("Credit"), t("Balance"), t("Accounting order"),
                         t("Operator")], rows, widths, t("No entries in this period.")))
    owed = card.closing_balance
    story.append(note_box([
        t("Balance on {date}: {amount}.", date=t.date(card.until), amount=t.money(owed)),
        t("Debit: what you owe (invoices, interest, debit notes). Credit: what you paid or were "
          "credited. The balance after each entry is the running total.")]))
    return render_pdf(story, frame, t)
