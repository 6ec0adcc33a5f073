"""004 §25.2: the register never stores religion, ethnicity, sex, political view or memberships.
Guards every table of the schema, including those later features add."""
from __future__ import annotations

import re

from office_app.models import Base

FORBIDDEN = re.compile(r"relig|ethnic|nationality|\bsex\b|gender|politic|party|membership|"
                       r"vjer|nacional|pol$|spol|stranka|clanstvo|članstvo")


def test_no_table_has_a_forbidden_column() -> None:
    found = [f"{table.name}.{column.name}"
             for table in Base.metadata.tables.values() for column in table.columns
             if FORBIDDEN.search(column.name.lower())]
    assert found == []


def test_the_guard_would_catch_such_a_column() -> None:
    assert FORBIDDEN.search("religion") and FORBIDDEN.search("gender")
    assert FORBIDDEN.search("party_membership")
    assert not FORBIDDEN.search("household_members")
