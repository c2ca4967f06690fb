"""The public page and its open data: no sign-in, aggregates only, small counts suppressed,
indicators of the reported (frozen) years only."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from canlian.indicators.models import FrozenYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _certified(make_person, n, category, grade, name="张"):
    for i in range(n):
        p = make_person(name=f"{name}{category}{grade}{i}")
        p.category, p.grade, p.certificate_number = category, grade, f"{p.resident_id}{category}{grade}"
        p.save()


def test_public_page_shows_aggregates_with_small_counts_suppressed(client, regions, users,
                                                                   make_person):
    _certified(make_person, 7, 4, 1, name="甲")  # physical, grade 1: 7
    _certified(make_person, 2, 4, 2, name="乙")  # physical, grade 2: 2 → "<5"
    _certified(make_person, 6, 1, 1, name="丙")  # visual, grade 1: 6
    FrozenYear.objects.create(plan="yueqing-14th", year=2022, region=regions.county,
                              frozen_by=users.federation, frozen_at="2023-01-05T10:00+08:00",
                              figures={"indicators": [
                                  {"code": "employment_rate", "value": 61.5, "denominator": 300},
                                  {"code": "rehabilitation_coverage", "value": 100.0,
                                   "denominator": 3}]})
    response = client.get(reverse("disclosure:page"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲" not in html and "乙" not in html  # no names, ever
    assert "&lt;5" in html and "残疾人就业率" in html and "61.5%" in html
    data = json.loads(client.get(reverse("disclosure:json")).content)
    t = data["persons_by_category_and_grade"]
    physical = t["cells"][t["rows"].index("肢体残疾")]
    visual = t["cells"][t["rows"].index("视力残疾")]
    # 2 is hidden (primary); then 7 beside it (row total 9 shown), then 6 below 7 (column
    # total 13 shown), then the visual row's total 6 (nothing else in its row), and with it
    # the physical row's total: only the grand total is left to read.
    assert physical[:2] == ["<5", "<5"] and visual[0] == "<5"
    assert t["row_totals"][t["rows"].index("肢体残疾")] == "<5"
    assert t["column_totals"][:2] == ["<5", "<5"]
    assert t["total"] == 15
    ind = {r["code"]: r for r in data["indicators"]["rows"]}
    assert ind["employment_rate"]["values"] == {"2022": 61.5}
    assert ind["rehabilitation_coverage"]["values"] == {"2022": None}  # over 3 persons: hidden
    assert "2021" in data["indicators"]["unpublished"]
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("disclosure:csv", args=["persons"])).content.decode("utf-8-sig"))))
    assert rows[0][-1] == "total" and rows[-1][-1] == "15"
    assert client.get(reverse("disclosure:csv", args=["nothing"])).status_code == 404
    for table in ("indicators", "services", "subsidies"):
        assert client.get(reverse("disclosure:csv", args=[table])).status_code == 200
