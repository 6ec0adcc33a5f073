"""The demo office has installment plans in every state (issue 11): completed, broken and
active (one paid late within the grace period), each with its agreement and a clean audit."""
from __future__ import annotations

from datetime import date

from office_app.db import Database
from office_app.demo import build_demo
from office_app.printing.plan_agreement import plan_agreement_pdf
from office_app.services import plans
from office_app.services.integrity import CHECKS, Scope
from office_app.services.permissions import SYSTEM

TODAY = date(2026, 11, 20)


def test_the_demo_has_plans_in_every_state(db: Database) -> None:
    build_demo(db, 300, seed=5, today=TODAY)   # enough customers who stop paying
    states = plans.plans(db, SYSTEM, TODAY)
    by_status = {s: [p for p in states if p.status == s] for s in plans.STATUS_LABELS}
    assert len(by_status["completed"]) == 1 and len(by_status["broken"]) == 1
    assert len(by_status["active"]) == 2
    assert all(i.state == "paid_on_time" for i in by_status["completed"][0].installments)
    assert {i.state for i in by_status["broken"][0].installments} >= {"paid_on_time",
                                                                      "missed"}
    assert any(p.count("paid_late") for p in by_status["active"])
    with db.unit_of_work() as s:
        assert list(CHECKS["installment_plans"](s, Scope())) == []
        assert plans.customers_with_active_plan(s, TODAY) == {
            p.customer_id for p in by_status["active"]}
    assert plan_agreement_pdf(plans.agreement(db, SYSTEM, states[0].id)).startswith(b"%PDF")


def test_the_demo_has_warnings_orders_a_disconnection_and_a_reconnection(db: Database) -> None:
    """Issue 11: the registers have realistic content and the audit stays clean."""
    from office_app.services import customer_status
    from office_app.services.collection import orders, warnings
    from office_app.services.integrity import run_audit

    build_demo(db, 300, seed=5, today=TODAY)
    sent = warnings.warning_register(db, SYSTEM)
    assert sent and {w.level for w in sent} == {1} and all(w.items for w in sent)
    in_plan = {p.customer_id for p in plans.plans(db, SYSTEM, TODAY) if p.status == "active"}
    assert not in_plan & {w.customer_id for w in sent}
    register = orders.order_register(db, SYSTEM)
    executed = {(o.kind, o.status) for o in register}
    assert {("disconnection", "executed"), ("reconnection", "executed"),
            ("disconnection", "issued")} <= executed
    back = next(o for o in register if o.kind == "reconnection")
    history = customer_status.status_history(db, SYSTEM, back.customer_id)
    assert [(h.status, h.origin_kind) for h in history][:2] == [
        (None, "reconnection"), ("I", "disconnection")]
    report = run_audit(db, SYSTEM, Scope())
    assert [f"{v.check}: {v.document}" for v in report.violations] == []
