"""The demo office's year at the counter goes through the cash desk: a drawer a day, cash and
card (households only), some partial and some overpaid, one wrong amount reversed by the
supervisor, one drawer forgotten open and closed by the supervisor; every drawer balances or
shows its recorded difference; each day's report agrees with its drawers; the audit is clean."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from office_app.db import Database
from office_app.demo import build_demo
from office_app.models import Customer, LedgerEntry
from office_app.models.cashdesk import CashReceipt, CashReceiptLine, CashSession
from office_app.services.cashdesk import drawers, report
from office_app.services.integrity import CHECKS, Scope
from office_app.services.permissions import SYSTEM


def test_the_demo_year_at_the_counter(sqlite_db: Database) -> None:
    build_demo(sqlite_db, 120, seed=5, today=date(2026, 11, 20))
    with sqlite_db.unit_of_work() as s:
        assert [v for check in CHECKS.values() for v in check(s, Scope())] == []
        sessions = s.scalars(select(CashSession).order_by(CashSession.id)).all()
        receipts = s.scalars(select(CashReceipt)).all()
        kinds = {i: k for i, k in s.execute(select(Customer.id, Customer.kind))}
        credits = list(s.scalars(select(CashReceiptLine.amount).where(
            CashReceiptLine.document_number == "")))
        stornos = s.scalars(select(LedgerEntry).where(
            LedgerEntry.document_type == "payment_reversal",
            LedgerEntry.source.like("desk:%"))).all()
    assert len(sessions) > 50 and len(receipts) > 100
    assert all(d.closed_at is not None for d in sessions)
    means = {r.means for r in receipts}
    assert means == {"cash", "card"}
    assert all(kinds[r.customer_id] == "household" for r in receipts if r.means == "card")
    assert any(r.change > 0 for r in receipts)
    forgotten = [d for d in sessions if d.closed_by != d.created_by]
    assert len(forgotten) == 1 and forgotten[0].difference == 0
    assert len(stornos) == 1 and "Pogrešno ukucan iznos" in stornos[0].description
    short_or_over = [d for d in sessions if d.difference != 0]
    assert short_or_over and all(d.close_note for d in short_or_over)
    for d in sessions:
        info = drawers.get_drawer(sqlite_db, SYSTEM, d.id)
        assert d.difference == (d.counted_cash - info.expected_cash) + (
            d.counted_card - info.card_taken)
    # the storno's day: the report leaves the reversed slip out and agrees with the drawer
    day = next(r.document_date for r in receipts if r.entry_id == stornos[0].origin_entry_id)
    data = report.daily_report(sqlite_db, SYSTEM, day)
    [drawer] = data.drawers
    info = drawers.get_drawer(sqlite_db, SYSTEM, drawer.drawer_id)
    assert (drawer.totals["cash"], drawer.totals["card"]) == (info.cash_taken, info.card_taken)
    assert sum(1 for r in drawer.rows if r.reversed) == 1
    # overpaid at the counter: the slip shows the rest as a credit on the card
    assert credits and all(amount > 0 for amount in credits)
