"""The two subsidies' rules, both shipped rule sets, every branch. No database."""

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

import pytest
import yaml
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from canlian.benefits import rulesets
from canlian.benefits.eligibility import (
    Facts,
    FactsError,
    NotInForceError,
    Subsidy,
    decide,
    decide_both,
    first_payable_month,
    last_payable_month,
    payable_months,
)
from canlian.benefits.rulesets import Amount

D = Decimal
YUEQING = rulesets.load_shipped("yueqing")
LINZI = rulesets.load_shipped("linzi")
ON = dt.date(2024, 6, 1)

NATIONAL = ("alive", "certificate_valid", "hukou_in_region", "not_tekun", "no_work_injury_care")
LIVING_CHECKS = (*NATIONAL, "not_orphan", "hardship")
NURSING_CHECKS = (*NATIONAL, "target_group")


def facts(**over) -> Facts:
    """An eligible-looking person: physical grade 1, 低保, long-term care, aged 54 on ON."""
    base = {
        "birth_date": dt.date(1970, 5, 17), "alive": True, "certificate_status": "issued",
        "certificate_valid_until": dt.date(2030, 1, 1), "category": 4, "grade": 1,
        "household_type": "dibao", "household_income_per_capita": None, "own_income": None,
        "needs_long_term_care": True, "care_months": 12, "institutional_care": False,
        "hukou_in_region": True, "work_injury_care_allowance": False, "orphan_basic_living": False,
    }
    base.update(over)
    return Facts(**base)  # type: ignore[arg-type]


def rules_of(decision) -> tuple[str, ...]:
    return tuple(r.rule for r in decision.reasons)


