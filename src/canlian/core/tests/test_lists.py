"""The shared long lists (core/lists.py, includes/listing.html): filters that keep their
values across pages, the total count, numbered pages, the export, and scoping (a township
user never sees another township's rows, in the page or in the export) — issue 23."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from canlian.audit.models import AuditEvent
from canlian.core import browser, clock
from canlian.core.lists import Listing

SURVEYS = "/surveys/remaining/"


@pytest.fixture
def crowd(make_person, regions):
    """60 certified persons in 乐成街道 (25 of them with visual disabilities) and 3 in 柳市镇."""
    mine = [make_person(name=f"甲{i:02d}", village=regions.v1a if i % 2 else regions.v1b,
                        certificate_number=f"X{i:03d}", category=1 if i < 25 else 4, grade=2)
            for i in range(60)]
    other = [make_person(name=f"乙{i}", village=regions.v2a, certificate_number=f"Y{i}",
                         category=1, grade=2) for i in range(3)]
    return mine, other


def _names(html: str, prefix: str) -> set[str]:
    return set(re.findall(prefix + r"\d+", html))


def test_count_pages_and_numbered_links(client, users, crowd):
    client.force_login(users.township)
    first = client.get(SURVEYS).content.decode()
    assert "共 60 条" in first
    assert len(_names(first, "甲")) == 50 and not _names(first, "乙")
    assert 'aria-current="page">1<' in first and "page=2" in first
    second = client.get(SURVEYS, {"page": 2}).content.decode()
    assert len(_names(second, "甲")) == 10
    assert "首页" in second and "上一页" in second


def test_filters_narrow_and_survive_paging(client, users, crowd, regions):
    client.force_login(users.township)
    page = client.get(SURVEYS, {"category": "1"}).content.decode()
    assert "共 25 条" in page
    assert 'value="1" selected' in page  # the chosen category stays chosen
    client.force_login(users.federation)
    page = client.get(SURVEYS, {"category": "4", "township": regions.t1.code}).content.decode()
    assert "共 35 条" in page
    page = client.get(SURVEYS, {"township": regions.t1.code, "village": regions.v1a.code}
                      ).content.decode()
    assert "共 30 条" in page and f'value="{regions.v1a.code}" selected' in page


def test_links_of_later_pages_keep_the_filters(rf, users, crowd, regions):
    request = rf.get(SURVEYS, {"category": "4", "year": "2025", "page": "1"})
    request.user = users.federation
    from canlian.accounts import scoping
    from canlian.core.lists import Filter
    from canlian.people.models import CATEGORY_CHOICES

    listing = Listing(request, scoping.people_for(users.federation).order_by("id"),
                      region_field="village__code", per_page=10, keep={"year": "2025"},
                      filters=[Filter("category", "c", field="category",
                                      choices=CATEGORY_CHOICES)])
    assert listing.count == 35
    nav = listing.nav()
    assert nav["total"] == 4 and nav["first"] == "" and nav["previous"] == ""
    assert "category=4" in nav["next"] and "year=2025" in nav["next"] and "page=2" in nav["next"]
    assert "page=4" in nav["last"]
    assert [n.get("number") for n in nav["numbers"]] == [1, 2, 3, 4]


def test_numbered_pages_leave_gaps_far_from_the_current_page(rf, users, crowd):
    from canlian.accounts import scoping

    request = rf.get(SURVEYS, {"page": "7"})
    request.user = users.federation
    listing = Listing(request, scoping.people_for(users.federation).order_by("id"),
                      region_field="village__code", per_page=5)
    numbers = [n.get("number", "…") for n in listing.nav()["numbers"]]
    assert numbers == [1, "…", 5, 6, 7, 8, 9, "…", 13]


def test_a_township_user_never_gets_another_township(client, users, crowd, regions):
    client.force_login(users.township)
    page = client.get(SURVEYS, {"township": regions.t2.code}).content.decode()
    assert not _names(page, "乙") and "共 60 条" in page  # a foreign township is ignored
    page = client.get(SURVEYS, {"village": regions.v2a.code}).content.decode()
    assert not _names(page, "乙") and "共 60 条" in page
    assert "柳市镇" not in page and "南塘村" not in page  # never offered
    response = client.get(SURVEYS, {"township": regions.t2.code, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 61 and not any(str(r[0]).startswith("乙") for r in rows[1:])


def test_export_has_the_filtered_rows_masked_and_audited(client, users, crowd):
    mine, _other = crowd
    client.force_login(users.township)
    before = AuditEvent.objects.filter(action="export").count()
    response = client.get(SURVEYS, {"category": "1", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "姓名"
    assert len(rows) == 26
    ids = {p.resident_id for p in mine}
    cells = {str(c) for r in rows for c in r}
    assert not ids & cells  # no full resident ID in the file
    assert all("*" in str(r[1]) for r in rows[1:])
    exported = AuditEvent.objects.filter(action="export").count() - before
    assert exported == 25


def test_the_village_worker_may_not_export(client, users, crowd):
    client.force_login(users.village)
    page = client.get(SURVEYS).content.decode()
    assert "导出" not in page and "共 30 条" in page
    assert client.get(SURVEYS, {"export": "xlsx"}).status_code == 403


def test_certificates_to_renew_filter_and_export(client, users, make_person, walk, regions):
    near = make_person(name="孙近")
    walk(near)
    far = make_person(name="孙远")
    walk(far)
    from canlian.certificates.models import Certificate
    from canlian.people.models import Person

    Person.objects.filter(pk=far.pk).update(village=regions.v2a)  # moved to 柳市镇

    Certificate.objects.filter(person=near).update(valid_until=clock.today() + dt.timedelta(days=40))
    Certificate.objects.filter(person=far).update(valid_until=clock.today() + dt.timedelta(days=40))
    client.force_login(users.federation)
    url = reverse("certificates:expiring")
    page = client.get(url).content.decode()
    assert "孙近" in page and "孙远" in page and "共 2 条" in page
    page = client.get(url, {"township": regions.t2.code}).content.decode()
    assert "孙近" not in page and "孙远" in page
    page = client.get(url, {"within": "30"}).content.decode()
    assert "共 0 条" in page
    soon = (clock.today() + dt.timedelta(days=30)).isoformat()
    assert "共 0 条" in client.get(url, {"valid_until_to": soon}).content.decode()
    client.force_login(users.township)
    response = client.get(url, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert [r[1] for r in rows[1:]] == ["孙近"]


def test_follow_ups_renovations_and_subsidies_have_the_list(client, users, make_person):
    from canlian.community.models import Visit

    person = make_person(name="周跟进")
    Visit.objects.create(person=person, visited_on=clock.today(), findings="x",
                         follow_up="修轮椅", follow_up_due=clock.today() - dt.timedelta(days=3),
                         visitor=users.village)
    client.force_login(users.township)
    url = reverse("community:follow_ups")
    assert "周跟进" in client.get(url, {"overdue": "1"}).content.decode()
    assert "周跟进" not in client.get(url, {"overdue": "0"}).content.decode()
    response = client.get(url, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][0] == "周跟进" and rows[1][4] == "修轮椅"
    for name in ("services:renovations", "benefits:index"):
        page = client.get(reverse(name), {"state": "nonsense", "applied_from": "2020-01-01"})
        assert page.status_code == 200 and "共 0 条" in page.content.decode()
        assert client.get(reverse(name), {"export": "xlsx"}).status_code == 200


@pytest.mark.browser
@pytest.mark.skipif(not browser.available(), reason="Debian chromium is not installed")
def test_lists_fit_a_phone(live_server, users, crowd):
    urls = [SURVEYS + "?page=2", reverse("certificates:expiring"), reverse("benefits:index"),
            reverse("services:renovations"), reverse("community:follow_ups")]
    with browser.page(live_server.url, viewport={"width": 390, "height": 844}) as page:
        browser.sign_in(page, live_server.url, users.federation)
        failures = {}
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            if overflow := browser.horizontal_overflow(page):
                failures[url] = overflow
            if browser.axe_available() and (found := browser.axe_violations(page)):
                failures[f"{url} axe"] = found
        page.goto(SURVEYS)
        # the numbered pages are there, and wrap rather than run off the screen
        assert page.locator(".listing-pages a").count() >= 2
        assert browser.horizontal_overflow(page) == 0
    assert failures == {}
