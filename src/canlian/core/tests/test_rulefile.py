"""The one rule-file reader (``core.rulefile``): a bad file of each kind read through it
fails naming the file, the path inside it and the reason; good files load unchanged."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import pytest
import yaml
from pydantic import Field, field_validator

from canlian.community import ruleset
from canlian.core import rulefile
from canlian.core.rulefile import Number, RuleFileError, Schema, Text, refuse
from canlian.employment import levy
from canlian.indicators import plans


class Row(Schema):
    code: Text
    amount: Number
    days: Annotated[int, Field(ge=1, le=31)]

    @field_validator("code")
    @classmethod
    def _lower(cls, value: str) -> str:
        if value != value.lower():
            raise refuse("代码应为小写", "the code must be lower case")
        return value


class File(Schema):
    rows: list[Row]


def _fails(data: object, schema: type = File) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        rulefile.validate(data, schema, file="f.yaml")
    assert info.value.file == "f.yaml" and "f.yaml" in info.value.message
    return info.value


def test_a_good_file_is_read_exactly():
    got = rulefile.validate({"rows": [{"code": "a", "amount": "0.1", "days": 3}]}, File, file="f.yaml")
    assert got.rows[0].amount == Decimal("0.1") and got.rows[0].days == 3


@pytest.mark.parametrize(("data", "where", "en"), [
    ({"rows": [{"code": "a", "amount": "1", "days": 0}]}, "rows[0].days", "greater than or equal to 1"),
    ({"rows": [{"code": "a", "amount": "1", "days": "3"}]}, "rows[0].days", "valid integer"),
    ({"rows": [{"code": "a", "amount": "1", "days": True}]}, "rows[0].days", "valid integer"),
    ({"rows": [{"code": "a", "amount": 0.1, "days": 3}]}, "rows[0].amount", "write numbers as text"),
    ({"rows": [{"code": "a", "amount": "x", "days": 3}]}, "rows[0].amount", "not a number"),
    ({"rows": [{"code": " ", "amount": "1", "days": 3}]}, "rows[0].code", "at least 1 character"),
    ({"rows": [{"code": "A", "amount": "1", "days": 3}]}, "rows[0].code", "lower case"),
    ({"rows": [{"code": "a", "amount": "1"}]}, "rows[0]", "missing key(s) days"),
    ({"rows": [{"code": "a", "amount": "1", "days": 3, "dayz": 4}]}, "rows[0]", "unknown key(s) dayz"),
    ({"rowz": []}, "-", "missing key(s) rows"),
    ([1, 2], "-", "expected a mapping"),
])
def test_a_bad_file_names_the_path_and_the_reason(data, where, en):
    error = _fails(data)
    assert error.where == where
    assert en in error.en and error.zh


def test_yaml_syntax_and_impossible_values_name_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("rows: [\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="YAML") as info:
        rulefile.load(path, File)
    assert info.value.file == "bad.yaml" and info.value.where == "第 2 行"
    path.write_text("day: 2024-13-01\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="invalid value"):
        rulefile.load(path, File)
    with pytest.raises(FileNotFoundError):
        rulefile.load(tmp_path / "none.yaml", File)


def _community(tmp_path, name: str, change) -> RuleFileError:
    source = ruleset.CHECKLIST if name == "checklist.yaml" else ruleset.DATA_DIR / "linzi.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        (ruleset.load_checklist if name == "checklist.yaml" else ruleset.load)(path)
    assert info.value.file == name
    return info.value


def test_a_bad_community_rules_file(tmp_path):
    error = _community(tmp_path, "linzi.yaml",
                       lambda d: d["emergency"]["points"]["grade"].update({1: "30"}))
    assert error.where == "emergency.points.grade" and "whole number" in error.en
    error = _community(tmp_path, "linzi.yaml", lambda d: d["volunteers"].update(hour_step="0"))
    assert error.where == "volunteers.hour_step" and "positive" in error.en


def test_a_bad_checklist(tmp_path):
    error = _community(tmp_path, "checklist.yaml", lambda d: d["items"][2].update(severity="fatal"))
    assert (error.where, error.en) == ("items[2].severity", "unknown severity 'fatal'")
    error = _community(tmp_path, "checklist.yaml", lambda d: d["items"][3].update(kinds=["moon"]))
    assert error.where == "items[3].kinds" and "'moon' is not one of" in error.en
    error = _community(tmp_path, "checklist.yaml",
                       lambda d: d["items"][1].update(code=d["items"][0]["code"]))
    assert error.where == "items[1].code" and "appears twice" in error.en


def test_the_shipped_community_files_load_as_before():
    for code in ruleset.available():
        rules = ruleset.load(ruleset.DATA_DIR / f"{code}.yaml")
        assert rules.code == code and rules.visits.rules and rules.emergency.levels[-1].min_points == 0
        assert all(isinstance(s.hours, Decimal) for s in rules.volunteers.stars)
    items = ruleset.load_checklist(ruleset.CHECKLIST)
    assert len({i.code for i in items}) == len(items)


def _plan(tmp_path, change) -> plans.PlanError:
    data = yaml.safe_load((plans.DATA_DIR / "yueqing-2021-2025.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(plans.PlanError) as info:
        plans.load(path)
    assert isinstance(info.value, RuleFileError) and info.value.file == "plan.yaml"
    return info.value


def test_a_bad_plan_file(tmp_path):
    code = yaml.safe_load((plans.DATA_DIR / "yueqing-2021-2025.yaml").read_text(
        encoding="utf-8"))["indicators"][0]["code"]
    error = _plan(tmp_path, lambda d: d["indicators"][0].update(traget={"value": 1}))
    assert (error.where, error.field) == (f"indicators[0] ({code})", "-")
    assert "unknown key(s) traget" in error.message
    error = _plan(tmp_path, lambda d: d["indicators"][0].update(kind="hoped"))
    assert (error.where, error.field, error.en) == (f"indicators[0] ({code})", "kind", "binding or expected")
    error = _plan(tmp_path, lambda d: d["plan"].update(period=[2021]))
    assert (error.where, error.field) == ("plan", "period")
    error = _plan(tmp_path, lambda d: d.pop("indicators"))
    assert "missing key(s) indicators" in error.message


def test_the_shipped_plans_load():
    for code, path in plans.available().items():
        plan = plans.load(path)
        assert plan.code == code and plan.indicators and plan.start < plan.end


def _levy(change) -> levy.LevyDataError:
    data = yaml.safe_load(levy.DATA_FILE.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(levy.LevyDataError) as info:
        levy.parse_table(data, file="levy.yaml")
    assert isinstance(info.value, RuleFileError) and info.value.file == "levy.yaml"
    return info.value


def test_a_bad_levy_file():
    error = _levy(lambda d: d["national"]["wage_cap"][0].update(multiple="0"))
    assert (error.where, error.field) == ("national.wage_cap[0] (2015-10-01)", "multiple")
    assert "must be in (0, ∞)" in error.message
    error = _levy(lambda d: d["national"].update(ratio=d["provinces"]["33"]["ratio"]))
    assert (error.where, error.field) == ("national", "ratio") and "unknown key" in error.message
    error = _levy(lambda d: d["national"]["double_count"][0].update(grades=[1, 5]))
    assert error.field == "grades" and "1–4" in error.message
    error = _levy(lambda d: d["provinces"]["33"]["ratio"][0].update(effective_until="2015-01-01"))
    assert error.field == "effective_until" and "ends before it starts" in error.message
