"""Culture rules, pure."""

import datetime as dt

from canlian.culture import rules


def test_the_token_is_read_from_the_scanned_url_or_alone():
    assert rules.token_from_scan("https://canlian.example/verify/AbCdEfGhIjKlMnOpQrStUv/") == \
        "AbCdEfGhIjKlMnOpQrStUv"
    assert rules.token_from_scan(" AbCdEfGhIjKlMnOpQrStUv\n") == "AbCdEfGhIjKlMnOpQrStUv"


def test_deliveries_go_to_severely_disabled_households_and_radios_to_blind_persons():
    assert rules.delivery_refusal("five_ones", 1, 4) is None
    assert "重度" in rules.delivery_refusal("five_ones", 3, 4)
    assert "视力" in rules.delivery_refusal("radio_for_blind", 2, 4)
    assert rules.delivery_refusal("radio_for_blind", 2, 1) is None
    assert "未知" in rules.delivery_refusal("car", 1, 1)


def test_event_checks():
    today = dt.date(2025, 6, 1)
    assert rules.check_event("读书会", today, today, "reading") == {}
    assert set(rules.check_event(" ", dt.date(2027, 1, 1), today, "x")) == {"kind", "title", "on"}
