"""The portal in Debian chromium: a citizen with only a keyboard, and axe-core on every page.

Real browser, real live server and database: nothing here is mocked.
"""

import datetime as dt
import json

import pytest

from canlian.benefits.models import SubsidyApplication
from canlian.conftest import new_resident_id
from canlian.core import browser
from canlian.portal.tests.conftest import last_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def _focused(page, attribute):
    return page.evaluate(f"document.activeElement.getAttribute({attribute!r})")


def test_a_citizen_signs_in_applies_for_the_nursing_subsidy_and_follows_it_by_keyboard(
        live_server, make_person, walk):
    citizen = make_person(name="王芳", phone="13812345678")
    walk(citizen, category=4, grade=1)  # a severe disability: the nursing subsidy is pre-filled
    with browser.page(live_server.url) as page:
        page.goto("/portal/")
        # the skip link comes first, and leads to the main content
        page.keyboard.press("Tab")
        assert _focused(page, "class") == "skip-link"
        browser.tab_to(page, "href", "/portal/sign-in/")
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/sign-in/")
        browser.tab_to(page, "id", "id_resident_id")
        page.keyboard.type(citizen.resident_id)
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/sign-in/code/**")
        assert "138****5678" not in page.content()  # the same page for any ID
        browser.tab_to(page, "id", "id_code")
        page.keyboard.type("000000" if last_code() != "000000" else "111111")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # the wrong code is announced and tied to the field
        assert page.get_attribute("#id_code", "aria-invalid") == "true"
        assert "id_code_error" in page.get_attribute("#id_code", "aria-describedby")
        assert page.locator("[role=alert]").count() == 1
        browser.tab_to(page, "id", "id_code")
        page.keyboard.type(last_code())
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/portal/")
        # the "1+X" offer: the pre-filled nursing subsidy, to check and send
        browser.tab_to(page, "href", "/portal/apply/subsidy/nursing/", limit=40)
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/apply/subsidy/nursing/")
        browser.tab_to(page, "id", "id_needs_long_term_care", limit=40)
        if not page.is_checked("#id_needs_long_term_care"):
            page.keyboard.press("Space")
        browser.tab_to(page, "id", "id_bank_name")
        page.keyboard.type("中国农业银行乐清支行")
        page.keyboard.press("Tab")
        assert _focused(page, "id") == "id_bank_account"
        page.keyboard.type("622848001234567890")
        page.keyboard.press("Tab")
        assert _focused(page, "id") == "id_confirm"
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert _focused(page, "type") == "submit"
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/applications/subsidy/*/")
        application = SubsidyApplication.objects.get(person=citizen, subsidy="nursing")
        assert application.state == "applied" and application.bank_account == "622848001234567890"
        # the status in plain words, announced as a status message
        assert page.locator("[role=status]").count() == 1
        main = page.inner_text("main")
        assert "镇（街道）" in main and "审核" in main  # who has it now, and what they do
        # and the list of all applications, reached from the navigation
        browser.tab_to(page, "href", "/portal/applications/")
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/applications/")
        assert page.locator(f"a[href='/portal/applications/subsidy/{application.pk}/']").count() == 1


def test_focus_is_visible_on_portal_controls(live_server, db):
    with browser.page(live_server.url) as page:
        page.goto("/portal/sign-in/")
        browser.tab_to(page, "id", "id_resident_id")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", "")


def test_text_can_be_enlarged_without_losing_content(live_server, db):
    """Large-text mode makes text bigger and the page does not need sideways scrolling."""
    with browser.page(live_server.url, viewport={"width": 360, "height": 740}) as page:
        page.goto("/portal/")
        normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        page.context.add_cookies([{"name": "canlian_display", "value": "xlarge-normal",
                                   "url": live_server.url}])
        page.goto("/portal/")
        large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        assert large >= normal * 1.4
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# ---- axe-core on every portal page ------------------------------------------------------------

MODES = [("zh-hans", "normal-normal"), ("zh-hans", "large-high"), ("en", "normal-normal"),
         ("en", "large-normal")]


