"""The legal office's demo step (after billing): court cases in every stage with their events
and attachments, a complaint book with justified complaints and their corrections, rejected
ones and overdue ones, and a contract termination whose notice can be printed.

A handful of rows, written through the services (one unit of work each), as the legal clerk
and the customer-care clerk would. Skipped when cases exist already or there are no invoices
(very large demos)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from office_app.demo.billing import BIG
from office_app.demo.context import DemoContext
from office_app.models import (
    Customer,
    Invoice,
    LedgerEntry,
    LegalCase,
    MeterInstallation,
    PointHolding,
    Reading,
)
from office_app.services import complaints, enforcement, ledger, legal, meter_events
from office_app.services.complaints import ComplaintInput
from office_app.services.meter_events import Registers

COURT = "Osnovni sud u Baru"
#: The stages the demo's cases reach, one case each.
STAGES = ("proposal_filed", "decision", "enforcement", "appeal", "settled", "paid",
          "written_off")


def build_legal(ctx: DemoContext) -> None:
    if ctx.customers >= BIG:
        return
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(LegalCase)):
            return
        if not s.scalar(select(func.count()).select_from(Invoice)):
            return
    _carried_over(ctx)
    # as the legal clerk does it: candidates whose debt was old enough four months ago; a
    # customer who ended their contract (N) keeps that letter, so filing (which sets T)
    # refuses them: the clerk skips them
    filed = ctx.today - timedelta(days=120)
    debtors = [c.customer_id for c in legal.candidates(ctx.db, ctx.operator, "20", 30, filed)
               if c.status != "N"][:len(STAGES)]
    ctx.progress("legal office", 0, 3)
    _cases(ctx, debtors, filed)
    ctx.progress("legal office", 1, 3)
    with ctx.db.unit_of_work() as s:
        with_invoices = list(s.execute(
            select(Invoice.customer_id, Invoice.id, Invoice.total).where(
                Invoice.customer_id.not_in(debtors or [0]))
            .order_by(Invoice.issue_date.desc(), Invoice.id).limit(40)))
    _complaints(ctx, with_invoices)
    ctx.progress("legal office", 2, 3)
    _termination(ctx, set(debtors) | {cid for cid, _i, _t in with_invoices})
    ctx.progress("legal office", 3, 3)


def _carried_over(ctx: DemoContext) -> None:
    """Customers the old system marked T get their case in the register (carried over, as the
    migration from the old system would); those who have paid since are closed as paid,
    which clears their T."""
    with ctx.db.unit_of_work() as s:
        sued = s.execute(select(Customer.id, Customer.code, Customer.status_date).where(
            Customer.status == "T").order_by(Customer.id)).all()
        cases = []
        for customer_id, code, since in sued:
            day = since or ctx.today
            owed = ledger.balance(s, customer_id, day)
            billed = s.scalar(select(func.coalesce(func.sum(LedgerEntry.debit), 0)).where(
                LedgerEntry.customer_id == customer_id)) or 0
            case = LegalCase(customer_id=customer_id, case_number=f"STARI-{code}", court=COURT,
                             filed_on=day, amount_sued=owed if owed > 0 else
                             max(Decimal(billed), Decimal("1.00")), court_fee=Decimal(0),
                             other_costs=Decimal(0), stage="decision",
                             outcome="", created_by=ctx.operator.code)
            s.add(case)
            s.flush()
            cases.append((case.id, customer_id))
    for case_id, customer_id in cases:
        if _balance(ctx, customer_id) <= 0:
            legal.close_case(ctx.db, ctx.operator, case_id, "paid", "paid before the migration",
                             ctx.today)


def _scan(title: str) -> bytes:
    out = BytesIO()
    page = Canvas(out)
    page.drawString(72, 770, title)
    page.showPage()
    page.save()
    return out.getvalue()


def _cases(ctx: DemoContext, debtors: list[int], filed: date) -> None:
    op, today = ctx.operator, ctx.today
    if not debtors:
        return
    batch = enforcement.file_proposals(ctx.db, op, debtors, COURT, filed, Decimal("35.00"),
                                       Decimal("12.00"))
    for case, stage in zip(batch.cases, STAGES, strict=False):
        _events(ctx, case.id, stage, filed)
        legal.attach(ctx.db, op, case.id, "predlog-pecat-suda.pdf",
                     _scan(f"{COURT} — {case.case_number}"))
        if stage in ("decision", "enforcement", "appeal"):
            legal.set_stage(ctx.db, op, case.id, stage)
        elif stage == "paid":
            owed = _balance(ctx, case.customer_id, today - timedelta(days=9))
            ledger.post_payment(ctx.db, op, case.customer_id, owed, today - timedelta(days=10),
                                f"DEMO-LEGAL-{case.id}", "paid after the court's decision")
            legal.close_case(ctx.db, op, case.id, "paid", "paid after the court's decision",
                             today - timedelta(days=9))
        elif stage == "settled":
            legal.close_case(ctx.db, op, case.id, "settled",
                             "court settlement: installments agreed", today - timedelta(days=30))
        elif stage == "written_off":
            legal.close_case(ctx.db, op, case.id, "written_off",
                             "enforcement officer: no assets found", today - timedelta(days=5))


def _events(ctx: DemoContext, case_id: int, stage: str, filed: date) -> None:
    op, today = ctx.operator, ctx.today
    legal.add_event(ctx.db, op, case_id, "hearing", filed + timedelta(days=30),
                    filed + timedelta(days=30), "first hearing")
    if stage != "proposal_filed":
        legal.add_event(ctx.db, op, case_id, "decision", filed + timedelta(days=45),
                        filed + timedelta(days=53), "enforcement order; 8 days for objection")
    if stage == "appeal":
        legal.add_event(ctx.db, op, case_id, "appeal_answer", today - timedelta(days=6),
                        today - timedelta(days=1), "answer the debtor's appeal")
    if stage == "enforcement":
        legal.add_event(ctx.db, op, case_id, "enforcement_delivery", today - timedelta(days=3),
                        today + timedelta(days=7), "report of the enforcement officer due")
    if stage == "proposal_filed":
        legal.add_event(ctx.db, op, case_id, "hearing", today + timedelta(days=4),
                        today + timedelta(days=4), "second hearing")


def _balance(ctx: DemoContext, customer_id: int, on: date | None = None) -> Decimal:
    """What the customer owes on ``on`` (the day a case closes: later entries, such as a
    bank statement's payment, do not count then)."""
    with ctx.db.unit_of_work() as s:
        return ledger.balance(s, customer_id, on)


def _complaints(ctx: DemoContext, rows: Sequence[Any]) -> None:
    op, today = ctx.operator, ctx.today
    plan = [("justified", 25), ("justified", 18), ("rejected", 14), ("overdue", 30),
            ("overdue", 22), ("open", 2)]
    first: dict[int, tuple[int, int, Decimal]] = {}
    for cid, invoice_id, total in rows:
        first.setdefault(cid, (cid, invoice_id, total))
    picked = list(first.values())[:len(plan)]
    subjects = ("reading", "bill_amount", "meter", "quality", "payment", "ownership")
    for (what, days), (cid, invoice_id, total), subject in zip(plan, picked, subjects,
                                                                strict=False):
        disputed = min(total, Decimal("12.40"))
        entered = complaints.register(ctx.db, op, ComplaintInput(
            cid, today - timedelta(days=days), "written" if days % 2 else "electronic",
            subject, "Kupac osporava iznos posljednjeg računa.", disputed,
            [invoice_id]))
        if what == "justified":
            complaints.answer(ctx.db, op, entered.id, "justified",
                              "Stanje pogrešno uneseno; ispravljeno.",
                              today - timedelta(days=days - 6))
            complaints.correct(ctx.db, op, entered.id, invoice_id, "credit",
                               (disputed / Decimal("1.21")).quantize(Decimal("0.01")),
                               today - timedelta(days=days - 6))
        elif what == "rejected":
            complaints.answer(ctx.db, op, entered.id, "rejected",
                              "Brojilo provjereno na licu mjesta; očitano stanje je tačno.",
                              today - timedelta(days=days - 5))


def _termination(ctx: DemoContext, busy: set[int]) -> None:
    with ctx.db.unit_of_work() as s:
        row = s.execute(
            select(PointHolding.customer_id, PointHolding.point_id)
            .join(MeterInstallation, (MeterInstallation.point_id == PointHolding.point_id)
                  & MeterInstallation.removed_on.is_(None))
            .join(Customer, Customer.id == PointHolding.customer_id)
            .where(PointHolding.valid_to.is_(None), Customer.status.is_(None),
                   PointHolding.customer_id.not_in(busy or {0}))
            .order_by(PointHolding.customer_id).limit(1)).first()
        if row is None:
            return
        customer_id, point_id = row
        if s.scalar(select(func.count()).select_from(PointHolding).where(
                PointHolding.customer_id == customer_id, PointHolding.valid_to.is_(None))) != 1:
            return
        last = s.scalars(select(Reading).where(Reading.point_id == point_id)
                         .order_by(Reading.read_on.desc(), Reading.id.desc()).limit(1)).first()
        if last is None or last.read_on >= ctx.today:
            return
        registers = Registers(str(int(last.vt) + 7),
                              str(int(last.mt) + 3) if last.mt is not None else "",
                              str(last.peak) if last.peak is not None else "")
    meter_events.terminate_contract(ctx.db, ctx.operator, customer_id, ctx.today,
                                    {point_id: registers}, "moved away")
