"""The claims and rewards pages in Debian chromium on a 390 px phone: a township worker
files a claim, another member of staff approves it, and the federation reads the rewards,
their printable public notice and decides one; no sideways scrolling and no axe-core
violations on the way (errors shown included)."""

import datetime as dt
import json

import pytest

from canlian.core import browser, clock
from canlian.programmes import actions
from canlian.programmes.models import Claim, EmployerReward

from .test_claims import insured  # noqa: F401
from .test_rewards import YEAR, _declaration, linzi  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]

TODAY = clock.today()
PHONE = {"width": 390, "height": 844}


def _check(page, failures, where):
    assert browser.horizontal_overflow(page) <= 0, where
    found = browser.axe_violations(page) if browser.axe_available() else []
    if found:
        failures[where] = found


def test_claims_and_rewards_on_a_phone(live_server, users, regions, insured, linzi):  # noqa: F811
    _declaration(regions, "甲公司", "91370305MA3C000011", "10.00", "7.500")
    failures: dict = {}
    with browser.page(live_server.url, viewport=PHONE) as page:
        browser.sign_in(page, live_server.url, users.township)
        page.goto("/programmes/claims/")
        _check(page, failures, "claims")
        # a report too late and an amount of zero: both reasons, announced, nothing saved
        page.fill("#id_resident_id", insured.resident_id)
        page.select_option("#id_kind", "medical")
        page.fill("#id_accident_on", (TODAY + dt.timedelta(days=2)).isoformat())
        page.fill("#id_claimed", "0")
        page.click("form.card button[type=submit]")
        assert "晚于报案日期" in page.inner_text("main")
        assert not Claim.objects.exists()
        _check(page, failures, "claims with errors")
        page.fill("#id_accident_on", TODAY.isoformat())
        page.fill("#id_claimed", "12500")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/programmes/claims/*/")
        assert "10,000.00 元" in page.inner_text("main")
        _check(page, failures, "claim filed")
    claim = Claim.objects.get()
    with browser.page(live_server.url, viewport=PHONE) as page:
        browser.sign_in(page, live_server.url, users.federation)
        page.goto(f"/programmes/claims/{claim.pk}/")
        page.check("input[name=move][value=refuse]")
        page.click("form.card button[type=submit]")
        assert "不予赔付须写明理由" in page.inner_text("main")
        _check(page, failures, "claim refusal without reason")
        page.check("input[name=move][value=approve]")
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()
        assert Claim.objects.get().state == "approved"
        _check(page, failures, "claim approved")
        actions.post_rewards(users.federation2, YEAR)
        EmployerReward.objects.update(notice_first=TODAY - dt.timedelta(days=12),
                                      notice_last=TODAY - dt.timedelta(days=1))
        page.goto("/programmes/rewards/")
        assert "甲公司" in page.inner_text("main")
        _check(page, failures, "rewards")
        page.goto(f"/programmes/rewards/notice/?on={(TODAY - dt.timedelta(days=2)).isoformat()}")
        assert "甲公司" in page.inner_text("main") and "4,000.00 元" in page.inner_text("main")
        _check(page, failures, "reward notice")
        reward = EmployerReward.objects.get()
        page.goto(f"/programmes/rewards/{reward.pk}/")
        page.check("input[name=move][value=approve]")
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()
        assert EmployerReward.objects.get().state == "approved"
        _check(page, failures, "reward approved")
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)


def test_institution_support_on_a_phone(live_server, users, regions, make_person, linzi):  # noqa: F811
    from .test_institution_support import _institution, _worker

    centre = _institution(regions, "blind_massage")
    blind = [_worker(make_person, regions.v1a, f"盲人{i}", 1, 2) for i in range(2)]
    failures: dict = {}
    with browser.page(live_server.url, viewport=PHONE) as page:
        browser.sign_in(page, live_server.url, users.township)
        page.goto("/programmes/institutions/")
        _check(page, failures, "supports")
        page.select_option("#id_support", "blind_massage")
        page.select_option("#id_institution", str(centre.pk))
        page.fill("#id_workers", f"{blind[0].resident_id}\n12345")
        page.click("form.card button[type=submit]")
        assert "不是有效的身份证号" in page.inner_text("main")
        _check(page, failures, "supports with errors")
        page.fill("#id_workers", "\n".join(p.resident_id for p in blind))
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/programmes/institutions/*/")
        assert "4,000.00 元" in page.inner_text("main")
        _check(page, failures, "support")
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
