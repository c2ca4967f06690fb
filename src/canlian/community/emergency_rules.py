"""Emergency protection roster (应急保护名册): who is helped first. No database code.

When a typhoon, flood or power cut is declared, village workers and each person's contact
person (帮包联系人) go down the roster in priority order. The order must not depend on who
typed the roster: it comes from points for the disability grade, mobility (卧床 / 轮椅 /
需搀扶), living alone, age, the disability category (who cannot hear or see a warning),
assistive devices, and above all medical devices that need power (制氧机、呼吸机…). The
points are data, per deployment (``data/<deployment>.yaml``, ``emergency:``); the order is
code: points (highest first), then persons with powered medical devices, then the older,
then the name and record number, so two rosters of the same persons always agree.

Check-in statuses (``CHECKIN_STATES``) are the board of a declared emergency: every
person on the roster is reached (safe, helped, evacuated) or marked unreachable, and
persons not yet reached are listed first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from canlian.core.rule_text import RuleError, gettext_noop

MOBILITY = {
    "independent": ("行动自如", "moves independently"),
    "aided": ("需搀扶或拐杖", "walks with help or a stick"),
    "wheelchair": ("使用轮椅", "uses a wheelchair"),
    "bedridden": ("卧床", "bedridden"),
}
ASSISTIVE_DEVICES = {
    "wheelchair": ("轮椅", "wheelchair"),
    "walker": ("助行器", "walker"),
    "crutches": ("拐杖", "crutches"),
    "hearing_aid": ("助听器", "hearing aid"),
    "white_cane": ("盲杖", "white cane"),
    "prosthesis": ("假肢/矫形器", "prosthesis or orthosis"),
    "other": ("其他辅具", "other device"),
}
POWERED_DEVICES = {
    "oxygen": ("制氧机", "oxygen concentrator"),
    "ventilator": ("呼吸机", "ventilator"),
    "suction": ("吸痰器", "suction device"),
    "dialysis": ("家庭透析设备", "home dialysis"),
    "electric_bed": ("电动护理床/气垫床", "powered bed or air mattress"),
    "other": ("其他需供电设备", "other powered device"),
}
CHECKIN_STATES = {
    "safe": ("已联系，安全", "reached, safe"),
    "helped": ("已联系，已提供帮助", "reached, helped"),
    "evacuated": ("已转移安置", "evacuated"),
    "needs_help": ("已联系，需要救助", "reached, needs help"),
    "unreachable": ("联系不上", "not reachable"),
}
REACHED = frozenset({"safe", "helped", "evacuated", "needs_help"})
# Board order: not yet reached, then those still needing help, then the rest.
BOARD_ORDER = {None: 0, "unreachable": 1, "needs_help": 2, "helped": 3, "evacuated": 3, "safe": 4}


@dataclass(frozen=True, slots=True)
class AgeBand:
    min_age: int
    points: int


@dataclass(frozen=True, slots=True)
class Level:
    """A priority level (优先级), e.g. 一级 from 60 points."""

    code: str
    name: str
    min_points: int


@dataclass(frozen=True, slots=True)
class PriorityRules:
    grade: Mapping[int, int]
    mobility: Mapping[str, int]
    category: Mapping[int, int]
    lives_alone: int
    powered_device: int  # once, whatever the number of powered devices
    assistive_device: int  # each
    assistive_device_max: int
    age: tuple[AgeBand, ...]  # the highest band reached counts
    levels: tuple[Level, ...]  # highest min_points first; the last has min_points 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "age", tuple(sorted(self.age, key=lambda b: -b.min_age)))
        object.__setattr__(self, "levels", tuple(sorted(self.levels,
                                                        key=lambda lv: -lv.min_points)))


@dataclass(frozen=True, slots=True)
class EmergencyFacts:
    age: int
    grade: int | None
    category: int | None
    mobility: str = "independent"
    lives_alone: bool = False
    assistive_devices: tuple[str, ...] = ()
    powered_devices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    points: int
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Priority:
    points: int
    level: Level
    reasons: tuple[Reason, ...] = field(default=())


def priority(facts: EmergencyFacts, rules: PriorityRules) -> Priority:
    """Points and level of one person, with a reason for every point."""
    if facts.mobility not in MOBILITY:
        raise RuleError("mobility", gettext_noop("Unknown mobility %(mobility)s"),
                        mobility=repr(facts.mobility))
    reasons: list[Reason] = []

    def add(code: str, points: int, zh: str, en: str) -> None:
        if points:
            reasons.append(Reason(code, points, zh, en))

    if facts.powered_devices:
        names = "、".join(POWERED_DEVICES.get(d, (d, d))[0] for d in facts.powered_devices)
        names_en = ", ".join(POWERED_DEVICES.get(d, (d, d))[1] for d in facts.powered_devices)
        add("powered_device", rules.powered_device, f"需供电的医疗设备：{names}",
            f"medical device needing power: {names_en}")
    zh, en = MOBILITY[facts.mobility]
    add("mobility", rules.mobility.get(facts.mobility, 0), zh, en)
    if facts.grade is not None:
        add("grade", rules.grade.get(facts.grade, 0), f"残疾等级 {facts.grade} 级",
            f"disability grade {facts.grade}")
    if facts.lives_alone:
        add("lives_alone", rules.lives_alone, "独居", "lives alone")
    if facts.category is not None:
        add("category", rules.category.get(facts.category, 0), f"残疾类别 {facts.category}"
            "（接收预警困难）", f"disability category {facts.category} (may miss a warning)")
    band = next((b for b in rules.age if facts.age >= b.min_age), None)
    if band is not None:
        add("age", band.points, f"{band.min_age} 岁以上", f"aged {band.min_age} or over")
    devices = len(set(facts.assistive_devices))
    if devices:
        add("assistive_device", min(devices * rules.assistive_device, rules.assistive_device_max),
            f"使用辅具 {devices} 件", f"{devices} assistive device(s)")
    points = sum(r.points for r in reasons)
    return Priority(points, level_for(points, rules), tuple(reasons))


def level_for(points: int, rules: PriorityRules) -> Level:
    for level in rules.levels:
        if points >= level.min_points:
            return level
    return rules.levels[-1]


T = TypeVar("T")


def order_key(points: int, has_powered_device: bool, birth_date: dt.date, name: str, pk: int
              ) -> tuple[int, int, dt.date, str, int]:
    """The roster's sort key: points (highest first), powered medical devices first, the
    older first (earlier birth date), then name and record number. ``queries.roster``
    orders by the same columns in the database."""
    return (-points, 0 if has_powered_device else 1, birth_date, name, pk)


def ordered(items: Iterable[T],
            key: Callable[[T], tuple[int, bool, dt.date, str, int]]) -> list[T]:
    """``items`` in roster order; ``key`` gives (points, has powered device, birth date,
    name, pk)."""
    return sorted(items, key=lambda item: order_key(*key(item)))


def board_key(state: str | None, points: int, has_powered_device: bool, birth_date: dt.date,
              name: str, pk: int) -> tuple:
    """The check-in board's order: not yet reached first, then by roster order."""
    return (BOARD_ORDER.get(state, 0),
            *order_key(points, has_powered_device, birth_date, name, pk))


def board_summary(counts: Mapping[str | None, int]) -> dict[str, int]:
    """Totals for the board from the number of persons in each state (``None``: not yet
    reached): total, reached, pending, unreachable, and those reached who need help."""
    summary = {"total": 0, "reached": 0, "pending": 0, "unreachable": 0, "needs_help": 0}
    for state, n in counts.items():
        if state is not None and state not in CHECKIN_STATES:
            raise RuleError("state", gettext_noop("Unknown check-in state %(state)s"),
                            state=repr(state))
        if n < 0:
            raise RuleError("count", gettext_noop("The count cannot be negative: %(count)s"), count=n)
        summary["total"] += n
        if state in REACHED:
            summary["reached"] += n
        elif state == "unreachable":
            summary["unreachable"] += n
        else:
            summary["pending"] += n
        if state == "needs_help":
            summary["needs_help"] += n
    return summary
