"""Who must be visited how often (走访探视频次), and whether a visit is due. No database code.

Village workers visit the persons most at risk more often than the annual survey brings
them: a severely disabled person living alone every fortnight, a 特困 person every month,
and so on. Each deployment lists its rules in ``data/<deployment>.yaml`` (``visits:``); a
rule names the persons it covers by disability grade and category, household type
(低保 / 低保边缘 / 特困), living alone (独居) and age, and how many days may pass between
two visits. A person covered by several rules is visited as often as the strictest one
asks (the smallest ``every_days``); every matching rule is listed as a reason. A person
covered by none needs no scheduled visit, unless the deployment sets a default interval.

The same conditions are turned into one database condition per rule by
``community.visits.queries`` so the due list is computed set-based; ``birth_bounds`` gives the
birth-date range of an age band, so both sides agree on birthdays (29 February included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from canlian.core.rule_text import RuleError, gettext_noop

HOUSEHOLD_TYPES = ("ordinary", "dibao", "dibao_edge", "tekun")  # people.models.HouseholdType
GRADES = (1, 2, 3, 4)
CATEGORIES = (1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the rules read about one person."""

    age: int
    grade: int | None  # 1 (most severe) … 4; None without a current certificate
    category: int | None
    household_type: str  # "" when the person has no household on record
    lives_alone: bool


@dataclass(frozen=True, slots=True)
class VisitRule:
    """One visit-frequency rule (走访频次规则). Empty tuples and ``None`` mean "any"."""

    code: str
    name: str
    every_days: int
    grades: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()
    household_types: tuple[str, ...] = ()
    lives_alone: bool | None = None
    min_age: int | None = None  # completed years, inclusive
    max_age: int | None = None  # completed years, inclusive

    def applies(self, facts: VisitFacts) -> bool:
        if self.grades and facts.grade not in self.grades:
            return False
        if self.categories and facts.category not in self.categories:
            return False
        if self.household_types and facts.household_type not in self.household_types:
            return False
        if self.lives_alone is not None and facts.lives_alone != self.lives_alone:
            return False
        if self.min_age is not None and facts.age < self.min_age:
            return False
        return not (self.max_age is not None and facts.age > self.max_age)


@dataclass(frozen=True, slots=True)
class VisitPolicy:
    """A deployment's visit rules, strictest (smallest interval) first."""

    rules: tuple[VisitRule, ...]
    due_soon_days: int = 7
    default_every_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(sorted(self.rules, key=lambda r: (r.every_days,
                                                                                  r.code))))

    @property
    def intervals(self) -> tuple[int, ...]:
        """Every interval a person may be given, smallest first (the default last)."""
        found = {r.every_days for r in self.rules}
        if self.default_every_days is not None:
            found.add(self.default_every_days)
        return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class Requirement:
    """How often a person must be visited, and which rules say so."""

    every_days: int
    rules: tuple[VisitRule, ...]  # the matching rules, strictest first; empty for the default

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rules)


def requirement(facts: VisitFacts, policy: VisitPolicy) -> Requirement | None:
    """The visit requirement for a person, or ``None`` when no scheduled visit is needed."""
    matching = tuple(r for r in policy.rules if r.applies(facts))
    if matching:
        return Requirement(min(r.every_days for r in matching), matching)
    if policy.default_every_days is not None:
        return Requirement(policy.default_every_days, ())
    return None


class State(StrEnum):
    NEVER = "never"  # no visit on record: due now
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"  # due within ``due_soon_days`` (today included)
    OK = "ok"


STATE_LABELS = {
    State.NEVER: ("从未走访", "never visited"),
    State.OVERDUE: ("逾期未访", "overdue"),
    State.DUE_SOON: ("即将到期", "due soon"),
    State.OK: ("按期", "up to date"),
}


@dataclass(frozen=True, slots=True)
class VisitStatus:
    state: State
    due_on: dt.date | None  # None when never visited
    days_overdue: int = 0

    @property
    def is_late(self) -> bool:
        return self.state in (State.NEVER, State.OVERDUE)


def status(last_visit: dt.date | None, every_days: int, today: dt.date,
           due_soon_days: int = 7) -> VisitStatus:
    """Whether the next visit is overdue: it is due ``every_days`` after the last one.

    A visit on the due date is in time; the day after, it is one day overdue.
    """
    if every_days < 1:
        raise RuleError("every_days", gettext_noop("The visit interval must be a positive number of "
                                                  "days: %(days)s"), days=every_days)
    if last_visit is None:
        return VisitStatus(State.NEVER, None)
    if last_visit > today:
        raise RuleError("future", gettext_noop("The visit on %(visit)s is later than today, %(today)s"),
                        visit=str(last_visit), today=str(today))
    due_on = last_visit + dt.timedelta(days=every_days)
    if today > due_on:
        return VisitStatus(State.OVERDUE, due_on, (today - due_on).days)
    if (due_on - today).days <= due_soon_days:
        return VisitStatus(State.DUE_SOON, due_on)
    return VisitStatus(State.OK, due_on)


def overdue_before(today: dt.date, every_days: int) -> dt.date:
    """A person with this interval is overdue when the last visit is before this date."""
    return today - dt.timedelta(days=every_days)


# --- ages -------------------------------------------------------------------------------------


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day`` (a 29 February birthday falls on 1 March in other years)."""
    years = day.year - birth.year
    return years - ((day.month, day.day) < (birth.month, birth.day))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_bounds(today: dt.date, min_age: int | None, max_age: int | None
                 ) -> tuple[dt.date | None, dt.date | None]:
    """(born after, born on or before): the birth dates of persons aged min…max today.

    ``age_on(b, today) >= n`` ⇔ ``b <= years_before(today, n)``, 29 February included
    (such a person is a year older from 1 March in other years, and ``years_before`` maps
    a 29 February ``today`` to the 28th, on which nobody else's birthday is missed). So
    ``max_age`` ⇔ ``b > years_before(today, max_age + 1)``. A bound is ``None`` when open.
    """
    latest = None if min_age is None else years_before(today, min_age)
    earliest_exclusive = None if max_age is None else years_before(today, max_age + 1)
    return earliest_exclusive, latest
