"""Fuzzing the other file the program takes in, meter photographs (issue 9), on both
databases: any bytes under any name a file system allows are either stored whole or refused
with a ValidationError naming the photograph; a set with one bad picture stores none."""
from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reading_setup import Book, build_book
from sqlalchemy import func, select

from office_app.db import Database
from office_app.errors import ValidationError
from office_app.i18n import tr_error
from office_app.models import MeterPhoto
from office_app.services.meter_events import PHOTO_TYPES, PhotoInput, add_photos
from office_app.services.permissions import Operator

#: A file name as a file system gives it: no NUL, no slash.
NAMES = st.text(st.characters(codec="utf-8", exclude_characters="\x00/"), min_size=1,
                max_size=300)
PICTURES = st.builds(lambda magic, rest: magic + rest,
                     st.sampled_from([*PHOTO_TYPES, b"", b"GIF89a", b"\xff\xd8"]),
                     st.binary(max_size=300))


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(MeterPhoto)) or 0)


def test_photographs_are_stored_whole_or_refused(db: Database, supervisor: Operator,
                                                 clerk: Operator) -> None:
    book: Book = build_book(db, supervisor, history=False, open_period=False)
    point = book.points["P-100"]
    outcomes: Counter[str] = Counter()

    @settings(max_examples=50, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(photos=st.lists(st.builds(PhotoInput, NAMES, PICTURES), max_size=3))
    def case(photos: list[PhotoInput]) -> None:
        before = _count(db)
        try:
            stored = add_photos(db, clerk, point, tuple(photos))
        except ValidationError as exc:
            assert tr_error(exc, "en").startswith("Photograph ")
            assert _count(db) == before
            outcomes["refused"] += 1
            return
        assert stored == len(photos) and _count(db) == before + len(photos)
        outcomes["stored"] += 1

    case()
    assert outcomes["refused"] and outcomes["stored"]
    print(f"\nphotograph fuzz on {db.engine.dialect.name}: {dict(outcomes)}")
