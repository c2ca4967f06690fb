"""The pure programme rules: the strict reader names file, entry and field; every rule is
explained in words; versions change on their dates; the ceiling cuts a bill."""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.programmes import rules

DAY = dt.date(2026, 6, 1)


def _file(code="linzi"):
    return (rules.DATA_DIR / f"{code}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", ["yueqing", "linzi"])
def test_shipped_files_load_and_mark_demo_amounts(code):
    catalogue = rules.shipped(code)
    assert {"child_rehab", "pension_premium", "medical_premium", "care_subsidy",
            "accident_insurance", "student_aid", "transport_concession"} <= set(
        catalogue.programmes)
    for p in catalogue:
        b = p.latest.benefit
        # every local amount is unconfirmed; the subsidies take theirs from the subsidy rules
        assert b.kind == "concession" or b.demo or b.from_subsidy_rules, p.code
    assert "demo value, unconfirmed" in _file(code)


@pytest.mark.parametrize(("old", "new", "entry", "field"), [
    ("max: 6}", "max: 6, maxx: 3}", "programmes.child_rehab[0] (2024-01-01)", "eligibility.1.maxx"),
    ('amount: "380.00"', 'amount: "-1"', "programmes.medical_premium[0] (2024-01-01)",
     "benefit.amount"),
    ("rule: household", "rule: householdx", "programmes.pension_premium[0] (2024-01-01)",
     "eligibility.2.rules.1"),
    ("{kind: institution, designation: rehabilitation}", "{kind: ledger}",
     "programmes.child_rehab[0] (2024-01-01)", "(version)"),
    ("approve: federation_staff, days: 15}\n      settlement: {kind: institution",
     "approve: township_staff, days: 15}\n      settlement: {kind: institution",
     "programmes.child_rehab[0] (2024-01-01)", "(version)"),
    ("department_zh: 临淄区医疗保障局", "department_zh: ''",
     "programmes.medical_premium[0] (2024-01-01)", "settlement"),
])
def test_errors_name_file_entry_and_field(old, new, entry, field):
    text = _file().replace(old, new, 1)
    assert text != _file()
    with pytest.raises(rules.RuleFileError) as caught:
        rules.loads(text, "linzi.yaml")
    assert (caught.value.file, caught.value.entry, caught.value.field) == (
        "linzi.yaml", entry, field)
    assert caught.value.message.startswith(f"项目规则文件 linzi.yaml，条目 {entry}，字段 {field}")


def test_two_versions_on_one_day_and_bad_yaml_are_refused():
    text = _file()
    block = text[text.index("  startup_subsidy:\n") + len("  startup_subsidy:\n"):]
    with pytest.raises(rules.RuleFileError, match="effective_from"):
        rules.loads(text + block, "linzi.yaml")
    with pytest.raises(rules.RuleFileError, match="YAML"):
        rules.loads("schema: [1", "x.yaml")
    with pytest.raises(rules.RuleFileError, match="field schema"):
        rules.loads(text.replace("schema: 1", "schema: 2"), "linzi.yaml")


def _child(**kw):
    base = {"birth_date": dt.date(2020, 6, 2), "certificate_valid": True, "category": 5,
            "grade": 2}
    return rules.Facts(**{**base, **kw})


def test_child_rehabilitation_age_and_reasons_in_words():
    child = rules.shipped("linzi").get("child_rehab")
    assert child is not None
    verdict = rules.decide(child, _child(), DAY)  # five on 2026-06-01
    assert verdict is not None and verdict.eligible and verdict.amount == Decimal("24000.00")
    assert "5 周岁，在 0–6 周岁 之内" in verdict.why_zh()
    seven = rules.decide(child, _child(birth_date=dt.date(2019, 5, 31)), DAY)
    assert seven is not None and not seven.eligible
    assert seven.why_zh() == "2026-06-01 时 7 周岁，不在 0–6 周岁 之内"
    # Yueqing's local extension to 14 admits the same child.
    yq = rules.shipped("yueqing").get("child_rehab")
    assert yq is not None and rules.decide(yq, _child(birth_date=dt.date(2019, 5, 31)), DAY).eligible
    uncertified = rules.decide(child, _child(certificate_valid=False, category=None), DAY)
    assert uncertified is not None and "没有有效的残疾人证" in uncertified.why_zh()
    dead = rules.decide(child, _child(alive=False), DAY)
    assert dead is not None and not dead.eligible and "本人已去世" in dead.why_zh()


