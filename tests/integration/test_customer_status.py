"""The one status service: letters I, T, N with their origin documents, on both databases."""
from __future__ import annotations

from datetime import date

import pytest

from office_app.db import Database
from office_app.errors import Conflict
from office_app.services import customer_status
from office_app.services.customer_status import StatusOrigin, clear_status, set_status
from office_app.services.customers import (
    CustomerInput,
    create_customer,
    get_customer,
    update_customer,
)
from office_app.services.permissions import Operator

HOUSEHOLD = CustomerInput(surname="Vuković", given_name="Jelena", address="Obala 4", place="Bar")


def _set(db: Database, op: Operator, cid: int, letter: str, day: date, origin: StatusOrigin,
         clear: bool = False) -> None:
    with db.unit_of_work() as s:
        (clear_status if clear else set_status)(s, op, cid, letter, day, origin)


def test_disconnection_and_reconnection_record_their_documents(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    customer = create_customer(db, clerk, HOUSEHOLD)
    _set(db, supervisor, customer.id, "I", date(2026, 3, 2),
         StatusOrigin("disconnection", 7, "ZI-2026-00007"))
    record = get_customer(db, clerk, customer.id)
    assert (record.status, record.status_date) == ("I", date(2026, 3, 2))
    _set(db, supervisor, customer.id, "I", date(2026, 3, 20),
         StatusOrigin("reconnection", 3, "ZP-2026-00003"), clear=True)
    assert get_customer(db, clerk, customer.id).status is None
    history = customer_status.status_history(db, clerk, customer.id)
    assert [(h.status, h.previous_status, h.origin_kind, h.origin_number, h.operator_code)
            for h in history] == [
        (None, None, "reconnection", "ZP-2026-00003", "SUP1"),
        ("I", None, "disconnection", "ZI-2026-00007", "SUP1")]
    assert history[0].status_date == date(2026, 3, 20)


def test_sued_customer_disconnected_keeps_the_lawsuit_letter_underneath(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    customer = create_customer(db, clerk, HOUSEHOLD)
    _set(db, supervisor, customer.id, "T", date(2026, 1, 10), StatusOrigin("lawsuit", 1, "P 12/26"))
    _set(db, supervisor, customer.id, "I", date(2026, 2, 5),
         StatusOrigin("disconnection", 2, "ZI-1"))
    assert get_customer(db, clerk, customer.id).status == "I"
    _set(db, supervisor, customer.id, "I", date(2026, 2, 20),
         StatusOrigin("reconnection", 1, "ZP-1"), clear=True)
    record = get_customer(db, clerk, customer.id)
    assert (record.status, record.status_date) == ("T", date(2026, 1, 10))
    # the lawsuit ends while the customer is disconnected again: I stays, T is gone beneath it
    _set(db, supervisor, customer.id, "I", date(2026, 4, 1),
         StatusOrigin("disconnection", 3, "ZI-2"))
    _set(db, supervisor, customer.id, "T", date(2026, 4, 9),
         StatusOrigin("lawsuit_closed", 1, "P 12/26"), clear=True)
    assert get_customer(db, clerk, customer.id).status == "I"
    _set(db, supervisor, customer.id, "I", date(2026, 4, 20),
         StatusOrigin("reconnection", 2, "ZP-2"), clear=True)
    assert get_customer(db, clerk, customer.id).status is None


def test_setting_a_letter_twice_or_clearing_a_missing_one_is_refused(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    customer = create_customer(db, clerk, HOUSEHOLD)
    with pytest.raises(Conflict) as cleared:
        _set(db, supervisor, customer.id, "I", date(2026, 3, 1),
             StatusOrigin("reconnection", 1, "ZP-1"), clear=True)
    assert cleared.value.params["code"] == customer.code
    _set(db, supervisor, customer.id, "I", date(2026, 3, 1),
         StatusOrigin("disconnection", 1, "ZI-1"))
    with pytest.raises(Conflict) as twice:
        _set(db, supervisor, customer.id, "I", date(2026, 3, 2),
             StatusOrigin("disconnection", 2, "ZI-2"))
    assert "already" in twice.value.msg_id
    assert len(customer_status.status_history(db, clerk, customer.id)) == 1


def test_the_edit_dialog_path_cannot_change_the_status(
        db: Database, clerk: Operator, supervisor: Operator) -> None:
    customer = create_customer(db, clerk, HOUSEHOLD)
    _set(db, supervisor, customer.id, "I", date(2026, 3, 1),
         StatusOrigin("disconnection", 1, "ZI-1"))
    record = get_customer(db, clerk, customer.id)
    saved = update_customer(db, supervisor, customer.id, record.as_input())
    assert (saved.status, saved.status_date) == ("I", date(2026, 3, 1))
    assert "status" not in {f for f in CustomerInput.__dataclass_fields__}


def test_closed_days_are_kept_and_bad_ones_refused(db: Database, supervisor: Operator,
                                                   clerk: Operator) -> None:
    from office_app.errors import PermissionDenied, ValidationError
    from office_app.services import calendar

    calendar.add_closed_day(db, supervisor, date(2026, 11, 10), "Popis / inventory")
    assert calendar.office_calendar(db).closed == frozenset({date(2026, 11, 10)})
    assert calendar.add_working_days(date(2026, 11, 9), 1, calendar.office_calendar(db)) == \
        date(2026, 11, 11)
    with pytest.raises(Conflict):
        calendar.add_closed_day(db, supervisor, date(2026, 11, 10), "again")
    with pytest.raises(ValidationError) as weekend:
        calendar.add_closed_day(db, supervisor, date(2026, 11, 14), "Saturday")
    assert weekend.value.errors[0].field == "day"
    with pytest.raises(ValidationError) as empty:
        calendar.add_closed_day(db, supervisor, None, "")
    assert {e.field for e in empty.value.errors} == {"day", "reason"}
    with pytest.raises(PermissionDenied):
        calendar.add_closed_day(db, clerk, date(2026, 11, 11), "clerk's day off")
    calendar.remove_closed_day(db, supervisor, date(2026, 11, 10))
    assert calendar.closed_days(db, clerk) == []