def shipped_data(code: str) -> dict:
    return yaml.safe_load((rulesets.DATA_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


# --- Yueqing (Zhejiang): living subsidy = 30 % of 低保 ----------------------------------------------


def test_worked_example_dibao_1200_gives_360():
    decision = decide(YUEQING, Subsidy.LIVING, facts(), ON)
    assert decision.eligible
    assert decision.monthly_amount == D("360.00")
    assert decision.rule_version == "2016-01-01"
    assert decision.ruleset == "yueqing"
    assert rules_of(decision) == (*LIVING_CHECKS, "amount_standard", "choose_higher")
    assert all(r.passed for r in decision.reasons)
    standard = decision.reason("amount_standard")
    assert "低保标准 1200.00 元" in standard.text_zh
    assert "× 30% = 360.00 元" in standard.text_zh
    assert "× 30% = 360.00 yuan" in standard.text_en
    hardship = decision.reason("hardship").text_zh
    assert hardship.endswith("户类型为低保家庭；家庭人均收入未记录；本人收入未记录")


def test_living_subsidy_follows_a_dibao_change_from_its_date():
    before = decide(YUEQING, Subsidy.LIVING, facts(), dt.date(2025, 6, 30))
    after = decide(YUEQING, Subsidy.LIVING, facts(), dt.date(2025, 7, 1))
    assert before.monthly_amount == D("360.00")
    assert after.monthly_amount == D("390.00")  # 1 300 × 30 %
    assert before.rule_version == after.rule_version == "2016-01-01"  # only the 低保 row changed
    assert "（2025-07-01 起）" in after.reason("amount_standard").text_zh


@pytest.mark.parametrize(
    ("over", "eligible", "fragment"),
    [
        ({"household_income_per_capita": D("1799.99")}, True, "1799.99 元 < 1800.00 元"),
        ({"household_income_per_capita": D("1800.00")}, False, "1800.00 元 ≥ 1800.00 元"),
        ({}, False, "家庭人均收入未记录；本人收入未记录"),
        ({"own_income": D("1000")}, True, "54 周岁，本人收入 1000.00 元 < 1800.00 元"),
        ({"own_income": D("1800")}, False, "本人收入 1800.00 元 ≥"),
        # Working age 16–59 in completed years: 59 yes, 60 no, 16 yes, 15 no.
        ({"own_income": D("0"), "birth_date": dt.date(1964, 6, 2)}, True, "59 周岁"),
        ({"own_income": D("0"), "birth_date": dt.date(1964, 6, 1)}, False, "60 周岁，不在劳动年龄段"),
        ({"own_income": D("0"), "birth_date": dt.date(2008, 6, 1)}, True, "16 周岁"),
        ({"own_income": D("0"), "birth_date": dt.date(2008, 6, 2)}, False, "15 周岁，不在劳动年龄段"),
        ({"household_type": "dibao_edge", "household_income_per_capita": D("1700")}, True,
         "户类型为低保边缘家庭；家庭人均收入 1700.00 元 <"),
    ],
)
def test_zhejiang_income_test_for_households_not_on_dibao(over, eligible, fragment):
    over.setdefault("household_type", "ordinary")
    decision = decide(YUEQING, Subsidy.LIVING, facts(**over), ON)
    assert decision.eligible is eligible
    assert decision.monthly_amount == (D("360.00") if eligible else D("0.00"))
    hardship = decision.reason("hardship")
    assert hardship.passed is eligible
    assert fragment in hardship.text_zh
    assert hardship.text_zh.startswith("低保家庭，或家庭人均收入低于低保标准的 1.5 倍，或劳动年龄段")


def test_the_income_limit_moves_with_the_dibao_standard():
    person = facts(household_type="ordinary", household_income_per_capita=D("1900"))
    assert not decide(YUEQING, Subsidy.LIVING, person, dt.date(2025, 6, 30)).eligible  # 1 900 ≥ 1 800
    decision = decide(YUEQING, Subsidy.LIVING, person, dt.date(2025, 7, 1))  # < 1 950
    assert decision.eligible
    assert decision.monthly_amount == D("390.00")


# --- Yueqing (Zhejiang): nursing subsidy, 3 tiers, +50 % in an institution ---------------------------


@pytest.mark.parametrize(
    ("category", "grade", "care", "months", "amount", "fragment"),
    [
        (4, 1, True, 12, "300.00", "符合「一级、二级且需要长期照护」，需要长期照护 12 个月（≥ 6）"),
        (1, 2, True, None, "240.00", "视力残疾二级，符合「一级、二级且需要长期照护」，需要长期照护"),
        (4, 1, True, 6, "300.00", "需要长期照护 6 个月"),
        (7, 2, True, 8, "240.00", "多重残疾二级"),
        (2, 1, True, 8, "300.00", "听力残疾一级"),
        (5, 3, False, None, "180.00", "智力残疾三级，符合「三级、四级智力、精神残疾」"),
        (6, 4, False, None, "180.00", "精神残疾四级，符合「三级、四级智力、精神残疾」"),
        (4, 1, False, None, None, "不符合「一级、二级且需要长期照护」：不需要长期照护"),
        (4, 2, True, 5, None, "照护需求 5 个月，不足 6 个月"),
        (4, 3, True, 12, None,
         "不符合「一级、二级且需要长期照护」：等级不符；不符合「三级、四级智力、精神残疾」：类别不符"),
        (2, 4, False, None, None, "听力残疾四级"),
    ],
)
def test_zhejiang_nursing_target_groups_and_tiers(category, grade, care, months, amount, fragment):
    person = facts(category=category, grade=grade, needs_long_term_care=care, care_months=months)
    decision = decide(YUEQING, Subsidy.NURSING, person, ON)
    assert decision.eligible is (amount is not None)
    assert decision.monthly_amount == D(amount or "0.00")
    assert fragment in decision.reason("target_group").text_zh
    if amount:
        assert rules_of(decision) == (*NURSING_CHECKS, "amount_standard", "amount_institutional_care",
                                      "choose_higher")
        assert decision.reason("amount_institutional_care").text_zh.endswith("非机构照护，不上浮")
    else:
        assert rules_of(decision) == NURSING_CHECKS
        assert [r.rule for r in decision.failed] == ["target_group"]


@pytest.mark.parametrize(
    ("grade", "category", "tier", "raised"),
    [(1, 4, "300.00", "450.00"), (2, 4, "240.00", "360.00"), (3, 5, "180.00", "270.00")],
)
def test_institutional_care_pays_one_and_a_half_times_the_tier(grade, category, tier, raised):
    person = facts(grade=grade, category=category, institutional_care=True)
    decision = decide(YUEQING, Subsidy.NURSING, person, ON)
    assert decision.monthly_amount == D(tier) * D("1.5") == D(raised)
    assert f"{tier} 元 × 1.50 = {raised} 元" in decision.reason("amount_institutional_care").text_zh


def test_nursing_tiers_change_from_the_new_versions_date():
    before = decide(YUEQING, Subsidy.NURSING, facts(), dt.date(2025, 12, 31))
    after = decide(YUEQING, Subsidy.NURSING, facts(), dt.date(2026, 1, 1))
    assert (before.monthly_amount, before.rule_version) == (D("300.00"), "2016-01-01")
    assert (after.monthly_amount, after.rule_version) == (D("330.00"), "2026-01-01")
    institution = decide(YUEQING, Subsidy.NURSING, facts(institutional_care=True), dt.date(2026, 1, 1))
    assert institution.monthly_amount == D("495.00")


def test_a_person_may_hold_both_subsidies():
    both = decide_both(YUEQING, facts(), ON)
    assert set(both) == {Subsidy.LIVING, Subsidy.NURSING}
    assert both[Subsidy.LIVING].monthly_amount == D("360.00")
    assert both[Subsidy.NURSING].monthly_amount == D("300.00")


# --- Linzi (Shandong) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "grade", "amount", "version"),
    [
        (dt.date(2016, 1, 1), 1, "80.00", "2016-01-01"),
        (dt.date(2023, 12, 31), 4, "80.00", "2016-01-01"),
        (dt.date(2024, 1, 1), 1, "190.00", "2024-01-01"),
        (dt.date(2024, 6, 1), 2, "190.00", "2024-01-01"),
        (dt.date(2024, 6, 1), 3, "140.00", "2024-01-01"),
        (dt.date(2025, 6, 30), 4, "140.00", "2024-01-01"),
        (dt.date(2025, 7, 1), 2, "205.00", "2025-07-01"),
        (dt.date(2025, 7, 1), 3, "155.00", "2025-07-01"),
    ],
)
def test_shandong_living_subsidy_by_grade_band_and_date(on, grade, amount, version):
    decision = decide(LINZI, Subsidy.LIVING, facts(grade=grade, category=3), on)
    assert decision.eligible
    assert decision.monthly_amount == D(amount)
    assert decision.rule_version == version
    assert rules_of(decision) == (*LIVING_CHECKS, "amount_standard", "amount_floor", "choose_higher")
    assert decision.reason("hardship").text_zh == "低保家庭：户类型为低保家庭"
    assert decision.reason("amount_floor").text_zh.endswith("不低于最低标准")


@pytest.mark.parametrize("household", ["ordinary", "dibao_edge"])
def test_shandong_living_subsidy_is_for_dibao_households_only(household):
    # Shandong has no income test: a low income outside 低保 does not qualify.
    person = facts(household_type=household, household_income_per_capita=D("100"), own_income=D("0"))
    decision = decide(LINZI, Subsidy.LIVING, person, ON)
    assert not decision.eligible
    assert decision.monthly_amount == D("0.00")
    assert rules_of(decision) == LIVING_CHECKS
    assert [r.rule for r in decision.failed] == ["hardship"]
    assert decision.reason("hardship").text_zh.startswith("低保家庭：户类型为")
    assert decision.reason("hardship").text_en.startswith("minimum-living-allowance (dibao) household:")


@pytest.mark.parametrize(
    ("category", "grade", "care", "amount"),
    [
        (1, 1, True, "170.00"),  # visual
        (4, 1, True, "170.00"),  # physical
        (5, 2, True, "140.00"),  # intellectual
        (6, 2, True, "140.00"),  # mental
        (2, 1, True, None),  # hearing is not listed
        (3, 1, True, None),  # speech is not listed
        (7, 1, True, None),  # multiple is not listed
        (5, 3, True, None),  # grade 3 intellectual is not covered in Shandong
        (4, 1, False, None),  # able to care for oneself
    ],
)
def test_shandong_nursing_subsidy(category, grade, care, amount):
    person = facts(category=category, grade=grade, needs_long_term_care=care, household_type="ordinary")
    decision = decide(LINZI, Subsidy.NURSING, person, ON)
    assert decision.eligible is (amount is not None)
    assert decision.monthly_amount == D(amount or "0")
    assert decision.reason("target_group").passed is (amount is not None)
    paid = (*NURSING_CHECKS, "amount_standard", "amount_floor", "choose_higher")
    assert rules_of(decision) == (paid if amount else NURSING_CHECKS)


def test_shandong_has_no_institutional_uplift():
    decision = decide(LINZI, Subsidy.NURSING, facts(institutional_care=True), ON)
    assert decision.monthly_amount == D("170.00")
    assert "amount_institutional_care" not in rules_of(decision)


def test_shandong_nursing_amounts_change_from_a_date():
    amounts = [decide(LINZI, Subsidy.NURSING, facts(grade=2), day).monthly_amount
               for day in (dt.date(2016, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 6, 30),
                           dt.date(2025, 7, 1))]
    assert amounts == [D("80.00"), D("140.00"), D("140.00"), D("150.00")]


def test_a_standard_below_the_floor_is_raised_to_it():
    data = shipped_data("linzi")
    data["subsidies"]["living"][1]["amount"]["tiers"][1]["monthly"] = "60.00"
    ruleset = rulesets.parse(data, file="low.yaml")
    decision = decide(ruleset, Subsidy.LIVING, facts(grade=4), ON)
    assert decision.monthly_amount == D("80.00")
    floor = decision.reason("amount_floor")
    assert floor.passed
    assert floor.text_zh == "不低于最低标准 80.00 元：60.00 元低于最低标准，按 80.00 元发放"


def test_a_grade_without_a_tier_fails_the_amount_rule():
    # The loader refuses such a file; a rule set built in code still cannot pay by accident.
    nursing = YUEQING.nursing[0]
    partial = replace(nursing, amount=Amount(tiers=nursing.amount.tiers[:1]))
    ruleset = replace(YUEQING, nursing=(partial,))
    decision = decide(ruleset, Subsidy.NURSING, facts(grade=2), ON)
    assert not decision.eligible
    assert decision.monthly_amount == D("0.00")
    assert [r.rule for r in decision.failed] == ["amount_standard"]
    assert decide(ruleset, Subsidy.NURSING, facts(grade=1), ON).monthly_amount == D("300.00")


def test_before_the_first_version_is_a_clear_error():
    with pytest.raises(NotInForceError, match="the earliest version starts 2016-01-01") as info:
        decide(LINZI, Subsidy.NURSING, facts(), dt.date(2015, 12, 31))
    assert "尚无有效的重度残疾人护理补贴规则（最早版本自 2016-01-01 起）" in info.value.message
    with pytest.raises(NotInForceError, match="2015-12-31"):
        decide(YUEQING, "living", facts(), dt.date(2015, 12, 31))


# --- national exclusions ----------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", [YUEQING, LINZI], ids=["yueqing", "linzi"])
@pytest.mark.parametrize(
    ("over", "living_rule", "nursing_rule", "fragment"),
    [
        ({"household_type": "tekun"}, "not_tekun", "not_tekun", "是特困供养人员"),
        ({"work_injury_care_allowance": True}, "no_work_injury_care", "no_work_injury_care",
         "两项补贴均不享受"),
        ({"orphan_basic_living": True}, "not_orphan", None, "正在享受孤儿基本生活保障"),
        ({"alive": False}, "alive", "alive", "已死亡"),
        ({"hukou_in_region": False}, "hukou_in_region", "hukou_in_region", "应向户籍地申请"),
        ({"certificate_status": "cancelled"}, "certificate_valid", "certificate_valid", "证件已注销"),
        ({"certificate_status": "expired"}, "certificate_valid", "certificate_valid", "证件已过期"),
        ({"certificate_status": "transferred_out"}, "certificate_valid", "certificate_valid", "证件已迁出"),
        ({"certificate_status": "none", "category": None, "grade": None}, "certificate_valid",
         "certificate_valid", "证件未持证"),
        ({"certificate_valid_until": dt.date(2024, 5, 31)}, "certificate_valid", "certificate_valid",
         "已于 2024-05-31 到期"),
    ],
)
def test_exclusions(ruleset, over, living_rule, nursing_rule, fragment):
    for subsidy, rule in ((Subsidy.LIVING, living_rule), (Subsidy.NURSING, nursing_rule)):
        decision = decide(ruleset, subsidy, facts(**over), ON)
        if rule is None:  # orphans still get the nursing subsidy
            assert decision.eligible
            assert "not_orphan" not in rules_of(decision)
            continue
        assert not decision.eligible
        assert decision.monthly_amount == D("0.00")
        # a 特困 household is not a 低保 one, and no certificate means no grade, so other
        # rules may fail too; the named one always does
        assert rule in [r.rule for r in decision.failed]
        assert {r.rule for r in decision.failed} <= {rule, "hardship", "target_group"}
        assert fragment in decision.reason(rule).text_zh
        assert rules_of(decision) == (LIVING_CHECKS if subsidy is Subsidy.LIVING else NURSING_CHECKS)


def test_certificate_valid_through_its_last_day_and_without_a_recorded_expiry():
    assert decide(LINZI, Subsidy.LIVING, facts(certificate_valid_until=ON), ON).eligible
    undated = decide(LINZI, Subsidy.LIVING, facts(certificate_valid_until=None), ON)
    assert undated.eligible
    assert "有效期未记录" in undated.reason("certificate_valid").text_zh


def test_every_rule_is_listed_when_everything_fails():
    person = facts(alive=False, certificate_status="cancelled", hukou_in_region=False,
                   household_type="tekun", work_injury_care_allowance=True, orphan_basic_living=True,
                   needs_long_term_care=False)
    for ruleset in (YUEQING, LINZI):
        living = decide(ruleset, Subsidy.LIVING, person, ON)
        nursing = decide(ruleset, Subsidy.NURSING, person, ON)
        assert rules_of(living) == LIVING_CHECKS
        assert rules_of(nursing) == NURSING_CHECKS
        assert not any(r.passed for r in living.reasons + nursing.reasons)
        for reason in living.reasons + nursing.reasons:
            assert reason.text_zh
            assert reason.text_en


# --- 择高 -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowances", "eligible", "amount", "fragment"),
    [
        ({}, True, "300.00", "未享受同类补贴"),
        ({"elderly_care": D("0")}, True, "300.00", "未享受同类补贴"),
        ({"elderly_care": D("100")}, True, "200.00",
         "已享受老年人护理补贴 100.00 元，低于重度残疾人护理补贴 300.00 元，补差 200.00 元"),
        ({"elderly_care": D("299.99")}, True, "0.01", "补差 0.01 元"),
        ({"elderly_care": D("300")}, False, "0.00",
         "不低于重度残疾人护理补贴 300.00 元，按择高不再发放"),
        ({"elderly_care": D("400")}, False, "0.00", "已享受老年人护理补贴 400.00 元"),
        ({"elderly_living": D("500")}, True, "300.00", "未享受同类补贴"),  # a living allowance: other type
        ({"elderly_care": D("100"), "retired_cadre_care": D("150")}, True, "150.00",
         "离休干部护理费 150.00 元"),
    ],
)
def test_choose_the_higher_of_same_type_allowances(allowances, eligible, amount, fragment):
    decision = decide(YUEQING, Subsidy.NURSING, facts(other_allowances=allowances), ON)
    assert decision.eligible is eligible
    assert decision.monthly_amount == D(amount)
    reason = decision.reason("choose_higher")
    assert reason.passed is eligible
    assert fragment in reason.text_zh
    assert decision.failed == (() if eligible else (reason,))


