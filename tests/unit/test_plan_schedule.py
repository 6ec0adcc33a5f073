"""Installment plan schedules are exact to the cent (issue 11): whatever the debt, down
payment, number of installments, rate and minimum, the principal sums to the debt, every
installment respects the minimum, and a refusal names the field and a fix that works."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from office_app.errors import ValidationError
from office_app.services.plans import PlanTerms, add_months, build_schedule

AGREED = date(2024, 3, 31)
CENTS = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c) / 100)


def terms(**kw: object) -> PlanTerms:
    base: dict[str, object] = dict(customer_id=1, agreed_on=AGREED, installment_count=4)
    base.update(kw)
    return PlanTerms(**base)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(debt=CENTS, down_share=st.integers(0, 99), count=st.integers(1, 60),
       rate=st.integers(0, 30_000).map(lambda r: D(r) / 1000),
       minimum_share=st.integers(0, 120))
def test_a_schedule_sums_to_the_debt_to_the_cent(debt: D, down_share: int, count: int,
                                                 rate: D, minimum_share: int) -> None:
    down = (debt * down_share / 100).quantize(D("0.01"), rounding="ROUND_DOWN")
    rest = debt - down
    minimum = (rest / count * minimum_share / 100).quantize(D("0.01"))
    asked = terms(down_payment=down, installment_count=count, interest_rate=rate,
                  minimum_installment=minimum)
    try:
        lines = build_schedule(asked, debt)
    except ValidationError as exc:
        error = exc.errors[0]
        assert error.field in ("installment_count", "minimum_installment")
        if error.field == "installment_count":
            most = error.params["most"]
            assert 1 <= most < count
            fewer = build_schedule(terms(down_payment=down, installment_count=most,
                                         interest_rate=rate, minimum_installment=minimum), debt)
            assert min(x.amount for x in fewer if x.sequence) >= minimum
        else:
            assert rest < minimum
        return
    regular = [x for x in lines if x.sequence > 0]
    assert len(regular) == count
    assert sum(x.principal for x in lines) == debt
    assert all(x.principal == x.principal.quantize(D("0.01")) > 0 for x in lines)
    assert all(x.amount >= minimum for x in regular)
    assert max(x.principal for x in regular) - min(x.principal for x in regular) <= D("0.01")
    assert [x.due_date for x in regular] == [add_months(date(2024, 4, 30), n)
                                             for n in range(count)]
    if down:
        assert lines[0].sequence == 0 and lines[0].principal == down
        assert lines[0].due_date == AGREED


def test_interest_is_a_month_on_the_principal_still_owed() -> None:
    lines = build_schedule(terms(down_payment=D("30.50"), interest_rate=D("12")), D("130.50"))
    assert [(x.principal, x.interest, x.amount) for x in lines] == [
        (D("30.50"), D("0.00"), D("30.50")),
        (D("25.00"), D("1.00"), D("26.00")), (D("25.00"), D("0.75"), D("25.75")),
        (D("25.00"), D("0.50"), D("25.50")), (D("25.00"), D("0.25"), D("25.25"))]


@pytest.mark.parametrize(("kw", "field", "words"), [
    (dict(down_payment=D("200.00")), "down_payment", "more than the overdue debt of 100.00"),
    (dict(down_payment=D("100.00")), "down_payment", "equals the whole debt"),
    (dict(principals=(D("30.00"), D("30.00"), D("30.00"), D("9.99"))), "installments",
     "the difference is 0.01"),
    (dict(principals=(D("50.00"), D("50.00"))), "installments", "2 amounts for 4"),
    (dict(minimum_installment=D("30.00")), "installment_count", "choose at most 3"),
    (dict(installment_count=0), "installment_count", "from 1 to 60"),
    (dict(down_payment=D("-1")), "down_payment", "zero or more"),
    (dict(interest_rate=D("120")), "interest_rate", "from 0 to 100"),
    (dict(first_due=AGREED), "first_due", "after the agreement date"),
])
def test_bad_terms_are_refused_naming_the_field(kw: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build_schedule(terms(**kw), D("100.00"))
    error = caught.value.errors[0]
    assert error.field == field
    assert words in error.msg_id.format(**error.params)
