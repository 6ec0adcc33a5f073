"""PostgreSQL itself keeps the litigation register to the legal office and supervisors, and the
complaint book to customer care (clerks) and supervisors: other roles cannot even read them,
and the legal office posts only court costs and write-offs to the card."""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from office_app.services import legal
from office_app.services.legal import CaseInput
from office_app.services.permissions import Role
from tests.integration.legal_setup import debtor
from tests.integration.test_privileges import Office, _refused, office  # noqa: F401

LEGAL_TABLES = ("legal_case", "case_event", "case_attachment")
COMPLAINT_TABLES = ("complaint", "complaint_invoice")


def test_only_their_roles_read_the_legal_register_and_the_complaint_book(
        office: Office) -> None:  # noqa: F811
    allowed = {Role.LEGAL: LEGAL_TABLES, Role.CLERK: COMPLAINT_TABLES,
               Role.SUPERVISOR: LEGAL_TABLES + COMPLAINT_TABLES,
               Role.ADMIN: LEGAL_TABLES + COMPLAINT_TABLES}
    refused = []
    for role in Role:
        for table in LEGAL_TABLES + COMPLAINT_TABLES:
            code = _refused(office.as_role(role), f"SELECT count(*) FROM {table}")
            if table in allowed.get(role, ()):
                assert code is None, (role, table)
            else:
                assert code == "42501", (role, table, code)
                refused.append((role, table))
    assert (Role.CASHIER, "legal_case") in refused and (Role.LEGAL, "complaint") in refused
    assert (Role.CLERK, "case_attachment") in refused and (Role.AUDITOR, "complaint") in refused


def test_the_legal_office_works_under_its_own_connection_and_no_further(
        office: Office) -> None:  # noqa: F811
    lawyer = office.operators[Role.LEGAL]
    cid = debtor(office.db, office.operators[Role.CLERK], "Vuković", "240.00")
    own = office.as_role(Role.LEGAL)
    case = legal.open_case(own, lawyer, CaseInput(cid, "I 7/24", "Osnovni sud u Baru",
                                                  date(2024, 9, 2), "240.00", "35.00"))
    legal.add_event(own, lawyer, case.id, "hearing", date(2024, 9, 10), date(2024, 10, 1))
    legal.attach(own, lawyer, case.id, "scan.pdf", b"%PDF-1.4 scan")
    legal.close_case(own, lawyer, case.id, "written_off", "uncollectable", date(2024, 12, 1))
    with office.db.engine.connect() as conn:
        stamped = conn.execute(text(
            "SELECT created_by, updated_by FROM legal_case")).one()
        assert tuple(stamped) == (lawyer.code, lawyer.code)
        assert conn.scalar(text("SELECT status FROM customer WHERE id = :i"), {"i": cid}) is None
    for statement in (
            "INSERT INTO ledger_entry (customer_id, document_date, document_type, "
            f"document_number, debit, credit, operator_code, posted_at) VALUES ({cid}, "
            "'2024-12-01', 'payment', 'FAKE-1', 0, 500, 'x', now())",
            "UPDATE customer SET surname = 'X'",
            "UPDATE legal_case SET amount_sued = 1",
            "UPDATE legal_case SET case_number = 'I 8/24'",
            "DELETE FROM legal_case",
            "UPDATE case_attachment SET file_name = 'x'",
            # erasing is refused too while the case is not archived
            "UPDATE case_attachment SET file_name = '', content = '', size = 0, "
            "erased_on = '2024-12-02'",
            "DELETE FROM case_attachment",
            "DELETE FROM case_event"):
        assert _refused(own, statement) == "42501", statement


def test_a_clerk_keeps_the_complaint_book_under_their_own_connection(
        office: Office) -> None:  # noqa: F811
    from office_app.services import complaints
    from office_app.services.complaints import ComplaintInput

    clerk = office.operators[Role.CLERK]
    cid = debtor(office.db, clerk, "Vuković", "240.00")
    own = office.as_role(Role.CLERK)
    entered = complaints.register(own, clerk, ComplaintInput(
        cid, date(2024, 6, 12), "written", "reading", "Wrong reading.", "12.00"))
    complaints.answer(own, clerk, entered.id, "rejected", "Reading confirmed.", date(2024, 6, 14))
    assert complaints.overdue(own, clerk, date(2024, 7, 1)) == []
    for statement in ("UPDATE complaint SET number = 'X'", "DELETE FROM complaint",
                      "UPDATE complaint SET disputed_amount = 0",
                      "INSERT INTO legal_case (id) VALUES (-1)"):
        assert _refused(own, statement) == "42501", statement
    lawyer_db = office.as_role(Role.LEGAL)
    assert _refused(lawyer_db, "INSERT INTO complaint (id) VALUES (-1)") == "42501"


def test_a_supervisor_archives_under_their_own_connection(office: Office) -> None:  # noqa: F811
    from office_app.services import retention

    lawyer, boss = office.operators[Role.LEGAL], office.operators[Role.SUPERVISOR]
    cid = debtor(office.db, office.operators[Role.CLERK], "Vuković", "240.00",
                 date(2019, 1, 25))
    case = legal.open_case(office.db, lawyer, CaseInput(cid, "I 1/19", "Osnovni sud u Baru",
                                                        date(2019, 3, 1), "240.00"))
    legal.attach(office.db, lawyer, case.id, "scan.pdf", b"%PDF-1.4 scan")
    legal.close_case(office.db, lawyer, case.id, "written_off", "uncollectable",
                     date(2020, 5, 4))
    from office_app.services import complaints
    from office_app.services.complaints import ComplaintInput

    clerk = office.operators[Role.CLERK]
    entered = complaints.register(office.db, clerk, ComplaintInput(
        cid, date(2021, 6, 1), "written", "reading", "Marko Vuković, 067 111 222", "0"))
    complaints.answer(office.db, clerk, entered.id, "rejected", "Confirmed.", date(2021, 6, 8))
    with office.db.engine.begin() as conn:      # the contract ended long ago
        conn.execute(text("UPDATE customer SET status = 'N', status_date = '2019-12-31' "
                          "WHERE id = :i"), {"i": cid})
    own = office.as_role(Role.SUPERVISOR)
    done = retention.archive(own, boss, date(2025, 6, 1))
    assert (done.customers, done.court_cases, done.complaints, done.attachments) == (
        1, 1, 1, 1)
    with office.db.engine.connect() as conn:
        assert conn.execute(text("SELECT name, email FROM customer WHERE id = :i"),
                            {"i": cid}).one() == ("—", "")
        assert conn.scalar(text("SELECT description FROM complaint")) == ""
    with office.db.engine.connect() as conn:
        assert tuple(conn.execute(text(
            "SELECT file_name, size, length(content), erased_on FROM case_attachment")).one()
        ) == ("", 0, 0, date(2025, 6, 1))
    assert _refused(own, "UPDATE case_attachment SET file_name = 'back.pdf'") == "42501"
