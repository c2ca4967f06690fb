"""Reading a deployment's community-support rules from YAML (``data/<deployment>.yaml``).

Why data: how often a worker must visit, how an emergency roster weighs a bedridden
person against one with an oxygen concentrator, where "near the 低保 line" starts, how long
a hospital has to build a ramp, and when a volunteer is recognised all differ between
provinces and change with local notices. The file's schema (see ``yueqing.yaml``)::

    schema: 1
    ruleset: {code, name, basis: [...]}
    visits: {due_soon_days, default_every_days, rules: [{code, name, every_days, grades?,
             categories?, household_types?, lives_alone?, min_age?, max_age?}]}
    emergency: {points: {grade: {1: n…}, mobility: {…}, category: {…}, lives_alone,
                powered_device, assistive_device, assistive_device_max,
                age: [{min_age, points}]}, levels: [{code, name, min_points}]}
    poverty_watch: {near_line_multiple, covered_household_types, job_loss_months,
                    medical_costs_threshold, new_severe_months, severe_grades}
    inspections: {rectification_days: {critical, major, minor}, due_soon_days,
                  extension_days, max_extensions}
    volunteers: {max_hours_per_log, hour_step, recognition_min_hours,
                 stars: [{name, hours}]}

and ``data/checklist.yaml`` holds the accessibility checklist (the same everywhere).
Both are read by the one rule-file reader (``core.rulefile``) against the schemas below
(pydantic models, one per file kind); the first problem raises a :class:`RuleSetError`
(``core.rulefile.RuleFileError``) naming the file, the path inside it and the reason, in
Chinese and English; unknown keys are errors too, so a misspelt key is caught, not
ignored. No database code: the deployment in force is chosen by ``community.shared.rules()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from canlian.core.rule_text import gettext_noop, translated
from canlian.core.rulefile import Number, RuleFileError, Schema, Text, keyed, one_of, refuse
from canlian.core.rulefile import load as load_file

from . import emergency_rules, inspection_rules, poverty_rules, visit_rules, volunteer_rules

SCHEMA_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
CHECKLIST = DATA_DIR / "checklist.yaml"

# A rules file that cannot be used, naming the file, the path inside it and the reason.
RuleSetError = RuleFileError


@dataclass(frozen=True, slots=True)
class CommunityRules:
    code: str
    name: str
    basis: tuple[str, ...]
    visits: visit_rules.VisitPolicy
    emergency: emergency_rules.PriorityRules
    poverty: poverty_rules.WatchRules
    inspections: inspection_rules.RectificationRules
    volunteers: volunteer_rules.VolunteerRules


def available() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml") if p.stem != "checklist")


@lru_cache(maxsize=8)
def load_shipped(code: str) -> CommunityRules:
    """The rules shipped for a deployment, e.g. ``load_shipped("yueqing")``."""
    path = DATA_DIR / f"{code}.yaml"
    if code == "checklist" or not path.exists():
        raise FileNotFoundError(translated(
            gettext_noop("No community rules file for deployment %(code)s; available: %(available)s"),
            {"code": repr(code), "available": ", ".join(available())}))
    return load(path)


def load(path: str | Path) -> CommunityRules:
    return load_file(path, DeploymentFile).rules()


@lru_cache(maxsize=1)
def checklist() -> tuple[inspection_rules.ChecklistItem, ...]:
    return load_checklist(CHECKLIST)


def load_checklist(path: str | Path) -> tuple[inspection_rules.ChecklistItem, ...]:
    return load_file(path, ChecklistFile).items_()


# --- the schema of a deployment's file --------------------------------------------------------

def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise refuse(f"应为正数，实际为 {value}", f"expected a positive number, got {value}")
    return value


Positive = Annotated[Number, AfterValidator(_positive)]
Age = Annotated[int, Field(ge=0, le=120)]
Days = Annotated[int, Field(ge=1, le=3660)]
Points = Annotated[int, Field(ge=0, le=1000)]
Months = Annotated[int, Field(ge=1, le=120)]
Grades = Annotated[tuple[int, ...] | None, BeforeValidator(one_of(visit_rules.GRADES))]
Categories = Annotated[tuple[int, ...] | None, BeforeValidator(one_of(visit_rules.CATEGORIES))]
HouseholdTypes = Annotated[tuple[str, ...] | None, BeforeValidator(one_of(visit_rules.HOUSEHOLD_TYPES))]


def _unique_codes(rows: list[Any], field: str, zh: str, en: str) -> None:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.code in seen:
            raise refuse(f"{zh} {row.code} 重复", f"{en} {row.code} appears twice", f"{field}.{i}.code")
        seen.add(row.code)


class Head(Schema):
    code: Text
    name: Text
    basis: list[Text] | None = None


class VisitRuleSchema(Schema):
    code: Text
    name: Text
    every_days: Days
    grades: Grades = None
    categories: Categories = None
    household_types: HouseholdTypes = None
    lives_alone: bool | None = None
    min_age: Age | None = None
    max_age: Age | None = None

    @model_validator(mode="after")
    def _ages(self) -> VisitRuleSchema:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise refuse("最小年龄大于最大年龄", "min_age is above max_age", "min_age")
        return self

    def rule(self) -> visit_rules.VisitRule:
        return visit_rules.VisitRule(
            code=self.code, name=self.name, every_days=self.every_days, grades=self.grades or (),
            categories=self.categories or (), household_types=self.household_types or (),
            lives_alone=self.lives_alone, min_age=self.min_age, max_age=self.max_age)


class Visits(Schema):
    rules: Annotated[list[VisitRuleSchema], Field(min_length=1)]
    due_soon_days: Annotated[int, Field(ge=0, le=365)] = 7
    default_every_days: Days | None = None

    @model_validator(mode="after")
    def _codes(self) -> Visits:
        _unique_codes(self.rules, "rules", "规则代码", "rule code")
        return self

    def policy(self) -> visit_rules.VisitPolicy:
        return visit_rules.VisitPolicy(rules=tuple(r.rule() for r in self.rules),
                                       due_soon_days=self.due_soon_days,
                                       default_every_days=self.default_every_days)


class AgeBand(Schema):
    min_age: Age
    points: Points


class Level(Schema):
    code: Text
    name: Text
    min_points: Annotated[int, Field(ge=0, le=10_000)]


class PointsSchema(Schema):
    grade: Annotated[dict[int, int], BeforeValidator(keyed(visit_rules.GRADES))]
    mobility: Annotated[dict[str, int], BeforeValidator(keyed(emergency_rules.MOBILITY))]
    category: Annotated[dict[int, int], BeforeValidator(keyed(visit_rules.CATEGORIES))] | None = None
    lives_alone: Points
    powered_device: Points
    assistive_device: Points = 0
    assistive_device_max: Points = 0
    age: list[AgeBand] | None = None


class Emergency(Schema):
    points: PointsSchema
    levels: Annotated[list[Level], Field(min_length=1)]

    @model_validator(mode="after")
    def _everyone_has_a_level(self) -> Emergency:
        if min(lv.min_points for lv in self.levels) != 0:
            raise refuse("须有一个 min_points 为 0 的级别，使每个人都有级别",
                         "one level needs min_points 0, so that everyone has a level", "levels")
        return self

    def priority(self) -> emergency_rules.PriorityRules:
        pts = self.points
        return emergency_rules.PriorityRules(
            grade=pts.grade, mobility=pts.mobility, category=pts.category or {},
            lives_alone=pts.lives_alone, powered_device=pts.powered_device,
            assistive_device=pts.assistive_device, assistive_device_max=pts.assistive_device_max,
            age=tuple(emergency_rules.AgeBand(b.min_age, b.points) for b in pts.age or ()),
            levels=tuple(emergency_rules.Level(lv.code, lv.name, lv.min_points) for lv in self.levels))


class PovertyWatch(Schema):
    near_line_multiple: Positive
    job_loss_months: Months
    medical_costs_threshold: Positive
    new_severe_months: Months
    covered_household_types: HouseholdTypes = None
    severe_grades: Grades = (1, 2)

    @field_validator("near_line_multiple")
    @classmethod
    def _a_multiple(cls, value: Decimal) -> Decimal:
        if value < 1:
            raise refuse("应不小于 1（低保标准的倍数）",
                         "must be at least 1 (a multiple of the dibao standard)")
        return value

    def watch(self) -> poverty_rules.WatchRules:
        return poverty_rules.WatchRules(
            near_line_multiple=self.near_line_multiple,
            covered_household_types=self.covered_household_types or (),
            job_loss_months=self.job_loss_months,
            medical_costs_threshold=self.medical_costs_threshold,
            new_severe_months=self.new_severe_months, severe_grades=self.severe_grades or ())


class RectificationDays(Schema):  # one per inspection_rules.SEVERITIES
    critical: Days
    major: Days
    minor: Days


assert set(RectificationDays.model_fields) == set(inspection_rules.SEVERITIES)


class Inspections(Schema):
    rectification_days: RectificationDays
    due_soon_days: Annotated[int, Field(ge=0, le=365)] = 7
    extension_days: Days = 30
    max_extensions: Annotated[int, Field(ge=0, le=10)] = 1

    def rectification(self) -> inspection_rules.RectificationRules:
        return inspection_rules.RectificationRules(
            days=self.rectification_days.model_dump(), due_soon_days=self.due_soon_days,
            extension_days=self.extension_days, max_extensions=self.max_extensions)


class Star(Schema):
    name: Text
    hours: Positive


class Volunteers(Schema):
    max_hours_per_log: Positive
    recognition_min_hours: Positive
    hour_step: Positive = Decimal("0.5")
    stars: list[Star] | None = None

    @model_validator(mode="after")
    def _distinct_stars(self) -> Volunteers:
        hours = [s.hours for s in self.stars or ()]
        if len(set(hours)) != len(hours):
            raise refuse("两个星级的时长相同", "two star levels have the same hours", "stars")
        return self

    def volunteer_rules(self) -> volunteer_rules.VolunteerRules:
        return volunteer_rules.VolunteerRules(
            max_hours_per_log=self.max_hours_per_log, hour_step=self.hour_step,
            recognition_min_hours=self.recognition_min_hours,
            stars=tuple(volunteer_rules.Star(s.name, s.hours) for s in self.stars or ()))


class DeploymentFile(Schema):
    """``data/<deployment>.yaml``: a deployment's community-support rules."""

    schema_: int = Field(alias="schema")
    ruleset: Head
    visits: Visits
    emergency: Emergency
    poverty_watch: PovertyWatch
    inspections: Inspections
    volunteers: Volunteers

    @field_validator("schema_")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise refuse(f"不支持的版本 {value!r}（应为 {SCHEMA_VERSION}）",
                         f"unsupported schema {value!r} (expected {SCHEMA_VERSION})")
        return value

    def rules(self) -> CommunityRules:
        return CommunityRules(
            code=self.ruleset.code, name=self.ruleset.name, basis=tuple(self.ruleset.basis or ()),
            visits=self.visits.policy(), emergency=self.emergency.priority(),
            poverty=self.poverty_watch.watch(), inspections=self.inspections.rectification(),
            volunteers=self.volunteers.volunteer_rules())


