"""公示: the public notice before a subsidy is approved (rule data, working days, refusal)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from canlian.benefits import actions, rulesets
from canlian.benefits.models import Grant
from canlian.benefits.tests.helpers import NURSING
from canlian.core import clock, notice_rules


def test_the_period_counts_working_days_across_holidays():
    # Posted Monday 2025-09-29: 9-30 is a working day, 10-1…10-8 the National Day holiday,
    # Saturday 10-11 an adjusted working day (holidays.yaml).
    span = notice_rules.period(dt.date(2025, 9, 29), 5)
    assert span.first == dt.date(2025, 9, 29)
    assert span.last == dt.date(2025, 10, 11)
    # Posted on a Sunday: counting starts on Monday.
    span = notice_rules.period(dt.date(2025, 6, 8), 5)
    assert (span.first, span.last) == (dt.date(2025, 6, 9), dt.date(2025, 6, 13))
    assert not notice_rules.has_run(dt.date(2025, 6, 13), dt.date(2025, 6, 13))
    assert notice_rules.has_run(dt.date(2025, 6, 13), dt.date(2025, 6, 14))


def test_both_deployments_require_a_five_day_notice_for_both_subsidies():
    for code in ("yueqing", "linzi"):
        ruleset = rulesets.load_shipped(code)
        for subsidy in ("living", "nursing"):
            assert ruleset.notice_on(subsidy, dt.date(2026, 1, 1)).working_days == 5


def test_the_rule_data_is_read_strictly(tmp_path):
    base = rulesets.load_shipped("yueqing")
    assert base.notice_on("nursing", dt.date(2015, 1, 1)) is None  # before any version
    text = (rulesets.DATA_DIR / "yueqing.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "yueqing.yaml"
    bad.write_text(text.replace("    working_days: 5", "    working_dayz: 5"), encoding="utf-8")
    # The shared reader reports the first problem: the required key the misspelling lacks.
    with pytest.raises(rulesets.RuleSetError, match=r"public_notice\[0\].*missing key\(s\) working_days"):
        rulesets.load(bad)
    bad.write_text(text.replace("subsidies: [living, nursing]", "subsidies: [care]"),
                   encoding="utf-8")
    with pytest.raises(rulesets.RuleSetError, match="subsidies"):
        rulesets.load(bad)


def test_approval_is_refused_until_the_notice_has_run(users, certified):
    day = dt.date(2025, 6, 9)
    person = certified(grade=1)
    application = actions.apply(users.township, person, "nursing", NURSING, today=day)
    with pytest.raises(ValidationError):  # only reviewed applications are posted
        actions.post_notice(users.township, application.village_id, [application.pk], day,
                            today=day)
    actions.decide_application(users.township, application.pk, "review", today=day)
    with clock.frozen(day), pytest.raises(actions.SubsidyError, match="须先在村（社区）公示") as e:
        actions.decide_application(users.federation, application.pk, "approve", today=day)
    assert e.value.code == "notice_missing"
    with pytest.raises(ValidationError, match="早于今天"):
        actions.post_notice(users.township, application.village_id, [application.pk],
                            day - dt.timedelta(days=1), today=day)
    notice = actions.post_notice(users.township, application.village_id, [application.pk], day,
                                 today=day)
    assert (notice.starts_on, notice.ends_on) == (dt.date(2025, 6, 9), dt.date(2025, 6, 13))
    with clock.frozen(notice.ends_on), pytest.raises(actions.SubsidyError,
                                                     match="公示期至 2025-06-13 止") as e:
        actions.decide_application(users.federation, application.pk, "approve",
                                   today=notice.ends_on)
    assert e.value.code == "notice_running"
    assert not Grant.objects.exists()
    with clock.frozen(dt.date(2025, 6, 14)):
        actions.decide_application(users.federation, application.pk, "approve",
                                   today=dt.date(2025, 6, 14))
    assert Grant.objects.get(application=application).start_month == dt.date(2025, 6, 1)
    with pytest.raises(ValidationError):  # posted once only
        actions.post_notice(users.township, application.village_id, [application.pk], day,
                            today=day)


def test_a_notice_is_posted_per_village_in_the_reviewers_region(users, certified, regions):
    day = dt.date(2025, 6, 9)
    application = actions.apply(users.township, certified(grade=1), "nursing", NURSING, today=day)
    actions.decide_application(users.township, application.pk, "review", today=day)
    with pytest.raises(ValidationError):  # another village's code
        actions.post_notice(users.township, regions.v1b.code, [application.pk], day, today=day)
    with pytest.raises(ValidationError):  # outside the township's region: not found
        actions.post_notice(users.township2, application.village_id, [application.pk], day,
                            today=day)
