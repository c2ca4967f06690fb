"""A federation worker places a legal hold (依法保全) from the person's page and lifts it
from the list, on a phone-sized window (390 px), in Debian chromium via Playwright."""

import pytest

from canlian.audit.models import AuditEvent
from canlian.core import browser
from canlian.privacy.models import LegalHold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]


def test_place_a_hold_from_the_person_page_and_lift_it(live_server, users, regions, make_person):
    person = make_person(regions.v1a, name="欧阳明")
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        page.goto(f"/people/{person.pk}/")
        page.get_by_role("link", name="依法保全").click()
        page.wait_for_url(f"**/privacy/holds/person/{person.pk}/")
        assert "对 欧阳明 依法保全" in page.locator("h1").inner_text()
        assert browser.horizontal_overflow(page) == 0

        page.get_by_role("button", name="确认保全").click()  # no reason: refused
        assert page.get_by_role("alert").count() >= 1
        assert page.locator("#id_reason").get_attribute("aria-invalid") == "true"
        assert not LegalHold.objects.exists()

        page.fill("#id_reason", "信访案件 2026-015")
        page.get_by_role("button", name="确认保全").click()
        page.wait_for_url(f"**/people/{person.pk}/")
        assert "依法保全中" in page.locator("h1").inner_text()

        page.goto("/privacy/holds/")
        assert browser.horizontal_overflow(page) == 0
        row = page.locator("table.data tbody tr").first
        assert "欧阳明" in row.inner_text() and "信访案件 2026-015" in row.inner_text()
        row.get_by_role("button", name="解除对 欧阳明 的保全").click()
        page.wait_for_url("**/privacy/holds/")
        assert "欧阳明" not in page.locator("table.data").inner_text()
    hold = LegalHold.objects.get(person=person)
    assert hold.placed_by == users.federation and hold.lifted_at is not None
    assert AuditEvent.objects.filter(person_id=person.pk, object_type="legalhold").count() == 2
