"""PostgreSQL itself refuses what a role may not do: each office role connects as its own login
role and tries the forbidden, and what each role must do still works under its connection.

Figure for the issue: ``forbidden operations tried per role and refused by PostgreSQL`` is
printed by test_postgresql_refuses_what_each_role_may_not_do (run with ``-s``).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from office_app import privileges
from office_app.db import Database, upgrade
from office_app.errors import AuthenticationError, Conflict, PermissionDenied
from office_app.models import Customer, Invoice, LedgerEntry
from office_app.services import ledger, periods, users
from office_app.services.billing import corrections, interest, invoices
from office_app.services.billing import run as billing
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.extract import customer_extract
from office_app.services.office import save_office
from office_app.services.permissions import SYSTEM, Operator, Role
from office_app.services.readings import ReadingEntry, clear_reading, key_reading
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE, _postgres
from tests.reading_setup import PERIOD as READING_PERIOD
from tests.reading_setup import build_book

PASSWORD = "secret1"


class Office:
    """A PostgreSQL office database with one user of each role and their own connections."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.names = privileges.names_for(db.engine.url.database or "")
        self.operators: dict[Role, Operator] = {}
        self._connections: dict[Role, Database] = {}
        for role in Role:
            info = users.add_user(db, SYSTEM, f"{role.value}1", role, PASSWORD,
                                  code=f"{role.value[:3].upper()}-REAL")
            self.operators[role] = Operator(info.id, info.code, info.login, info.full_name, role)

    def as_role(self, role: Role) -> Database:
        """The desk connection of the role's user (the test server trusts 127.0.0.1, so the
        password is not checked here; tests/integration/test_server_guide.py checks it)."""
        if role not in self._connections:
            url = self.db.engine.url.set(username=self.names.login(f"{role.value}1"))
            self._connections[role] = Database(url.render_as_string(hide_password=False))
        return self._connections[role]

    def forged(self, role: Role) -> Operator:
        """What a desk could hand a service from a Python prompt: any code, any role."""
        real = self.operators[role]
        return Operator(999, "FORGED", real.login, "Nobody", role)

    def close(self) -> None:
        for connection in self._connections.values():
            connection.dispose()


@pytest.fixture
def office(request: pytest.FixtureRequest) -> Iterator[Office]:
    db = _postgres(request.getfixturevalue("pg_url"))
    with db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    made = Office(db)
    yield made
    made.close()


POSTED = ("invoice", "invoice_line", "ledger_entry", "interest_charge", "invoice_print",
          "correction_note", "audit_entry", "customer_status_change")


def _forbidden_for_everyone(names: privileges.RoleNames) -> list[str]:
    statements = [sql.format(table) for table in POSTED
                  for sql in ("UPDATE {} SET id = id", "DELETE FROM {}", "TRUNCATE {}")]
    return statements + [
        "TRUNCATE customer CASCADE",
        "ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only",
        "ALTER TABLE ledger_entry ADD COLUMN note text",
        "DROP TABLE ledger_entry",
        "SET session_replication_role = replica",
        "SELECT password_hash FROM app_user",
        "SELECT * FROM app_user",
        "UPDATE counter SET last_number = 0",
        "INSERT INTO counter (series, last_number) VALUES ('x', 1)",
        "CREATE TABLE public.shadow (x int)",
        f'SET ROLE "{names.owner}"',
        "CREATE ROLE intruder",
        "SELECT office_login_begin('admin1')",
        "SELECT rolpassword FROM pg_authid",
    ]


def _forbidden(role: Role) -> list[str]:
    not_admin = ["INSERT INTO app_user (login) VALUES ('mallory')",
                 "UPDATE app_user SET role = 'admin'",
                 "UPDATE app_user SET active = true, failed_attempts = 0"]
    no_register = ["UPDATE customer SET surname = 'X'", "INSERT INTO customer (id) VALUES (-1)",
                   "INSERT INTO reading (id) VALUES (-1)", "DELETE FROM reading",
                   "UPDATE metering_point SET address = 'X'"]
    no_money = ["INSERT INTO ledger_entry (id) VALUES (-1)", "INSERT INTO invoice (id) VALUES (-1)",
                "UPDATE billing_run SET status = 'completed'", "UPDATE tariff SET valid_to = NULL"]
    return {
        Role.ADMIN: [],
        Role.SUPERVISOR: not_admin,
        Role.CLERK: not_admin + no_money + ["UPDATE billing_period SET status = 'closed'",
                                            "INSERT INTO zone (id) VALUES (-1)"],
        Role.CASHIER: not_admin + no_register + ["INSERT INTO invoice (id) VALUES (-1)",
                                                 "UPDATE tariff SET valid_to = NULL"],
        Role.LEGAL: not_admin + no_register + no_money,
        Role.AUDITOR: not_admin + no_register + no_money + [
            "UPDATE billing_period SET status = 'closed'", "INSERT INTO zone (id) VALUES (-1)",
            "UPDATE office SET name = 'X'", "INSERT INTO invoice_print (id) VALUES (-1)",
            "UPDATE app_user SET full_name = 'X'", "DELETE FROM billing_hold",
            "INSERT INTO other_charge (id) VALUES (-1)"],
    }[role]