def test_any_of_severe_or_hardship():
    premium = rules.shipped("yueqing").get("medical_premium")
    assert premium is not None
    adult = dt.date(1980, 1, 1)
    severe = rules.decide(premium, _child(birth_date=adult, grade=1), DAY)
    assert severe is not None and severe.eligible and "重度残疾或困难家庭：满足" in severe.why_zh()
    poor = rules.decide(premium, _child(birth_date=adult, grade=4, household_type="dibao"), DAY)
    assert poor is not None and poor.eligible
    neither = rules.decide(premium, _child(birth_date=adult, grade=4), DAY)
    assert neither is not None and not neither.eligible
    assert "均不满足" in neither.why_zh() and "普通家庭" in neither.why_zh()


def test_care_subsidy_rests_on_a_placement_and_pays_by_mode():
    care = rules.shipped("yueqing").get("care_subsidy")
    assert care is not None
    none = rules.decide(care, _child(), DAY)
    assert none is not None and not none.eligible and "没有有效的托养安置记录" in none.why_zh()
    day = rules.decide(care, _child(care_modes=frozenset({"day"})), DAY)
    assert day is not None and day.eligible and day.amount == Decimal("200.00")
    respite = rules.decide(care, _child(care_modes=frozenset({"respite"})), DAY)
    assert respite is not None and not respite.eligible and "不属于" in respite.why_zh()


def test_versions_change_on_their_dates():
    text = _file("yueqing") + """
  bus_pass:
    - effective_from: 2026-01-01
      name_zh: 公交卡
      name_en: Bus pass
      basis: 测试依据
      applicants: [person]
      channels: [offer]
      eligibility: [{rule: certificate_valid}]
      benefit: {kind: yearly_cash, amount: "100.00"}
      settlement: {kind: ledger}
    - effective_from: 2026-07-01
      name_zh: 公交卡
      name_en: Bus pass
      basis: 测试依据
      applicants: [person]
      channels: [offer]
      eligibility: [{rule: certificate_valid}, {rule: grades, any_of: [1]}]
      benefit: {kind: yearly_cash, amount: "150.00"}
      settlement: {kind: ledger}
"""
    bus = rules.loads(text).get("bus_pass")
    assert bus is not None
    assert bus.on(dt.date(2025, 12, 31)) is None
    assert rules.decide(bus, _child(), dt.date(2026, 6, 30)).amount == Decimal("100.00")
    assert not rules.decide(bus, _child(), dt.date(2026, 7, 1)).eligible
    assert rules.decide(bus, _child(grade=1), dt.date(2026, 7, 1)).amount == Decimal("150.00")


def test_bills_are_cut_at_the_yearly_ceiling():
    ceiling = Decimal("24000")
    assert rules.accept_bill(Decimal("3000"), ceiling, Decimal("20000")) == (Decimal("3000"), "")
    accepted, why = rules.accept_bill(Decimal("3000"), ceiling, Decimal("22000"))
    assert accepted == Decimal("2000") and "超过每人每年限额 24000 元" in why and "核减 1000 元" in why
    assert rules.accept_bill(Decimal("100"), ceiling, ceiling)[0] == 0
    with pytest.raises(ValueError, match="above zero") as info:
        rules.accept_bill(Decimal("0"), ceiling, Decimal("0"))
    assert "大于零" in info.value.message  # translated when read (Chinese in tests)
    assert rules.age_on(dt.date(2020, 2, 29), dt.date(2026, 2, 28)) == 5


def test_errors_come_from_the_shared_reader_with_the_reason_in_both_languages():
    """The programme file is read by ``core.rulefile``; a rule between two values (a
    validator) names its reason in Chinese and English, and the page shows one of them."""
    from canlian.core.rulefile import RuleFileError as SharedError

    text = _file().replace("{kind: institution, designation: rehabilitation}", "{kind: ledger}", 1)
    with pytest.raises(rules.RuleFileError) as caught:
        rules.loads(text, "linzi.yaml")
    error = caught.value
    assert isinstance(error, SharedError) and error.file == "linzi.yaml"
    assert error.in_language("zh-hans").endswith("institution_bill（机构结算待遇）须以 institution 方式结算")
    assert error.in_language("en") == ("linzi.yaml: entry programmes.child_rehab[0] (2024-01-01), "
                                       "field (version): an institution_bill benefit is settled "
                                       "with kind institution")
    with pytest.raises(rules.RuleFileError) as caught:
        rules.loads("programmes: [1\n", "draft.yaml")
    assert "第 1 行" in caught.value.field or "第 2 行" in caught.value.field
