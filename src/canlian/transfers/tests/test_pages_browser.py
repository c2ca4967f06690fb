"""The transfers pages on a 390 px phone, in Chinese, scanned by axe-core: the list, the
start form with its errors, the forwarding form, and a refused matter showing the other
side's reason."""

import json

import pytest

from canlian.core import browser
from canlian.transfers.models import Transfer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not browser.axe_available(), reason="axe-core (npm) is not installed"),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_transfer_pages_fit_a_phone_and_pass_axe(live_server, settings, users, regions,
                                                     make_person):
    settings.CANLIAN_TRANSFER_PEERS = json.dumps({"linzi": {
        "name": "临淄区残联", "url": "http://127.0.0.1:9", "key": "k" * 32}})
    person = make_person(name="欧阳迁")
    refused = Transfer.objects.create(
        direction="out", kind="hukou", peer="linzi", state="refused", person=person,
        village=person.village, resident_id=person.resident_id, name=person.name,
        certificate_number=person.resident_id + "41", target_village_code="370305001299",
        reason="迁入地村（社区）代码 370305001299 不在临淄区残疾人联合会辖区内")
    failing = Transfer.objects.create(
        direction="out", kind="application", subject="nursing", peer="linzi",
        person=person, village=person.village, resident_id=person.resident_id,
        name=person.name, pending="forward", attempts=3,
        last_error="临淄区残联无法连接：ConnectionError")
    failures = {}
    with browser.page(live_server.url, **PHONE) as page:
        browser.sign_in(page, live_server.url, users.federation)
        for url in ["/transfers/", f"/transfers/move/{person.pk}/", "/transfers/forward/",
                    f"/transfers/{refused.pk}/", f"/transfers/{failing.pk}/"]:
            page.goto(url)
            assert browser.horizontal_overflow(page) <= 0, url
            found = browser.axe_violations(page)
            if found:
                failures[url] = found
        page.goto(f"/transfers/{refused.pk}/")
        alert = page.get_by_role("alert").inner_text()
        assert "临淄区残联不予接收此事项" in alert and "不在临淄区" in alert
        page.goto(f"/transfers/move/{person.pk}/")
        page.fill("#id_village_code", "12")
        page.select_option("#id_peer", "linzi")
        page.get_by_role("button", name="发送迁移申请").click()
        assert "迁入地村（社区）代码应为 12 位数字" in page.get_by_role("alert").inner_text()
        assert browser.horizontal_overflow(page) <= 0
        found = browser.axe_violations(page)
        if found:
            failures["start (errors)"] = found
    assert failures == {}
