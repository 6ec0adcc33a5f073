"""An enforcement proposal filed in a batch: five labelled copies, each with the certified
financial card and the statement of open items on the filing date, read back from the PDF."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from office_app.db import Database
from office_app.errors import Conflict
from office_app.services import enforcement, legal
from office_app.services.customers import get_customer
from office_app.services.permissions import Role
from tests.conftest import make_operator
from tests.integration.legal_setup import debtor, pay

FILED = date(2024, 9, 2)


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]


def test_a_batch_of_proposals_prints_five_copies_each_with_both_attachments(
        sqlite_db: Database) -> None:
    from office_app.services.office import save_office
    from tests.conftest import TEST_OFFICE

    with sqlite_db.unit_of_work() as s:
        save_office(s, TEST_OFFICE)
    clerk, lawyer = make_operator(Role.CLERK), make_operator(Role.LEGAL)
    first = debtor(sqlite_db, clerk, "Vuković", "240.00", date(2024, 1, 25))
    second = debtor(sqlite_db, clerk, "Bojović", "900.00", date(2024, 2, 25))
    pay(sqlite_db, first, "40.00", date(2024, 3, 1), "B-7")
    filed = enforcement.file_proposals(sqlite_db, lawyer, [first, second],
                                       "Osnovni sud u Baru", FILED, "35.00")
    assert [c.case_number for c in filed.cases] == ["PI-01-2024-000001", "PI-01-2024-000002"]
    assert [c.amount_sued for c in filed.cases] == [200, 900]
    for cid in (first, second):
        assert get_customer(sqlite_db, make_operator(Role.SUPERVISOR), cid).status == "T"
    pages = _pages(filed.pdf)
    # in the customers' language (Montenegrin, Latin script)
    labels = ["Primjerak 1 — za sud", "Primjerak 2 — za spis suda",
              "Primjerak 3 — za izvršnog dužnika", "Primjerak 4 — za javnog izvršitelja",
              "Primjerak 5 — za arhivu"]
    per_case = len(pages) // 2
    assert per_case >= 15                     # proposal, card, open items in each copy
    first_case = pages[:per_case]
    for label in labels:
        copy = [p for p in first_case if label in p]
        assert len(copy) >= 3, label
        text = "\n".join(copy)
        assert "Predlog za izvršenje" in text and "Osnovni sud u Baru" in text
        assert "Prilog 1: finansijska kartica" in text and "Ovjerena kopija" in text
        assert "Prilog 2: izvod otvorenih stavki" in text
        assert "200,00 €" in text and "235,00 €" in text     # sued; with the fee
        assert "OB-" in text and "B-7" in text               # the card's entries
    assert all("Vuković" in p for p in first_case)
    assert all("Bojović" in p and "900,00 €" in "\n".join(pages[per_case:])
               for p in pages[per_case:])


def test_a_batch_is_all_or_nothing(sqlite_db: Database) -> None:
    clerk, lawyer = make_operator(Role.CLERK), make_operator(Role.LEGAL)
    owes = debtor(sqlite_db, clerk, "Vuković", "240.00")
    paid_up = debtor(sqlite_db, clerk, "Perović", None)
    with pytest.raises(Conflict) as refused:
        enforcement.file_proposals(sqlite_db, lawyer, [owes, paid_up], "Osnovni sud u Baru",
                                   FILED)
    assert "owes nothing" in str(refused.value)
    assert legal.list_cases(sqlite_db, lawyer) == []
