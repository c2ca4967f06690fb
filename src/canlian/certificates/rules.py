"""Disability categories and grades (GB/T 26341-2010) and what follows from them.

No database code: the policy as docs/domain.md §1 states it.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from canlian.core.rule_text import gettext_noop, translated


class Category(IntEnum):
    """残疾类别 with its certificate digit."""

    VISUAL = 1  # 视力
    HEARING = 2  # 听力
    SPEECH = 3  # 言语
    PHYSICAL = 4  # 肢体
    INTELLECTUAL = 5  # 智力
    MENTAL = 6  # 精神
    MULTIPLE = 7  # 多重

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


class Grade(IntEnum):
    """残疾等级: 1 (一级, most severe) to 4 (四级)."""

    ONE = 1
    TWO = 2
    THREE = 3
    FOUR = 4

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


CATEGORY_LABELS = {
    Category.VISUAL: "视力残疾",
    Category.HEARING: "听力残疾",
    Category.SPEECH: "言语残疾",
    Category.PHYSICAL: "肢体残疾",
    Category.INTELLECTUAL: "智力残疾",
    Category.MENTAL: "精神残疾",
    Category.MULTIPLE: "多重残疾",
}
GRADE_LABELS = {Grade.ONE: "一级", Grade.TWO: "二级", Grade.THREE: "三级", Grade.FOUR: "四级"}
SEVERITY_LABELS = {Grade.ONE: "极重度", Grade.TWO: "重度", Grade.THREE: "中度", Grade.FOUR: "轻度"}

VALIDITY_YEARS = 10
RENEWAL_WINDOW_DAYS = 90


def is_severe(grade: int) -> bool:
    """重度 = grade 1 or 2 (nursing subsidy, the levy's double count)."""
    return Grade(grade) in {Grade.ONE, Grade.TWO}


def multiple_grade(component_grades: list[int]) -> Grade:
    """A multiple disability takes the most severe grade among its components (art. 13)."""
    if len(component_grades) < 2:
        raise ValueError(translated(gettext_noop(
            "A multiple disability has two or more components")))
    return Grade(min(component_grades))


def cover_colour(category: int, components: list[int] | None = None) -> str:
    """Red for visual (and a multiple that includes visual), green for all others."""
    if Category(category) == Category.VISUAL:
        return "red"
    if Category(category) == Category.MULTIPLE and Category.VISUAL in (components or []):
        return "red"
    return "green"


def valid_until(issue_date: dt.date) -> dt.date:
    """A certificate is valid 10 years; 29 February rolls to 28 February."""
    try:
        return issue_date.replace(year=issue_date.year + VALIDITY_YEARS)
    except ValueError:
        return issue_date.replace(year=issue_date.year + VALIDITY_YEARS, day=28)


def renewal_due(valid_to: dt.date, today: dt.date, window_days: int = RENEWAL_WINDOW_DAYS) -> bool:
    """Renewal reminders start ``window_days`` before expiry."""
    return today >= valid_to - dt.timedelta(days=window_days)
