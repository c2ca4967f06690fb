"""Quarterly reporting rules: due dates, the quarter being reported, standing."""

import datetime as dt

from canlian.plantasks import rules


def test_due_dates_and_reporting_quarter():
    assert rules.due_date(2024, 1) == dt.date(2024, 4, 10)
    assert rules.due_date(2024, 4) == dt.date(2025, 1, 10)
    assert rules.reporting_quarter(dt.date(2025, 1, 10)) == (2024, 4)
    assert rules.reporting_quarter(dt.date(2025, 1, 11)) == (2025, 1)
    assert rules.last_due_quarter(dt.date(2025, 1, 10)) == (2024, 3)
    assert rules.last_due_quarter(dt.date(2025, 1, 11)) == (2024, 4)
    assert rules.remind_on(2024, 4) == dt.date(2025, 1, 3)


def test_standing():
    day = dt.date(2023, 7, 20)  # 2023 Q2 was due on 10 July: 10 of 20 quarters elapsed
    def s(percent, last):
        return rules.standing(start=2021, end=2025, today=day, last_percent=percent,
                              last_reported=last)
    assert s(None, None).status == rules.OVERDUE
    assert s(60, (2023, 1)).status == rules.OVERDUE  # the latest due quarter is missing
    assert s(50, (2023, 2)) == rules.Standing(rules.ON_TRACK, 50, 50)
    assert s(35, (2023, 2)).status == rules.ON_TRACK  # 15 points behind: still on track
    assert s(34, (2023, 2)).status == rules.LAGGING
    assert s(20, (2023, 3)).status == rules.LAGGING  # reported early, still behind
    assert rules.standing(start=2024, end=2025, today=day, last_percent=None,
                          last_reported=None).status == rules.NOT_STARTED
    # after the task's last year: judged against 100 %
    late = rules.standing(start=2021, end=2022, today=day, last_percent=100,
                          last_reported=(2022, 4))
    assert late == rules.Standing(rules.ON_TRACK, 100, 100)
