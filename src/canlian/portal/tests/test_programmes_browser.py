"""Applying for a “1+X” programme in Debian chromium on a 390 px phone: a guardian goes
from the home page's “您可能可以申请” to the application, chooses the designated
institution by keyboard, sends it, and reads the decision with its reasons; no sideways
scrolling and no axe-core violations on the way."""

import datetime as dt
import json

import pytest

from canlian.care.models import Designation
from canlian.conftest import new_resident_id
from canlian.core import browser, clock
from canlian.people.models import Person
from canlian.programmes import actions as programmes
from canlian.programmes.models import Application
from canlian.services import actions as services

from .conftest import last_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]

TODAY = clock.today()


def test_a_guardian_applies_for_child_rehabilitation_on_a_phone(live_server, make_person, walk,
                                                                users, regions):
    from canlian.portal import actions

    inst = services.register_institution(users.federation, {
        "name": "乐清市儿童康复中心", "kind": "children_rehab", "township": regions.t1,
        "capacity": 40, "opened_on": TODAY - dt.timedelta(days=800)})
    Designation.objects.create(institution=inst, service="rehabilitation",
                               start_date=TODAY - dt.timedelta(days=300),
                               end_date=TODAY + dt.timedelta(days=365), services="康复训练")
    guardian_id = new_resident_id(dt.date(1985, 1, 1))
    make_person(name="王芳", resident_id=guardian_id, phone="13900001111")
    born = TODAY.replace(year=TODAY.year - 5) - dt.timedelta(days=40)
    child = make_person(name="小红", resident_id=new_resident_id(born),
                        guardian_resident_id=guardian_id, guardian_phone="13900001111")
    Person.objects.filter(pk=child.pk).update(birth_date=born)
    walk(child, category=5, grade=3)
    actions.request_code(guardian_id)
    user = actions.verify_code(guardian_id, last_code())
    failures = {}
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, user)
        page.goto("/portal/for/")
        page.check(f"input[name=person][value='{child.pk}']")
        page.click("form.card button[type=submit]")
        page.goto("/portal/")
        assert browser.horizontal_overflow(page) <= 0
        browser.tab_to(page, "href", "/portal/apply/programme/child_rehab/", limit=60)
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/apply/programme/child_rehab/")
        assert "周岁" in page.inner_text("main")
        assert browser.horizontal_overflow(page) <= 0
        found = browser.axe_violations(page) if browser.axe_available() else []
        if found:
            failures["apply"] = found
        # sent without choosing: the errors are announced and tied to their fields
        page.click("form.card button[type=submit]")
        assert page.locator("[role=alert]").count() == 1
        found = browser.axe_violations(page) if browser.axe_available() else []
        if found:
            failures["apply with errors"] = found
        browser.tab_to(page, "id", "id_institution_0", limit=40)
        page.keyboard.press("Space")
        browser.tab_to(page, "id", "id_confirm")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/portal/applications/programme/*/")
        app = Application.objects.get(person=child, programme="child_rehab")
        assert app.state == "applied" and app.channel == "portal" and app.institution == inst
        programmes.review(users.township, app.pk)
        programmes.decide(users.federation, app.pk, approve=True)
        page.reload()
        main = page.inner_text("main")
        assert "持有有效残疾人证" in main and "周岁" in main
        assert browser.horizontal_overflow(page) <= 0
        found = browser.axe_violations(page) if browser.axe_available() else []
        if found:
            failures["decision"] = found
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
