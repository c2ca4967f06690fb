"""Asking for help with one's rights on the portal, in Debian chromium with only a keyboard,
axe-core on each step, and the satisfaction question once the case is closed."""

import pytest

from canlian.core import browser
from canlian.portal.models import OutboxMessage
from canlian.rights import actions
from canlian.rights.models import RightsCase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def _code() -> str:
    message = OutboxMessage.objects.first()
    assert message is not None
    return message.text.split("验证码是 ")[1][:6]


def _axe(page, where, failures):
    if browser.axe_available():
        found = browser.axe_violations(page)
        if found:
            failures[where] = found


def _focused(page, attribute):
    return page.evaluate(f"document.activeElement.getAttribute({attribute!r})")


def test_a_citizen_asks_for_legal_aid_by_keyboard_and_rates_the_reply(live_server, make_person,
                                                                      users):
    citizen = make_person(name="陈静", phone="13812345678")
    failures: dict = {}
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        page.goto("/portal/sign-in/")
        page.fill("#id_resident_id", citizen.resident_id)
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/sign-in/code/**")
        page.fill("#id_code", _code())
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"{live_server.url}/portal/")
        browser.tab_to(page, "href", "/portal/rights/new/", limit=60)
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/rights/new/")
        _axe(page, "form", failures)
        # sending nothing: the errors are announced and lead to their fields
        browser.tab_to(page, "id", "id_proxy_consent", limit=40)
        page.keyboard.press("Tab")
        assert _focused(page, "type") == "submit"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("[role=alert]").count() == 1
        assert page.get_attribute("#id_subject", "aria-invalid") == "true"
        _axe(page, "form with errors", failures)
        browser.tab_to(page, "id", "id_kind_0", limit=40)
        page.keyboard.press("Space")  # legal aid, the first choice
        browser.tab_to(page, "id", "id_subject")
        page.keyboard.type("工伤赔偿")
        page.keyboard.press("Tab")
        assert _focused(page, "id") == "id_description"
        page.keyboard.type("去年在厂里受伤，单位不肯赔偿，想请律师帮忙。")
        page.keyboard.press("Tab")
        assert _focused(page, "id") == "id_proxy_consent"
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert _focused(page, "type") == "submit"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        case = RightsCase.objects.get(person=citizen)
        assert (case.kind, case.channel, case.state) == ("legal_aid", "portal", "received")
        assert case.proxy.consent_how == "portal" and case.submitter_relation == "本人"
        assert page.url.endswith(f"/portal/rights/{case.pk}/")
        assert page.locator("[role=status]").count() >= 1
        assert case.accept_due.isoformat() in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _axe(page, "case received", failures)
        # staff accept and close it; the citizen is asked whether they are satisfied
        actions.accept(users.township, case.pk)
        actions.close(users.township, case.pk, "resolved", "已指派律师，单位已赔付。")
        page.reload()
        _axe(page, "case closed", failures)
        browser.tab_to(page, "id", "id_satisfaction_0", limit=40)
        page.keyboard.press("Space")
        page.keyboard.press("Tab")  # out of the radio group: the form's button
        assert _focused(page, "type") == "submit"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        case.refresh_from_db()
        assert (case.satisfaction, case.satisfaction_channel) == ("satisfied", "portal")
        assert "id_satisfaction_0" not in page.content()
        _axe(page, "case rated", failures)
    assert failures == {}