# --- the schema of the accessibility checklist ------------------------------------------------

class ChecklistEntry(Schema):
    code: Text
    zh: Text
    en: Text
    kinds: Annotated[tuple[str, ...], BeforeValidator(one_of(inspection_rules.PLACE_KINDS))]
    severity: str

    @field_validator("severity")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in inspection_rules.SEVERITIES:
            raise refuse(f"未知的严重程度 {value!r}", f"unknown severity {value!r}")
        return value


class ChecklistFile(Schema):
    """``data/checklist.yaml``: the accessibility checklist (the same everywhere)."""

    schema_: Any = Field(alias="schema")
    basis: Any = None
    items: Annotated[list[ChecklistEntry], Field(min_length=1)]

    @model_validator(mode="after")
    def _complete(self) -> ChecklistFile:
        _unique_codes(self.items, "items", "检查项代码", "item code")
        for kind in inspection_rules.PLACE_KINDS:
            if not any(kind in item.kinds for item in self.items):
                raise refuse(f"场所类型 {kind} 没有任何检查项", f"place kind {kind} has no item", "items")
        return self

    def items_(self) -> tuple[inspection_rules.ChecklistItem, ...]:
        return tuple(inspection_rules.ChecklistItem(code=i.code, zh=i.zh, en=i.en, kinds=i.kinds,
                                                    severity=i.severity) for i in self.items)
