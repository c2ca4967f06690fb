"""Volunteer matching, service hours and recognition (助残志愿者)."""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.community.volunteer_rules import (
    Candidate,
    HoursError,
    Need,
    Star,
    VolunteerRules,
    check_hours,
    rank,
    recognised,
    star_for,
)

RULES = VolunteerRules(max_hours_per_log=Decimal("12"), hour_step=Decimal("0.5"),
                       recognition_min_hours=Decimal("40"),
                       stars=(Star("二星", Decimal("300")), Star("一星", Decimal("100"))))
TODAY = dt.date(2025, 6, 30)


def cand(pk, skills=("escort",), village="v1", township="t1", open_tasks=0, availability=(),
         active=True):
    return Candidate(pk, f"志愿者{pk}", tuple(skills), tuple(availability), village, township,
                     open_tasks, active)


def test_ranking_by_place_availability_and_load():
    need = Need(skill="escort", village="v1", township="t1", slot="weekend")
    pool = [cand(1, village="v2"), cand(2), cand(3, availability=("weekend",)),
            cand(4, open_tasks=2), cand(5, skills=("reading",)), cand(6, active=False),
            cand(7, village="v9", township="t9", availability=("weekend",))]
    ranked = rank(need, pool)
    assert [m.candidate.volunteer_id for m in ranked] == [3, 2, 4, 1, 7]
    assert ranked[0].reasons == ("same_village", "available")
    assert ranked[0].points == 40
    assert rank(need, pool, limit=2)[1].candidate.volunteer_id == 2


def test_unknown_skill_is_refused():
    with pytest.raises(ValueError, match="skill"):
        rank(Need(skill="juggling", village="v1", township="t1"), [])


@pytest.mark.parametrize(("hours", "fragment"), [("0", "more than 0"), ("-1", "more than 0"),
                                                  ("12.5", "at most 12"), ("1.25", "steps of 0.5"),
                                                  ("abc", "not a number"), ("NaN", "more than 0")])
def test_hours_are_checked(hours, fragment):
    with pytest.raises(HoursError, match=fragment):
        check_hours(hours, TODAY, TODAY, RULES)


def test_hours_accepted_and_future_dates_refused():
    assert check_hours("12", TODAY, TODAY, RULES) == Decimal("12")
    assert check_hours(Decimal("0.5"), TODAY, TODAY, RULES) == Decimal("0.5")
    with pytest.raises(HoursError, match="future"):
        check_hours("2", TODAY + dt.timedelta(days=1), TODAY, RULES)


def test_stars_and_recognition_thresholds_are_inclusive():
    assert star_for(Decimal("99.5"), RULES) is None
    assert star_for(Decimal("100"), RULES).name == "一星"
    assert star_for(Decimal("300"), RULES).name == "二星"
    assert recognised(Decimal("40"), RULES)
    assert not recognised(Decimal("39.5"), RULES)
