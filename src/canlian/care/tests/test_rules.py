"""The pure care rules: overlap, capacity, waiting-list order, inspection score and grade."""

import datetime as dt
from pathlib import Path

import pytest

from canlian.care import rules

RULES = rules.load(Path(rules.__file__).parent / "data" / "rules.yaml")
D = dt.date


def test_periods_overlap_with_inclusive_ends_and_open_ends():
    assert rules.overlaps(D(2025, 1, 1), None, D(2030, 1, 1), None)
    assert rules.overlaps(D(2025, 1, 1), D(2025, 3, 1), D(2025, 3, 1), None)  # shares 1 March
    assert not rules.overlaps(D(2025, 1, 1), D(2025, 2, 28), D(2025, 3, 1), None)
    assert not rules.overlaps(D(2025, 3, 1), None, D(2025, 1, 1), D(2025, 2, 28))


def test_capacity_refuses_the_place_beyond_unless_a_reason_is_given():
    assert rules.check_capacity(12, 11) is False
    with pytest.raises(rules.RuleError, match="名额已满（12 个名额，已安置 12 人）"):
        rules.check_capacity(12, 12)
    with pytest.raises(rules.RuleError):
        rules.check_capacity(12, 12, "   ")
    assert rules.check_capacity(12, 12, "监护人突发重病，临时安置") is True


def test_priority_gives_each_point_its_reason():
    points, reasons = rules.priority(rules.Facts(grade=1, lives_alone=True, carer_age=75,
                                                 carer_ill=True, household_type="dibao"),
                                     RULES.waiting)
    assert points == 40 + 20 + 15 + 15 + 20
    assert reasons == ["1级残疾 +40", "独居 +20", "照护人年满70岁 +15", "照护人患病 +15",
                       "困难家庭 +20"]
    assert rules.priority(rules.Facts(grade=4, carer_age=69), RULES.waiting) == (0, [])


def test_waiting_order_is_points_then_date_then_entry():
    entries = [(1, 30, D(2025, 2, 1)), (2, 60, D(2025, 3, 1)), (3, 30, D(2025, 1, 1)),
               (4, 30, D(2025, 1, 1))]
    assert rules.order(entries) == [2, 3, 4, 1]


def test_inspection_score_weighs_items_and_skips_not_applicable():
    results = {i.code: "pass" for i in RULES.inspection.checklist}
    assert rules.score(results, RULES.inspection) == rules.Score(100, "excellent", ())
    results.update(fire_safety="fail", hygiene="fail")  # 15 + 10 of 100
    scored = rules.score(results, RULES.inspection)
    assert (scored.score, scored.grade, scored.failed) == (75, "qualified",
                                                          ("fire_safety", "hygiene"))
    results.update(satisfaction="na")  # 70 of 95
    assert rules.score(results, RULES.inspection).score == round(100 * 70 / 95)


def test_inspection_refuses_missing_unknown_and_bad_results():
    results = {i.code: "pass" for i in RULES.inspection.checklist}
    with pytest.raises(rules.RuleError, match="未填写结果：licence"):
        rules.score({k: v for k, v in results.items() if k != "licence"}, RULES.inspection)
    with pytest.raises(rules.RuleError, match=r"检查项不属于.*：parking"):
        rules.score({**results, "parking": "pass"}, RULES.inspection)
    with pytest.raises(rules.RuleError, match="只能是"):
        rules.score({**results, "licence": "ok"}, RULES.inspection)


def test_grades_and_the_dynamic_exit():
    assert [rules.grade(s, RULES.inspection) for s in (100, 90, 89, 80, 60, 59, 0)] == [
        "excellent", "excellent", "good", "good", "qualified", "unqualified", "unqualified"]
    with pytest.raises(rules.RuleError):
        rules.grade(101, RULES.inspection)
    assert rules.exit_due(["unqualified", "unqualified", "good"], RULES.inspection)
    assert not rules.exit_due(["unqualified", "good", "unqualified"], RULES.inspection)
    assert not rules.exit_due(["unqualified"], RULES.inspection)


def test_attendance_rate():
    assert rules.attendance_rate(18, 20) == 0.9
    assert rules.attendance_rate(0, 0) is None
    with pytest.raises(rules.RuleError):
        rules.attendance_rate(21, 20)


def test_a_rules_file_with_a_missing_key_is_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("waiting: {lives_alone: 1}\ninspection: {}\n", encoding="utf-8")
    with pytest.raises(rules.RuleError, match=r"bad\.yaml"):
        rules.load(bad)


def test_billable_days():
    first, last = D(2025, 3, 1), D(2025, 3, 31)
    assert rules.billable_days("day", D(2025, 1, 1), None, first, last, present=17) == 17
    assert rules.billable_days("residential", D(2025, 1, 1), None, first, last, 0) == 31
    assert rules.billable_days("residential", D(2025, 3, 10), D(2025, 3, 19), first, last, 0) == 10
    assert rules.billable_days("respite", D(2025, 2, 25), D(2025, 3, 2), first, last, 0) == 2


def test_short_stays():
    days = RULES.short_stay_days
    rules.check_stay("day", D(2025, 1, 1), None, days)
    rules.check_stay("respite", D(2025, 1, 1), D(2025, 1, 30), days)
    with pytest.raises(rules.RuleError, match="最长 30 天"):
        rules.check_stay("respite", D(2025, 1, 1), D(2025, 1, 31), days)
    with pytest.raises(rules.RuleError, match="须填写结束日期"):
        rules.check_stay("temporary", D(2025, 1, 1), None, days)
    with pytest.raises(rules.RuleError, match="早于"):
        rules.check_stay("day", D(2025, 1, 2), D(2025, 1, 1), days)