@pytest.mark.skipif(not browser.axe_available(), reason="axe-core (npm) is not installed")
@pytest.mark.parametrize(("language", "mode"), MODES)
def test_every_portal_page_has_no_axe_violations(live_server, make_person, walk, language, mode):
    from canlian.portal import actions

    guardian_id = new_resident_id(dt.date(1970, 1, 1))
    citizen = make_person(name="王芳", phone="13812345678", resident_id=guardian_id)
    make_person(name="小明", resident_id=new_resident_id(dt.date(2016, 3, 3)),
                guardian_resident_id=guardian_id, guardian_phone="13812345678")
    walk(citizen, category=4, grade=1)
    anonymous = ["/portal/", "/portal/sign-in/", "/portal/settings/"]
    signed_in = ["/portal/", "/portal/for/", "/portal/apply/certificate/",
                 "/portal/apply/subsidy/nursing/", "/portal/apply/service/", "/portal/contact/",
                 "/portal/certificate/", "/portal/applications/", "/portal/settings/",
                 "/portal/rights/new/", "/portal/privacy/", "/portal/privacy/log/",
                 "/portal/privacy/correction/"]
    failures = {}

    def scan(name):
        found = browser.axe_violations(page)
        if found:
            failures[f"{name} ({language}, {mode})"] = found

    with browser.page(live_server.url) as page:
        page.context.add_cookies([
            {"name": "django_language", "value": language, "url": live_server.url},
            {"name": "canlian_display", "value": mode, "url": live_server.url}])
        for url in anonymous:
            page.goto(url)
            scan(url)
        page.goto("/portal/sign-in/")
        page.click("form.card button[type=submit]")  # empty ID: the error state
        scan("sign-in with error")
        page.fill("#id_resident_id", guardian_id)
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/sign-in/code/**")
        scan("code page")
        page.fill("#id_code", "abc")
        page.click("form.card button[type=submit]")
        scan("code page with error")
        page.goto("/portal/dev/outbox/")
        scan("outbox")
        page.goto("/portal/sign-in/code/")
        page.fill("#id_code", last_code())
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"{live_server.url}/portal/")
        for url in signed_in:
            page.goto(url)
            scan(url)
        for url in ("/portal/apply/certificate/", "/portal/apply/subsidy/nursing/",
                    "/portal/apply/service/", "/portal/rights/new/"):
            page.goto(url)
            page.click("form.card button[type=submit]")
            scan(f"{url} with errors")
        page.goto("/portal/contact/")
        page.fill("#id_phone", "123")
        page.click("form.card button[type=submit]")
        scan("/portal/contact/ with errors")
        page.goto("/portal/apply/service/")
        page.check("#id_programme_0")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/applications/service/*/")
        scan("application detail")
        page.click("form[enctype] button[type=submit]")
        scan("application detail with upload error")
        # a ward without a certificate: the no-certificate page
        page.goto("/portal/for/")
        page.check("input[name=person]:not(:checked)")
        page.click("form.card button[type=submit]")
        page.goto("/portal/certificate/")
        scan("no certificate")
    assert actions.persons_for  # type: ignore[truthy-function]  # the guardian's two persons were offered above
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)


def test_the_subsidy_verdict_waits_for_the_answers_and_follows_each_change(live_server,
                                                                          make_person, walk):
    """Issue 23: no red "不符合" before the citizen answers; with JavaScript the verdict
    follows each change of an answer without a page load (the button does it without)."""
    citizen = make_person(name="王芳", phone="13812345678")
    walk(citizen, category=4, grade=1)
    with browser.page(live_server.url) as page:
        page.goto("/portal/sign-in/")
        page.fill("#id_resident_id", citizen.resident_id)
        with page.expect_navigation():
            page.press("#id_resident_id", "Enter")
        page.fill("#id_code", last_code())
        with page.expect_navigation():
            page.press("#id_code", "Enter")
        page.goto("/portal/apply/subsidy/nursing/")
        verdict = page.locator("#verdict")
        assert "请回答以下问题" in verdict.inner_text()
        assert page.locator("#verdict .fail, #verdict .verdict-unmet").count() == 0
        url = page.url
        if page.is_checked("#id_needs_long_term_care"):
            page.uncheck("#id_needs_long_term_care")
            page.wait_for_selector("#verdict .verdict-unmet")
            assert "不需要长期照护" in verdict.inner_text()
        page.check("#id_needs_long_term_care")
        page.wait_for_selector("#verdict .verdict-met")
        assert "按您的回答，符合条件" in verdict.inner_text()
        assert page.url == url  # no page load
        assert SubsidyApplication.objects.get(person=citizen).state == "prefilled"