def test_choose_higher_compares_the_whole_entitlement_after_uplift_and_floor():
    institution = facts(institutional_care=True, other_allowances={"elderly_care": D("400")})
    assert decide(YUEQING, Subsidy.NURSING, institution, ON).monthly_amount == D("50.00")  # 450 − 400
    living = facts(other_allowances={"elderly_living": D("100"), "elderly_care": D("999")})
    assert decide(YUEQING, Subsidy.LIVING, living, ON).monthly_amount == D("260.00")  # 360 − 100
    assert decide(LINZI, Subsidy.LIVING, living, ON).monthly_amount == D("90.00")  # 190 − 100


# --- money ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dibao", "living"),
                         [("1333.35", "400.01"), ("1333.33", "400.00"), ("1200.00", "360.00")])
def test_amounts_round_half_up_to_the_fen(dibao, living):
    data = shipped_data("yueqing")
    in_force = max((row for row in data["dibao_standard"] if row["effective_from"] <= ON),
                   key=lambda row: row["effective_from"])
    in_force["monthly"] = dibao
    ruleset = rulesets.parse(data)
    assert decide(ruleset, Subsidy.LIVING, facts(), ON).monthly_amount == D(living)


def test_uplift_rounds_half_up_to_the_fen():
    data = shipped_data("yueqing")
    data["subsidies"]["nursing"][0]["amount"]["tiers"][0]["monthly"] = "333.33"  # × 1.5 = 499.995
    decision = decide(rulesets.parse(data), Subsidy.NURSING, facts(institutional_care=True), ON)
    assert decision.monthly_amount == D("500.00")
    assert decision.monthly_amount.as_tuple().exponent == -2


