"""Care rules (托养规则): care modes, capacity, overlap, the waiting-list order and the
quality inspection's score and grade. No database code; the numbers are data
(``data/rules.yaml``, read by :func:`load`).

- A placement (托养安置) takes one place of its institution's mode from its start to its end
  (inclusive); a person holds at most one placement at a time, so two placements of one
  person must not overlap.
- A short stay (respite 喘息服务, temporary care 临时照护 while a guardian cannot care) is
  a placement with its last day given up front, at most ``short_stay_days`` long.
- An institution takes no one beyond its places of that mode unless the placement records
  why (an explicit override, 超额安置 with its reason).
- The waiting list (轮候) is ordered by points from the applicant's facts — grade
  (severity), living alone, a carer aged 70 or more or ill, a household in hardship (低保,
  低保边缘, 特困) — highest first; equal points by the date of application, then by entry.
  Every point comes with its reason, so a family can be told why it stands where it does.
- The monthly bill (按月结算) of an institution pays, for each government-paid placement,
  the designation's price a day of its mode times the days: present days in day care,
  days placed in the month otherwise.
- A quality inspection (托养服务质量检查) answers every item of the checklist with met,
  failed or not applicable; the score is the weight of the items met over the weight of
  those that apply, out of 100; the grade is the first band whose minimum the score
  reaches. A designated institution whose last ``exit_after_failed`` inspections were all
  unqualified is due to leave the designation (动态退出).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from canlian.community import inspection_rules

MODES = {
    "residential": ("集中托养", "residential care"),
    "day": ("日间照料", "day care"),
    "home": ("居家托养", "home-based care"),
    "respite": ("喘息服务", "respite care"),
    "temporary": ("临时照护", "temporary care"),
}
# Short stays: a family's respite (喘息服务), or care while the guardian is temporarily
# unable to care (临时照护, Linzi). They are placed with their last day, and no longer
# than the rule's days.
SHORT_MODES = ("respite", "temporary")
PAYERS = {
    "government": ("政府购买", "government purchase"),
    "subsidised": ("个人付费+补贴", "own payment with subsidy"),
    "self": ("个人自费", "own payment"),
}
RESULTS = {"pass": ("符合", "met"), "fail": ("不符合", "failed"), "na": ("不适用", "not applicable")}
GRADES = {"excellent": ("优秀", "excellent"), "good": ("良好", "good"),
          "qualified": ("合格", "qualified"), "unqualified": ("不合格", "unqualified")}
HARDSHIP = ("dibao", "dibao_edge", "tekun")


class RuleError(ValueError):
    """A request the rules refuse, in Chinese with the English in brackets."""

    def __init__(self, zh: str, en: str) -> None:
        self.message = f"{zh} ({en})"
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class WaitingRule:
    grade_points: Mapping[int, int]
    lives_alone: int
    carer_elderly_age: int
    carer_elderly: int
    carer_ill: int
    hardship: int


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    code: str
    zh: str
    en: str
    points: int


@dataclass(frozen=True, slots=True)
class InspectionRule:
    grades: tuple[tuple[str, int], ...]  # (code, minimum score), highest first
    exit_after_failed: int
    problem_days: int
    checklist: tuple[ChecklistItem, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    waiting: WaitingRule
    inspection: InspectionRule
    short_stay_days: Mapping[str, int]
    government_needs_designation: bool


def load(path: Path) -> Rules:
    """Read and check a rules file; a missing or misspelt key is an error naming it."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        w, i = raw["waiting"], raw["inspection"]
        waiting = WaitingRule({int(k): int(v) for k, v in w["grade_points"].items()},
                              int(w["lives_alone"]), int(w["carer_elderly_age"]),
                              int(w["carer_elderly"]), int(w["carer_ill"]), int(w["hardship"]))
        grades = tuple(sorted(((g["code"], int(g["min_score"])) for g in i["grades"]),
                              key=lambda g: -g[1]))
        checklist = tuple(ChecklistItem(c["code"], c["zh"], c["en"], int(c["points"]))
                          for c in i["checklist"])
        inspection = InspectionRule(grades, int(i["exit_after_failed"]), int(i["problem_days"]),
                                    checklist)
        short = {m: int(raw["short_stay_days"][m]) for m in SHORT_MODES}
        needs_designation = bool(raw["government_needs_designation"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"托养规则文件 {path.name} 有误：{exc}",
                        f"care rules file {path.name} is wrong: {exc}") from None
    unknown = sorted({g for g, _ in grades} - set(GRADES))
    if unknown or not grades or grades[-1][1] != 0:
        raise RuleError(f"{path.name}：评级须为 {'/'.join(GRADES)} 且最低一档从 0 分起",
                        f"{path.name}: grades must be {'/'.join(GRADES)}, the lowest from 0")
    return Rules(waiting, inspection, short, needs_designation)


# ---- placements ------------------------------------------------------------------------------

def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise RuleError(f"未知的托养方式 {mode!r}", f"unknown care mode {mode!r}")


def check_stay(mode: str, start: dt.date, end: dt.date | None, short_stay_days: Mapping[str, int]
               ) -> None:
    """A short stay has its last day, within the rule's days; any stay ends after it starts."""
    if end is not None and end < start:
        raise RuleError("结束日期早于开始日期", "ends before it starts")
    if mode not in SHORT_MODES:
        return
    limit = short_stay_days[mode]
    if end is None:
        raise RuleError(f"{MODES[mode][0]}须填写结束日期（最长 {limit} 天）",
                        f"{MODES[mode][1]} needs its last day (at most {limit} days)")
    if (end - start).days + 1 > limit:
        raise RuleError(f"{MODES[mode][0]}最长 {limit} 天", f"{MODES[mode][1]}: at most {limit} days")


def overlaps(a_start: dt.date, a_end: dt.date | None, b_start: dt.date,
             b_end: dt.date | None) -> bool:
    """Whether two periods (ends inclusive, None: open) share a day."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def check_capacity(places: int, occupied: int, override_reason: str = "") -> bool:
    """True if this placement goes beyond the places (allowed only with a reason)."""
    if occupied < places:
        return False
    if not override_reason.strip():
        raise RuleError(f"名额已满（{places} 个名额，已安置 {occupied} 人）；超额安置须填写原因",
                        f"no free place ({occupied} placed in {places} places); an override "
                        "needs its reason")
    return True


# ---- the waiting list ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Facts:
    grade: int | None
    lives_alone: bool = False
    carer_age: int | None = None
    carer_ill: bool = False
    household_type: str = ""


def priority(facts: Facts, rule: WaitingRule) -> tuple[int, list[str]]:
    """The applicant's points and, for each, its reason (in Chinese)."""
    points, reasons = 0, []
    if facts.grade is not None and rule.grade_points.get(facts.grade):
        points += rule.grade_points[facts.grade]
        reasons.append(f"{facts.grade}级残疾 +{rule.grade_points[facts.grade]}")
    if facts.lives_alone and rule.lives_alone:
        points += rule.lives_alone
        reasons.append(f"独居 +{rule.lives_alone}")
    if facts.carer_age is not None and facts.carer_age >= rule.carer_elderly_age:
        points += rule.carer_elderly
        reasons.append(f"照护人年满{rule.carer_elderly_age}岁 +{rule.carer_elderly}")
    if facts.carer_ill and rule.carer_ill:
        points += rule.carer_ill
        reasons.append(f"照护人患病 +{rule.carer_ill}")
    if facts.household_type in HARDSHIP and rule.hardship:
        points += rule.hardship
        reasons.append(f"困难家庭 +{rule.hardship}")
    return points, reasons


def order(entries: Iterable[tuple[Any, int, dt.date]]) -> list[Any]:
    """Keys of (key, points, applied_on) in waiting-list order: points, then date, then key."""
    return [k for k, _, _ in sorted(entries, key=lambda e: (-e[1], e[2], e[0]))]


# ---- quality inspection ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Score:
    score: int
    grade: str
    failed: tuple[str, ...]


def score(results: Mapping[str, str], rule: InspectionRule) -> Score:
    """Every checklist item answered with pass, fail or na; the score out of 100 and grade."""
    try:  # the same answers as the accessibility checklist's: one checker for both
        inspection_rules.check_results(results, rule.checklist)  # type: ignore[arg-type]
    except inspection_rules.RuleError as exc:
        zh, _, en = exc.message.partition(" (")
        raise RuleError(zh, en.rstrip(")")) from None
    applicable = [i for i in rule.checklist if results[i.code] != "na"]
    weight = sum(i.points for i in applicable)
    met = sum(i.points for i in applicable if results[i.code] == "pass")
    value = 100 if weight == 0 else round(100 * met / weight)
    return Score(value, grade(value, rule),
                 tuple(i.code for i in applicable if results[i.code] == "fail"))


def grade(value: int, rule: InspectionRule) -> str:
    if not 0 <= value <= 100:
        raise RuleError(f"分数须在 0–100 之间：{value}", f"a score is 0–100: {value}")
    return next(code for code, minimum in rule.grades if value >= minimum)


def exit_due(grades_newest_first: Sequence[str], rule: InspectionRule) -> bool:
    """Whether the last ``exit_after_failed`` inspections were all unqualified (动态退出)."""
    n = rule.exit_after_failed
    return n > 0 and len(grades_newest_first) >= n and all(
        g == "unqualified" for g in grades_newest_first[:n])


def billable_days(mode: str, start: dt.date, end: dt.date | None, first: dt.date, last: dt.date,
                  present: int) -> int:
    """Days a month's bill pays for one placement: day care by the days present (from the
    attendance), every other mode by the days placed within the month."""
    if mode == "day":
        return present
    begin, finish = max(first, start), min(last, end or last)
    return max(0, (finish - begin).days + 1)


def attendance_rate(present: int, recorded: int) -> float | None:
    """Days present over days recorded (None when nothing was recorded)."""
    if present < 0 or recorded < 0 or present > recorded:
        raise RuleError("出勤天数有误", "present days must be between 0 and the days recorded")
    return None if recorded == 0 else present / recorded


# ---- purchased services (政府购买服务绩效评价) ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class Performance:
    contracted: int
    delivered: int
    persons: int
    spent: Decimal
    satisfaction: float | None  # mean of the answers, 1–5
    answers: int

    @property
    def completion(self) -> float:
        return 0.0 if self.contracted == 0 else self.delivered / self.contracted

    @property
    def cost_per_person(self) -> Decimal | None:
        return None if self.persons == 0 else (self.spent / self.persons).quantize(Decimal("0.01"))

    def as_record(self, note: str = "") -> dict[str, Any]:
        """The evaluation as kept with the contract (JSON)."""
        cost = self.cost_per_person
        return {"contracted": self.contracted, "delivered": self.delivered,
                "persons": self.persons, "spent": str(self.spent),
                "completion": round(self.completion, 4),
                "cost_per_person": None if cost is None else str(cost),
                "satisfaction": self.satisfaction, "answers": self.answers,
                "rating": self.rating, "note": note}

    @property
    def rating(self) -> str:
        """达标 (met): 90 % delivered and, where asked, satisfaction 4 of 5 or more; 基本达标
        (mostly met): 70 % delivered; else 未达标 (not met)."""
        happy = self.satisfaction is None or self.satisfaction >= 4
        if self.completion >= 0.9 and happy:
            return "met"
        return "mostly" if self.completion >= 0.7 else "not_met"


RATINGS = {"met": ("达标", "met"), "mostly": ("基本达标", "mostly met"),
           "not_met": ("未达标", "not met")}


def performance(contracted: int, delivered: int, persons: int, spent: Decimal,
                answers: Sequence[int]) -> Performance:
    """Delivered against contracted, persons served, cost per person, satisfaction."""
    bad = [a for a in answers if not 1 <= a <= 5]
    if bad:
        raise RuleError(f"满意度须为 1–5：{bad[0]}", f"satisfaction is 1–5: {bad[0]}")
    mean = None if not answers else round(sum(answers) / len(answers), 2)
    return Performance(contracted, delivered, persons, spent, mean, len(answers))


def check_delivery(spent: Decimal, unit_price: Decimal, budget: Decimal) -> None:
    """A delivery is paid at the unit price; the contract's budget is not to be exceeded."""
    if spent + unit_price > budget:
        raise RuleError(f"超出合同预算（已用 {spent} 元，预算 {budget} 元）",
                        f"beyond the contract's budget ({spent} of {budget} yuan spent)")
