"""The provincial dashboard and the city states behind it (province mode, in process)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from canlian.core import browser
from canlian.province import actions, queries
from canlian.province.models import CityExport

from .test_checks import _doc

CITIES = """province: 示范省
cities:
  - {code: linzi, name: 临淄区, url: 'http://127.0.0.1:9', key: cl_a, plan: linzi-14th, years: [2024, 2025]}
  - {code: yueqing, name: 乐清市, url: 'http://127.0.0.1:9', key: cl_b, plan: yueqing-14th, years: [2025]}
  - {code: silent, name: 沉默市, url: 'http://127.0.0.1:9', key: cl_c, plan: linzi-14th, years: [2025]}
"""


@pytest.fixture
def province(settings, tmp_path):
    path = tmp_path / "cities.yaml"
    path.write_text(CITIES, encoding="utf-8")
    settings.CANLIAN_MODE = "province"
    settings.CANLIAN_PROVINCE_CITIES = str(path)
    settings.CANLIAN_PROVINCE_LATE_HOURS = 26
    return actions.province()


def _export(city, year, hours_ago, *, doc=None, problems=(), ok=True, error=""):
    doc = doc if doc is not None else _doc(year=year, plan=f"{city}-14th")
    return CityExport.objects.create(
        city=city, plan=f"{city}-14th", year=year, ok=ok, error=error,
        collected_at=timezone.now() - dt.timedelta(hours=hours_ago),
        document=doc if ok else None, frozen=ok and doc.get("frozen", False),
        problems=list(problems))


@pytest.fixture
def collected(province, db):
    _export("linzi", 2024, 1)
    _export("linzi", 2025, 30)  # late: older than 26 hours …
    _export("linzi", 2025, 2, ok=False, error="unreachable: ConnectTimeout")  # … and failing
    _export("yueqing", 2025, 1, problems=[
        {"check": "over", "indicator": "rate", "township": "330382002000", "numerator": 5,
         "denominator": 4}])
    return province


def test_each_city_gets_its_flags(collected):
    rows = {r["city"].code: r for r in queries.status(collected)}
    assert rows["linzi"]["flags"] == ["late", "failed"]
    assert rows["linzi"]["errors"] == ["unreachable: ConnectTimeout"]
    assert rows["yueqing"]["state"] == "inconsistent" and rows["yueqing"]["flags"] == ["inconsistent"]
    assert rows["silent"]["flags"] == ["late"] and rows["silent"]["last_ok"] is None
    # the same data an hour later than the window, with everything fresh: no flag
    later = queries.status(collected, now=timezone.now() - dt.timedelta(hours=20))
    assert {r["city"].code: r["state"] for r in later}["yueqing"] == "inconsistent"


def test_the_dashboard_shows_states_problems_and_figures(client, users, collected):
    client.force_login(users.federation)
    page = client.get(reverse("province:dashboard"), {"year": 2025})
    text = page.content.decode()
    assert page.status_code == 200
    assert "示范省" in text and "全省汇聚" in text
    assert 'data-city="linzi" data-state="late"' in text and "数据逾期" in text
    assert 'data-city="yueqing" data-state="inconsistent"' in text
    assert "分子 5 大于分母 4" in text and "330382002000" in text
    assert "从未" in text  # the silent city never sent anything
    assert "覆盖率" in text and "70.0%" in text and "7 / 10" in text
    # a year not configured falls back to the latest
    assert client.get(reverse("province:dashboard"), {"year": "1999"}).status_code == 200


def test_the_dashboard_is_for_the_federation_in_province_mode_only(client, users, province,
                                                                   settings):
    client.force_login(users.township)
    assert client.get(reverse("province:dashboard")).status_code == 403
    client.force_login(users.auditor)
    assert client.get(reverse("province:dashboard")).status_code == 200
    settings.CANLIAN_MODE = "city"
    assert client.get(reverse("province:dashboard")).status_code == 404


def test_collecting_outside_province_mode_is_refused(settings, db):
    settings.CANLIAN_MODE = "city"
    with pytest.raises(actions.NotProvince):
        actions.collect()


def test_a_city_that_does_not_answer_is_stored_as_a_failed_attempt(province, db, settings):
    settings.CANLIAN_PROVINCE_TIMEOUT = 2
    result = actions.collect("silent")
    assert result == {"received": 0, "failed": 1, "with_problems": 0}
    attempt = CityExport.objects.get(city="silent")
    assert not attempt.ok and attempt.error.startswith("unreachable")


@pytest.mark.browser
@pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed")
def test_the_dashboard_fits_a_phone_and_passes_axe(live_server, users, collected):
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        response = page.goto(reverse("province:dashboard"))
        assert response.status == 200
        assert browser.horizontal_overflow(page) == 0
        if browser.axe_available():
            assert browser.axe_violations(page) == []


def test_the_collection_is_a_job_of_province_mode_only(province, db):
    from canlian.ops.registry import REGISTRY
    from canlian.province import schedule as jobs

    assert "province_collect" not in REGISTRY  # the suite's instance is a city
    # what the scheduler runs: every configured city and year, none answering here
    assert jobs.collect(timezone.now()) == {"received": 0, "failed": 4, "with_problems": 0}
    assert CityExport.objects.filter(ok=False).count() == 4
