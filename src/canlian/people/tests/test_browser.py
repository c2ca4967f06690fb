"""The staff UI in a real browser (Debian chromium via Playwright), by keyboard alone."""

import pytest

from canlian.audit.models import AuditEvent
from canlian.conftest import PASSWORD
from canlian.core import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def test_sign_in_search_and_open_a_person_with_the_keyboard(live_server, users, regions,
                                                            make_person):
    target = make_person(regions.v1a, name="欧阳明")
    make_person(regions.v1a, name="林华")
    make_person(regions.v2a, name="欧阳外")  # other township: must not appear
    with browser.page(live_server.url) as page:
        page.goto("/accounts/login/")
        browser.tab_to(page, "name", "username")
        page.keyboard.type("town1")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(browser.at_start_page)
        page.goto("/people/")
        assert page.locator("h1").inner_text() == "残疾人信息库"

        browser.tab_to(page, "name", "q", limit=60)  # past the menu
        page.keyboard.type("欧阳")
        page.keyboard.press("Enter")
        page.wait_for_url("**/people/?s=*")
        assert "欧阳" not in page.url and "q=" not in page.url
        rows = page.locator("table.data tbody tr")
        assert rows.count() == 1
        assert target.masked_id in rows.first.inner_text()
        assert target.resident_id not in page.content()

        browser.tab_to(page, "href", f"/people/{target.pk}/", limit=60)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/people/{target.pk}/")
        assert target.resident_id in page.locator("dl.facts").first.inner_text()
    assert AuditEvent.objects.filter(action="view", person_id=target.pk).count() == 1


def test_validation_errors_are_announced_and_linked(live_server, users, regions):
    with browser.page(live_server.url) as page:
        page.goto("/accounts/login/")
        page.fill("#id_username", "town1")
        page.fill("#id_password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(browser.at_start_page)
        page.goto("/people/new/")
        page.fill("#id_resident_id", "330382198001020011")
        page.fill("#id_name", "测试")
        page.select_option("#id_village", regions.v1a.code)
        page.get_by_role("button", name="保存").click()
        summary = page.get_by_role("alert")
        assert "校验码错误" in summary.inner_text()
        field = page.locator("#id_resident_id")
        assert field.get_attribute("aria-invalid") == "true"
        assert "id_resident_id_error" in field.get_attribute("aria-describedby")