def _refused(db: Database, statement: str) -> str | None:
    """The SQLSTATE PostgreSQL answered, or None when it did the statement."""
    try:
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    except DBAPIError as exc:
        return getattr(exc.orig, "pgcode", "?")
    return None


def test_postgresql_refuses_what_each_role_may_not_do(office: Office,
                                                       capsys: pytest.CaptureFixture) -> None:
    build_office(office.db, office.operators[Role.SUPERVISOR], office.operators[Role.CLERK])
    billing.run_billing(office.db, office.operators[Role.SUPERVISOR], PERIOD)
    figures, done = {}, []
    for role in Role:
        tried = _forbidden_for_everyone(office.names) + _forbidden(role)
        for statement in tried:
            code = _refused(office.as_role(role), statement)
            if code != "42501":  # insufficient_privilege, from PostgreSQL's own checks
                done.append(f"{role.value}: {statement} -> {code or 'done'}")
        figures[role.value] = len(tried)
    assert done == []
    with capsys.disabled():
        print("\nforbidden operations tried and refused by PostgreSQL, per role: "
              + ", ".join(f"{r} {n}" for r, n in figures.items())
              + f" (total {sum(figures.values())})")
    with office.db.engine.connect() as conn:  # the ledger is untouched
        assert conn.scalar(text("SELECT count(*) FROM ledger_entry")) == 3


def test_each_role_does_its_work_under_its_own_connection(office: Office) -> None:
    """A supervisor builds and bills a period, issues a credit note, runs interest and closes
    the period; a clerk adds a customer; a cashier posts a payment and prints an invoice copy;
    an auditor prints a customer extract; an administrator adds a user. Every row records the
    session's user, not the forged operator the service was handed."""
    supervisor = office.as_role(Role.SUPERVISOR)
    built = build_office(supervisor, office.forged(Role.SUPERVISOR), office.forged(Role.SUPERVISOR))
    result = billing.run_billing(supervisor, office.forged(Role.SUPERVISOR), PERIOD)
    assert (result.status, result.invoices_made) == ("completed", 3)

    clerk = office.as_role(Role.CLERK)
    customer = create_customer(clerk, office.forged(Role.CLERK), CustomerInput(
        surname="Vuković", given_name="Ana", address="Obala 1", place="Bar"))
    users.set_language(clerk, office.operators[Role.CLERK], "sq")  # their own UI language
    cashier = office.as_role(Role.CASHIER)
    ledger.post_payment(cashier, office.forged(Role.CASHIER), built.customers["P-100"],
                        Decimal("20.00"), date(2024, 6, 20), "P-1")
    admin = office.as_role(Role.ADMIN)
    added = users.add_user(admin, office.forged(Role.ADMIN), "novi", Role.CASHIER, PASSWORD)

    with office.db.unit_of_work() as s:
        invoice_id = s.scalar(select(Invoice.id).where(Invoice.point_number == "P-100"))
        assert invoice_id is not None
    note = corrections.issue_note(supervisor, office.forged(Role.SUPERVISOR), invoice_id,
                                  "credit", "1.00", "Wrong MT reading", date(2024, 6, 20))
    charged = interest.run_interest(supervisor, office.forged(Role.SUPERVISOR), "2024-06")
    # a completed run with nothing held back closes its period itself, as the supervisor
    with office.db.unit_of_work() as s:
        assert periods.get_period(s, PERIOD).status == "closed"
    assert note.number.startswith("CN-") and charged.customers_charged == 3
    assert invoices.print_copy(cashier, office.forged(Role.CASHIER), invoice_id,
                               today=date(2024, 7, 1)).startswith(b"%PDF")
    auditor = office.as_role(Role.AUDITOR)
    assert customer_extract(auditor, office.forged(Role.AUDITOR), customer.id).startswith(b"%PDF")

    with office.db.unit_of_work() as s:
        assert {i.created_by for i in s.scalars(select(Invoice))} == {"SUP-REAL"}
        printed = s.execute(text("SELECT printed_by FROM invoice_print")).scalars().all()
        assert printed == ["CAS-REAL"]
        audited = s.execute(text("SELECT DISTINCT operator_code FROM audit_entry "
                                 "WHERE action = 'print_extract'")).scalars().all()
        assert audited == ["AUD-REAL"]
        stamps = s.execute(text("SELECT DISTINCT operator_code FROM ledger_entry")).scalars()
        assert set(stamps) == {"SUP-REAL", "CAS-REAL"}
        assert s.get(Customer, customer.id).created_by == "CLE-REAL"  # type: ignore[union-attr]
        assert s.scalar(text("SELECT language FROM app_user WHERE login = 'clerk1'")) == "sq"
        payment = s.scalar(select(LedgerEntry).where(LedgerEntry.document_number == "P-1"))
        assert payment is not None and payment.operator_code == "CAS-REAL"
        member = s.scalar(text("SELECT pg_has_role(:u, :g, 'MEMBER')"), {
            "u": office.names.login("novi"), "g": office.names.group(Role.CASHIER)})
        assert member and added.role is Role.CASHIER


