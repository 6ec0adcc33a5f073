"""Fuzzing the reading importer (issue 9) on both databases: random bytes and structured but
broken CSV. The importer either refuses the file (ImportRefused, nothing written) or reports
every line; the readings written are exactly the lines it reports as taken, never part of a
file. No other exception may escape."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reading_setup import PERIOD, Book, build_book
from sqlalchemy import func, select

from office_app.db import Database
from office_app.models import Reading
from office_app.services.permissions import Operator
from office_app.services.reading_import import COLUMNS, ImportRefused, import_readings

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

POINTS = ["P-100", "P-200", "P-300", "P-999", "", " P-100 ", "p-100"]
DATES = ["31.03.2025", "2025-03-31", "01.04.2025", "31.03.2030", "28.02.2025", "31.13.2025",
         "01.01.0001", "31.12.9999", "31.03.25", "", "x"]
REGISTERS = ["13910", "6290", "00100", "1650", "99999", "0", "1234567", "13a10", "١٢٣",
             "12,5", "12.345", "1e5", "-1", "", " ", "9" * 40, "１２３", "14000", "2000"]
CODES = ["", "", "S", "N", "s", "XX", "Ž"]
#: Lines the book takes (plausible values), so that fuzzed files also get written.
GOOD = [{"point": "P-100", "date": "31.03.2025", "vt": "13910", "mt": "6290", "peak": "",
         "remark_code": "", "remark": ""},
        {"point": "P-200", "date": "2025-03-31", "vt": "00100", "mt": "", "peak": "",
         "remark_code": "S", "remark": "read by the customer"},
        {"point": "P-300", "date": "31.03.2025", "vt": "1650", "mt": "1025", "peak": "31.5",
         "remark_code": "", "remark": ""}]
#: Values that refuse the whole file (control characters, line separators), drawn rarely.
NASTY = ["P-100\x00", "2025-03-31\u2028", "N\x07", "a\u2029b", "a\x00b", "a\nb", "a;b",
         "x" * 1200, '"', 'say "hi"']
PRINTABLE = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                                  exclude_characters=";,\"\t"), max_size=30)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
REMARKS = st.one_of(st.sampled_from(["", "", "pas", "r" * 200, "r" * 201]), PRINTABLE)


@pytest.fixture
def book(db: Database, supervisor: Operator) -> Book:
    return build_book(db, supervisor)


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(Reading)) or 0)


def _import_once(db: Database, clerk: Operator, data: bytes, all_or_nothing: bool) -> str:
    """One fuzz case: the importer's outcome and the table agree. Returns the outcome."""
    before = _count(db)
    try:
        report = import_readings(db, clerk, data, PERIOD, all_or_nothing)
    except ImportRefused as exc:
        assert exc.msg_id
        assert _count(db) == before
        return "file refused"
    written = report.taken if report.written else 0
    assert _count(db) - before == written
    assert all(r.outcome in ("taken", "implausible", "skipped", "refused")
               for r in report.lines)
    if all_or_nothing and report.refused:
        assert not report.written
    return "written" if report.written else "lines checked, nothing written"


def _field() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(POINTS + DATES + REGISTERS + CODES), PRINTABLE)


def _rarely(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws (Hypothesis favours the ends of an integer range)."""
    return st.sampled_from([False] * (n - 1) + [True])


def _nasty() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), ANY_TEXT)


@st.composite
def wrong_values(draw: st.DrawFn) -> bytes:
    """A well-formed file whose values are right or wrong: every line reaches the checks
    against the database, and many files are written."""
    names = draw(st.permutations(COLUMNS).map(list))
    lines = [";".join(names)]
    pools = {"point": POINTS, "date": DATES, "vt": REGISTERS, "mt": REGISTERS,
             "peak": REGISTERS, "remark_code": CODES}
    for _ in range(draw(st.integers(1, 6))):
        row = dict(draw(st.sampled_from(GOOD)))
        row["vt"] = str(int(row["vt"]) + draw(st.sampled_from(range(0, 400, 3))))
        for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
            row[name] = draw(st.sampled_from(pools[name]) if name in pools else REMARKS)
        lines.append(";".join(row[n] for n in names))
    return ("\n".join(lines) + "\n").encode()


@st.composite
def broken_csv(draw: st.DrawFn) -> bytes:
    if not draw(_rarely(10)):         # mostly a good header, so lines reach the database
        names = draw(st.permutations(COLUMNS).map(list))
    else:
        names = draw(st.lists(st.sampled_from([*COLUMNS, "when", "POINT", ""]), min_size=1,
                              max_size=8))
    delimiter = draw(st.sampled_from([";"] * 6 + [",", "\t"]))
    lines = [delimiter.join(names)]
    by_name = {"point": st.sampled_from(POINTS), "date": st.sampled_from(DATES),
               "vt": st.sampled_from(REGISTERS), "mt": st.sampled_from(REGISTERS),
               "peak": st.sampled_from(REGISTERS), "remark_code": st.sampled_from(CODES),
               "remark": REMARKS}
    for _ in range(draw(st.integers(0, 8))):
        good = dict(draw(st.sampled_from(GOOD))) if draw(st.booleans()) else {}
        if good and draw(st.booleans()):      # another plausible value: a second reading
            good["vt"] = str(int(good["vt"]) + draw(st.sampled_from(range(1, 400, 7))))
        fields = [draw(st.one_of(by_name.get(n, _field()), _field(), _nasty())
                       if draw(_rarely(40)) else
                       st.just(good[n]) if n in good else by_name.get(n, _field()))
                  for n in names]
        if draw(_rarely(10)):
            fields = fields[:draw(st.integers(0, len(fields) + 1))] + draw(
                st.lists(_field(), max_size=2))
        quote = draw(st.sampled_from(["", "", "", "", '"']))
        lines.append(delimiter.join(f"{quote}{f}{quote}" for f in fields))
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r", "\u2028"]))
    text = ending.join(lines) + draw(st.sampled_from(["", "\n", "\n", '"']))
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["utf-8-sig", "utf-16", "cp1250"]))
    return text.encode(encoding, errors="replace")


@pytest.fixture
def counted(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    seen: list[str] = []
    yield seen
    print(f"\n{request.node.name}: {len(seen)} fuzz cases {dict(Counter(seen))}")


def test_random_bytes_never_crash_and_never_half_post(db: Database, clerk: Operator,
                                                      book: Book, counted: list[str]) -> None:
    @FUZZ
    @given(data=st.binary(max_size=600), header=st.booleans(), all_or_nothing=st.booleans())
    def case(data: bytes, header: bool, all_or_nothing: bool) -> None:
        prefix = b"point;date;vt;mt;remark\nP-100;31.03.2025;" if header else b""
        counted.append(_import_once(db, clerk, prefix + data, all_or_nothing))

    case()


def test_broken_csv_never_crashes_and_never_half_posts(db: Database, clerk: Operator,
                                                       book: Book, counted: list[str]) -> None:
    @settings(FUZZ, max_examples=150)
    @given(data=broken_csv(), all_or_nothing=st.booleans())
    def case(data: bytes, all_or_nothing: bool) -> None:
        counted.append(_import_once(db, clerk, data, all_or_nothing))

    case()


def test_wrong_values_in_good_files_are_checked_and_written_whole(
        db: Database, clerk: Operator, book: Book, counted: list[str]) -> None:
    @settings(FUZZ, max_examples=60)
    @given(data=wrong_values(), all_or_nothing=st.booleans())
    def case(data: bytes, all_or_nothing: bool) -> None:
        counted.append(_import_once(db, clerk, data, all_or_nothing))

    case()
