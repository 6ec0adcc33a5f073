"""The check that posted documents were never changed: every posting seal
(office_app.services.posting_seals) still matches the rows it covers."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.errors import N_
from office_app.models import PostingSeal
from office_app.models.ledger import table_of
from office_app.services.integrity.base import Scope, Violation, integrity_check
from office_app.services.posting_seals import SEALED, digests


@integrity_check("posting_seals")
def check_seals(s: Session, scope: Scope) -> Iterator[Violation]:
    """Every seal still matches the rows it covers: nothing posted was changed, deleted or
    slipped in afterwards."""
    for model in SEALED:
        table = table_of(model)
        stmt = select(PostingSeal.first_id, PostingSeal.last_id, PostingSeal.row_count,
                      PostingSeal.checksum, PostingSeal.period).where(
            PostingSeal.table_name == table.name).order_by(PostingSeal.first_id)
        if scope.period:
            stmt = stmt.where(PostingSeal.period == scope.period)
        seals = list(s.execute(stmt))
        found = digests(s, table, [(a, b) for a, b, _n, _c, _p in seals])
        for first, last, count, checksum, period in seals:
            now_count, now_sum = found[(first, last)]
            if now_count != count:
                yield Violation("posting_seals", N_(
                    "{table} rows {first}–{last} (sealed at posting {period}): {sealed} rows "
                    "were posted, {now} are there now."),
                    {"table": table.name, "first": first, "last": last, "period": period,
                     "sealed": count, "now": now_count}, document=f"{table.name} {first}–{last}")
            elif now_sum != checksum:
                yield Violation("posting_seals", N_(
                    "{table} rows {first}–{last} (sealed at posting {period}) were changed "
                    "after they were posted."),
                    {"table": table.name, "first": first, "last": last, "period": period},
                    document=f"{table.name} {first}–{last}")
