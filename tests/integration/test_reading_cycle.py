"""A month's cycle beyond keying: books, the implausible report and field records, meter
replacement, ownership transfer and termination, with exact numbers; both databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from reading_setup import PERIOD, Book, build_book

from office_app.db import Database
from office_app.errors import Conflict, ValidationError
from office_app.models import Customer, CustomerStatusChange, PointHolding, Reading
from office_app.services import books, meter_events, periods
from office_app.services.consumption import period_consumption, unresolved_implausible
from office_app.services.customers import CustomerInput, create_customer
from office_app.services.field_records import (
    FieldRecordInput,
    apply_field_record,
    field_records,
    implausible_report,
)
from office_app.services.meter_events import PhotoInput, Registers, ReplacementInput
from office_app.services.metering import MeterInput
from office_app.services.permissions import Operator
from office_app.services.readings import ReadingEntry, key_reading

D = Decimal
DAY = date(2025, 3, 31)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def book(db: Database, supervisor: Operator) -> Book:
    return build_book(db, supervisor)


def _key(db: Database, op: Operator, book: Book, point: str, vt: str, mt: str = "",
         confirm: bool = False, **kw: str) -> None:
    result = key_reading(db, op, ReadingEntry(book.points[point], PERIOD, DAY, vt, mt, **kw),
                         confirm=confirm)
    assert result.saved, result.findings


def test_book_lists_the_route_with_progress(db: Database, clerk: Operator,
                                            book: Book) -> None:
    [summary] = books.list_books(db, clerk, PERIOD)
    assert (summary.zone_code, summary.reader_code, summary.points, summary.keyed) == (
        "Z1", "R07", 3, 0)
    _key(db, clerk, book, "P-100", "13910", "6290")
    _key(db, clerk, book, "P-300", "", "", remark_code="N")
    opened = books.open_book(db, clerk, PERIOD, book.zone_id, book.reader_id)
    assert [r.point_number for r in opened.rows] == ["P-100", "P-200", "P-300"]
    first, second, third = opened.rows
    assert (first.previous_vt, first.previous_mt, first.previous_date) == (
        D(13600), D(6200), date(2025, 2, 28))
    assert first.reading is not None and first.reading.consumption == D(400)
    assert second.reading is None and not second.business and not second.two_rate
    assert third.business and third.has_peak and third.estimate_streak == 1
    assert opened.keyed == 2
    assert books.list_books(db, clerk, PERIOD)[0].left == 1


def test_implausible_report_and_field_record_correction(db: Database, clerk: Operator,
                                                        supervisor: Operator,
                                                        book: Book) -> None:
    _key(db, clerk, book, "P-100", "19000", "6300", confirm=True)
    report = implausible_report(db, supervisor, PERIOD)
    [group] = report.groups
    [row] = group.rows
    assert (group.zone_code, group.reader_code, row.point_number) == ("Z1", "R07", "P-100")
    assert (row.previous_vt, row.vt, row.consumption) == (D(13600), D(19000), D(5500))
    assert row.flags == ("band_high",) and row.monthly_average == D(400)
    with pytest.raises(Conflict):
        periods.close_period(db, supervisor, PERIOD)
    with pytest.raises(ValidationError) as missing:
        apply_field_record(db, clerk, FieldRecordInput(row.reading_id, "corrected",
                                                       date(2025, 4, 2), vt="13900"))
    assert missing.value.field == "mt"
    info = apply_field_record(db, clerk, FieldRecordInput(
        row.reading_id, "corrected", date(2025, 4, 2), "ZP-17/25", "13900", "6300",
        note="keyed 19000, meter shows 13900"))
    assert (info.original_vt, info.corrected_vt, info.operator_code) == (
        D(19000), D(13900), clerk.code)
    assert [r.outcome for r in field_records(db, clerk, row.reading_id)] == ["corrected"]
    with db.unit_of_work() as s:
        assert unresolved_implausible(s, PERIOD) == []
        [line] = period_consumption(s, PERIOD)
    assert (line.vt_quantity, line.mt_quantity) == (D(300), D(100))
    with pytest.raises(Conflict):
        apply_field_record(db, clerk, FieldRecordInput(row.reading_id, "confirmed",
                                                       date(2025, 4, 3)))
    periods.close_period(db, supervisor, PERIOD)


def test_field_record_confirms_as_keyed(db: Database, clerk: Operator, book: Book) -> None:
    _key(db, clerk, book, "P-200", "99900", confirm=True)        # zero use
    [group] = implausible_report(db, clerk, PERIOD).groups
    apply_field_record(db, clerk, FieldRecordInput(group.rows[0].reading_id, "confirmed",
                                                   date(2025, 4, 1)))
    with db.unit_of_work() as s:
        [line] = period_consumption(s, PERIOD)
    assert line.vt_quantity == D(0)


def test_meter_replacement_spans_both_meters(db: Database, clerk: Operator,
                                             supervisor: Operator, book: Book) -> None:
    info = meter_events.replace_meter(db, clerk, ReplacementInput(
        book.points["P-100"], date(2025, 3, 15), Registers("13750", "6260"),
        Registers("0", "0"), new_meter=MeterInput(number="E-101", type="ISKRA ME162",
                                                  two_rate=True, digits=6),
        seal_numbers="ZP-0045, ZP-0046", record_number="Z-9/25",
        photos=(PhotoInput("seal.png", PNG),)))
    assert (info.old_meter_number, info.new_meter_number, info.period) == (
        "E-100", "E-101", PERIOD)
    assert info.photos == 1
    [photo] = meter_events.photos_of(db, clerk, book.points["P-100"])
    assert photo.content_type == "image/png"
    assert meter_events.photo_data(db, clerk, photo.id) == PNG
    _key(db, clerk, book, "P-100", "160", "45")
    with db.unit_of_work() as s:
        [line] = period_consumption(s, PERIOD)
    assert line.meter_numbers == ("E-100", "E-101")
    assert (line.vt_quantity, line.mt_quantity) == (D(310), D(105))   # 150+160, 60+45
    assert (line.previous_vt, line.current_vt) == (D(13600), D(160))
    with pytest.raises(ValidationError):
        meter_events.replace_meter(db, clerk, ReplacementInput(
            book.points["P-200"], date(2025, 3, 15), Registers("99000"), Registers("0"),
            new_meter=MeterInput(number="E-201", type="Landis", digits=5)))
    with pytest.raises(ValidationError) as bad_photo:
        meter_events.add_photos(db, clerk, book.points["P-100"],
                                (PhotoInput("notes.txt", b"hello"),))
    assert bad_photo.value.field == "photos"


def test_transfer_splits_the_period_between_holders(db: Database, clerk: Operator,
                                                    supervisor: Operator,
                                                    book: Book) -> None:
    buyer = create_customer(db, clerk, CustomerInput(
        surname="Popović", given_name="Ana", address="Rolovića 3", place="Bar"))
    meter_events.transfer_with_reading(db, supervisor, book.points["P-200"], buyer.id,
                                       date(2025, 3, 15), Registers("00000"))
    _key(db, clerk, book, "P-200", "00110")
    with db.unit_of_work() as s:
        lines = period_consumption(s, PERIOD)
    assert [(x.customer_id, x.vt_quantity, x.current_vt) for x in lines] == [
        (book.customers["P-200"], D(100), D(0)), (buyer.id, D(110), D(110))]


def test_termination_final_reading_and_status_n(db: Database, clerk: Operator,
                                                supervisor: Operator, book: Book) -> None:
    owner = book.customers["P-300"]
    with pytest.raises(ValidationError):
        meter_events.terminate_contract(db, supervisor, owner, date(2025, 3, 20), {})
    meter_events.terminate_contract(db, supervisor, owner, date(2025, 3, 20),
                                    {book.points["P-300"]: Registers("1640", "1020")},
                                    "moved out")
    with db.unit_of_work() as s:
        customer = s.get(Customer, owner)
        assert customer is not None and (customer.status, customer.status_date) == (
            "N", date(2025, 3, 20))
        change = s.query(CustomerStatusChange).filter_by(customer_id=owner).one()
        assert change.reason == "moved out"
        assert s.query(PointHolding).filter_by(point_id=book.points["P-300"]).one().valid_to \
            == date(2025, 3, 20)
        kinds = [r.kind for r in s.query(Reading).filter_by(period=PERIOD)]
        [line] = period_consumption(s, PERIOD)
    assert kinds == ["termination"]
    assert (line.customer_id, line.vt_quantity, line.mt_quantity) == (owner, D(1600), D(800))
    assert books.list_books(db, clerk, PERIOD)[0].points == 2
    with pytest.raises(Conflict):
        key_reading(db, clerk, ReadingEntry(book.points["P-300"], PERIOD, DAY, "1650", "1025"))


def test_energy_card_shows_replacement_and_estimate(db: Database, clerk: Operator,
                                                    book: Book) -> None:
    from office_app.services.energy_card import energy_card

    meter_events.replace_meter(db, clerk, ReplacementInput(
        book.points["P-100"], date(2025, 3, 15), Registers("13750", "6260"),
        Registers("0", "0"), new_meter=MeterInput(number="E-101", type="ISKRA ME162",
                                                  two_rate=True, digits=6)))
    _key(db, clerk, book, "P-100", "160", "45")
    card = energy_card(db, clerk, book.customers["P-100"])
    tail = [(r.kind, r.meter_number, r.old_vt, r.new_vt, r.vt_quantity, r.mt_quantity)
            for r in card.rows[-3:]]
    assert tail == [("final", "E-100", D(13600), D(13750), D(150), D(60)),
                    ("initial", "E-101", None, D(0), None, None),
                    ("regular", "E-101", D(0), D(160), D(160), D(45))]
    assert card.periods[-1].period == PERIOD and card.periods[-1].total == D(415)
    assert card.unit == "kWh" and not card.business
    business = energy_card(db, clerk, book.customers["P-300"], months=None)
    assert business.has_peak and business.rows[-1].peak_load == D(61)
