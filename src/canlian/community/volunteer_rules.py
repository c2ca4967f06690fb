"""Volunteers for disabled persons (助残志愿者): matching, hours and recognition. No database code.

A service request (服务需求) from a disabled person or a worker names the skill needed.
Volunteers who have that skill are ranked for it: those living in the same village first,
then the same township; those available at the time asked; those with fewer services
already under way. Staff assign one of them; the ranking only proposes.

Service hours count once confirmed by the person served or by a worker (服务时长确认).
A log is at most ``max_hours_per_log`` hours, in steps of ``hour_step``. Yearly confirmed
hours make the recognition list (年度优秀助残志愿者, from ``recognition_min_hours``), and
cumulative hours give the star level of 《志愿服务记录与证明出具办法》 (一星 100 小时 …
五星 1500 小时). The thresholds are data, per deployment (``data/<deployment>.yaml``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from canlian.core.rule_text import RuleError, gettext_noop

SKILLS = {
    "companionship": ("陪伴聊天", "companionship"),
    "daily_care": ("生活照料", "daily care"),
    "escort": ("出行陪同", "escort outings"),
    "errands": ("代购代办", "errands"),
    "rehab_assist": ("康复协助", "rehabilitation help"),
    "sign_language": ("手语翻译", "sign language"),
    "reading": ("读书读报", "reading aloud"),
    "repairs": ("家电维修", "household repairs"),
    "tutoring": ("助学辅导", "tutoring"),
    "legal": ("法律咨询", "legal advice"),
    "medical": ("医疗保健", "health care"),
    "psychological": ("心理疏导", "emotional support"),
}
AVAILABILITY = {
    "weekday_day": ("工作日白天", "weekdays, daytime"),
    "weekday_evening": ("工作日晚上", "weekday evenings"),
    "weekend": ("周末", "weekends"),
}
POINTS = {"same_village": 30, "same_township": 15, "available": 10, "per_open_task": -5}


class HoursError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        self.message = f"{zh} ({en})"
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class Star:
    name: str
    hours: Decimal


@dataclass(frozen=True, slots=True)
class VolunteerRules:
    max_hours_per_log: Decimal
    hour_step: Decimal
    recognition_min_hours: Decimal
    stars: tuple[Star, ...]  # ascending hours

    def __post_init__(self) -> None:
        object.__setattr__(self, "stars", tuple(sorted(self.stars, key=lambda s: s.hours)))


@dataclass(frozen=True, slots=True)
class Candidate:
    volunteer_id: int
    name: str
    skills: tuple[str, ...]
    availability: tuple[str, ...]
    village: str  # 12-digit codes
    township: str
    open_tasks: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class Need:
    skill: str
    village: str
    township: str
    slot: str = ""  # one of AVAILABILITY, or "" for any time


@dataclass(frozen=True, slots=True)
class Match:
    candidate: Candidate
    points: int
    reasons: tuple[str, ...]  # codes of POINTS that applied


def rank(need: Need, candidates: Iterable[Candidate], limit: int = 10) -> list[Match]:
    """Active volunteers with the skill, best first (ties: fewer open tasks, then id)."""
    if need.skill not in SKILLS:
        raise RuleError("skill", gettext_noop("Unknown skill %(skill)s"), skill=repr(need.skill))
    matches = []
    for c in candidates:
        if not c.active or need.skill not in c.skills:
            continue
        reasons = []
        if c.village == need.village:
            reasons.append("same_village")
        elif c.township == need.township:
            reasons.append("same_township")
        if need.slot and need.slot in c.availability:
            reasons.append("available")
        points = sum(POINTS[r] for r in reasons) + POINTS["per_open_task"] * c.open_tasks
        matches.append(Match(c, points, tuple(reasons)))
    matches.sort(key=lambda m: (-m.points, m.candidate.open_tasks, m.candidate.volunteer_id))
    return matches[:limit]


def check_hours(hours: Decimal | str | float, served_on: dt.date, today: dt.date,
                rules: VolunteerRules) -> Decimal:
    """The hours of one service log, or :class:`HoursError` saying what is wrong."""
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise HoursError(f"服务时长 {hours!r} 不是数字", f"hours {hours!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise HoursError("服务时长须大于 0", "hours must be more than 0")
    if value > rules.max_hours_per_log:
        raise HoursError(f"单次服务时长不能超过 {rules.max_hours_per_log} 小时",
                         f"at most {rules.max_hours_per_log} hours in one log")
    if value % rules.hour_step != 0:
        raise HoursError(f"服务时长以 {rules.hour_step} 小时为单位", f"hours come in steps of "
                         f"{rules.hour_step}")
    if served_on > today:
        raise HoursError("服务日期不能晚于今天", "the service date is in the future")
    return value


def star_for(total_hours: Decimal, rules: VolunteerRules) -> Star | None:
    """The star level reached by cumulative confirmed hours (None below the first)."""
    found = None
    for star in rules.stars:
        if total_hours >= star.hours:
            found = star
    return found


def recognised(yearly_hours: Decimal, rules: VolunteerRules) -> bool:
    return yearly_hours >= rules.recognition_min_hours
