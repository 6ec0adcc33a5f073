"""The import preview judges every line exactly as the import will, and posts nothing; both
databases."""
from __future__ import annotations

import pytest
from reading_setup import PERIOD, Book, build_book
from sqlalchemy import func, select

from office_app.db import Database
from office_app.models import Reading
from office_app.services.permissions import Operator
from office_app.services.reading_import import (
    ImportRefused,
    import_readings,
    preview_import,
)

DATA = """point;date;vt;mt
P-100;31.03.2025;13910;6290
P-999;31.03.2025;1;
P-300;31.03.2025;99999;1025
P-200;31.03.2025;00100;
"""


@pytest.fixture
def book(db: Database, supervisor: Operator) -> Book:
    return build_book(db, supervisor)


def _readings(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(Reading).where(
            Reading.period == PERIOD)) or 0)


def test_preview_judges_like_the_import_and_posts_nothing(db: Database, clerk: Operator,
                                                          book: Book) -> None:
    before = _readings(db)
    preview = preview_import(db, clerk, DATA.encode(), PERIOD)
    assert [(r.line, r.point, r.outcome) for r in preview.lines] == [
        (2, "P-100", "taken"), (3, "P-999", "refused"), (4, "P-300", "implausible"),
        (5, "P-200", "taken")]
    assert not preview.written and _readings(db) == before
    posted = import_readings(db, clerk, DATA.encode(), PERIOD)
    assert [(r.line, r.outcome) for r in posted.lines] == [
        (r.line, r.outcome) for r in preview.lines]
    assert _readings(db) == before + 3


def test_preview_refuses_a_malformed_file_like_the_import(db: Database, clerk: Operator,
                                                          book: Book) -> None:
    with pytest.raises(ImportRefused):
        preview_import(db, clerk, b"point;when;vt\nP-100;31.03.2025;1\n", PERIOD)


def test_cancel_through_the_progress_callback_posts_nothing(db: Database, clerk: Operator,
                                                            book: Book) -> None:
    """The GUI's Cancel raises from the progress callback: the import's unit of work rolls
    back, so a cancelled import leaves no reading behind."""
    from office_app.ui.operations import JobCancelled, JobControl

    before = _readings(db)
    control = JobControl()
    control.cancel()
    with pytest.raises(JobCancelled):
        import_readings(db, clerk, DATA.encode(), PERIOD, progress=control.report)
    assert _readings(db) == before
