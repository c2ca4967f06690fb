"""The certificate public notice pages (公示) in Debian chromium on a 390 px phone: axe-core
(WCAG 2.1 A/AA) in both languages, no sideways scrolling, and the approve button of an
application on a running notice replaced by the rule."""

import pytest

from canlian.certificates import actions
from canlian.certificates.tests.walk import assessment
from canlian.certificates.workflow import Action, Kind
from canlian.conftest import PASSWORD
from canlian.core import browser, clock

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def _reviewed(users, person):
    application = actions.apply(users.township, person, actions.ApplicationInput(kind=Kind.NEW))
    actions.assess(users.assessor, application.pk, assessment())
    actions.advance(users.township, application.pk, Action.REVIEW)
    return application


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_notice_pages_pass_axe_and_fit_a_phone(live_server, users, make_person, language):
    _reviewed(users, make_person(name="欧阳明华"))  # waiting for its notice
    posted = _reviewed(users, make_person(name="李小明"))
    notice = actions.post_notice(users.township, posted.village_id, [posted.pk], clock.today())
    pages = ["/certificates/notices/", f"/certificates/notices/{notice.pk}/",
             f"/certificates/applications/{posted.pk}/", "/certificates/queue/"]
    failures, too_wide = {}, []
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        page.goto("/accounts/login/")
        page.fill("#id_username", "fed")
        page.fill("#id_password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(browser.at_start_page)
        for url in pages:
            page.goto(url)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
                too_wide.append(url)
            if browser.axe_available():
                found = browser.axe_violations(page)
                if found:
                    failures[url] = found
        page.goto(f"/certificates/applications/{posted.pk}/")
        rule = page.locator("#blocked-approve")
        assert rule.is_visible()
        assert notice.ends_on.isoformat() in rule.inner_text()
        assert page.locator("fieldset:has(#blocked-approve) button").is_disabled()
        page.goto("/certificates/notices/")
        assert page.get_by_text("欧阳明华").count() == 1  # waiting for its notice
    assert too_wide == []
    assert failures == {}