# --- facts are checked --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"birth_date": "1970-05-17"}, "birth_date"),
        ({"certificate_status": "valid"}, "certificate_status"),
        ({"grade": 5}, "grade"),
        ({"category": 0}, "category"),
        ({"category": True}, "category"),
        ({"grade": None}, "grade"),  # an issued certificate has a grade
        ({"household_type": "dibao household"}, "household_type"),
        ({"household_income_per_capita": 1500.0}, "household_income_per_capita"),
        ({"own_income": D("-1")}, "own_income"),
        ({"own_income": D("NaN")}, "own_income"),
        ({"care_months": -1}, "care_months"),
        ({"care_months": 6.5}, "care_months"),
        ({"other_allowances": {"pension": D("100")}}, "other_allowances"),
        ({"other_allowances": {"elderly_care": 100}}, "other_allowances[elderly_care]"),
    ],
)
def test_bad_facts_are_a_clear_error(over, code):
    with pytest.raises(FactsError) as info:
        facts(**over)
    assert info.value.code == code
    # One language at a time: English for developers (str), the active language shown.
    assert not re.search(r"[\u4e00-\u9fff]", str(info.value))
    with translation.override("zh-hans"):
        assert re.search(r"[\u4e00-\u9fff]", info.value.message)
        assert not re.search(r"\([a-z]", info.value.message)


