"""Poverty-return watch flags (防止返贫监测): each rule, its boundaries, and the review month."""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.community.poverty_rules import (
    HouseholdFacts,
    WatchRules,
    flags,
    month_start,
    months_before,
    review_due,
)

RULES = WatchRules(near_line_multiple=Decimal("1.5"), covered_household_types=("dibao", "tekun"),
                   job_loss_months=6, medical_costs_threshold=Decimal("20000"), new_severe_months=12,
                   severe_grades=(1, 2))
TODAY = dt.date(2025, 8, 31)


def facts(**kw) -> HouseholdFacts:
    base = {"today": TODAY, "household_type": "ordinary", "income_per_capita": Decimal("5000"),
            "dibao_standard": Decimal("1000")}
    return HouseholdFacts(**{**base, **kw})


def codes(**kw) -> list[str]:
    return [f.code for f in flags(facts(**kw), RULES)]


@pytest.mark.parametrize(("income", "expected"), [
    (Decimal("999.99"), ["income_below_line"]),
    (Decimal("1000"), ["income_near_line"]),  # at the line: near, not below
    (Decimal("1499.99"), ["income_near_line"]),
    (Decimal("1500"), []),  # at 1.5 × the line: not near (strictly below)
    (Decimal("0"), ["income_below_line"]),
])
def test_income_against_the_dibao_line(income, expected):
    assert codes(income_per_capita=income) == expected


def test_households_in_dibao_or_tekun_get_no_income_flag_but_other_flags():
    assert codes(household_type="dibao", income_per_capita=Decimal("500")) == []
    assert codes(household_type="tekun", income_per_capita=Decimal("500"),
                 medical_costs_12m=Decimal("30000")) == ["medical_costs"]
    assert codes(household_type="dibao_edge", income_per_capita=Decimal("1200")) == ["income_near_line"]


def test_unknown_income_or_line_raises_no_income_flag():
    assert codes(income_per_capita=None) == []
    assert codes(dibao_standard=None, income_per_capita=Decimal("10")) == []


def test_job_loss_window_is_inclusive():
    assert codes(last_job_loss=dt.date(2025, 2, 28)) == ["job_loss"]  # 6 months before 31 Aug
    assert codes(last_job_loss=dt.date(2025, 2, 27)) == []
    assert codes(last_job_loss=TODAY) == ["job_loss"]
    assert codes(last_job_loss=TODAY + dt.timedelta(days=1)) == []  # not yet happened


def test_medical_costs_threshold_is_inclusive():
    assert codes(medical_costs_12m=Decimal("20000")) == ["medical_costs"]
    assert codes(medical_costs_12m=Decimal("19999.99")) == []


def test_new_severe_disability_within_the_window():
    assert codes(new_severe_on=dt.date(2024, 8, 31)) == ["new_severe_disability"]
    assert codes(new_severe_on=dt.date(2024, 8, 30)) == []


def test_several_flags_in_a_fixed_order_with_reasons():
    found = flags(facts(income_per_capita=Decimal("1200"), last_job_loss=dt.date(2025, 7, 1),
                        medical_costs_12m=Decimal("25000"), new_severe_on=dt.date(2025, 1, 1)), RULES)
    assert [f.code for f in found] == ["income_near_line", "job_loss", "medical_costs",
                                       "new_severe_disability"]
    assert "1200" in found[0].zh and "1500.00" in found[0].en
    assert "25000" in found[2].zh


def test_impossible_figures_are_refused():
    with pytest.raises(ValueError, match="dibao standard"):
        flags(facts(dibao_standard=Decimal("0")), RULES)
    with pytest.raises(ValueError, match="negative"):
        flags(facts(income_per_capita=Decimal("-1")), RULES)


def test_months_before_clamps_to_the_month_end():
    assert months_before(dt.date(2025, 8, 31), 6) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2025, 1, 15), 1) == dt.date(2024, 12, 15)
    assert months_before(dt.date(2025, 3, 31), 12) == dt.date(2024, 3, 31)
    assert months_before(dt.date(2025, 3, 31), 0) == dt.date(2025, 3, 31)
    with pytest.raises(ValueError, match="negative"):
        months_before(TODAY, -1)


def test_review_is_due_once_a_month():
    assert review_due(dt.date(2025, 7, 1), set(), TODAY)
    assert not review_due(dt.date(2025, 7, 1), {month_start(TODAY)}, TODAY)
    assert review_due(dt.date(2025, 7, 1), {dt.date(2025, 7, 1)}, TODAY)
    assert not review_due(TODAY + dt.timedelta(days=1), set(), TODAY)
