"""Education rules, pure."""

import datetime as dt

from canlian.education import rules
from canlian.education.rules import Entry


def test_a_row_is_checked_field_by_field():
    birth = dt.date(2015, 3, 1)
    today = dt.date(2025, 11, 3)
    ok = Entry("compulsory_school", "none", "城东小学", "", dt.date(2025, 9, 1))
    assert rules.check(ok, birth, today) == []
    fields = {e.field for e in rules.check(Entry("nope", "phd", "", "", dt.date(2026, 1, 1)),
                                           birth, today)}
    assert fields == {"status", "highest_level", "since"}
    assert [e.field for e in rules.check(Entry("not_enrolled", "none", "", "", today), birth,
                                         today)] == ["reason"]
    assert [e.field for e in rules.check(Entry("compulsory_special", "none", "", "", today),
                                         birth, today)] == ["school"]
    assert rules.check(Entry("compulsory_home", "none", "", "", today), birth, today) == []
    assert [e.field for e in rules.check(Entry("upper_secondary", "primary", "职高", "", today),
                                         dt.date(2009, 1, 1), today)] == ["highest_level"]
    # a 25-year-old is not of compulsory age
    assert rules.check(Entry("compulsory_school", "none", "x", "", today), dt.date(2000, 1, 1),
                       today)[0].field == "status"


def test_compulsory_age_is_taken_on_1_september_of_the_school_year():
    assert rules.compulsory_age(dt.date(2019, 8, 31), dt.date(2025, 10, 1))  # 6 on 1 Sept
    assert not rules.compulsory_age(dt.date(2019, 9, 2), dt.date(2025, 10, 1))
    assert rules.compulsory_age(dt.date(2019, 8, 31), dt.date(2026, 5, 1))  # same school year


def test_missed_home_teaching_months_and_deadlines():
    visits = [dt.date(2025, 9, 3), dt.date(2025, 9, 17), dt.date(2025, 10, 8)]
    # September kept (2 of 2), October missed one; November is still running
    assert rules.missed_months(2, dt.date(2025, 9, 1), dt.date(2025, 11, 20), visits) == \
        [(2025, 10, 1)]
    # out-of-school follow-up: 20 working days, the National Day week skipped
    assert rules.follow_up_due(dt.date(2025, 9, 26)) == dt.date(2025, 10, 30)
    assert rules.higher_level("junior_secondary", "primary") == "junior_secondary"
    assert rules.higher_level("", "upper_secondary") == "upper_secondary"
