"""The shipped task files against the plans' own text, and the strict reader's errors."""

import copy
import re

import pytest
import yaml

from canlian.plantasks import tasks
from canlian.plantasks.tasks import TaskFileError

PLANS = ("linzi-14th", "yueqing-14th")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("code", PLANS)
def test_every_title_and_milestone_is_in_the_plan_text(code):
    plan = tasks.load(code)
    source = _flat(plan.source_path.read_text(encoding="utf-8"))
    for t in plan.tasks:
        assert _flat(t.title) in source, (code, t.code, t.title)
        assert _flat(t.section) in source, (code, t.code, t.section)
        for m in t.milestones:
            assert _flat(m.text) in source, (code, t.code, m.text)


def test_linzi_departments_are_the_plans_own():
    plan = tasks.load("linzi-14th")
    source = plan.source_path.read_text(encoding="utf-8")
    # every "（牵头部门：…；参与部门：…）" of the text is one task with exactly those departments
    named = re.findall(r"（牵头部门：([^；）]*)；参与部门：([^）]*)）", source)
    from_plan = [t for t in plan.tasks if t.departments_source == "plan"]
    assert len(from_plan) == len(named) == 35
    assert [("、".join(t.lead), "、".join(t.responsible)) for t in from_plan] == named
    # the 专栏 projects of 专栏2–9 are all there
    projects = [t for t in plan.tasks if t.kind == "project"]
    assert {t.code.split(".")[0] for t in projects} == {f"P{n}" for n in range(2, 10)}
    assert plan.task("P5.1").title == "党政机关、事业单位按比例安排残疾人就业项目"
    assert plan.task("P5.1").milestones[0].year == 2025
    assert plan.tasks_of("区住建局", lead_only=True)[0].title == "保障残疾人基本住房安全便利"


def test_yueqing_has_every_numbered_measure_of_part_two():
    plan = tasks.load("yueqing-14th")
    source = plan.source_path.read_text(encoding="utf-8")
    part_two = source.split("二、")[1].split("三、 保障实施")[0]
    numbered = re.findall(r"^\s*\d+\.", part_two, flags=re.M)
    assert len(plan.tasks) == len(numbered) == 41
    assert all(t.departments_source == "assigned" for t in plan.tasks)
    yearly = [m for t in plan.tasks for m in t.milestones if m.year is None]
    assert [m.text for m in yearly] == ["每年培训残疾人200人次"]


def _data(code="linzi-14th"):
    return yaml.safe_load(tasks.available()[code].read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "where", "field"), [
    (lambda d: d["tasks"][0].update(owner="x"), "任务 2.1.1", "owner"),
    (lambda d: d["tasks"][0].pop("lead"), "任务 2.1.1", "lead"),
    (lambda d: d["tasks"][0].update(lead=["区外星局"]), "任务 2.1.1", "lead"),
    (lambda d: d["tasks"][1].update(code="2.1.1"), "任务 2.1.1", "code"),
    (lambda d: d["tasks"][0].update(code=3.1), "任务 #1", "code"),
    (lambda d: d["tasks"][0].update(years=[2019, 2025]), "任务 2.1.1", "years"),
    (lambda d: d["tasks"][0].update(kind="wish"), "任务 2.1.1", "kind"),
    (lambda d: d["tasks"][0].update(milestones=[{"year": 2030, "text": "x"}]),
     "任务 2.1.1 里程碑 #1", "year"),
    (lambda d: d["plan"].update(federation="某残联"), "plan", "federation"),
])
def test_reader_names_file_task_and_field(change, where, field):
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(TaskFileError) as err:
        tasks.parse(data, file="linzi-14th.yaml")
    assert (err.value.file, err.value.where, err.value.field) == ("linzi-14th.yaml", where, field)
    assert "linzi-14th.yaml" in str(err.value)


def test_each_task_plan_matches_an_indicator_plan():
    from canlian.indicators import plans

    for code in PLANS:
        assert plans.load(code).region == tasks.load(code).region
