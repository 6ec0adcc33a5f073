"""Keying readings: plausibility, confirmation by re-keying, estimates, bad input; both
databases."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from reading_setup import PERIOD, Book, build_book

from office_app.db import Database
from office_app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from office_app.models import Reading
from office_app.services import audit, metering, periods
from office_app.services.consumption import period_consumption, unresolved_implausible
from office_app.services.permissions import Operator
from office_app.services.readings import ReadingEntry, clear_reading, key_reading

D = Decimal
DAY = date(2025, 3, 31)


@pytest.fixture
def book(db: Database, supervisor: Operator) -> Book:
    return build_book(db, supervisor)


def _entry(book: Book, point: str, vt: str = "", mt: str = "", read_on: date = DAY,
           **kw: str) -> ReadingEntry:
    return ReadingEntry(book.points[point], PERIOD, read_on, vt=vt, mt=mt, **kw)


def test_plausible_reading_is_saved_with_its_consumption(db: Database, clerk: Operator,
                                                         book: Book) -> None:
    result = key_reading(db, clerk, _entry(book, "P-100", "13910", "6290"))
    assert result.saved and result.reading is not None
    assert result.reading.check_state == "ok" and result.reading.consumption == D(400)
    assert result.assessment is not None and result.assessment.monthly_average is not None
    with db.unit_of_work() as s:
        [line] = period_consumption(s, PERIOD)
    assert (line.vt_quantity, line.mt_quantity) == (D(310), D(90))


def test_rollover_is_consumption_not_negative(db: Database, clerk: Operator,
                                              book: Book) -> None:
    result = key_reading(db, clerk, _entry(book, "P-200", "00100"))
    assert result.saved and result.reading is not None
    assert result.reading.consumption == D(200)
    with db.unit_of_work() as s:
        [line] = period_consumption(s, PERIOD)
    assert (line.previous_vt, line.current_vt, line.vt_quantity) == (D(99900), D(100), D(200))
    assert line.mt_quantity is None


def test_implausible_value_needs_confirmation_then_waits_for_the_field(
        db: Database, clerk: Operator, book: Book) -> None:
    entry = _entry(book, "P-100", "16000", "6300")
    first = key_reading(db, clerk, entry)
    assert not first.saved and [f.code for f in first.findings] == ["band_high"]
    assert first.findings[0].params["percent"] > 250
    with db.unit_of_work() as s:
        assert s.query(Reading).filter_by(period=PERIOD).count() == 0
    confirmed = key_reading(db, clerk, entry, confirm=True)
    assert confirmed.saved and confirmed.reading is not None
    assert confirmed.reading.check_state == "pending"
    assert confirmed.reading.flags == ("band_high",)
    with db.unit_of_work() as s:
        assert unresolved_implausible(s, PERIOD) == [book.points["P-100"]]
        assert period_consumption(s, PERIOD) == []


def test_lower_than_last_zero_and_future(db: Database, clerk: Operator, book: Book) -> None:
    lower = key_reading(db, clerk, _entry(book, "P-100", "13500", "6200"))
    assert [f.code for f in lower.findings] == ["lower", "negative"]
    assert lower.findings[0].params["register"] == "VT"
    single = key_reading(db, clerk, _entry(book, "P-200", "99800"))
    assert [f.code for f in single.findings] == ["lower"]  # one register: no double message
    zero = key_reading(db, clerk, _entry(book, "P-200", "99900"))
    assert [f.code for f in zero.findings] == ["zero"]
    future = key_reading(db, clerk, _entry(book, "P-200", "00100",
                                           read_on=date.today() + timedelta(days=3)))
    assert "future" in [f.code for f in future.findings]


def test_keying_over_corrects_in_place_and_is_audited(db: Database, clerk: Operator,
                                                      supervisor: Operator, book: Book) -> None:
    key_reading(db, clerk, _entry(book, "P-100", "13910", "6290"))
    again = key_reading(db, clerk, _entry(book, "P-100", "13920", "6290"))
    assert again.saved
    with db.unit_of_work() as s:
        assert [r.vt for r in s.query(Reading).filter_by(period=PERIOD)] == [D(13920)]
    history = audit.customer_history(db, supervisor, book.customers["P-100"])
    assert any(h.entity == "reading" and h.field == "vt" and h.old_value == "13910.000"
               for h in history)
    clear_reading(db, clerk, book.points["P-100"], PERIOD)
    with db.unit_of_work() as s:
        assert s.query(Reading).filter_by(period=PERIOD).count() == 0


def test_second_reading_from_another_source_is_several(db: Database, clerk: Operator,
                                                       book: Book) -> None:
    key_reading(db, clerk, _entry(book, "P-100", "13910", "6290"))
    second = key_reading(db, clerk, _entry(book, "P-100", "13915", "6295", source="remote"),
                         replace=False)
    assert [f.code for f in second.findings] == ["several"]


def test_no_access_estimates_and_the_next_reading_settles(db: Database, clerk: Operator,
                                                          supervisor: Operator,
                                                          book: Book) -> None:
    result = key_reading(db, clerk, _entry(book, "P-300", remark_code="N"))
    assert result.saved and result.reading is not None
    # Previous period: 50 VT and 25 MT register units; the estimate continues from 1600/1000.
    assert (result.reading.source, result.reading.vt, result.reading.mt) == (
        "estimate", D(1650), D(1025))
    with db.unit_of_work() as s:
        [march] = period_consumption(s, PERIOD)
    assert march.estimated and (march.vt_quantity, march.mt_quantity) == (D(2000), D(1000))
    periods.close_period(db, supervisor, PERIOD)
    periods.open_period(db, supervisor, periods.default_order("2025-04"))
    real = key_reading(db, clerk, ReadingEntry(book.points["P-300"], "2025-04",
                                               date(2025, 4, 30), "1690", "1045", "31,5"))
    assert real.saved and real.reading is not None and real.reading.check_state == "ok"
    with db.unit_of_work() as s:
        [april] = period_consumption(s, "2025-04")
    # Two months of real use: 90 and 45 units; the estimate billed 50 and 25 → 40 and 20 × 40.
    assert april.settlement and (april.vt_quantity, april.mt_quantity) == (D(1600), D(800))
    assert april.peak_load == D(63)   # 31.5 × peak-load constant 2


def test_self_reading_is_marked(db: Database, clerk: Operator, book: Book) -> None:
    result = key_reading(db, clerk, _entry(book, "P-200", "00100", remark_code="S"))
    assert result.reading is not None and result.reading.source == "self"
    with db.unit_of_work() as s:
        assert period_consumption(s, PERIOD)[0].self_read


@pytest.mark.parametrize(("point", "vt", "mt", "field"), [
    ("P-100", "12a45", "6300", "vt"),
    ("P-100", "1234567", "6300", "vt"),
    ("P-100", "13900", "", "mt"),
    ("P-200", "00100", "5", "mt"),
    ("P-100", "", "", "vt"),
])
def test_bad_registers_name_the_field(db: Database, clerk: Operator, book: Book, point: str,
                                      vt: str, mt: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        key_reading(db, clerk, _entry(book, point, vt, mt))
    assert caught.value.errors[0].field == field


def test_peak_only_on_meters_with_a_peak_register(db: Database, clerk: Operator,
                                                  book: Book) -> None:
    with pytest.raises(ValidationError) as caught:
        key_reading(db, clerk, _entry(book, "P-100", "13910", "6290", peak="12"))
    assert caught.value.field == "peak"


def test_refusals(db: Database, clerk: Operator, cashier: Operator, supervisor: Operator,
                  book: Book) -> None:
    with pytest.raises(PermissionDenied):
        key_reading(db, cashier, _entry(book, "P-100", "13910", "6290"))
    metering.remove_meter(db, supervisor, book.points["P-200"], date(2025, 3, 15))
    with pytest.raises(Conflict) as no_meter:
        key_reading(db, clerk, _entry(book, "P-200", "00100"))
    assert "no meter" in str(no_meter.value)
    with pytest.raises(ValidationError) as early:
        key_reading(db, clerk, _entry(book, "P-100", "13910", "6290",
                                      read_on=date(2025, 2, 1)))
    assert early.value.field == "read_on"
    with pytest.raises(NotFound):
        key_reading(db, clerk, ReadingEntry(book.points["P-100"], "2025-07", DAY, "1", "1"))
    periods.close_period(db, supervisor, PERIOD)
    with pytest.raises(Conflict) as closed:
        key_reading(db, clerk, _entry(book, "P-100", "13910", "6290"))
    assert "closed" in str(closed.value)
