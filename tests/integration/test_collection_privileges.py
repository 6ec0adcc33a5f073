"""PostgreSQL itself keeps collection of debt to the roles that may do it: a supervisor runs
warnings and orders and records a disconnection under their own connection; the posted parts
are never changed, and other roles may not issue or alter warnings and orders."""
from __future__ import annotations

from datetime import date

from office_app.models import Customer
from office_app.services.billing import run as billing
from office_app.services.billing import tariffs
from office_app.services.collection import orders, warnings
from office_app.services.collection.orders import FieldRecordInput
from office_app.services.collection.warnings import WarningCriteria
from office_app.services.permissions import Role
from tests.billing_setup import PERIOD, build_office
from tests.integration.test_privileges import Office, _refused, office  # noqa: F401


def test_collection_is_kept_to_its_roles_by_postgresql(office: Office) -> None:  # noqa: F811
    sup = office.operators[Role.SUPERVISOR]
    build_office(office.db, sup, office.operators[Role.CLERK])
    tariffs.add_tariff(office.db, sup, "household", "all", "disconnection", "10.00",
                       date(2024, 1, 1))
    billing.run_billing(office.db, sup, PERIOD)
    desk = office.as_role(Role.SUPERVISOR)
    criteria = WarningCriteria(date(2024, 8, 1))
    assert warnings.run_warnings(desk, sup, criteria).issued == 3
    assert orders.run_orders(desk, sup, date(2024, 8, 14)).issued == 3
    first = orders.field_crew_list(desk, sup)[0]
    orders.record_disconnection(desk, sup, FieldRecordInput(first.id, date(2024, 8, 16)))
    with desk.unit_of_work() as s:
        customer = s.get(Customer, first.customer_id)
        assert customer is not None and customer.status == "I"
    for role in (Role.CASHIER, Role.CLERK, Role.LEGAL, Role.AUDITOR):
        other = office.as_role(role)
        for statement in ("INSERT INTO debt_warning (id) VALUES (-1)",
                          "UPDATE debt_warning SET outcome = 'paid'",
                          "UPDATE disconnection_order SET status = 'cancelled'",
                          "INSERT INTO disconnection_record (id) VALUES (-1)",
                          "UPDATE dunning_run SET status = 'completed'"):
            assert _refused(other, statement) is not None, (role, statement)
    for statement in ("UPDATE debt_warning SET debt = 1",
                      "UPDATE disconnection_order SET customer_id = customer_id",
                      "UPDATE disconnection_record SET remarks = 'x'",
                      "DELETE FROM disconnection_record",
                      "DELETE FROM debt_warning_item",
                      "TRUNCATE debt_warning_item"):
        assert _refused(desk, statement) is not None, statement
