"""The township's care flow in a real browser (Debian chromium via Playwright) on a 390 px
phone: register the home of the disabled, set its day-care places, place people (the
thirteenth refused, with the reason), put one on the waiting list, tick a day's attendance
and record an inspection with two problems."""

import datetime as dt

import pytest

from canlian.care import actions
from canlian.care.models import Attendance, Placement, Problem, WaitingEntry
from canlian.conftest import PASSWORD
from canlian.core import browser, clock
from canlian.services.models import Institution

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_township_runs_its_day_care_home_on_a_phone(live_server, users, regions, make_person):
    today = clock.today()
    people = [make_person(regions.v1a, name=f"托养{i:02d}", grade=2) for i in range(14)]
    with browser.page(live_server.url, **PHONE) as page:
        page.goto("/accounts/login/")
        page.fill("#id_username", "town1")
        page.fill("#id_password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(browser.at_start_page)

        page.goto("/services/institutions/")
        page.fill("#id_name", "乐成街道残疾人之家")
        page.select_option("#id_kind", "home_of_disabled")
        page.select_option("#id_township", regions.t1.code)
        page.fill("#id_capacity", "12")
        page.fill("#id_opened_on", (today - dt.timedelta(days=365)).isoformat())
        page.get_by_role("button", name="保存").click()
        home = Institution.objects.get(name="乐成街道残疾人之家")
        actions.designate(users.federation, home, service="care", start_date=home.opened_on,
                          end_date=today + dt.timedelta(days=365), services="日间照料",
                          prices={"day": "60"})

        page.goto("/care/")
        _fits(page)
        page.get_by_role("link", name="乐成街道残疾人之家").click()
        page.wait_for_url(f"**/care/institutions/{home.pk}/")
        page.get_by_text("设置名额").click()
        page.select_option("#id_places-mode", "day")
        page.fill("#id_places-places", "12")
        page.locator("form:has(#id_places-places) button").click()
        assert "名额已保存" in page.locator(".messages").inner_text()

        page.get_by_text("安置人员").click()
        page.fill("#id_place-person", people[0].resident_id)
        page.fill("#id_place-reason", "家属白天务工，无人照料")
        page.get_by_role("button", name="安置", exact=True).click()
        assert "已安置 托养00" in page.locator(".messages").inner_text()
        for p in people[1:12]:  # the rest of the group, quicker than by hand
            actions.place(users.township, p, home, mode="day", start_date=today, reason="日间照料",
                          payer="government")
        page.reload()
        page.get_by_text("安置人员").click()
        page.fill("#id_place-person", people[12].resident_id)
        page.fill("#id_place-reason", "家属白天务工，无人照料")
        page.get_by_role("button", name="安置", exact=True).click()
        assert "名额已满（12 个名额，已安置 12 人）" in page.get_by_role("alert").inner_text()
        _fits(page)

        page.get_by_text("登记轮候").click()
        page.fill("#id_wait-person", people[12].resident_id)
        page.check("#id_wait-lives_alone")
        page.locator("form:has(#id_wait-person) button").click()
        assert "已登记轮候（50 分）" in page.locator(".messages").inner_text()
        assert "第 1 位" in page.content()

        page.get_by_role("link", name="今日出勤").click()
        page.wait_for_url("**/attendance/")
        _fits(page)
        boxes = page.locator(".ticklist input[type=checkbox]")
        assert boxes.count() == 12
        for i in range(10):
            boxes.nth(i).check()
        page.get_by_role("button", name="保存出勤").click()
        assert "到 10 人，缺 2 人" in page.locator(".messages").inner_text()

        page.goto(f"/care/institutions/{home.pk}/inspect/")
        _fits(page)
        page.locator("input[name=result_fire_safety][value=fail]").check()
        page.locator("input[name=result_records][value=fail]").check()
        page.fill("#id_problem_1", "灭火器过期")
        page.fill("#id_problem_2", "个案档案不全")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"**/care/institutions/{home.pk}/")
        assert "检查已记录：75 分" in page.locator(".messages").inner_text()
        _fits(page)
    assert Placement.objects.filter(institution=home).count() == 12
    assert WaitingEntry.objects.filter(institution=home, state="waiting").count() == 1
    assert Attendance.objects.filter(day=today, present=True).count() == 10
    assert Problem.objects.filter(institution=home, rectified_on=None).count() == 2
