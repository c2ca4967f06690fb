"""Loading and validating the rule-set files. No database: plain functions."""

import copy
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
import yaml

from canlian.benefits import rulesets
from canlian.benefits.rulesets import NotInForceError, RuleSetError, Subsidy
from canlian.core import rulefile

D = Decimal


def shipped_data(code: str = "yueqing") -> dict:
    return yaml.safe_load((rulesets.DATA_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


def load_broken(tmp_path, data, name: str = "broken.yaml") -> RuleSetError:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        rulesets.load(path)
    return info.value


# --- the shipped rule sets ------------------------------------------------------------------------


def test_both_deployments_ship_a_rule_set():
    assert rulesets.available() == ["linzi", "yueqing"]
    for code in rulesets.available():
        ruleset = rulesets.load_shipped(code)
        assert ruleset.code == code
        assert ruleset.file == f"{code}.yaml"
        assert ruleset.living
        assert ruleset.nursing


def test_yueqing_rules_read_as_the_zhejiang_policy():
    ruleset = rulesets.load_shipped("yueqing")
    assert (ruleset.region_code, ruleset.province) == ("330382", "浙江省")
    living = ruleset.rules_on(Subsidy.LIVING, dt.date(2024, 6, 1))
    assert living.amount.dibao_ratio == D("0.30")
    assert living.household_types == ("dibao",)
    assert living.income_test.dibao_multiple == D("1.5")
    assert living.income_test.household_per_capita is True
    assert living.income_test.own_income_working_age == (16, 59)
    nursing = ruleset.rules_on("nursing", dt.date(2024, 6, 1))
    assert [t.grades for t in nursing.amount.tiers] == [(1,), (2,), (3, 4)]
    assert nursing.institutional_care_uplift == D("0.50")
    assert [(g.categories, g.grades, g.long_term_care) for g in nursing.target_groups] == [
        ((1, 2, 3, 4, 5, 6, 7), (1, 2), True),
        ((5, 6), (3, 4), False),
    ]
    assert [s.monthly for s in ruleset.dibao_standards][-2:] == [D("1200.00"), D("1300.00")]


def test_linzi_rules_read_as_the_shandong_policy():
    ruleset = rulesets.load_shipped("linzi")
    assert (ruleset.region_code, ruleset.province) == ("370305", "山东省")
    assert ruleset.dibao_on(dt.date(2025, 6, 1)).monthly == D("860.00")  # for the 低保 indicator
    for subsidy in Subsidy:
        for version in ruleset.versions(subsidy):
            assert version.floor == D("80.00")
            assert all(t.monthly >= D(80) for t in version.amount.tiers)
    living = ruleset.rules_on(Subsidy.LIVING, dt.date(2025, 8, 1))
    assert living.household_types == ("dibao",)
    assert living.income_test is None
    assert [t.grades for t in living.amount.tiers] == [(1, 2), (3, 4)]
    nursing = ruleset.rules_on(Subsidy.NURSING, dt.date(2025, 8, 1))
    assert [(g.categories, g.grades, g.long_term_care) for g in nursing.target_groups] == [
        ((1, 4, 5, 6), (1, 2), True)]
    assert nursing.institutional_care_uplift == 0


def test_unconfirmed_amounts_are_marked_in_the_files():
    for code in rulesets.available():
        text = (rulesets.DATA_DIR / f"{code}.yaml").read_text(encoding="utf-8")
        money_lines = [line for line in text.splitlines() if line.strip().startswith("monthly:")]
        assert money_lines
        assert all("unconfirmed" in line for line in money_lines), code


def test_unknown_deployment_names_the_available_ones():
    with pytest.raises(FileNotFoundError, match="linzi, yueqing"):
        rulesets.load_shipped("atlantis")
    with pytest.raises(FileNotFoundError, match="找不到规则文件"):
        rulesets.load("/nonexistent/rules.yaml")


# --- versions -------------------------------------------------------------------------------------


def test_the_version_in_force_is_the_latest_started():
    ruleset = rulesets.load_shipped("yueqing")
    assert ruleset.rules_on(Subsidy.NURSING, dt.date(2021, 1, 1)).version == "2016-01-01"
    assert ruleset.rules_on(Subsidy.NURSING, dt.date(2025, 12, 31)).version == "2016-01-01"
    assert ruleset.rules_on(Subsidy.NURSING, dt.date(2026, 1, 1)).version == "2026-01-01"
    assert ruleset.rules_on(Subsidy.NURSING, dt.date(2040, 1, 1)).version == "2026-01-01"
    assert ruleset.dibao_on(dt.date(2025, 6, 30)).monthly == D("1200.00")
    assert ruleset.dibao_on(dt.date(2025, 7, 1)).monthly == D("1300.00")


def test_versions_may_be_listed_in_any_order():
    data = shipped_data()
    data["subsidies"]["nursing"].reverse()
    data["dibao_standard"].reverse()
    ruleset = rulesets.parse(data, file="reordered.yaml")
    assert [v.version for v in ruleset.nursing] == ["2016-01-01", "2026-01-01"]
    assert ruleset.dibao_on(dt.date(2025, 7, 1)).monthly == D("1300.00")


def test_a_date_before_every_version_is_a_clear_error():
    ruleset = rulesets.load_shipped("yueqing")
    with pytest.raises(NotInForceError) as info:
        ruleset.rules_on(Subsidy.LIVING, dt.date(2015, 12, 31))
    assert info.value.earliest == dt.date(2016, 1, 1)
    assert "yueqing" in info.value.message
    assert "2015-12-31" in info.value.message
    assert "最早版本自 2016-01-01 起" in info.value.message
    assert "困难残疾人生活补贴" in info.value.message
    with pytest.raises(NotInForceError, match="dibao standard") as info:
        ruleset.dibao_on(dt.date(2015, 1, 1))
    assert "尚无有效的低保标准" in info.value.message
    without = shipped_data("linzi")
    del without["dibao_standard"]
    with pytest.raises(NotInForceError, match="no versions"):
        rulesets.parse(without, file="linzi-without-dibao.yaml").dibao_on(dt.date(2025, 1, 1))


def test_rule_sets_are_frozen():
    ruleset = rulesets.load_shipped("linzi")
    with pytest.raises(AttributeError):
        ruleset.code = "other"
    with pytest.raises(AttributeError):
        ruleset.living[0].floor = D(0)


# --- bad files: every error names the file, the rule and the field --------------------------------


def test_missing_field_names_file_rule_and_field(tmp_path):
    data = shipped_data()
    del data["subsidies"]["nursing"][1]["amount"]["tiers"][0]["monthly"]
    error = load_broken(tmp_path, data)
    assert error.file == "broken.yaml"
    assert error.rule == "subsidies.nursing[1] (2026-01-01)"
    assert error.field == "amount.tiers[0].monthly"
    assert "缺少字段 monthly" in error.message
    assert "missing key(s) monthly" in str(error)
    for part in ("broken.yaml", "subsidies.nursing[1] (2026-01-01)", "amount.tiers[0].monthly"):
        assert part in str(error)


def test_missing_effective_from(tmp_path):
    data = shipped_data("linzi")
    del data["subsidies"]["living"][2]["effective_from"]
    error = load_broken(tmp_path, data, "linzi-bad.yaml")
    assert (error.file, error.rule, error.field) == (
        "linzi-bad.yaml", "subsidies.living[2]", "effective_from")


def test_unknown_subsidy(tmp_path):
    data = shipped_data()
    data["subsidies"]["housing"] = data["subsidies"]["living"]
    error = load_broken(tmp_path, data)
    assert (error.rule, error.field) == ("subsidies", "housing")
    assert "未知字段 housing" in error.message
    assert "unknown key(s) housing" in str(error)


def test_missing_subsidy(tmp_path):
    data = shipped_data()
    del data["subsidies"]["nursing"]
    error = load_broken(tmp_path, data)
    assert (error.rule, error.field) == ("subsidies", "nursing")
    assert "缺少字段 nursing" in error.message


def test_negative_amount(tmp_path):
    data = shipped_data("linzi")
    data["subsidies"]["living"][1]["amount"]["tiers"][1]["monthly"] = "-140.00"
    error = load_broken(tmp_path, data)
    assert error.rule == "subsidies.living[1] (2024-01-01)"
    assert error.field == "amount.tiers[1].monthly"
    assert "金额不能为负数" in error.message
    assert "must not be negative" in str(error)


def test_negative_dibao_standard(tmp_path):
    data = shipped_data()
    data["dibao_standard"][1]["monthly"] = -1300
    error = load_broken(tmp_path, data)
    assert (error.rule, error.field) == ("dibao_standard[1] (2019-07-01)", "monthly")
    assert "金额不能为负数" in error.message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "syntax.yaml"
    path.write_text("schema: 1\nruleset: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        rulesets.load(path)
    assert info.value.file == "syntax.yaml"
    assert "YAML 语法错误" in info.value.message
    assert "第 3 行" in info.value.message and "at line 3" in str(info.value)


def mutate(data, path, value):
    """Set ``value`` at ``path`` (a list of keys/indexes); a value of ``...`` deletes."""
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value


NURSING_0 = ["subsidies", "nursing", 0]
LIVING_0 = ["subsidies", "living", 0]


@pytest.mark.parametrize(
    ("path", "value", "rule", "field", "fragment"),
    [
        (["schema"], 2, "-", "schema", "不支持的格式版本"),
        (["ruleset", "province"], ..., "ruleset", "province", "缺少字段 province"),
        (["ruleset", "colour"], "red", "ruleset", "colour", "未知字段"),
        (["subsidies"], ["living"], "-", "subsidies", "应为映射"),
        (["subsidies", "living"], [], "subsidies", "living", "应为非空列表"),
        ([*LIVING_0, "effective_form"], "2024-01-01", "subsidies.living[0] (2016-01-01)",
         "effective_form", "未知字段"),
        ([*LIVING_0, "effective_from"], "2024-13-01", "subsidies.living[0] (2024-13-01)",
         "effective_from", "应为日期"),
        ([*LIVING_0, "effective_from"], dt.datetime(2024, 1, 1, 8, 0),
         "subsidies.living[0] (2024-01-01 08:00:00)", "effective_from", "应为日期（YYYY-MM-DD）"),
        ([*LIVING_0, "household_types"], ["dibao", "rich"], "subsidies.living[0] (2016-01-01)",
         "household_types", "未知代码 'rich'"),
        ([*LIVING_0, "household_types"], ["dibao", "tekun"], "subsidies.living[0] (2016-01-01)",
         "household_types", "特困供养人员依国家规定不享受"),
        ([*LIVING_0, "amount", "dibao_ratio"], "1.30", "subsidies.living[0] (2016-01-01)",
         "amount.dibao_ratio", "应在 (0, 1] 范围内"),
        ([*LIVING_0, "amount", "dibao_ratio"], "thirty", "subsidies.living[0] (2016-01-01)",
         "amount.dibao_ratio", "应为数字"),
        ([*LIVING_0, "amount", "dibao_ratio"], ".nan", "subsidies.living[0] (2016-01-01)",
         "amount.dibao_ratio", "应为数字"),
        ([*LIVING_0, "amount", "dibao_ratio"], "NaN", "subsidies.living[0] (2016-01-01)",
         "amount.dibao_ratio", "应为有限数字"),
        ([*LIVING_0, "amount", "dibao_ratio"], True, "subsidies.living[0] (2016-01-01)",
         "amount.dibao_ratio", "应为数字"),
        ([*LIVING_0, "amount", "tiers"], [{"name": "all", "grades": [1, 2, 3, 4], "monthly": 100}],
         "subsidies.living[0] (2016-01-01)", "amount", "恰好给出 dibao_ratio 或 tiers"),
        ([*LIVING_0, "amount"], "360", "subsidies.living[0] (2016-01-01)", "amount", "应为映射"),
        ([*LIVING_0, "income_test", "dibao_multiple"], 0, "subsidies.living[0] (2016-01-01)",
         "income_test.dibao_multiple", "范围内"),
        ([*LIVING_0, "income_test", "own_income_working_age"], [60, 16],
         "subsidies.living[0] (2016-01-01)", "income_test.own_income_working_age", "最小年龄"),
        ([*LIVING_0, "income_test", "household_per_capita"], "yes",
         "subsidies.living[0] (2016-01-01)", "income_test.household_per_capita", "true 或 false"),
        ([*LIVING_0, "choose_higher_with"], ["elderly_pension"], "subsidies.living[0] (2016-01-01)",
         "choose_higher_with", "未知代码 'elderly_pension'"),
        ([*NURSING_0, "amount", "tiers", 0, "monthly"], "300.005", "subsidies.nursing[0] (2016-01-01)",
         "amount.tiers[0].monthly", "最多保留两位小数"),
        ([*NURSING_0, "amount", "tiers", 0, "monthly"], 0, "subsidies.nursing[0] (2016-01-01)",
         "amount.tiers[0].monthly", "应大于 0"),
        ([*NURSING_0, "amount", "tiers", 1, "grades"], [1, 2], "subsidies.nursing[0] (2016-01-01)",
         "amount.tiers[1].grades", "已属于档次"),
        ([*NURSING_0, "amount", "tiers", 2, "grades"], [3], "subsidies.nursing[0] (2016-01-01)",
         "amount.tiers", "没有档次覆盖 [4] 级"),
        ([*NURSING_0, "amount", "tiers"], [], "subsidies.nursing[0] (2016-01-01)",
         "amount.tiers", "非空的档次列表"),
        ([*NURSING_0, "target_groups", 0, "categories"], [1, 8], "subsidies.nursing[0] (2016-01-01)",
         "target_groups[0].categories", "残疾类别应为 1–7，实际为 8"),
        ([*NURSING_0, "target_groups", 0, "grades"], [1, 1], "subsidies.nursing[0] (2016-01-01)",
         "target_groups[0].grades", "有重复"),
        ([*NURSING_0, "target_groups"], ..., "subsidies.nursing[0] (2016-01-01)",
         "target_groups", "须列出补贴对象"),
        ([*NURSING_0, "long_term_care_min_months"], 0, "subsidies.nursing[0] (2016-01-01)",
         "long_term_care_min_months", "不应小于 1"),
        ([*NURSING_0, "institutional_care_uplift"], "-0.5", "subsidies.nursing[0] (2016-01-01)",
         "institutional_care_uplift", "范围内"),
        ([*NURSING_0, "floor"], "-80", "subsidies.nursing[0] (2016-01-01)", "floor", "不能为负数"),
        ([*NURSING_0, "basis"], "  ", "subsidies.nursing[0] (2016-01-01)", "basis", "非空文本"),
        ([*NURSING_0, "target_groups"], [], "subsidies.nursing[0] (2016-01-01)", "target_groups",
         "应为非空列表"),
        ([*NURSING_0, "target_groups", 1, "categories"], [], "subsidies.nursing[0] (2016-01-01)",
         "target_groups[1].categories", "应为非空列表（残疾类别）"),
        ([*LIVING_0, "household_types"], "dibao", "subsidies.living[0] (2016-01-01)", "household_types",
         "应为列表"),
        (["ruleset", "sources"], "52号", "ruleset", "sources", "应为列表"),
        (["dibao_standard"], {"monthly": 1200}, "-", "dibao_standard", "应为列表"),
        (["subsidies", "nursing", 1, "effective_from"], dt.date(2016, 1, 1), "subsidies.nursing",
         "effective_from", "同一生效日期 2016-01-01 出现两次"),
    ],
)
def test_each_bad_field_is_named(tmp_path, path, value, rule, field, fragment):
    data = shipped_data()
    mutate(data, path, value)
    error = load_broken(tmp_path, data)
    assert (error.file, error.rule, error.field) == ("broken.yaml", rule, field), error.message
    assert fragment in error.message
    # The message in the active language (Chinese), str() in English.
    assert error.message.startswith(f"规则文件 {error.file}，规则 {rule}，字段 {field}：")
    assert str(error).startswith(f"Rules file {error.file}, rule {rule}, field {field}: ")


def test_living_subsidy_needs_a_hardship_test(tmp_path):
    data = shipped_data()
    del data["subsidies"]["living"][0]["household_types"]
    del data["subsidies"]["living"][0]["income_test"]
    error = load_broken(tmp_path, data)
    assert error.field == "household_types"
    assert "困难认定条件" in error.message


def test_dibao_ratio_needs_a_dibao_standard_in_force(tmp_path):
    data = shipped_data()
    data["dibao_standard"] = data["dibao_standard"][1:]  # first standard now 2019-07-01
    error = load_broken(tmp_path, data)
    assert error.rule == "subsidies.living[0] (2016-01-01)"
    assert error.field == "amount.dibao_ratio"
    assert "最早自 2019-07-01 起" in error.message
    del data["dibao_standard"]
    assert load_broken(tmp_path, data).field == "amount.dibao_ratio"


def test_income_test_needs_a_dibao_standard(tmp_path):
    data = shipped_data("linzi")
    del data["dibao_standard"]
    data["subsidies"]["living"][0]["income_test"] = {"dibao_multiple": "1.5",
                                                     "household_per_capita": True}
    error = load_broken(tmp_path, data)
    assert (error.rule, error.field) == ("subsidies.living[0] (2016-01-01)", "income_test")


def test_income_test_needs_a_branch(tmp_path):
    data = shipped_data()
    data["subsidies"]["living"][0]["income_test"] = {"dibao_multiple": "1.5"}
    error = load_broken(tmp_path, data)
    assert error.field == "income_test"


def test_an_impossible_unquoted_date_is_a_rule_set_error(tmp_path):
    path = tmp_path / "date.yaml"
    text = (rulesets.DATA_DIR / "linzi.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("effective_from: 2024-01-01", "effective_from: 2024-13-01", 1),
                    encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        rulesets.load(path)
    assert info.value.file == "date.yaml"
    assert info.value.rule == "subsidies.living[1] (2024-13-01)"
    assert info.value.field == "effective_from"
    assert "应为日期" in info.value.message


def test_an_explicit_bad_timestamp_is_a_rule_set_error(tmp_path):
    path = tmp_path / "stamp.yaml"
    path.write_text("schema: 1\nwhen: !!timestamp 2024-13-01\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="invalid value") as info:
        rulesets.load(path)
    assert "无效的值" in info.value.message


def test_top_level_must_be_a_mapping(tmp_path):
    error = load_broken(tmp_path, ["not", "a", "mapping"])
    assert (error.rule, error.field) == ("-", "-")
    assert "应为映射" in error.message


def test_a_datetime_is_not_a_date():
    data = shipped_data()
    data["subsidies"]["living"][0]["effective_from"] = dt.datetime(2024, 1, 1, 8, 0)
    with pytest.raises(RuleSetError, match="without a time") as info:
        rulesets.parse(data)
    assert "不含时间" in info.value.message


def test_money_accepts_numbers_and_strings():
    data = shipped_data("linzi")
    data["subsidies"]["living"][0]["amount"]["tiers"][0]["monthly"] = 214
    data["subsidies"]["living"][0]["amount"]["tiers"][1]["monthly"] = 160.5
    data["subsidies"]["living"][0]["floor"] = "80"
    data["subsidies"]["living"][0]["effective_from"] = "2016-01-01"
    living = rulesets.parse(data).living[0]
    assert [t.monthly for t in living.amount.tiers] == [D("214.00"), D("160.50")]
    assert living.floor == D("80.00")
    assert living.effective_from == dt.date(2016, 1, 1)


def test_parse_does_not_modify_its_input():
    data = shipped_data()
    before = copy.deepcopy(data)
    rulesets.parse(data)
    assert data == before


def test_household_codes_match_the_people_model():
    from canlian.people.models import HouseholdType  # only this test needs Django

    assert set(rulesets.HOUSEHOLD_TYPES) == set(HouseholdType.values)


def test_the_rule_modules_do_not_import_django():
    code = ("import sys, canlian.benefits.eligibility, canlian.benefits.rulesets; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the shared reader (core.rulefile): a bad file names the file and the field -------------------


@pytest.mark.parametrize(
    ("path", "value", "rule", "field", "zh", "en"),
    [
        ([*NURSING_0, "amount", "tiers", 0, "monthly"], ..., "subsidies.nursing[0] (2016-01-01)",
         "amount.tiers[0].monthly", "缺少字段 monthly", "missing key(s) monthly"),
        ([*NURSING_0, "long_term_care_min_months"], "6", "subsidies.nursing[0] (2016-01-01)",
         "long_term_care_min_months", "应为整数", "valid integer"),
        ([*NURSING_0, "target_groups", 0, "colour"], "red", "subsidies.nursing[0] (2016-01-01)",
         "target_groups[0].colour", "未知字段 colour", "unknown key(s) colour"),
    ],
    ids=["missing field", "wrong type", "unknown key"],
)
def test_a_bad_file_is_named_by_file_and_field_in_both_languages(tmp_path, path, value, rule,
                                                                  field, zh, en):
    data = shipped_data()
    mutate(data, path, value)
    error = load_broken(tmp_path, data, "bad-rules.yaml")
    assert isinstance(error, rulefile.RuleFileError)
    assert (error.file, error.rule, error.field) == ("bad-rules.yaml", rule, field)
    assert error.in_language("zh-hans") == f"规则文件 bad-rules.yaml，规则 {rule}，字段 {field}：{error.zh}"
    assert zh in error.zh and zh in error.message  # the tests run in Chinese
    assert en in error.en and str(error) == error.in_language("en")
    assert str(error).startswith(f"Rules file bad-rules.yaml, rule {rule}, field {field}: ")
