"""The working-day calendar: official holidays and adjusted working weekends, from data."""

import datetime as dt

import pytest

from canlian.core import calendar
from canlian.core.calendar import CalendarDataError, parse


def test_holidays_are_not_working_days_and_adjusted_weekends_are():
    assert not calendar.is_working_day(dt.date(2025, 10, 1))   # 国庆节
    assert not calendar.is_working_day(dt.date(2025, 10, 8))   # 国庆 + 中秋, moved
    assert calendar.is_working_day(dt.date(2025, 9, 28))       # a Sunday worked (调休)
    assert calendar.is_working_day(dt.date(2025, 10, 11))      # a Saturday worked
    assert not calendar.is_working_day(dt.date(2025, 10, 12))  # an ordinary Sunday
    assert calendar.is_working_day(dt.date(2025, 10, 9))


def test_adding_working_days_skips_the_national_day_week():
    # Friday 26 September 2025 + 1 working day = Sunday 28 September (调休上班);
    # + 2 = Thursday 9 October (1–8 October off)
    start = dt.date(2025, 9, 26)
    assert calendar.add_working_days(start, 1) == dt.date(2025, 9, 28)
    assert calendar.add_working_days(start, 2) == dt.date(2025, 9, 29)
    assert calendar.add_working_days(start, 3) == dt.date(2025, 9, 30)
    assert calendar.add_working_days(start, 4) == dt.date(2025, 10, 9)
    assert calendar.add_working_days(start, 0) == start
    # Spring Festival 2026: 15–23 February off, Saturday 14th and 28th worked
    assert calendar.add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    assert calendar.add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(start, -1)


def test_working_days_between_counts_after_start_up_to_end():
    assert calendar.working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9)) == 1
    assert calendar.working_days_between(dt.date(2025, 10, 9), dt.date(2025, 10, 9)) == 0


def test_each_year_has_its_official_number_of_working_days():
    def count(year):
        day, n = dt.date(year, 1, 1), 0
        while day.year == year:
            n += calendar.is_working_day(day)
            day += dt.timedelta(days=1)
        return n

    # Monday–Friday less the weekday holidays plus the adjusted weekends, by hand from the
    # notices (2021: 261 weekdays − 18 + 7 = 250; 2024: 262 − 19 + 8 = 251).
    assert count(2021) == 250
    assert count(2024) == 251
    assert all(calendar.covers(y) for y in range(2021, 2027))
    assert not calendar.covers(2030)  # unknown years fall back to Monday–Friday
    assert calendar.is_working_day(dt.date(2030, 1, 1))


def test_bad_data_is_refused_with_the_year_and_entry():
    with pytest.raises(CalendarDataError, match=r"2025.*2025-13-01"):
        parse({"years": {2025: {"holidays": ["2025-13-01"]}}})
    with pytest.raises(CalendarDataError, match="weekday"):
        parse({"years": {2025: {"workdays": ["2025-10-09"]}}})
    with pytest.raises(CalendarDataError, match="both"):
        parse({"years": {2025: {"holidays": ["2025-09-28"], "workdays": ["2025-09-28"]}}})
    with pytest.raises(CalendarDataError, match="out of order"):
        parse({"years": {2025: {"holidays": ["2025-10-08..2025-10-01"]}}})