def test_a_non_admin_cannot_create_a_user_even_with_a_forged_operator(office: Office) -> None:
    clerk = office.as_role(Role.CLERK)
    with pytest.raises(PermissionDenied, match="database refused"):
        users.add_user(clerk, office.forged(Role.ADMIN), "mallory", Role.ADMIN, PASSWORD)
    with office.db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"),
                           {"r": office.names.login("mallory")}) == 0


def test_a_disabled_users_open_session_is_refused_on_its_next_action(office: Office) -> None:
    clerk = office.as_role(Role.CLERK)
    data = CustomerInput(surname="Vuković", given_name="Ana", address="Obala 1", place="Bar")
    create_customer(clerk, office.operators[Role.CLERK], data)  # the session is open
    users.set_active(office.as_role(Role.ADMIN), office.operators[Role.ADMIN], "clerk1", False)
    with pytest.raises(AuthenticationError, match="disabled or locked"):
        create_customer(clerk, office.operators[Role.CLERK], data)
    with office.db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM customer")) == 1
        assert conn.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"),
                           {"r": office.names.login("clerk1")}) is False


def test_the_last_active_administrator_stays(office: Office) -> None:
    admin = office.as_role(Role.ADMIN)
    operator = office.operators[Role.ADMIN]
    with pytest.raises(Conflict, match="last active administrator"):
        users.set_role(admin, operator, "admin1", Role.CLERK)
    with pytest.raises(DBAPIError, match="last active administrator"), admin.engine.begin() as c:
        c.execute(text("UPDATE app_user SET active = false WHERE login = 'admin1'"))
    users.add_user(admin, operator, "admin2", Role.ADMIN, PASSWORD)
    users.set_role(admin, operator, "admin1", Role.SUPERVISOR)  # now another admin remains
    with office.db.engine.connect() as conn:
        assert conn.scalar(text("SELECT pg_has_role(:u, :g, 'MEMBER')"), {
            "u": office.names.login("admin1"), "g": office.names.group(Role.ADMIN)}) is False


def test_every_table_has_a_grant_entry(office: Office) -> None:
    """A table added by a migration needs its line in office_app.privileges.GRANTS: until then
    no office role can even read it. The failure says what to add."""
    with office.db.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    assert privileges.missing_entries(tables) == []


def test_role_names_carry_the_database_key() -> None:
    assert privileges.role_key("office") == "office"
    long_a = privileges.role_key("office_test_12345_abcdef")
    long_b = privileges.role_key("office_test_12345_abcdeg")
    assert long_a != long_b and len(long_a) <= privileges.KEY_LENGTH
    names = privileges.names_for("Office Bar-2")
    assert len(names.login("x" * 40).encode()) <= 63
    assert names.key != privileges.role_key("office_bar_2")


def test_a_clerk_keys_and_clears_a_reading_under_their_own_connection(office: Office) -> None:
    book = build_book(office.as_role(Role.SUPERVISOR), office.forged(Role.SUPERVISOR))
    clerk = office.as_role(Role.CLERK)
    entry = ReadingEntry(book.points["P-100"], READING_PERIOD, date(2025, 3, 31), vt="13910",
                         mt="6290")
    result = key_reading(clerk, office.forged(Role.CLERK), entry)
    assert result.saved and result.reading is not None
    with office.db.unit_of_work() as s:
        assert s.scalar(text("SELECT created_by FROM reading WHERE id = :i"),
                        {"i": result.reading.id}) == "CLE-REAL"
    clear_reading(clerk, office.forged(Role.CLERK), book.points["P-100"], READING_PERIOD)
    with office.db.unit_of_work() as s:
        assert s.scalar(text("SELECT count(*) FROM reading WHERE id = :i"),
                        {"i": result.reading.id}) == 0


def test_users_from_before_the_upgrade_get_their_login_roles(office: Office) -> None:
    with office.db.engine.begin() as conn:  # a row as an older program wrote it
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(
            "INSERT INTO app_user (login, code, full_name, role, password_hash, active, "
            "failed_attempts, language, created_at, created_by) VALUES ('stara', 'ST', "
            "'Stara Korisnica', 'legal', '$argon2id$v=19$old', true, 0, 'sr_Latn', now(), "
            "'SYSTEM')"))
    upgrade(office.db)
    with office.db.engine.connect() as conn:
        assert conn.scalar(text("SELECT pg_has_role(:u, :g, 'MEMBER')"), {
            "u": office.names.login("stara"), "g": office.names.group(Role.LEGAL)}) is True
        assert conn.scalar(text("SELECT password_hash FROM app_user WHERE login = 'stara'")
                           ) == privileges.SERVER_PASSWORD
