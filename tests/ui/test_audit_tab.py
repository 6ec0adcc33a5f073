"""The auditor's tab: shown to auditors, supervisors and administrators only; Run on a
tampered database lists the violation with its document, and the count per check."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from office_app.i18n import set_language
from office_app.models import Counter
from office_app.services.permissions import Role
from office_app.ui.audit.widget import AuditWidget
from office_app.ui.context import AppContext
from office_app.ui.main_window import MainWindow


def test_the_audit_tab_follows_the_role(qtbot: QtBot,
                                        login_as: Callable[..., AppContext]) -> None:
    for role, shown in ((Role.AUDITOR, True), (Role.SUPERVISOR, True), (Role.CLERK, False),
                        (Role.CASHIER, False)):
        window = MainWindow(login_as(role, f"{role.value}-a"))
        qtbot.addWidget(window)
        assert ("audit" in window.tab_keys()) is shown
        assert ("Revizija" in window.tab_titles()) is shown


def test_running_the_audit_on_a_tampered_database_lists_the_violation(
        qtbot: QtBot, login_as: Callable[..., AppContext], message_boxes: Any) -> None:
    set_language("en")
    context = login_as(Role.AUDITOR)
    widget = AuditWidget(context)
    qtbot.addWidget(widget)
    widget.run_button.click()
    assert widget.violations_model.rowCount() == 0
    assert "No violations" in widget.status.text()
    with context.db.unit_of_work() as s:
        s.add(Counter(series="invoice:01:2026", last_number=3))
    widget.period.setText("2026-05")
    with qtbot.waitSignal(widget.sig_audited, timeout=10_000):
        widget.run_button.click()
    rows = [[widget.violations_model.index(r, c).data() for c in range(5)]
            for r in range(widget.violations_model.rowCount())]
    assert rows == [["Numbering", "", "", "",
                     "Series invoice:01:2026 has 3 missing numbers (the counter is at 3): "
                     "1, 2, 3."]]
    counts = {widget.checks_model.index(r, 0).data(): widget.checks_model.index(r, 1).data()
              for r in range(widget.checks_model.rowCount())}
    assert counts["Numbering"] == "1" and counts["Invoice arithmetic"] == "0"
    assert widget.status.text().startswith("1 violations found")
    assert widget.job is not None                 # through the runner's progress window
    done, total = widget.job.reports[-1]
    assert done == total > 0


def test_a_wrong_period_is_refused_and_nothing_runs(
        qtbot: QtBot, login_as: Callable[..., AppContext], message_boxes: Any) -> None:
    widget = AuditWidget(login_as(Role.SUPERVISOR))
    qtbot.addWidget(widget)
    widget.period.setText("26-5")
    widget.run_button.click()
    assert widget.checks_model.rowCount() == 0
    assert message_boxes.calls and "GGGG-MM" in message_boxes.calls[0][2]
