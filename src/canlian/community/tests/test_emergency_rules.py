"""Emergency roster priority (应急保护优先级): points, levels, order, and the check-in board."""

import datetime as dt
from collections import Counter

import pytest

from canlian.community import ruleset
from canlian.community.emergency_rules import (
    AgeBand,
    EmergencyFacts,
    Level,
    PriorityRules,
    board_key,
    board_summary,
    level_for,
    order_key,
    ordered,
    priority,
)

RULES = PriorityRules(
    grade={1: 30, 2: 20, 3: 8, 4: 3}, mobility={"independent": 0, "aided": 10, "wheelchair": 20,
                                                 "bedridden": 35},
    category={1: 10, 2: 10}, lives_alone=20, powered_device=40, assistive_device=3,
    assistive_device_max=9, age=(AgeBand(65, 5), AgeBand(80, 10)),
    levels=(Level("third", "三级", 0), Level("first", "一级", 60), Level("second", "二级", 30)))


def test_points_add_up_with_a_reason_for_each():
    result = priority(EmergencyFacts(age=82, grade=1, category=4, mobility="bedridden",
                                     lives_alone=True, assistive_devices=("wheelchair",),
                                     powered_devices=("oxygen",)), RULES)
    assert {r.code: r.points for r in result.reasons} == {
        "powered_device": 40, "mobility": 35, "grade": 30, "lives_alone": 20, "age": 10,
        "assistive_device": 3}
    assert result.points == 138
    assert result.level.code == "first"
    assert "制氧机" in result.reasons[0].zh and "oxygen" in result.reasons[0].en


def test_highest_age_band_only_and_device_cap():
    result = priority(EmergencyFacts(age=70, grade=4, category=2, mobility="aided",
                                     assistive_devices=("walker", "crutches", "hearing_aid",
                                                        "other", "walker")), RULES)
    points = {r.code: r.points for r in result.reasons}
    assert points["age"] == 5
    assert points["assistive_device"] == 9  # four distinct devices, capped at 9
    assert points["category"] == 10


def test_nothing_scores_zero_and_gets_the_lowest_level():
    result = priority(EmergencyFacts(age=30, grade=None, category=None), RULES)
    assert (result.points, result.level.code, result.reasons) == (0, "third", ())


@pytest.mark.parametrize(("points", "level"), [(0, "third"), (29, "third"), (30, "second"),
                                               (59, "second"), (60, "first"), (500, "first")])
def test_level_thresholds_are_inclusive(points, level):
    assert level_for(points, RULES).code == level


def test_unknown_mobility_is_refused():
    with pytest.raises(ValueError, match="mobility"):
        priority(EmergencyFacts(age=30, grade=1, category=1, mobility="flying"), RULES)


def test_roster_order_points_then_power_then_age_then_name_then_number():
    b = dt.date
    people = [
        ("赵", 50, False, b(1950, 1, 1), 5),
        ("钱", 80, False, b(1990, 1, 1), 4),
        ("孙", 50, True, b(1990, 1, 1), 3),  # powered device wins the tie at 50
        ("李", 50, False, b(1940, 1, 1), 2),  # older than 赵
        ("周", 50, False, b(1950, 1, 1), 1),  # same age as 赵: by name, then number
        ("周", 50, False, b(1950, 1, 1), 0),
    ]
    order = ordered(people, key=lambda p: (p[1], p[2], p[3], p[0], p[4]))
    assert [(p[0], p[4]) for p in order] == [("钱", 4), ("孙", 3), ("李", 2), ("周", 0), ("周", 1),
                                             ("赵", 5)]
    assert order_key(10, True, b(1950, 1, 1), "x", 1) < order_key(10, False, b(1950, 1, 1), "x", 1)


def test_board_lists_those_not_reached_first():
    b = dt.date(1950, 1, 1)
    rows = [("safe", 90), (None, 10), ("needs_help", 50), ("unreachable", 5), (None, 80)]
    order = sorted(rows, key=lambda r: board_key(r[0], r[1], False, b, "x", r[1]))
    assert order == [(None, 80), (None, 10), ("unreachable", 5), ("needs_help", 50), ("safe", 90)]


def test_board_summary():
    counts = Counter({None: 3, "safe": 5, "helped": 1, "evacuated": 2, "needs_help": 1,
                      "unreachable": 2})
    assert board_summary(counts) == {"total": 14, "reached": 9, "pending": 3, "unreachable": 2,
                                     "needs_help": 1}
    assert board_summary({}) == {"total": 0, "reached": 0, "pending": 0, "unreachable": 0,
                                 "needs_help": 0}
    with pytest.raises(ValueError, match="check-in state"):
        board_summary({"lost": 1})
    with pytest.raises(ValueError, match="negative"):
        board_summary({"safe": -1})


def test_shipped_rules_put_a_powered_device_above_a_bedridden_person():
    for code in ruleset.available():
        rules = ruleset.load_shipped(code).emergency
        oxygen = priority(EmergencyFacts(age=40, grade=3, category=4, powered_devices=("oxygen",)),
                          rules)
        bedridden = priority(EmergencyFacts(age=40, grade=3, category=4, mobility="bedridden"), rules)
        assert oxygen.points > bedridden.points