def test_facts_are_immutable():
    person = facts(other_allowances={"elderly_care": D("1")})
    with pytest.raises(AttributeError):
        person.grade = 2
    with pytest.raises(TypeError):
        person.other_allowances["elderly_care"] = D("2")


def test_an_unknown_subsidy_is_refused():
    with pytest.raises(ValueError, match="housing"):
        decide(YUEQING, "housing", facts(), ON)
    with pytest.raises(KeyError):
        decide(YUEQING, Subsidy.LIVING, facts(), ON).reason("no_such_rule")


# --- properties -------------------------------------------------------------------------------------------

money = st.one_of(st.none(), st.decimals(min_value=0, max_value=5000, places=2))
facts_strategy = st.builds(
    Facts,
    birth_date=st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)),
    alive=st.booleans(),
    certificate_status=st.sampled_from(["issued", "issued", "issued", "expired", "cancelled"]),
    certificate_valid_until=st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2035, 1, 1))),
    category=st.integers(1, 7),
    grade=st.integers(1, 4),
    household_type=st.sampled_from(sorted(rulesets.HOUSEHOLD_TYPES)),
    household_income_per_capita=money,
    own_income=money,
    needs_long_term_care=st.booleans(),
    care_months=st.one_of(st.none(), st.integers(0, 36)),
    institutional_care=st.booleans(),
    hukou_in_region=st.booleans(),
    work_injury_care_allowance=st.booleans(),
    orphan_basic_living=st.booleans(),
    other_allowances=st.dictionaries(st.sampled_from(sorted(rulesets.ALLOWANCE_TYPES)),
                                     st.decimals(min_value=0, max_value=600, places=2), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(person=facts_strategy, on=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
       ruleset=st.sampled_from([YUEQING, LINZI]), subsidy=st.sampled_from(list(Subsidy)))
def test_decisions_are_consistent(person, on, ruleset, subsidy):
    decision = decide(ruleset, subsidy, person, on)
    assert decision.eligible == all(r.passed for r in decision.reasons)
    assert (decision.monthly_amount > 0) == decision.eligible
    assert decision.monthly_amount == decision.monthly_amount.quantize(D("0.01"))
    assert decision.rule_version == ruleset.rules_on(subsidy, on).version
    checks = LIVING_CHECKS if subsidy is Subsidy.LIVING else NURSING_CHECKS
    assert rules_of(decision)[:len(checks)] == checks
    assert len(set(rules_of(decision))) == len(decision.reasons)
    if person.household_type == "tekun" or person.work_injury_care_allowance or not person.alive:
        assert not decision.eligible
    if decision.eligible and not person.other_allowances:
        # without 择高 the amount is the standard (raised by uplift and floor, never lowered)
        standard = ruleset.rules_on(subsidy, on)
        floor = standard.floor or D(0)
        assert decision.monthly_amount >= floor


@settings(max_examples=100, deadline=None)
@given(person=facts_strategy, on=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_decide_is_a_pure_function(person, on):
    assert decide(YUEQING, Subsidy.NURSING, person, on) == decide(YUEQING, Subsidy.NURSING, person, on)


# --- payment period ----------------------------------------------------------------------------------------


def test_payment_counts_from_the_month_of_application():
    assert first_payable_month(dt.date(2024, 3, 31)) == dt.date(2024, 3, 1)
    assert first_payable_month(dt.date(2024, 3, 1)) == dt.date(2024, 3, 1)


def test_payment_stops_from_the_month_after_the_event():
    # Death on 2024-12-31: December is still paid, January 2025 is not.
    assert last_payable_month(dt.date(2024, 12, 31)) == dt.date(2024, 12, 1)
    assert last_payable_month(dt.date(2024, 2, 1)) == dt.date(2024, 2, 1)


def test_payable_months_across_a_year_end():
    months = payable_months(first_payable_month(dt.date(2024, 11, 20)),
                            last_payable_month(dt.date(2025, 2, 3)))
    assert months == (dt.date(2024, 11, 1), dt.date(2024, 12, 1), dt.date(2025, 1, 1),
                      dt.date(2025, 2, 1))
    assert payable_months(dt.date(2024, 5, 9), dt.date(2024, 5, 20)) == (dt.date(2024, 5, 1),)
    assert payable_months(dt.date(2024, 5, 1), dt.date(2024, 4, 30)) == ()


@given(start=st.dates(dt.date(2016, 1, 1), dt.date(2040, 12, 31)), span=st.integers(0, 400))
def test_payable_months_counts_calendar_months(start, span):
    end = start + dt.timedelta(days=span)
    months = payable_months(start, end)
    assert len(months) == (end.year - start.year) * 12 + end.month - start.month + 1
    assert all(m.day == 1 for m in months)
    assert months[0] == first_payable_month(start)
    assert months[-1] == last_payable_month(end)
