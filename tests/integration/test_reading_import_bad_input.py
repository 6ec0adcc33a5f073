"""Bad reading files (issue 9): every case once ended in a traceback or a silent change. Each
is refused with a message naming the line and the fix, and nothing is posted; both
databases."""
from __future__ import annotations

import pytest
from reading_setup import PERIOD, Book, build_book
from sqlalchemy import func, select

from office_app.db import Database
from office_app.i18n import tr_error
from office_app.models import Reading
from office_app.services.permissions import Operator
from office_app.services.reading_import import (
    MAX_LINE,
    ImportRefused,
    ImportReport,
    import_readings,
)

HEADER = "point;date;vt;mt;peak;remark_code;remark\n"


@pytest.fixture
def book(db: Database, supervisor: Operator) -> Book:
    return build_book(db, supervisor)


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(Reading)) or 0)


def _refused(db: Database, clerk: Operator, text: str) -> ImportRefused:
    before = _count(db)
    with pytest.raises(ImportRefused) as caught:
        import_readings(db, clerk, text.encode(), PERIOD)
    assert _count(db) == before
    return caught.value


def _messages(report: ImportReport) -> dict[int, list[str]]:
    return {r.line: [tr_error(m, "en") for m in r.messages] for r in report.lines
            if r.outcome == "refused"}


def test_a_file_where_no_point_is_known_refuses_every_line(db: Database, clerk: Operator,
                                                           book: Book) -> None:
    report = import_readings(db, clerk, (HEADER + "X-1;31.03.2025;1;;;;\n"
                                         "X-2;31.03.2025;2;;;;\n").encode(), PERIOD)
    assert _messages(report) == {2: ["There is no metering point X-1."],
                                 3: ["There is no metering point X-2."]}
    assert not report.written


@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000"), ("\x07", "U+0007"),
                                            ("\u2028", "U+2028"), ("\u2029", "U+2029"),
                                            ("\x85", "U+0085")])
def test_control_characters_in_a_field_refuse_the_file_with_the_line(
        db: Database, clerk: Operator, book: Book, char: str, code: str) -> None:
    text = (HEADER + "P-100;31.03.2025;13910;6290;;;\n"
            f'P-200;31.03.2025;00100;;;;"dog{char}in the yard"\n')
    refused = _refused(db, clerk, text)
    [(line, error)] = refused.problems
    assert line == 3 and error.field == "remark"
    assert tr_error(error, "en") == (
        f"Line 3, column remark: the control character {code} is not allowed (line breaks "
        "inside a field included); remove it and import the file again.")


def test_a_line_break_inside_quotes_is_refused_at_its_line(db: Database, clerk: Operator,
                                                           book: Book) -> None:
    text = HEADER + 'P-100;31.03.2025;13910;6290;;;"two\nlines"\nP-200;31.03.2025;1;;;;\n'
    refused = _refused(db, clerk, text)
    assert [line for line, _e in refused.problems] == [2]


def test_a_line_over_the_cap_is_refused_with_its_length(db: Database, clerk: Operator,
                                                        book: Book) -> None:
    text = HEADER + "P-100;31.03.2025;13910;6290;;;" + "x" * 131_073 + "\n"
    refused = _refused(db, clerk, text)
    assert tr_error(refused, "en") == "The file has lines that are too long; nothing was imported."
    assert tr_error(refused.problems[0][1], "en") == (
        f"Line 2 is 131103 characters long; a reading line has at most {MAX_LINE}. "
        "Check that this is a reading file.")


def test_an_open_quote_that_swallows_the_file_is_refused(db: Database, clerk: Operator,
                                                         book: Book) -> None:
    lines = "".join(f'P-{i};31.03.2025;{"x" * 900}\n' for i in range(200))
    refused = _refused(db, clerk, HEADER + 'P-100;31.03.2025;"13910\n' + lines)
    assert tr_error(refused, "en") == ("Line 2: a quote opened on this line is never closed; "
                                       "correct the quotes and import the file again.")


def test_long_remark_non_ascii_digits_and_dates_outside_the_period(
        db: Database, clerk: Operator, book: Book) -> None:
    text = (HEADER
            + "P-100;31.03.2025;13910;6290;;;" + "r" * 201 + "\n"
            + "P-200;31.03.2025;\u0661\u0662\u0663;;;;\n"
            + "P-300;31.03.2030;1650;1025;;;\n")
    before = _count(db)
    report = import_readings(db, clerk, text.encode(), PERIOD)
    assert _messages(report) == {
        2: ["Remark: 201 characters, at most 200 are allowed; shorten it."],
        3: ["VT: \u0661\u0662\u0663 is not a register; use the digits 0-9 only, e.g. 012345."],
        4: ["Date: 31.03.2030 is outside the period's reading days 01.03.2025 - 03.04.2025."]}
    assert not report.written and _count(db) == before


def test_a_remark_of_200_characters_is_kept_whole(db: Database, clerk: Operator,
                                                   book: Book) -> None:
    remark = "Pas u dvorištu, čitač nije ušao. " * 6 + "ž" * 2
    assert len(remark) == 200
    report = import_readings(db, clerk, (HEADER + f"P-100;31.03.2025;13910;6290;;;{remark}\n")
                             .encode(), PERIOD)
    assert report.written
    with db.unit_of_work() as s:
        assert s.scalar(select(Reading.remark).where(Reading.period == PERIOD)) == remark
