"""Accessibility inspections (无障碍检查): checklists, rectification deadlines, follow-up."""

import datetime as dt

import pytest

from canlian.community import ruleset
from canlian.community.inspection_rules import (
    PLACE_KINDS,
    RectificationRules,
    RuleError,
    State,
    check_results,
    deadline,
    extend,
    items_for,
    status,
)

RULES = RectificationRules(days={"critical": 15, "major": 60, "minor": 90}, due_soon_days=7,
                           extension_days=30, max_extensions=1)
FOUND = dt.date(2025, 3, 1)


@pytest.mark.parametrize(("severity", "expected"), [("critical", dt.date(2025, 3, 16)),
                                                    ("major", dt.date(2025, 4, 30)),
                                                    ("minor", dt.date(2025, 5, 30))])
def test_deadline_by_severity(severity, expected):
    assert deadline(FOUND, severity, RULES) == expected


def test_unknown_severity_is_refused():
    with pytest.raises(RuleError, match="unknown severity"):
        deadline(FOUND, "awful", RULES)


def test_status_around_the_deadline():
    due = dt.date(2025, 3, 16)
    assert status(due, dt.date(2025, 3, 8), RULES).state == State.OPEN  # 8 days left
    soon = status(due, dt.date(2025, 3, 9), RULES)
    assert (soon.state, soon.days_left) == (State.DUE_SOON, 7)
    on_day = status(due, due, RULES)
    assert (on_day.state, on_day.days_left, on_day.late) == (State.DUE_SOON, 0, False)
    late = status(due, dt.date(2025, 3, 17), RULES)
    assert (late.state, late.days_overdue, late.late) == (State.OVERDUE, 1, True)


def test_rectified_in_time_or_late_and_verification():
    due = dt.date(2025, 3, 16)
    on_time = status(due, dt.date(2025, 6, 1), RULES, rectified_on=due)
    assert (on_time.state, on_time.late, on_time.days_overdue) == (State.RECTIFIED, False, 0)
    late = status(due, dt.date(2025, 6, 1), RULES, rectified_on=dt.date(2025, 3, 20))
    assert late.late and late.state == State.RECTIFIED
    closed = status(due, dt.date(2025, 6, 1), RULES, rectified_on=due, verified_on=dt.date(2025, 3, 18))
    assert closed.state == State.CLOSED
    with pytest.raises(RuleError, match="not rectified"):
        status(due, due, RULES, verified_on=due)


def test_extension_adds_days_up_to_the_limit():
    due = dt.date(2025, 3, 16)
    assert extend(due, 0, RULES) == dt.date(2025, 4, 15)
    with pytest.raises(RuleError, match="at most 1"):
        extend(due, 1, RULES)
    none_allowed = RectificationRules(days=RULES.days, due_soon_days=7, extension_days=30,
                                      max_extensions=0)
    with pytest.raises(RuleError):
        extend(due, 0, none_allowed)


def test_checklist_per_place_kind_and_results():
    checklist = ruleset.checklist()
    for kind in PLACE_KINDS:
        assert items_for(kind, checklist)
    items = items_for("road", checklist)
    codes = [i.code for i in items]
    assert "tactile_paving" in codes and "elevator" not in codes
    results = dict.fromkeys(codes, "pass")
    results[codes[0]] = "fail"
    results[codes[1]] = "na"
    summary = check_results(results, items)
    assert (summary.passed, summary.failed, summary.not_applicable) == (len(codes) - 2, 1, 1)
    assert summary.compliance == pytest.approx((len(codes) - 2) / (len(codes) - 1))
    with pytest.raises(RuleError, match="no result for"):
        check_results({codes[0]: "pass"}, items)
    with pytest.raises(RuleError, match="not on this place's checklist"):
        check_results({**results, "elevator": "pass"}, items)
    with pytest.raises(RuleError, match="pass, fail or na"):
        check_results({**results, codes[0]: "maybe"}, items)
    with pytest.raises(RuleError, match="unknown place kind"):
        items_for("castle", checklist)


def test_compliance_is_none_when_nothing_applies():
    items = items_for("road", ruleset.checklist())
    assert check_results({i.code: "na" for i in items}, items).compliance is None
