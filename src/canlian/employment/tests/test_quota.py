"""The employer quota and the Linzi public-units rule. No database: plain functions."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canlian.employment import quota
from canlian.employment.levy import Declaration, Employee, LevyInputError
from canlian.employment.quota import (
    LINZI_2021_2025,
    PublicUnitRule,
    QuotaInputError,
    Standing,
    public_unit_in_breach,
    quota_status,
)

D = Decimal


def declaration(*, staff=200, employees=(), province="37", unit_kind="enterprise", year=2025) -> Declaration:
    return Declaration(year=year, province=province, unit_kind=unit_kind, staff=staff,
                       disabled_employees=list(employees), average_wage=D(120_000),
                       local_average_wage=D(90_000))


def grade4(n):
    return [Employee(grade=4) for _ in range(n)]


# --- (a) over, meeting or short ------------------------------------------------------------------


def test_short_of_the_ratio():
    s = quota_status(declaration(employees=grade4(1)))
    assert s.standing is Standing.SHORT
    assert (s.required, s.counted, s.difference) == (D(3), D(1), D(-2))
    assert (s.shortfall, s.shortfall_persons, s.excess, s.excess_persons) == (D(2), 2, 0, 0)
    assert s.actual_ratio == D("0.005")
    assert "差 2 人" in s.message
    assert "short of the ratio by 2" in s.message


def test_meeting_the_ratio():
    s = quota_status(declaration(employees=grade4(3)))
    assert s.standing is Standing.MEETING
    assert (s.shortfall, s.excess) == (0, 0)
    assert s.message.startswith("达到规定比例")


def test_over_the_ratio():
    s = quota_status(declaration(employees=grade4(5)))
    assert s.standing is Standing.OVER
    assert (s.excess, s.excess_persons) == (D(2), 2)
    assert "超出 2 人" in s.message


def test_over_by_less_than_a_whole_person():
    """N=500: N·r = 7.5. A=8 is over the ratio (1.6 % > 1.5 %) but by no whole person,
    which matters for rewards paid per person."""
    s = quota_status(declaration(staff=500, employees=grade4(8)))
    assert s.standing is Standing.OVER
    assert (s.excess, s.excess_persons) == (D("0.5"), 0)


def test_short_by_half_a_person_needs_one_more_hire():
    s = quota_status(declaration(staff=500, employees=grade4(7)))
    assert s.standing is Standing.SHORT
    assert (s.shortfall, s.shortfall_persons) == (D("0.5"), 1)


def test_grade_1_and_2_count_double_for_the_quota_too():
    s = quota_status(declaration(employees=[Employee(grade=1), Employee(grade=2)]))
    assert (s.counted, s.counted_heads) == (D(4), 2)
    assert s.standing is Standing.OVER


def test_an_exempt_small_enterprise_can_still_be_short():
    """The exemption waives the levy, not the quota."""
    s = quota_status(declaration(staff=30))
    assert s.standing is Standing.SHORT
    assert s.required == D("0.45")


def test_zero_staff_meets_the_ratio():
    s = quota_status(declaration(staff=0))
    assert s.standing is Standing.MEETING
    assert s.actual_ratio is None


def test_bad_declarations_raise_the_levy_errors():
    with pytest.raises(LevyInputError) as info:
        quota_status(declaration(staff=-5))
    assert info.value.field == "staff"
    with pytest.raises(LevyInputError) as info:
        quota_status(declaration(province="44"))
    assert info.value.field == "province"


def test_standing_labels():
    assert [s.label_zh for s in Standing] == ["超比例安排", "达到规定比例", "未达到规定比例"]
    assert Standing("short").label_en == "short of the ratio"


@given(staff=st.integers(0, 3_000), heads=st.integers(0, 60))
def test_standing_agrees_with_the_ratio(staff, heads):
    heads = min(heads, staff)
    s = quota_status(declaration(staff=staff, employees=grade4(heads)))
    assert s.difference == s.counted - s.required
    assert (s.standing is Standing.SHORT) == (heads < staff * D("0.015"))
    assert (s.standing is Standing.OVER) == (heads > staff * D("0.015"))
    assert s.excess * s.shortfall == 0


# --- (b) the Linzi public-units rule -------------------------------------------------------------


@pytest.mark.parametrize(("kind", "posts", "in_breach"), [
    ("government", 49, False),
    ("government", 50, True),  # 50人以上 includes 50
    ("government", 120, True),
    ("public_institution", 66, False),
    ("public_institution", 67, True),  # 67人以上 includes 67
    ("public_institution", 500, True),
])
def test_thresholds_with_no_disabled_employee(kind, posts, in_breach):
    verdict = public_unit_in_breach(kind, posts, False, 0)
    assert bool(verdict) is in_breach
    assert verdict.in_breach is in_breach
    assert verdict.applies is in_breach  # below the threshold the rule does not apply


def test_one_disabled_employee_is_enough():
    verdict = public_unit_in_breach("government", 80, False, 1)
    assert not verdict
    assert verdict.applies
    assert "符合要求" in verdict.reason


def test_schools_and_kindergartens_are_excepted():
    verdict = public_unit_in_breach("public_institution", 150, True, 0)
    assert not verdict
    assert not verdict.applies
    assert "中小学、幼儿园" in verdict.reason_zh


@pytest.mark.parametrize("kind", ["enterprise", "social_organisation", "private_non_enterprise"])
def test_other_kinds_are_outside_the_rule(kind):
    verdict = public_unit_in_breach(kind, 1_000, False, 0)
    assert not verdict
    assert not verdict.applies
    assert "does not apply" in verdict.reason_en


def test_the_breach_reason_gives_the_numbers_and_basis():
    verdict = public_unit_in_breach("public_institution", 70, False, 0)
    assert verdict
    assert "编制 67 人以上的事业单位应至少安排 1 名残疾人" in verdict.reason_zh
    assert "该单位编制 70 人，实际安排 0 名" in verdict.reason_zh
    assert "临淄区" in verdict.reason_zh
    assert "70 posts" in verdict.reason_en


def test_employees_are_counted_as_persons_and_only_if_they_count():
    assert public_unit_in_breach("government", 60, False, [Employee(grade=4, counted=False)])
    assert not public_unit_in_breach("government", 60, False, [Employee(grade=1)])
    assert not public_unit_in_breach("government", 60, False,
                                     [Employee(grade=4, counted=False), Employee(grade=3)])


def test_another_deployment_can_pass_its_own_thresholds():
    rule = PublicUnitRule(government_min_posts=30, public_institution_min_posts=40, min_disabled=2,
                          basis="test rule")
    assert public_unit_in_breach("government", 30, False, 1, rule=rule)
    assert not public_unit_in_breach("government", 30, False, 2, rule=rule)
    assert not public_unit_in_breach("government", 30, False, 0)  # Linzi: under 50
    assert LINZI_2021_2025.government_min_posts == 50


@pytest.mark.parametrize(("args", "field"), [
    (("ministry", 60, False, 0), "kind"),
    (("government", -1, False, 0), "posts"),
    (("government", 60.5, False, 0), "posts"),
    (("government", 60, True, 0), "is_school_or_kindergarten"),
    (("government", 60, False, -1), "disabled_employees"),
    (("government", 60, False, True), "disabled_employees"),
    (("government", 60, False, [1]), "disabled_employees[0]"),
])
def test_bad_input(args, field):
    with pytest.raises(QuotaInputError) as info:
        public_unit_in_breach(*args)
    assert info.value.field == field
    assert isinstance(info.value, LevyInputError)
    assert info.value.message and str(info.value)  # the active language; str() English


def test_module_exports():
    assert quota.Standing.OVER == "over"
