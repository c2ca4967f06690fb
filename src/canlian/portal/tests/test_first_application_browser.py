"""A first-time applicant completes an online application in Debian chromium at 390 px,
with axe-core on every page of the way (and on its error states)."""

import datetime as dt
import json

import pytest

from canlian.conftest import new_resident_id
from canlian.core import browser
from canlian.people.models import FirstApplication
from canlian.portal.tests.conftest import last_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not browser.axe_available(), reason="axe-core (npm) is not installed"),
]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_first_time_applicant_applies_online_at_390px(live_server, regions, language):
    rid = new_resident_id(dt.date(1979, 9, 9))
    failures = {}

    def check(page, name):
        found = browser.axe_violations(page)
        if found:
            failures[f"{name} ({language})"] = found
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name

    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        page.goto("/portal/sign-in/")
        page.click("a[href='/portal/first/']")
        page.wait_for_url("**/portal/first/")
        check(page, "start")
        page.click("form.card button[type=submit]")  # nothing typed: the error state
        assert page.locator("[role=alert]").count() == 1
        check(page, "start with errors")
        page.fill("#id_resident_id", rid)
        page.fill("#id_phone", "13700002222")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/portal/first/code/")
        check(page, "code")
        page.fill("#id_code", last_code())
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/portal/first/apply/")
        check(page, "application form")
        page.click("form.card button[type=submit]")  # empty: every field says what is missing
        assert page.get_attribute("#id_name", "aria-invalid") == "true"
        check(page, "application form with errors")
        page.check("#id_for_whom_0")
        page.fill("#id_name", "赵一")
        page.select_option("#id_village", regions.v2b.pk)
        page.fill("#id_address", "柳市镇北垟村8号")
        page.set_input_files("#id_id_card", files=[{"name": "id.png", "mimeType": "image/png",
                                                    "buffer": PNG}])
        page.set_input_files("#id_hukou", files=[{"name": "hukou.png", "mimeType": "image/png",
                                                  "buffer": PNG}])
        page.check("#id_confirm")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/portal/first/*/")
        application = FirstApplication.objects.get(resident_id=rid)
        assert page.url.endswith(f"/portal/first/{application.pk}/")
        assert page.locator(".status-line[role=status]").count() == 1
        assert "柳市镇" in page.inner_text("main")
        check(page, "status")
    assert (application.name, application.village_id, application.verified_phone) == (
        "赵一", regions.v2b.pk, "13700002222")
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
