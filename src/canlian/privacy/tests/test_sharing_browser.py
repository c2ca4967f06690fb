"""At 390 px (a phone): the consent-based accounts page and the registry search (POSTed,
the results page at ``?s=<token>``) fit the window and work."""

import pytest

from canlian.accounts.roles import Role
from canlian.conftest import make_user
from canlian.core import browser
from canlian.privacy import actions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def test_sharing_page_and_search_on_a_phone(live_server, users, regions, make_person):
    account = make_user("renshe", Role.FEDERATION_STAFF, regions.county)
    actions.set_sharing_purpose(None, account, "share_hrss")
    person = make_person(regions.v1a, name="欧阳明")
    actions.give_consent(users.federation, person, "share_hrss")
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        page.goto("/privacy/sharing/")
        assert page.locator("main h1").inner_text() == "按同意共享"
        assert browser.horizontal_overflow(page) == 0
        page.get_by_role("button", name="停用renshe").click()
        page.wait_for_url("**/privacy/sharing/")
        assert "已停用账号" in page.locator(".messages").inner_text()
        assert page.get_by_role("button", name="启用renshe").is_visible()

        page.goto("/people/")
        page.fill("#id_q", person.resident_id)
        page.get_by_role("button", name="查询", exact=True).click()
        page.wait_for_url("**/people/?s=*")
        assert person.resident_id not in page.url
        assert page.locator("table.data tbody tr").count() == 1
        assert browser.horizontal_overflow(page) == 0
        page.go_back()
        page.go_forward()
        assert page.locator("table.data tbody tr").count() == 1
    account.refresh_from_db()
    assert not account.is_active
