"""The staff pages of rights casework, education and culture in Debian chromium: axe-core
(WCAG 2.1 A/AA) in both languages, and no sideways scrolling of the page on a 390 px phone
(wide tables scroll inside their own box)."""

import datetime as dt

import pytest

from canlian.conftest import PASSWORD, new_resident_id
from canlian.core import browser, clock
from canlian.culture import actions as culture
from canlian.education import actions as education
from canlian.rights import actions as rights

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def _records(users, make_person, regions):
    person = make_person(name="欧阳明")
    case = rights.intake(users.township, person, kind="xinfang", channel="walk_in",
                         subject="无障碍坡道被占用", description="小区无障碍坡道被长期占用，轮椅无法通行。")
    rights.accept(users.township, case.pk)
    child = make_person(name="小林", resident_id=new_resident_id(dt.date(2016, 3, 1)))
    pupil = education.set_status(users.township, child, status="not_enrolled", reason="family",
                                 since=clock.today())
    event = culture.create_event(users.township, kind="sports", title="轮椅篮球友谊赛",
                                 on=clock.today(), place="体育馆", organiser="残联",
                                 township=regions.t1, captions=True)
    team = culture.create_team(users.township, name="艺术团", kind="art_troupe",
                               township=regions.t1)
    return [
        "/people/", "/rights/", "/rights/?state=all", "/rights/new/", f"/rights/{case.pk}/",
        "/rights/statistics/", "/education/", f"/education/{pupil.pk}/", "/education/import/",
        "/culture/", f"/culture/events/{event.pk}/?village={regions.v1a.code}",
        "/culture/teams/", f"/culture/teams/{team.pk}/", "/culture/deliveries/",
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_pass_axe_and_fit_a_phone(live_server, users, make_person, regions, language):
    pages = _records(users, make_person, regions)
    failures, too_wide = {}, []
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        page.goto("/accounts/login/")
        page.fill("#id_username", "town1")
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
        # a refused form: the errors are shown and the page still passes
        page.goto("/rights/new/")
        page.locator("form.card button[type=submit]").click()
        if browser.axe_available() and browser.axe_violations(page):
            failures["/rights/new/ (errors)"] = browser.axe_violations(page)
    assert too_wide == []
    assert failures == {}
