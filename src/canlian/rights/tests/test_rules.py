"""Rights rules, pure: the time limits with their sources, due dates on the official
calendar, the steps allowed per state."""

import datetime as dt

import pytest

from canlian.core.rulefile import RuleFileError
from canlian.rights import rules
from canlian.rights.rules import Limit, parse


def test_every_limit_cites_its_source_and_xinfang_has_the_statutory_ones():
    limits = rules.limits()
    assert set(limits) == {"xinfang", "legal_aid", "complaint"}
    x = limits["xinfang"]
    assert (x["accept"].days, x["reply"].days, x["extension"].days) == (15, 60, 30)
    assert all(x[s].unit == "days" for s in ("accept", "reply", "extension"))
    assert "信访工作条例" in x["accept"].source and "60日" in x["reply"].source
    assert (limits["legal_aid"]["accept"].days, limits["legal_aid"]["assign"].days) == (7, 3)
    assert "法律援助法" in limits["legal_aid"]["accept"].source
    assert all(lim.source for kind in limits.values() for lim in kind.values())


def test_calendar_days_end_on_the_next_working_day_when_the_last_falls_on_a_rest_day():
    accept = rules.limit("xinfang", "accept")
    # received Tuesday 16 September 2025: day 15 is Wednesday 1 October (国庆), and the
    # holiday runs to the 8th, so the limit ends on Thursday 9 October
    assert accept.due(dt.date(2025, 9, 16)) == dt.date(2025, 10, 9)
    # received Monday 3 November 2025: day 15 is Tuesday 18 November, a working day
    assert accept.due(dt.date(2025, 11, 3)) == dt.date(2025, 11, 18)
    # a Saturday that is an adjusted working day ends the limit there (11 October 2025)
    assert Limit("xinfang", "accept", 15, "days", "s").due(dt.date(2025, 9, 26)) == \
        dt.date(2025, 10, 11)


def test_working_day_limits_skip_weekends_and_holidays():
    accept = rules.limit("complaint", "accept")  # 5 working days
    assert accept.unit == "working_days"
    # Friday 26 September 2025: Sunday 28th (worked), 29th, 30th, then 9th and 10th October
    assert accept.due(dt.date(2025, 9, 26)) == dt.date(2025, 10, 10)


def test_steps_allowed_by_state():
    assert rules.may("accept", "received") and not rules.may("accept", "accepted")
    assert rules.may("close", "assigned") and not rules.may("close", "received")
    assert rules.may("reopen", "closed") and rules.may("reopen", "not_accepted")
    assert not rules.may("satisfaction", "accepted")
    assert rules.can_extend("xinfang", 0) and not rules.can_extend("xinfang", 1)
    assert not rules.can_extend("legal_aid", 0)  # no extension in the legal-aid rules
    assert rules.overdue(dt.date(2025, 10, 9), dt.date(2025, 10, 10))
    assert not rules.overdue(dt.date(2025, 10, 9), dt.date(2025, 10, 9))
    assert rules.satisfaction_rate(3, 4) == 75.0 and rules.satisfaction_rate(0, 0) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"kinds": {"tax": {}}}, "tax: unknown kind"),
    ({"kinds": {"xinfang": {"limits": {"accept": {"days": 0, "unit": "days", "source": "x"}}}}},
     "xinfang.accept: days must be a positive"),
    ({"kinds": {"xinfang": {"limits": {"accept": {"days": 15, "unit": "weeks", "source": "x"}}}}},
     "xinfang.accept: unit must be"),
    ({"kinds": {"xinfang": {"limits": {"accept": {"days": 15, "unit": "days"}}}}},
     "xinfang.accept: every limit cites its source"),
    ({"kinds": {"xinfang": {"limits": {"accept": {"days": 15, "unit": "days", "source": "x"}}}}},
     "xinfang: the reply limit is missing"),
])
def test_bad_rule_data_is_refused_naming_the_kind_and_step(data, message):
    with pytest.raises(RuleFileError, match=message):
        parse(data)


def test_the_rules_import_no_django():
    import ast
    import inspect

    for module in (rules, rules.official_calendar):
        tree = ast.parse(inspect.getsource(module))
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not any(n.startswith("django") for n in names), module.__name__
