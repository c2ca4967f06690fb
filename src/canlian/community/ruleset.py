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
Loading checks every field and fails on the first problem with a :class:`RuleSetError`
naming the file, the section and the field, in Chinese and English; unknown keys are
errors too, so a misspelt key is caught, not ignored. No database code: the deployment
in force is chosen by ``community.shared.rules()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

from canlian.core.rule_text import gettext_noop, translated

from . import emergency_rules, inspection_rules, poverty_rules, visit_rules, volunteer_rules

SCHEMA_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
CHECKLIST = DATA_DIR / "checklist.yaml"


class RuleSetError(ValueError):
    """A rules file that cannot be used, naming the file, the section and the field."""

    def __init__(self, file: str, where: str, zh: str, en: str) -> None:
        self.file, self.where = file, where
        self.message = f"规则文件 {file}，{where}：{zh} ({file}: {where}: {en})"
        super().__init__(self.message)


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
    path = Path(path)
    return _Reader(path.name).rules(_read(path))


@lru_cache(maxsize=1)
def checklist() -> tuple[inspection_rules.ChecklistItem, ...]:
    return load_checklist(CHECKLIST)


def load_checklist(path: str | Path) -> tuple[inspection_rules.ChecklistItem, ...]:
    path = Path(path)
    return _Reader(path.name).checklist(_read(path))


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(translated(gettext_noop("Rules file %(path)s not found"),
                                           {"path": path})) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise RuleSetError(path.name, f"第 {line} 行", "YAML 语法错误",
                           f"YAML syntax error at line {line}") from None


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, zh: str, en: str) -> NoReturn:
        raise RuleSetError(self.file, where, zh, en)

    # --- primitives ---------------------------------------------------------------------------

    def mapping(self, where: str, value: Any, required: set[str], optional: set[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"应为映射，实际为 {type(value).__name__}",
                      f"expected a mapping, got {type(value).__name__}")
        unknown = sorted(str(k) for k in set(value) - required - optional)
        if unknown:
            self.fail(where, f"未知字段 {', '.join(unknown)}", f"unknown key(s) {', '.join(unknown)}")
        missing = sorted(required - set(value))
        if missing:
            self.fail(where, f"缺少字段 {', '.join(missing)}", f"missing key(s) {', '.join(missing)}")
        return value

    def integer(self, where: str, value: Any, low: int = 0, high: int = 100_000) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"应为 {low}–{high} 之间的整数，实际为 {value!r}",
                      f"expected a whole number from {low} to {high}, got {value!r}")
        return value

    def decimal(self, where: str, value: Any, positive: bool = True) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.fail(where, f"数值应写作字符串，如 \"1.5\"，实际为 {value!r}",
                      f"write numbers as text such as \"1.5\", got {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"不是数字：{value!r}", f"not a number: {value!r}")
        if not number.is_finite() or number < 0 or (positive and number == 0):
            self.fail(where, f"应为{'正' if positive else '非负'}数，实际为 {value!r}",
                      f"expected a {'positive' if positive else 'non-negative'} number, got {value!r}")
        return number

    def text(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "应为非空文本", "expected non-empty text")
        return value.strip()

    def choices(self, where: str, value: Any, allowed: Iterable[Any]) -> tuple:
        allowed = tuple(allowed)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.fail(where, "应为非空列表", "expected a non-empty list")
        for item in value:
            if item not in allowed or isinstance(item, bool):
                self.fail(where, f"{item!r} 不在可选值中（{', '.join(map(str, allowed))}）",
                          f"{item!r} is not one of {', '.join(map(str, allowed))}")
        return tuple(dict.fromkeys(value))

    def points(self, where: str, value: Any, keys: Iterable[Any]) -> dict:
        keys = tuple(keys)
        if not isinstance(value, dict):
            self.fail(where, "应为映射", "expected a mapping")
        for key in value:
            if key not in keys or isinstance(key, bool):
                self.fail(where, f"未知的键 {key!r}（可用：{', '.join(map(str, keys))}）",
                          f"unknown key {key!r} (expected one of {', '.join(map(str, keys))})")
        return {k: self.integer(f"{where}.{k}", v, 0, 1000) for k, v in value.items()}

    # --- sections -----------------------------------------------------------------------------

    def rules(self, top: Any) -> CommunityRules:
        top = self.mapping("-", top, {"schema", "ruleset", "visits", "emergency", "poverty_watch",
                                      "inspections", "volunteers"}, set())
        if top["schema"] != SCHEMA_VERSION:
            self.fail("schema", f"不支持的版本 {top['schema']!r}（应为 {SCHEMA_VERSION}）",
                      f"unsupported schema {top['schema']!r} (expected {SCHEMA_VERSION})")
        head = self.mapping("ruleset", top["ruleset"], {"code", "name"}, {"basis"})
        basis = head.get("basis") or []
        if not isinstance(basis, list):
            self.fail("ruleset.basis", "应为列表", "expected a list")
        return CommunityRules(
            code=self.text("ruleset.code", head["code"]),
            name=self.text("ruleset.name", head["name"]),
            basis=tuple(self.text(f"ruleset.basis[{i}]", b) for i, b in enumerate(basis)),
            visits=self.visits(top["visits"]),
            emergency=self.emergency(top["emergency"]),
            poverty=self.poverty(top["poverty_watch"]),
            inspections=self.inspections(top["inspections"]),
            volunteers=self.volunteers(top["volunteers"]),
        )

    def visits(self, value: Any) -> visit_rules.VisitPolicy:
        row = self.mapping("visits", value, {"rules"}, {"due_soon_days", "default_every_days"})
        if not isinstance(row["rules"], list) or not row["rules"]:
            self.fail("visits.rules", "应为非空的规则列表", "expected a non-empty list of rules")
        rules, codes = [], set()
        for i, item in enumerate(row["rules"]):
            where = f"visits.rules[{i}]"
            item = self.mapping(where, item, {"code", "name", "every_days"},
                                {"grades", "categories", "household_types", "lives_alone",
                                 "min_age", "max_age"})
            code = self.text(f"{where}.code", item["code"])
            if code in codes:
                self.fail(f"{where}.code", f"规则代码 {code} 重复", f"rule code {code} appears twice")
            codes.add(code)
            alone = item.get("lives_alone")
            if alone is not None and not isinstance(alone, bool):
                self.fail(f"{where}.lives_alone", "应为 true 或 false", "expected true or false")
            low = item.get("min_age")
            high = item.get("max_age")
            low = None if low is None else self.integer(f"{where}.min_age", low, 0, 120)
            high = None if high is None else self.integer(f"{where}.max_age", high, 0, 120)
            if low is not None and high is not None and low > high:
                self.fail(f"{where}.min_age", "最小年龄大于最大年龄", "min_age is above max_age")
            rules.append(visit_rules.VisitRule(
                code=code, name=self.text(f"{where}.name", item["name"]),
                every_days=self.integer(f"{where}.every_days", item["every_days"], 1, 3660),
                grades=self.choices(f"{where}.grades", item.get("grades"), visit_rules.GRADES),
                categories=self.choices(f"{where}.categories", item.get("categories"),
                                        visit_rules.CATEGORIES),
                household_types=self.choices(f"{where}.household_types",
                                             item.get("household_types"),
                                             visit_rules.HOUSEHOLD_TYPES),
                lives_alone=alone, min_age=low, max_age=high))
        default = row.get("default_every_days")
        return visit_rules.VisitPolicy(
            rules=tuple(rules),
            due_soon_days=self.integer("visits.due_soon_days", row.get("due_soon_days", 7), 0, 365),
            default_every_days=None if default is None else self.integer(
                "visits.default_every_days", default, 1, 3660))

    def emergency(self, value: Any) -> emergency_rules.PriorityRules:
        row = self.mapping("emergency", value, {"points", "levels"}, set())
        pts = self.mapping("emergency.points", row["points"],
                           {"grade", "mobility", "lives_alone", "powered_device"},
                           {"category", "assistive_device", "assistive_device_max", "age"})
        ages = pts.get("age") or []
        if not isinstance(ages, list):
            self.fail("emergency.points.age", "应为列表", "expected a list")
        bands = []
        for i, band in enumerate(ages):
            where = f"emergency.points.age[{i}]"
            band = self.mapping(where, band, {"min_age", "points"}, set())
            bands.append(emergency_rules.AgeBand(self.integer(f"{where}.min_age", band["min_age"], 0, 120),
                                                 self.integer(f"{where}.points", band["points"], 0, 1000)))
        if not isinstance(row["levels"], list) or not row["levels"]:
            self.fail("emergency.levels", "应为非空列表", "expected a non-empty list")
        levels = []
        for i, level in enumerate(row["levels"]):
            where = f"emergency.levels[{i}]"
            level = self.mapping(where, level, {"code", "name", "min_points"}, set())
            levels.append(emergency_rules.Level(self.text(f"{where}.code", level["code"]),
                                                self.text(f"{where}.name", level["name"]),
                                                self.integer(f"{where}.min_points",
                                                             level["min_points"], 0, 10_000)))
        if min(lv.min_points for lv in levels) != 0:
            self.fail("emergency.levels", "须有一个 min_points 为 0 的级别，使每个人都有级别",
                      "one level needs min_points 0, so that everyone has a level")
        return emergency_rules.PriorityRules(
            grade=self.points("emergency.points.grade", pts["grade"], visit_rules.GRADES),
            mobility=self.points("emergency.points.mobility", pts["mobility"],
                                 emergency_rules.MOBILITY),
            category=self.points("emergency.points.category", pts.get("category") or {},
                                 visit_rules.CATEGORIES),
            lives_alone=self.integer("emergency.points.lives_alone", pts["lives_alone"], 0, 1000),
            powered_device=self.integer("emergency.points.powered_device", pts["powered_device"],
                                        0, 1000),
            assistive_device=self.integer("emergency.points.assistive_device",
                                          pts.get("assistive_device", 0), 0, 1000),
            assistive_device_max=self.integer("emergency.points.assistive_device_max",
                                              pts.get("assistive_device_max", 0), 0, 1000),
            age=tuple(bands), levels=tuple(levels))

    def poverty(self, value: Any) -> poverty_rules.WatchRules:
        row = self.mapping("poverty_watch", value,
                           {"near_line_multiple", "job_loss_months", "medical_costs_threshold",
                            "new_severe_months"}, {"covered_household_types", "severe_grades"})
        multiple = self.decimal("poverty_watch.near_line_multiple", row["near_line_multiple"])
        if multiple < 1:
            self.fail("poverty_watch.near_line_multiple", "应不小于 1（低保标准的倍数）",
                      "must be at least 1 (a multiple of the dibao standard)")
        return poverty_rules.WatchRules(
            near_line_multiple=multiple,
            covered_household_types=self.choices("poverty_watch.covered_household_types",
                                                 row.get("covered_household_types"),
                                                 visit_rules.HOUSEHOLD_TYPES),
            job_loss_months=self.integer("poverty_watch.job_loss_months", row["job_loss_months"], 1, 120),
            medical_costs_threshold=self.decimal("poverty_watch.medical_costs_threshold",
                                                 row["medical_costs_threshold"]),
            new_severe_months=self.integer("poverty_watch.new_severe_months",
                                           row["new_severe_months"], 1, 120),
            severe_grades=self.choices("poverty_watch.severe_grades",
                                       row.get("severe_grades", [1, 2]), visit_rules.GRADES))

    def inspections(self, value: Any) -> inspection_rules.RectificationRules:
        row = self.mapping("inspections", value, {"rectification_days"},
                           {"due_soon_days", "extension_days", "max_extensions"})
        days = self.mapping("inspections.rectification_days", row["rectification_days"],
                            set(inspection_rules.SEVERITIES), set())
        return inspection_rules.RectificationRules(
            days={k: self.integer(f"inspections.rectification_days.{k}", v, 1, 3660)
                  for k, v in days.items()},
            due_soon_days=self.integer("inspections.due_soon_days", row.get("due_soon_days", 7), 0, 365),
            extension_days=self.integer("inspections.extension_days", row.get("extension_days", 30),
                                        1, 3660),
            max_extensions=self.integer("inspections.max_extensions", row.get("max_extensions", 1),
                                        0, 10))

    def volunteers(self, value: Any) -> volunteer_rules.VolunteerRules:
        row = self.mapping("volunteers", value, {"max_hours_per_log", "recognition_min_hours"},
                           {"hour_step", "stars"})
        stars = []
        for i, star in enumerate(row.get("stars") or []):
            where = f"volunteers.stars[{i}]"
            star = self.mapping(where, star, {"name", "hours"}, set())
            stars.append(volunteer_rules.Star(self.text(f"{where}.name", star["name"]),
                                              self.decimal(f"{where}.hours", star["hours"])))
        if len({s.hours for s in stars}) != len(stars):
            self.fail("volunteers.stars", "两个星级的时长相同", "two star levels have the same hours")
        return volunteer_rules.VolunteerRules(
            max_hours_per_log=self.decimal("volunteers.max_hours_per_log", row["max_hours_per_log"]),
            hour_step=self.decimal("volunteers.hour_step", row.get("hour_step", "0.5")),
            recognition_min_hours=self.decimal("volunteers.recognition_min_hours",
                                               row["recognition_min_hours"]),
            stars=tuple(stars))

    def checklist(self, top: Any) -> tuple[inspection_rules.ChecklistItem, ...]:
        top = self.mapping("-", top, {"schema", "items"}, {"basis"})
        if not isinstance(top["items"], list) or not top["items"]:
            self.fail("items", "应为非空列表", "expected a non-empty list")
        items, codes = [], set()
        for i, item in enumerate(top["items"]):
            where = f"items[{i}]"
            item = self.mapping(where, item, {"code", "zh", "en", "kinds", "severity"}, set())
            code = self.text(f"{where}.code", item["code"])
            if code in codes:
                self.fail(f"{where}.code", f"检查项代码 {code} 重复", f"item code {code} appears twice")
            codes.add(code)
            severity = item["severity"]
            if severity not in inspection_rules.SEVERITIES:
                self.fail(f"{where}.severity", f"未知的严重程度 {severity!r}",
                          f"unknown severity {severity!r}")
            items.append(inspection_rules.ChecklistItem(
                code=code, zh=self.text(f"{where}.zh", item["zh"]),
                en=self.text(f"{where}.en", item["en"]),
                kinds=self.choices(f"{where}.kinds", item["kinds"], inspection_rules.PLACE_KINDS),
                severity=severity))
        for kind in inspection_rules.PLACE_KINDS:
            if not any(kind in item.kinds for item in items):
                self.fail("items", f"场所类型 {kind} 没有任何检查项", f"place kind {kind} has no item")
        return tuple(items)
