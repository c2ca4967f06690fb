"""Education rules, pure: the status and level vocabularies (the survey's), school ages, the
checks of one register row (staff entry and the education department's batch alike),
the out-of-school deadline, and missed home-teaching visits. No Django, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from canlian.core import calendar
from canlian.core.rule_text import RuleError, gettext_noop

DATA_FILE = Path(__file__).resolve().parent / "data" / "rules.yaml"

STATUSES = {
    "preschool": "学前教育", "compulsory_school": "义务教育·普通学校（随班就读）",
    "compulsory_special": "义务教育·特教学校（班）", "compulsory_home": "义务教育·送教上门",
    "upper_secondary": "高中阶段（普高、中职、特教高中）", "higher": "高等教育",
    "not_enrolled": "未入学/失学", "finished": "已完成学业",
}
COMPULSORY = frozenset({"compulsory_school", "compulsory_special", "compulsory_home"})
IN_SCHOOL = COMPULSORY | {"preschool", "upper_secondary", "higher"}
LEVELS = {"none": "无", "primary": "小学", "junior_secondary": "初中（完成义务教育）",
          "upper_secondary": "高中阶段", "higher": "高等教育"}
LEVEL_ORDER = list(LEVELS)
REASONS = {"illness": "因病/因残无法就学", "family": "家庭原因", "refused": "家长不愿送学",
           "no_place": "无合适学位", "moved": "外出流动", "other": "其他"}
PLACEMENTS = {"ordinary": "普通学校随班就读", "special_class": "普通学校特教班",
              "special_school": "特殊教育学校", "home": "送教上门", "deferred": "暂缓入学"}
OUTCOMES = {"returned": "已劝返复学", "home_teaching": "转为送教上门", "exempt": "经评估暂缓/免于入学",
            "moved": "已迁出本地", "finished_age": "已超过义务教育年龄", "other": "其他"}
SOURCES = {"survey": "年度动态更新调查", "staff": "工作人员录入", "education_batch": "教育部门批量数据"}


class EducationRuleError(RuleError):
    """One reason a register row is refused: ``field`` (the ``code``) and ``message`` in the
    active language (``core.rule_text``)."""

    @property
    def field(self) -> str:
        return self.code


@lru_cache(maxsize=1)
def data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def school_year_start(on: dt.date) -> dt.date:
    """1 September that began the school year ``on`` falls in."""
    return dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def compulsory_age(birth: dt.date, on: dt.date) -> bool:
    """Of compulsory-school age (6–15 on 1 September of the school year), as the
    compulsory-enrolment indicator counts it."""
    return 6 <= age_on(birth, school_year_start(on)) <= 15


@dataclass(frozen=True)
class Entry:
    status: str
    highest_level: str
    school: str
    reason: str
    since: dt.date


def check(entry: Entry, birth: dt.date, today: dt.date) -> list[EducationRuleError]:
    """Every reason the entry is refused (empty when it is accepted)."""
    errors: list[EducationRuleError] = []
    if entry.status not in STATUSES:
        errors.append(EducationRuleError("status", gettext_noop(
            "Unknown school status %(value)s"), value=repr(entry.status)))
    if entry.highest_level and entry.highest_level not in LEVELS:
        errors.append(EducationRuleError("highest_level", gettext_noop(
            "Unknown level %(value)s"), value=repr(entry.highest_level)))
    if entry.since > today:
        errors.append(EducationRuleError("since", gettext_noop("The date cannot be in the future")))
    if entry.since < birth:
        errors.append(EducationRuleError("since", gettext_noop("The date is before the birth date")))
    age = age_on(birth, entry.since)
    if entry.status in COMPULSORY and not 5 <= age <= 17:
        errors.append(EducationRuleError("status", gettext_noop(
            "At %(age)s the person is not of compulsory school age"), age=age))
    if entry.status == "preschool" and not 2 <= age <= 7:
        errors.append(EducationRuleError("status", gettext_noop(
            "At %(age)s the person is not of pre-school age"), age=age))
    if entry.status == "not_enrolled" and entry.reason not in REASONS:
        errors.append(EducationRuleError("reason", gettext_noop(
            "Choose the reason for not being enrolled")))
    if entry.status in COMPULSORY | {"preschool", "upper_secondary", "higher"} \
            and not entry.school.strip() and entry.status != "compulsory_home":
        errors.append(EducationRuleError("school", gettext_noop("Name the school")))
    if entry.status == "higher" and entry.highest_level not in ("upper_secondary", "higher"):
        errors.append(EducationRuleError("highest_level", gettext_noop(
            "Higher education needs upper secondary completed first")))
    if entry.status == "upper_secondary" and entry.highest_level not in (
            "junior_secondary", "upper_secondary", "higher"):
        errors.append(EducationRuleError("highest_level", gettext_noop(
            "Upper secondary needs compulsory education completed first")))
    return errors


def follow_up_due(opened: dt.date) -> dt.date:
    """When an out-of-school case must have its first visit and plan."""
    return calendar.add_working_days(opened, int(data()["out_of_school"]["follow_up_working_days"]))


def missed_months(planned_per_month: int, start: dt.date, end: dt.date,
                  visits: list[dt.date]) -> list[tuple[int, int, int]]:
    """Whole months of a home-teaching plan between ``start`` and ``end`` with fewer visits
    than planned: (year, month, visits made)."""
    counts: dict[tuple[int, int], int] = {}
    for v in visits:
        counts[(v.year, v.month)] = counts.get((v.year, v.month), 0) + 1
    result = []
    year, month = start.year, start.month
    while (year, month) < (end.year, end.month):  # the running month is not yet complete
        made = counts.get((year, month), 0)
        if made < planned_per_month:
            result.append((year, month, made))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def higher_level(a: str, b: str) -> str:
    """The higher of two completed levels (a level completed is never lost)."""
    order = {lvl: i for i, lvl in enumerate(LEVEL_ORDER)}
    return max((a or "none", b or "none"), key=lambda x: order.get(x, 0))
