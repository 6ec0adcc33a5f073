"""The enforcement proposal (predlog za izvršenje, 001 Član 7) in five labelled copies, each with
its two attachments: a certified copy of the debtor's financial card and a statement of the open
items on the filing date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    note_box,
    para,
    render_copies,
    section,
    styles,
    title_block,
)
from office_app.services.ledger import DOCUMENT_TYPE_LABELS

if TYPE_CHECKING:
    from office_app.services.ledger import FinancialCard, OpenItem
    from office_app.services.office import OfficeInfo

#: The five copies of a proposal and who gets each.
PROPOSAL_COPIES = (N_("Copy 1 — for the court"), N_("Copy 2 — for the court's file"),
                   N_("Copy 3 — for the debtor"), N_("Copy 4 — for the enforcement officer"),
                   N_("Copy 5 — for the office's archive"))


@dataclass(frozen=True)
class ProposalData:
    office: OfficeInfo
    case_number: str
    court: str
    filed_on: date
    amount_sued: Decimal
    court_fee: Decimal
    other_costs: Decimal
    customer_code: str
    customer_name: str
    customer_address: str
    personal_number: str
    card: FinancialCard
    open_items: tuple[OpenItem, ...]
    operator_code: str
    printed_at: datetime


def proposal_pdf(data: ProposalData, language: str) -> bytes:
    t = translator(language)
    frame = PageFrame(data.office, t("Enforcement proposal"), data.operator_code,
                      data.printed_at, t("Case {number}", number=data.case_number))
    return render_copies(lambda: _copy(data, t), frame, t, [t(c) for c in PROPOSAL_COPIES])


def _copy(data: ProposalData, t: Translator) -> list[Flowable]:
    return [*_proposal(data, t), PageBreak(), *_card(data, t), PageBreak(), *_open_items(data, t)]


def _proposal(data: ProposalData, t: Translator) -> list[Flowable]:
    office, name = data.office, doc_text(t, data.customer_name)
    story: list[Flowable] = title_block(t("Enforcement proposal"), [
        t("To: {court}", court=doc_text(t, data.court)),
        t("Case {number} · filed {date}", number=data.case_number, date=t.date(data.filed_on))])
    story.append(section(t("Creditor")))
    story.append(field_grid([(t("Name"), doc_text(t, office.name)),
                             (t("Address"), doc_text(t, office.address)),
                             (t("Tax number"), office.tax_number),
                             (t("Bank account"), office.bank_account)]))
    story.append(section(t("Debtor")))
    story.append(field_grid([(t("Customer code"), data.customer_code), (t("Name"), name),
                             (t("Address"), doc_text(t, data.customer_address)),
                             (t("Personal number"), data.personal_number)]))
    story.append(section(t("Claim")))
    total = data.amount_sued + data.court_fee + data.other_costs
    story.append(field_grid([(t("Amount sued"), t.money(data.amount_sued)),
                             (t("Court fee"), t.money(data.court_fee)),
                             (t("Other costs"), t.money(data.other_costs)),
                             (t("Total"), t.money(total))]))
    story.append(note_box([
        t("The creditor proposes that the court order enforcement against the debtor for the "
          "amount sued, with statutory default interest from each due date until payment, "
          "and the costs of the proceedings."),
        t("Attachments: 1. certified copy of the financial card; 2. statement of open items "
          "on {date}.", date=t.date(data.filed_on))]))
    story += [Spacer(1, 14 * mm), para(t("For the creditor: ____________________  (stamp)"))]
    return story


def _card(data: ProposalData, t: Translator) -> list[Flowable]:
    card = data.card
    story: list[Flowable] = title_block(t("Attachment 1: financial card"), [
        f"{data.customer_code} · {doc_text(t, data.customer_name)}",
        t("Entries up to {date}", date=t.date(data.filed_on))])
    rows = [[t.date(r.document_date), r.document_number,
             t(DOCUMENT_TYPE_LABELS.get(r.document_type, r.document_type)),
             t.number(r.debit, 2) if r.debit else "", t.number(r.credit, 2) if r.credit else "",
             t.number(r.balance, 2)] for r in card.rows]
    rows.append(["", t("Total"), "", t.number(card.total_debit, 2),
                 t.number(card.total_credit, 2), t.number(card.closing_balance, 2)])
    story.append(data_table([t("Date"), t("Number"), t("Document type"), t("Debit"),
                             t("Credit"), t("Balance")], rows, None,
                            t("No entries in this period."), nowrap={0, 1, 3, 4, 5},
                            right={3, 4, 5}))
    story.append(note_box([t("Certified true copy of the financial card kept by the creditor; "
                             "balance on {date}: {amount}.", date=t.date(data.filed_on),
                             amount=t.money(card.closing_balance))]))
    story += [Spacer(1, 10 * mm), para(t("Certified by: ____________________  (stamp)"))]
    return story


def _open_items(data: ProposalData, t: Translator) -> list[Flowable]:
    story: list[Flowable] = title_block(t("Attachment 2: statement of open items"), [
        f"{data.customer_code} · {doc_text(t, data.customer_name)}",
        t("Open on {date}", date=t.date(data.filed_on))])
    rows = [[t(DOCUMENT_TYPE_LABELS.get(i.document_type, i.document_type)), i.document_number,
             t.date(i.document_date), t.date(i.due_date), t.money(i.amount),
             t.money(i.open_on(data.filed_on))] for i in data.open_items]
    open_total = sum((i.open_on(data.filed_on) for i in data.open_items), Decimal("0.00"))
    rows.append([t("Total"), "", "", "", "", t.money(open_total)])
    story.append(data_table([t("Document"), t("Number"), t("Date"), t("Due date"),
                             t("Amount"), t("Still to pay")], rows, None,
                            t("There are no open documents."), nowrap={1, 2, 3, 4, 5},
                            right={4, 5}))
    story.append(para(t("Statement made on {date}.", date=t.date(data.filed_on)),
                      styles().small))
    return story
