"""When a job is due (pure cron arithmetic)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from canlian.ops import slots

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def test_latest_slot_is_the_last_one_passed():
    assert slots.latest("0 2 * * *", at(2026, 3, 1, 5, 0), dt.timedelta(hours=12)) == at(2026, 3, 1, 2, 0)


def test_a_slot_exactly_now_is_due():
    assert slots.latest("0 2 * * *", at(2026, 3, 1, 2, 0), dt.timedelta(hours=1)) == at(2026, 3, 1, 2, 0)


def test_a_slot_older_than_the_catch_up_window_is_not_run():
    assert slots.latest("0 2 * * *", at(2026, 3, 1, 20, 0), dt.timedelta(hours=12)) is None


def test_seconds_and_off():
    assert slots.latest("*/5 * * * * *", at(2026, 3, 1, 2, 0, 7), dt.timedelta(minutes=1)) == \
        at(2026, 3, 1, 2, 0, 5)
    assert slots.latest("off", at(2026, 3, 1, 2, 0), dt.timedelta(days=1)) is None
    assert slots.upcoming("off", at(2026, 3, 1, 2, 0)) is None
    assert slots.upcoming("0 5 20 * *", at(2026, 3, 21, 0, 0)) == at(2026, 4, 20, 5, 0)


@pytest.mark.parametrize("bad", ["0 2 * *", "61 * * * *", "every night"])
def test_a_bad_expression_is_refused_with_its_text(bad):
    with pytest.raises(slots.ScheduleError, match="bad cron expression"):
        slots.validate(bad)
