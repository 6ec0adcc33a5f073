"""Importing readings from a file: what is taken, what is refused and why, whole-file
refusals, duplicates and re-imports; both databases."""
from __future__ import annotations

from decimal import Decimal

import pytest
from reading_setup import PERIOD, Book, build_book

from office_app.db import Database
from office_app.models import Reading
from office_app.services.consumption import period_consumption, unresolved_implausible
from office_app.services.permissions import Operator
from office_app.services.reading_import import ImportRefused, import_readings

GOOD = """point;date;vt;mt;peak;remark_code;remark
P-100;31.03.2025;13910;6290;;;
P-200;2025-03-31;00100;;;S;read by the customer
P-300;31.03.2025;1650;1025;31,5;;
"""


@pytest.fixture
def book(db: Database, supervisor: Operator) -> Book:
    return build_book(db, supervisor)


def _outcomes(report: object) -> list[tuple[int, str, str]]:
    return [(r.line, r.point, r.outcome) for r in report.lines]  # type: ignore[attr-defined]


def test_good_file_is_taken_and_reimport_skips(db: Database, clerk: Operator,
                                               book: Book) -> None:
    report = import_readings(db, clerk, GOOD.encode(), PERIOD)
    assert _outcomes(report) == [(2, "P-100", "taken"), (3, "P-200", "taken"),
                                 (4, "P-300", "taken")]
    assert report.written
    with db.unit_of_work() as s:
        lines = period_consumption(s, PERIOD)
        sources = sorted(s.scalars(Reading.__table__.select().with_only_columns(
            Reading.source).where(Reading.period == PERIOD)))
    assert [x.vt_quantity for x in lines] == [Decimal(310), Decimal(200), Decimal(2000)]
    assert sources == ["remote", "remote", "self"]
    again = import_readings(db, clerk, GOOD.encode(), PERIOD)
    assert [o for _l, _p, o in _outcomes(again)] == ["skipped"] * 3 and not again.written


def test_bad_lines_are_refused_with_their_reason(db: Database, clerk: Operator,
                                                 book: Book) -> None:
    data = """point,date,vt,mt
P-100,31.03.2025,13a10,6290
P-999,31.03.2025,1,
P-300,31.13.2025,1650,1025
P-200,31.03.2025,00100,
P-200,31.03.2025,00100,
"""
    report = import_readings(db, clerk, data.encode(), PERIOD)
    outcome = {r.line: (r.outcome, [m.field for m in r.messages]) for r in report.lines}
    assert outcome == {2: ("refused", ["vt"]), 3: ("refused", ["point"]),
                       4: ("refused", ["date"]), 5: ("taken", []), 6: ("refused", ["point"])}
    assert report.lines[4].messages[0].params == {"first": 5, "point": "P-200"}
    assert report.taken == 1 and report.refused == 4 and report.written


def test_conflicting_lines_and_implausible_values(db: Database, clerk: Operator,
                                                  book: Book) -> None:
    data = """point;date;vt;mt
P-100;31.03.2025;13910;6290
P-100;31.03.2025;13920;6290
P-300;31.03.2025;99999;1025
"""
    report = import_readings(db, clerk, data.encode(), PERIOD, all_or_nothing=True)
    assert _outcomes(report) == [(2, "P-100", "refused"), (3, "P-100", "refused"),
                                 (4, "P-300", "implausible")]
    assert not report.written
    report = import_readings(db, clerk, data.encode(), PERIOD)
    assert report.written and report.lines[2].messages[0].msg_id.startswith("Consumption")
    with db.unit_of_work() as s:
        assert unresolved_implausible(s, PERIOD) == [book.points["P-300"]]


def test_register_errors_name_the_register(db: Database, clerk: Operator, book: Book) -> None:
    data = "point;date;vt;mt\nP-100;31.03.2025;13a10;6290\nP-200;31.03.2025;1234567;\n"
    report = import_readings(db, clerk, data.encode(), PERIOD)
    assert [[m.field for m in r.messages] for r in report.lines] == [["vt"], ["vt"]]
    assert report.lines[1].messages[0].params["digits"] == 5


@pytest.mark.parametrize("data", [
    b"",
    b"\xff\xfepoint;date\n",
    b"point;when;vt\nP-100;31.03.2025;1\n",
    b"point;date;vt\nP-100;31.03.2025;13910;7\nP-200;31.03.2025;1\n",
])
def test_malformed_file_posts_nothing(db: Database, clerk: Operator, book: Book,
                                      data: bytes) -> None:
    with pytest.raises(ImportRefused):
        import_readings(db, clerk, data, PERIOD)
    with db.unit_of_work() as s:
        assert s.query(Reading).filter_by(period=PERIOD).count() == 0


def test_malformed_lines_are_numbered(db: Database, clerk: Operator, book: Book) -> None:
    data = b"point;date;vt\nP-100;31.03.2025;13910;7\nP-200;31.03.2025;1\nP-300;x\n"
    with pytest.raises(ImportRefused) as caught:
        import_readings(db, clerk, data, PERIOD)
    assert [line for line, _e in caught.value.problems] == [2, 4]
