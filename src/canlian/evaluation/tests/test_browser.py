"""Rating a service on the portal in Debian chromium at 390 px: axe-core on the list, the
form, the form with its error and the list afterwards; no sideways scrolling."""

import datetime as dt

import pytest

from canlian.core import browser, clock
from canlian.evaluation.models import Rating
from canlian.portal.models import OutboxMessage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def test_a_citizen_rates_a_service_on_a_phone(live_server, make_person, serve):
    citizen = make_person(name="陈静", phone="13812345678")
    record = serve(citizen, day=clock.today() - dt.timedelta(days=3))
    failures: dict = {}

    def axe(page, where):
        if browser.axe_available():
            found = browser.axe_violations(page)
            if found:
                failures[where] = found
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        page.goto("/portal/sign-in/")
        page.fill("#id_resident_id", citizen.resident_id)
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/sign-in/code/**")
        message = OutboxMessage.objects.first()
        assert message is not None
        page.fill("#id_code", message.text.split("验证码是 ")[1][:6])
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"{live_server.url}/portal/")
        page.click("a[href='/portal/ratings/']")
        page.wait_for_url("**/portal/ratings/")
        axe(page, "list")
        page.click(f"a[href='/portal/ratings/service/{record.pk}/']")
        axe(page, "form")
        with page.expect_navigation():
            page.click("form.card button[type=submit]")
        assert page.locator("[role=alert]").count() == 1 and "请选择1到5分" in page.inner_text("main")
        axe(page, "form with error")
        page.check("input[name=score][value='4']")
        page.fill("#id_comment", "上门及时")
        with page.expect_navigation():
            page.click("form.card button[type=submit]")
        assert "感谢您的评价" in page.inner_text("main") and "已评价" in page.inner_text("main")
        axe(page, "list after rating")
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.channel) == (4, "上门及时", "portal")
    assert not failures, failures
