"""axe-core (WCAG 2.1 A/AA) on the staff pages, in Debian chromium, both languages."""

import pytest

from canlian.certificates.models import Application, Certificate
from canlian.certificates.workflow import Kind
from canlian.conftest import PASSWORD
from canlian.core import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not browser.axe_available(), reason="axe-core (npm) is not installed"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_pages_have_no_axe_violations(live_server, users, make_person, walk, language):
    person = make_person(name="欧阳明")
    walk(person)
    pending = make_person(name="林华")
    from canlian.certificates import actions

    actions.apply(users.township, pending, actions.ApplicationInput(kind=Kind.NEW))
    certificate = Certificate.objects.get(person=person)
    application = Application.objects.get(person=pending)
    pages = ["/", "/people/", f"/people/{person.pk}/", "/people/new/", f"/people/{person.pk}/edit/",
             "/people/import/", "/certificates/queue/", f"/certificates/applications/{application.pk}/",
             f"/certificates/{certificate.pk}/card/", "/certificates/expiring/",
             f"/certificates/apply/{pending.pk}/"]
    from canlian.community.tests.accessibility import pages as community_pages

    pages += community_pages(users, make_person(name="陈静"))
    from canlian.care.tests.accessibility import pages as care_pages

    pages += care_pages(users, make_person(name="赵托养", grade=2))
    with browser.page(live_server.url) as page:
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        page.goto("/accounts/login/")
        assert browser.axe_violations(page) == []
        page.fill("#id_username", "town1")
        page.fill("#id_password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(browser.at_start_page)
        failures = {}
        for url in pages:
            page.goto(url)
            found = browser.axe_violations(page)
            if found:
                failures[url] = found
        # a form with errors, too
        page.goto("/people/new/")
        page.get_by_role("button", name="保存" if language == "zh-hans" else "Save").click()
        found = browser.axe_violations(page)
        if found:
            failures["/people/new/ (errors)"] = found
        assert failures == {}


def test_the_scan_does_find_violations(live_server):
    """The scanner is live: an unlabeled input and an image without alt text are caught."""
    with browser.page(live_server.url) as page:
        page.set_content('<html lang="en"><head><title>x</title></head><body><main>'
                         '<img src="data:,"><input type="text"></main></body></html>')
        ids = {v["id"] for v in browser.axe_violations(page)}
    assert {"image-alt", "label"} <= ids
