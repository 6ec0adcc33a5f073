"""Working-day arithmetic: weekends, each country's public holidays, the office's closed days."""
from __future__ import annotations

from datetime import date

import pytest

from office_app.services.calendar import (
    OfficeCalendar,
    add_working_days,
    next_working_day,
    working_days_between,
)

MONTENEGRO = OfficeCalendar("ME")
REPUBLIKA_SRPSKA = OfficeCalendar("BA", "SRP")
KOSOVO = OfficeCalendar("XK")


def test_five_working_days_skip_the_weekend() -> None:
    # Thursday 2026-11-05 + 5 working days: Fri 6, Mon 9, Tue 10, Wed 11, Thu 12
    assert add_working_days(date(2026, 11, 5), 5, MONTENEGRO) == date(2026, 11, 12)
    # a warning dated on a Saturday counts from the Monday
    assert add_working_days(date(2026, 11, 7), 1, MONTENEGRO) == date(2026, 11, 9)
    assert next_working_day(date(2026, 11, 8), MONTENEGRO) == date(2026, 11, 9)
    assert working_days_between(date(2026, 11, 5), date(2026, 11, 12), MONTENEGRO) == 5


@pytest.mark.parametrize(("calendar", "start", "days", "expected", "holiday"), [
    # Montenegro: Njegoš Day, Friday 13 November 2026
    (MONTENEGRO, date(2026, 11, 12), 1, date(2026, 11, 16), date(2026, 11, 13)),
    # Montenegro: Independence Day, 21-22 May 2026 (Thursday, Friday)
    (MONTENEGRO, date(2026, 5, 20), 1, date(2026, 5, 25), date(2026, 5, 21)),
    # Republika Srpska: Orthodox Christmas Eve and Day, Tuesday 6 and Wednesday 7 January 2026
    (REPUBLIKA_SRPSKA, date(2026, 1, 5), 2, date(2026, 1, 9), date(2026, 1, 6)),
    # Kosovo: Independence Day, Tuesday 17 February 2026
    (KOSOVO, date(2026, 2, 16), 1, date(2026, 2, 18), date(2026, 2, 17)),
])
def test_public_holidays_are_not_working_days(calendar: OfficeCalendar, start: date, days: int,
                                              expected: date, holiday: date) -> None:
    assert not calendar.is_working_day(holiday)
    assert add_working_days(start, days, calendar) == expected


def test_holidays_differ_between_countries() -> None:
    # 13 November is a working day in Kosovo and Republika Srpska; 17 February in Montenegro
    assert KOSOVO.is_working_day(date(2026, 11, 13))
    assert REPUBLIKA_SRPSKA.is_working_day(date(2026, 11, 13))
    assert MONTENEGRO.is_working_day(date(2026, 2, 17))


def test_office_closed_days_move_the_deadline() -> None:
    closed = OfficeCalendar("ME", "", frozenset({date(2026, 11, 10)}))
    assert add_working_days(date(2026, 11, 5), 5, closed) == date(2026, 11, 16)
    assert not closed.is_working_day(date(2026, 11, 10))


def test_negative_days_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 5), -1, MONTENEGRO)
