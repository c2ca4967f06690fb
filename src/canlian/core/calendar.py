"""The working-day calendar (工作日): Monday to Friday, less the public holidays, plus the
adjusted working weekend days (调休上班), as the State Council's General Office publishes
them each year (``data/holidays.yaml``, with the notice each year is transcribed from).

Statutory time limits in working days (e.g. 信访工作条例's 15 days to decide on accepting a
visit, 国务院《信访工作条例》第三十一条) are counted with ``add_working_days``. A year the
data file does not list falls back to Monday–Friday; ``covers(year)`` tells callers (and a
test reminds the maintainers when the current year is missing).

Pure module: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays.yaml"


class CalendarDataError(ValueError):
    """The holiday data file is malformed (the message names the year and entry)."""


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]
    sources: dict[int, str]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """``start`` plus ``days`` working days: the day on which the ``days``-th working
        day after ``start`` falls (``start`` itself is not counted, as a time limit runs
        from the day after the event). ``days`` = 0 gives ``start``."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, remaining = start, days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _dates(entry: object, year: int) -> list[dt.date]:
    text = str(entry)
    first, _, last = text.partition("..")
    try:
        a = dt.date.fromisoformat(first.strip())
        b = dt.date.fromisoformat(last.strip()) if last else a
    except ValueError:
        raise CalendarDataError(f"{year}: not a date or range: {text!r}") from None
    if b < a or (a.year != year and b.year != year):
        raise CalendarDataError(f"{year}: range out of order or of another year: {text!r}")
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def parse(data: dict) -> Calendar:
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year, entry in (data.get("years") or {}).items():
        for item in entry.get("holidays") or []:
            holidays.update(_dates(item, int(year)))
        for item in entry.get("workdays") or []:
            for day in _dates(item, int(year)):
                if day.weekday() < 5:
                    raise CalendarDataError(f"{year}: {day} is a weekday, not an adjusted "
                                            "working weekend day")
                workdays.add(day)
    both = holidays & workdays
    if both:
        raise CalendarDataError(f"both a holiday and a working day: {sorted(both)[0]}")
    return Calendar(frozenset(holidays), frozenset(workdays),
                    frozenset(int(y) for y in (data.get("years") or {})),
                    {int(y): str(s) for y, s in (data.get("sources") or {}).items()})


@lru_cache(maxsize=1)
def official() -> Calendar:
    """The calendar of the official arrangements in ``data/holidays.yaml``."""
    return parse(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


def is_working_day(day: dt.date) -> bool:
    return official().is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    return official().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return official().working_days_between(start, end)


def covers(year: int) -> bool:
    """Whether the official arrangements of ``year`` are in the data file."""
    return year in official().years
