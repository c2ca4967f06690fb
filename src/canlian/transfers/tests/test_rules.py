import datetime as dt

import pytest

from canlian.transfers import rules, signing


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    assert [rules.backoff(n) for n in range(5)] == [0, 60, 120, 240, 480]
    assert rules.backoff(30) == 6 * 3600


def test_the_destination_counts_subsidies_from_the_month_after_the_origin_pays():
    today = dt.date(2026, 12, 2)
    assert rules.first_month_here(dt.date(2026, 12, 1), today) == dt.date(2027, 1, 1)
    assert rules.first_month_here(dt.date(2026, 10, 1), today) == today
    assert rules.first_month_here(None, today) == today


KEY = b"k" * 32


def test_a_signature_verifies_and_any_change_breaks_it():
    signed = signing.sign(KEY, "yueqing", "POST", "/transfers/inbox/", b"{}", now=1000)
    signing.verify(KEY, signed, "POST", "/transfers/inbox/", b"{}", now=1010)
    for change in ({"body": b"{ }"}, {"path": "/other/"}, {"key": b"x" * 32}):
        with pytest.raises(signing.SignatureError) as exc:
            signing.verify(change.get("key", KEY), signed, "POST", change.get("path", "/transfers/inbox/"),
                           change.get("body", b"{}"), now=1010)
        assert exc.value.code == "signature"


def test_a_stale_or_unsigned_request_is_refused():
    signed = signing.sign(KEY, "yueqing", "POST", "/p", b"", now=1000)
    with pytest.raises(signing.SignatureError) as exc:
        signing.verify(KEY, signed, "POST", "/p", b"", now=1000 + signing.WINDOW + 1)
    assert exc.value.code == "stale"
    with pytest.raises(signing.SignatureError) as exc:
        signing.read_headers({"X-Canlian-Peer": "yueqing"})
    assert exc.value.code == "unsigned"
    headers = signed.headers()
    assert signing.read_headers({k.lower(): v for k, v in headers.items()}) == signed
