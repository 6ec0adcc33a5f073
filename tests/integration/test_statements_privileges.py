"""PostgreSQL itself guards statements: a cashier imports a statement under their own login
(and the rows record that login, not the operator the desk claims); a clerk, whose role posts
no payments, is refused by PostgreSQL; nobody changes or deletes an imported line."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select, text

from office_app.demo.statement_files import Payment, camt053
from office_app.models import Invoice
from office_app.services.billing import run as billing
from office_app.services.permissions import Role
from office_app.services.statements.importer import import_statement, office_iban
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE
from tests.integration.test_privileges import Office, _refused, office  # noqa: F401


def test_postgresql_guards_statements(office: Office) -> None:  # noqa: F811
    build_office(office.db, office.operators[Role.SUPERVISOR], office.operators[Role.CLERK])
    billing.run_billing(office.db, office.operators[Role.SUPERVISOR], PERIOD)
    with office.db.unit_of_work() as s:
        reference = s.scalar(select(Invoice.payment_reference).limit(1))
    file = camt053(office_iban(TEST_OFFICE) or "", "PRIV-1", date(2024, 6, 20),
                   [Payment(Decimal("5.00"), reference or "")])
    result = import_statement(office.as_role(Role.CASHIER), office.forged(Role.CASHIER), file)
    assert result.posted == 1
    with office.db.engine.connect() as conn:
        stamps = conn.execute(text(
            "SELECT operator_code FROM bank_statement UNION SELECT operator_code FROM "
            "bank_statement_posting")).scalars().all()
    assert stamps == ["CAS-REAL"]
    forbidden = {
        Role.CLERK: ["INSERT INTO bank_statement (id) VALUES (-1)",
                     "INSERT INTO bank_statement_posting (id) VALUES (-1)"],
        Role.AUDITOR: ["INSERT INTO bank_statement_line (id) VALUES (-1)"],
        Role.CASHIER: ["UPDATE bank_statement_line SET amount = 1",
                       "DELETE FROM bank_statement_posting", "TRUNCATE bank_statement",
                       "UPDATE bank_statement SET statement_id = 'X'"],
        Role.ADMIN: ["DELETE FROM bank_statement_line", "UPDATE bank_statement_posting "
                     "SET customer_id = customer_id"],
    }
    done = [f"{role.value}: {sql}" for role, tried in forbidden.items() for sql in tried
            if _refused(office.as_role(role), sql) != "42501"]
    assert done == []
