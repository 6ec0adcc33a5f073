"""Enforcement proposals (001 Član 7): the legal clerk picks candidates (services.legal.
candidates), files proposals for them in a batch — each one a case in the litigation register,
the customer marked ``T``, the court fee on the card — and prints each proposal in five labelled
copies with its certified financial card and statement of open items."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from pypdf import PdfWriter
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models import Customer, LegalCase
from office_app.models.base import utcnow
from office_app.printing.enforcement import ProposalData
from office_app.printing.enforcement import proposal_pdf as render
from office_app.services import ledger, legal
from office_app.services.legal import CaseInput, CaseRecord
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BatchFiled:
    cases: list[CaseRecord]
    #: The proposals, five copies each, one after another.
    pdf: bytes


def file_proposals(db: Database, operator: Operator, customer_ids: Sequence[int], court: str,
                   filed_on: date, court_fee: Decimal | str = ZERO,
                   other_costs: Decimal | str = ZERO) -> BatchFiled:
    """File one proposal per customer, suing what they owe on ``filed_on``. The case number
    is the office's proposal reference (``PI-<office>-<year>-000001``) until the court gives
    its own. All or nothing: one refused customer (owes nothing, already sued) files none."""
    operator.require(Permission.MANAGE_LEGAL)
    if not customer_ids:
        raise ValidationError([FieldError("customer_ids", N_(
            "Choose at least one customer to sue."))])
    with db.unit_of_work() as s:
        cases = [_file_one(s, operator, cid, court, filed_on, court_fee, other_costs)
                 for cid in dict.fromkeys(customer_ids)]
        documents = [_data(s, operator, case.id) for case in cases]
    return BatchFiled(cases, _join([_pdf(d) for d in documents]))


def _file_one(s: Session, operator: Operator, customer_id: int, court: str, filed_on: date,
              fee: Decimal | str, costs: Decimal | str) -> CaseRecord:
    if legal.open_case_count(s, customer_id):
        code = s.get(Customer, customer_id)
        raise Conflict(N_("Customer {code} already has an open case."), "customer_ids",
                       code=code.code if code else customer_id)
    owed = ledger.balance(s, customer_id, filed_on)
    office = office_in(s)
    _seq, number = ledger.issue_number(s, "proposal", office.code, filed_on.year)
    return legal.open_in(s, operator, CaseInput(customer_id, number, court, filed_on,
                                                owed if owed > 0 else ZERO, fee, costs))


def proposal_pdf(db: Database, operator: Operator, case_id: int) -> bytes:
    """The proposal of a case in five copies (in the customer's language)."""
    operator.require(Permission.MANAGE_LEGAL)
    with db.unit_of_work() as s:
        data = _data(s, operator, case_id)
    return _pdf(data)


def _data(s: Session, operator: Operator, case_id: int) -> tuple[str, ProposalData]:
    case = s.get(LegalCase, case_id)
    if case is None:
        raise NotFound(N_("Case {id} does not exist."), id=case_id)
    customer = s.get(Customer, case.customer_id)
    assert customer is not None
    card = ledger.card_in(s, customer.id, until=case.filed_on)
    items = tuple(i for i in ledger.allocate(ledger.entries(s, [customer.id], case.filed_on)
                                             [customer.id]).items
                  if i.open_on(case.filed_on) > 0)
    return customer.language, ProposalData(
        office_in(s), case.case_number, case.court, case.filed_on, case.amount_sued,
        case.court_fee, case.other_costs, customer.code, customer.name, card.customer_address,
        customer.personal_number or customer.tax_number or "", card, items, operator.code,
        utcnow())


def _pdf(document: tuple[str, ProposalData]) -> bytes:
    language, data = document
    return render(data, language)


def _join(pdfs: list[bytes]) -> bytes:
    """The proposals of a batch in one file, to print at once."""
    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(BytesIO(pdf))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
