"""The pure rules: text-message replies, phone numbers, the seeded sample, age bands."""

import datetime as dt

from canlian.evaluation import rules


def test_replies_are_code_score_and_an_optional_comment():
    assert rules.parse_reply("k7p3q 5") == rules.Reply("K7P3Q", 5, "")
    assert rules.parse_reply(" K7P3Q，4，等待时间较长 ") == rules.Reply("K7P3Q", 4, "等待时间较长")
    assert rules.parse_reply("K7P3Q\u30003 还行") == rules.Reply("K7P3Q", 3, "还行")
    for bad in ("", "5", "K7P3Q", "K7P3Q 6", "K7P3Q 0", "K7P3Q five", "满意 5"):
        assert rules.parse_reply(bad) is None, bad


def test_phone_numbers_compare_without_the_country_code():
    assert rules.normalise_phone("+86 138-1234-5678") == "13812345678"
    assert rules.normalise_phone("008613812345678") == "13812345678"
    assert rules.normalise_phone("13812345678") == "13812345678"


def test_the_sample_is_the_same_for_the_same_seed_and_changes_little_with_the_records():
    ids = list(range(1, 2001))
    first = rules.draw_sample(ids, 42, 50)
    assert first == rules.draw_sample(reversed(ids), 42, 50)  # order of reading is irrelevant
    assert len(set(first)) == 50 and set(first) <= set(ids)
    assert first != rules.draw_sample(ids, 43, 50)
    # one more record changes the sample by at most that record
    grown = rules.draw_sample([*ids, 2001], 42, 50)
    assert len(set(grown) - set(first)) <= 1
    assert rules.draw_sample(ids, 42, 0) == [] and rules.draw_sample([], 42, 5) == []
    assert rules.pseudonym(42, 7) == rules.pseudonym(42, 7) != rules.pseudonym(43, 7)


def test_windows_rates_and_bands():
    closed = dt.date(2025, 3, 1)
    assert rules.can_rate(closed, closed) and rules.can_rate(closed, dt.date(2025, 5, 30))
    assert not rules.can_rate(closed, dt.date(2025, 5, 31))
    assert not rules.can_rate(closed, dt.date(2025, 2, 28))
    assert rules.reply_expired(closed, dt.date(2025, 4, 1))
    assert not rules.reply_expired(closed, dt.date(2025, 3, 31))
    assert rules.satisfaction_rate(3, 4) == 75.0 and rules.satisfaction_rate(0, 0) is None
    assert not rules.public_row(4) and rules.public_row(5)
    today = dt.date(2025, 6, 1)
    assert rules.age_band(dt.date(1970, 6, 2), today) == "50–59"
    assert rules.age_band(dt.date(1970, 6, 1), today) == "50–59"
    assert rules.age_band(dt.date(1940, 1, 1), today) == "80+"
    assert rules.age_band(dt.date(2024, 1, 1), today) == "0–9"
