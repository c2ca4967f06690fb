"""Rules of rights casework, pure: the time limits (``data/time_limits.yaml``, each with its
source), the due date of each step, and which steps a case may take in each state.

No Django, no database: the actions call these, and the tests check them directly.
The file is read by the one rule-file reader (``core/rulefile.py``), and a malformed one
is refused with its :class:`~canlian.core.rulefile.RuleFileError`, naming the kind and step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from canlian.core import calendar as official_calendar
from canlian.core import rulefile
from canlian.core.calendar import Calendar
from canlian.core.rulefile import RuleFileError

DATA_FILE = Path(__file__).resolve().parent / "data" / "time_limits.yaml"

KINDS = ("xinfang", "legal_aid", "complaint")
UNITS = ("days", "working_days")
STEPS = ("accept", "assign", "reply", "extension", "appeal", "review")
# What each time-limited step is called in the 信访 rules the limits cite.
STEP_NAMES = {"accept": "决定是否受理", "assign": "交办", "reply": "办结答复",
              "extension": "延长办理期限", "appeal": "请求复查", "review": "提出复查意见"}


def _refused(where: str, zh: str, en: str) -> RuleFileError:
    """The time-limit file is malformed: the shared rule-file error, naming the kind and
    step (``where``) and the reason in Chinese and English."""
    return RuleFileError(DATA_FILE.name, where, zh, en)


@dataclass(frozen=True)
class Limit:
    kind: str
    step: str
    days: int
    unit: str
    source: str
    times: int = 1

    @property
    def step_label(self) -> str:
        """The step in words, as the page shows it beside its source."""
        return STEP_NAMES[self.step]

    def due(self, start: dt.date, cal: Calendar | None = None) -> dt.date:
        """The last day of the limit running from ``start`` (the day after ``start`` is
        day 1). Calendar days end on the next working day when the last falls on a rest
        day; working days count only working days."""
        cal = cal or official_calendar.official()
        if self.unit == "working_days":
            return cal.add_working_days(start, self.days)
        day = start + dt.timedelta(days=self.days)
        while not cal.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    @property
    def label(self) -> str:
        return f"{self.days}{'个工作日' if self.unit == 'working_days' else '日'}"


def parse(data: dict) -> dict[str, dict[str, Limit]]:
    result: dict[str, dict[str, Limit]] = {}
    for kind, entry in (data.get("kinds") or {}).items():
        if kind not in KINDS:
            raise _refused(kind, "未知的案件类别", "unknown kind of case")
        limits: dict[str, Limit] = {}
        for step, raw in (entry.get("limits") or {}).items():
            where = f"{kind}.{step}"
            if step not in STEPS:
                raise _refused(where, "未知的步骤", "unknown step")
            days, unit = raw.get("days"), raw.get("unit")
            if not isinstance(days, int) or days <= 0:
                raise _refused(where, "天数应为正整数", "days must be a positive whole number")
            if unit not in UNITS:
                raise _refused(where, f"单位应为 {'、'.join(UNITS)} 之一",
                               f"unit must be one of {', '.join(UNITS)}")
            if not str(raw.get("source") or "").strip():
                raise _refused(where, "每个时限须注明依据", "every limit cites its source")
            limits[step] = Limit(kind, step, days, unit, str(raw["source"]).strip(),
                                 int(raw.get("times", 1)))
        for needed in ("accept", "reply", "appeal", "review"):
            if needed not in limits:
                raise _refused(kind, f"缺少 {needed} 时限", f"the {needed} limit is missing")
        result[kind] = limits
    missing = set(KINDS) - set(result)
    if missing:
        raise _refused("-", f"缺少这些类别的时限：{'、'.join(sorted(missing))}",
                       f"no limits for {', '.join(sorted(missing))}")
    return result


@lru_cache(maxsize=1)
def limits() -> dict[str, dict[str, Limit]]:
    return parse(rulefile.read(DATA_FILE))


def limit(kind: str, step: str) -> Limit | None:
    return limits()[kind].get(step)


# ---- states and steps -------------------------------------------------------------------

RECEIVED, ACCEPTED, NOT_ACCEPTED = "received", "accepted", "not_accepted"
ASSIGNED, REFERRED, CLOSED = "assigned", "referred", "closed"
OPEN = (RECEIVED, ACCEPTED, ASSIGNED, REFERRED)

# step → states it may start from
ALLOWED: dict[str, tuple[str, ...]] = {
    "accept": (RECEIVED,),
    "refuse": (RECEIVED,),
    "link_duplicate": (RECEIVED, ACCEPTED),
    "assign": (ACCEPTED, ASSIGNED, REFERRED),
    "refer": (ACCEPTED, ASSIGNED),
    "extend": (ACCEPTED, ASSIGNED, REFERRED),
    "close": (ACCEPTED, ASSIGNED, REFERRED),
    "reopen": (CLOSED, NOT_ACCEPTED),
    "satisfaction": (CLOSED,),
}


def may(step: str, state: str) -> bool:
    return state in ALLOWED[step]


def can_extend(kind: str, extensions_so_far: int) -> bool:
    extension = limit(kind, "extension")
    return extension is not None and extensions_so_far < extension.times


def overdue(due: dt.date | None, today: dt.date) -> bool:
    """A limit is overdue the day after its last day."""
    return due is not None and today > due


def satisfaction_rate(satisfied: int, asked: int) -> float | None:
    """满意率: (satisfied + basically satisfied) ÷ cases whose person answered."""
    return None if asked == 0 else round(100 * satisfied / asked, 1)
