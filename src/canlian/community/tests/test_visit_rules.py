"""Visit frequency rules (走访频次): who is visited how often, and when a visit is overdue."""

import datetime as dt

import pytest

from canlian.community import ruleset
from canlian.community.visit_rules import (
    Requirement,
    State,
    VisitFacts,
    VisitPolicy,
    VisitRule,
    age_on,
    birth_bounds,
    requirement,
    status,
    years_before,
)

POLICY = VisitPolicy(rules=(
    VisitRule("severe_alone", "独居重度", 14, grades=(1, 2), lives_alone=True),
    VisitRule("tekun", "特困", 30, household_types=("tekun",)),
    VisitRule("elderly_alone", "80岁以上独居", 30, lives_alone=True, min_age=80),
    VisitRule("severe", "重度", 90, grades=(1, 2)),
    VisitRule("child", "学龄前儿童", 60, max_age=6),
    VisitRule("mental", "精神", 90, categories=(6,)),
))


def facts(**kw) -> VisitFacts:
    base = {"age": 50, "grade": 3, "category": 4, "household_type": "ordinary", "lives_alone": False}
    return VisitFacts(**{**base, **kw})


def test_the_strictest_matching_rule_sets_the_interval_and_all_are_reasons():
    need = requirement(facts(grade=1, lives_alone=True, household_type="tekun", age=85), POLICY)
    assert need.every_days == 14
    assert [r.code for r in need.rules] == ["severe_alone", "elderly_alone", "tekun", "severe"]
    assert need.reasons[0] == "独居重度"


@pytest.mark.parametrize(("kw", "days"), [
    ({"grade": 2}, 90),  # severe, not alone
    ({"grade": 2, "lives_alone": True}, 14),
    ({"grade": 3, "lives_alone": True}, None),  # alone but not severe, under 80
    ({"household_type": "tekun"}, 30),
    ({"household_type": "dibao"}, None),
    ({"household_type": ""}, None),  # no household on record
    ({"category": 6}, 90),
    ({"grade": None, "category": None}, None),  # no certificate
])
def test_each_condition(kw, days):
    need = requirement(facts(**kw), POLICY)
    assert (need.every_days if need else None) == days


def test_age_bounds_are_inclusive():
    assert requirement(facts(lives_alone=True, age=80), POLICY).every_days == 30
    assert requirement(facts(lives_alone=True, age=79), POLICY) is None
    assert requirement(facts(age=6), POLICY).every_days == 60
    assert requirement(facts(age=7), POLICY) is None


def test_no_rule_means_no_visit_unless_a_default_is_set():
    assert requirement(facts(), POLICY) is None
    with_default = VisitPolicy(rules=POLICY.rules, default_every_days=365)
    assert requirement(facts(), with_default) == Requirement(365, ())
    assert with_default.intervals == (14, 30, 60, 90, 365)


def test_rules_are_kept_strictest_first():
    assert [r.every_days for r in POLICY.rules] == [14, 30, 30, 60, 90, 90]


TODAY = dt.date(2025, 6, 30)


def test_visit_on_the_due_date_is_in_time_the_day_after_is_overdue():
    last = TODAY - dt.timedelta(days=30)
    on_time = status(last, 30, TODAY, due_soon_days=7)
    assert (on_time.state, on_time.due_on, on_time.days_overdue) == (State.DUE_SOON, TODAY, 0)
    late = status(last - dt.timedelta(days=1), 30, TODAY, due_soon_days=7)
    assert (late.state, late.days_overdue) == (State.OVERDUE, 1)
    assert late.is_late


def test_due_soon_window_boundary():
    # due in exactly 7 days: due soon; in 8 days: fine
    assert status(TODAY - dt.timedelta(days=23), 30, TODAY, 7).state == State.DUE_SOON
    assert status(TODAY - dt.timedelta(days=22), 30, TODAY, 7).state == State.OK
    assert status(TODAY, 30, TODAY, 0).state == State.OK


def test_never_visited_is_late_and_has_no_due_date():
    never = status(None, 14, TODAY)
    assert never.state == State.NEVER and never.due_on is None and never.is_late


def test_status_refuses_impossible_input():
    with pytest.raises(ValueError, match="visit interval"):
        status(TODAY, 0, TODAY)
    with pytest.raises(ValueError, match="later than today"):
        status(TODAY + dt.timedelta(days=1), 30, TODAY)


def test_ages_and_29_february():
    leap = dt.date(2000, 2, 29)
    assert age_on(leap, dt.date(2018, 2, 28)) == 17
    assert age_on(leap, dt.date(2018, 3, 1)) == 18
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)


@pytest.mark.parametrize("today", [dt.date(2025, 6, 30), dt.date(2024, 2, 29), dt.date(2025, 2, 28),
                                   dt.date(2025, 3, 1), dt.date(2025, 1, 1)])
@pytest.mark.parametrize(("low", "high"), [(80, None), (None, 6), (16, 59), (0, 0)])
def test_birth_bounds_agree_with_age_on_for_every_birthday(today, low, high):
    born_after, born_by = birth_bounds(today, low, high)
    day = years_before(today, (high or 90) + 2)
    while day <= today:
        age = age_on(day, today)
        in_band = (low is None or age >= low) and (high is None or age <= high)
        in_bounds = (born_by is None or day <= born_by) and (born_after is None or day > born_after)
        assert in_band == in_bounds, (day, age)
        day += dt.timedelta(days=1 if abs((day - today).days) % 365 < 3 or age in (
            low, high, (low or 0) - 1, (high or 0) + 1) else 29)


def test_shipped_policies_give_severe_persons_living_alone_the_most_visits():
    for code in ruleset.available():
        policy = ruleset.load_shipped(code).visits
        alone = requirement(facts(grade=1, lives_alone=True), policy)
        assert alone.every_days == min(policy.intervals)
