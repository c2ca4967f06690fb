"""The public page in Debian chromium: axe-core (WCAG 2.1 A/AA) in both languages and the
portal's display modes, and no sideways scrolling at 390 px — as the portal's pages."""

import pytest

from canlian.core import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not browser.axe_available(), reason="axe-core (npm) is not installed"),
]

MODES = [("zh-hans", "normal-normal"), ("zh-hans", "large-high"), ("en", "normal-normal")]


@pytest.mark.parametrize(("language", "mode"), MODES)
def test_public_page_has_no_axe_violations(live_server, regions, users, make_person, language,
                                           mode):
    from canlian.indicators.models import FrozenYear

    for i in range(7):
        p = make_person(name=f"公开{i}")
        p.category, p.grade, p.certificate_number = 4, 1 + i % 2, f"{p.resident_id}4{i}"
        p.save()
    FrozenYear.objects.create(plan="yueqing-14th", year=2022, region=regions.county,
                              frozen_by=users.federation, frozen_at="2023-01-05T10:00+08:00",
                              figures={"indicators": [{"code": "employment_rate", "value": 61.5,
                                                       "denominator": 300}]})
    with browser.page(live_server.url, viewport={"width": 390, "height": 800}) as page:
        page.context.add_cookies([
            {"name": "django_language", "value": language, "url": live_server.url},
            {"name": "canlian_display", "value": mode, "url": live_server.url}])
        page.goto("/open/")
        assert browser.axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
