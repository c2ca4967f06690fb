"""Issue #20 §3 and §5: frozen years, townships' share of a city-level count, and the
dashboard and report in an evaluation's words."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.indicators import actions, engine, plans, report
from canlian.indicators.tests.test_measures import YEAR, person  # noqa: F401 - fixture
from canlian.surveys.models import AnnualSurvey

YQ = plans.load("yueqing-14th")


def medical(data):
    return next(r for r in data["indicators"] if r["code"] == "medical_insurance_rate")


def test_a_reported_year_is_frozen_and_late_records_show_beside_it(client, users, regions,
                                                                   person):  # noqa: F811
    """2024 is reported with 1 of 2 insured (50.0 %). A survey entered afterwards makes the
    recomputation 2 / 3 (66.7 %): the dashboard still shows 50.0 as reported, with 66.7,
    the difference +16.7 and the late survey beside it; the report reads the frozen year."""
    person(medical_insured=True)
    person(medical_insured=False)
    with pytest.raises(PermissionDenied):
        actions.freeze_year(users.township, YQ, YEAR)
    with pytest.raises(ValidationError):
        actions.freeze_year(users.federation, YQ, 2030)  # outside the plan period
    frozen = actions.freeze_year(users.federation, YQ, YEAR, note="年报")
    with pytest.raises(ValidationError):
        actions.freeze_year(users.federation, YQ, YEAR)  # once
    assert (medical(frozen.figures)["numerator"], medical(frozen.figures)["denominator"]) == (1, 2)
    assert frozen.frozen_by == users.federation
    late = person(medical_insured=True)  # a survey entered after the freeze
    assert AnnualSurvey.objects.get(person=late).updated_at > frozen.frozen_at
    client.force_login(users.federation)
    page = client.get(reverse("indicators:plan", args=["yueqing-14th"]), {"year": YEAR})
    row = next(r for r in page.context["rows"] if r["code"] == "medical_insurance_rate")
    assert (row["value"], row["now"]["value"], row["now"]["difference"]) == (50.0, 66.7, 16.7)
    body = page.content.decode()
    assert "年度调查补录或修改 1 条" in body and "+16.7" in body
    workbook_rows = report.rows_with_gaps(
        client.get(reverse("indicators:plan", args=["yueqing-14th"]), {"year": YEAR}
                   ).context["data"])
    assert medical({"indicators": workbook_rows})["value"] == 50.0


def test_a_city_level_count_shows_each_townships_share(regions):
    """Yueqing's 200 person-times a year is the city's target: a township with 3 of the
    city's 4 completed trainings shows its share (75 %), not "behind"."""
    from canlian.employment.models import Course, Enrolment
    from canlian.people.models import Person

    course = Course.objects.create(name="培训", provider="职校", township=regions.t1,
                                   start=dt.date(YEAR, 3, 1), end=dt.date(YEAR, 4, 1), hours=40)
    from canlian.conftest import new_resident_id

    for village in (regions.v1a, regions.v1a, regions.v1b, regions.v2a):
        p = Person(resident_id=new_resident_id(), name="学员", village=village)
        p.derive_from_id()
        p.save()
        Enrolment.objects.create(course=course, person=p, completed=True, attended_hours=40)
    results = {r.code: r for r in engine.compute(YQ, YEAR, regions.county)}
    training = results["vocational_training_per_year"]
    assert training.verdict.status == "behind"  # 4 < 200 for the city
    figure, verdict = training.townships[regions.t1.code]
    assert (figure.value, verdict.status) == (Decimal("3"), "share")
    assert "75%" in verdict.zh


def test_the_report_and_the_chart_read_as_an_official_chinese_document(client, users,
                                                                      regions):
    """No raw status codes or series codes in the report; each bar of the chart carries
    its target and the link it opens; the plan's stated baseline is its own marker, not
    the first point of the computed series."""
    data = engine.as_json(YQ, YEAR, regions.county, engine.compute(YQ, YEAR, regions.county))
    html = report.html(data, "midterm")
    text = re.sub(r"<[^>]+>|class=\"[^\"]*\"", " ", html.split("<body>")[1])
    for code in ("no_data", "behind", "on_track", "city_gdp_growth", "≈"):
        assert code not in text, code
    assert "与乐清市地区生产总值（GDP）增速同步" in text
    client.force_login(users.federation)
    page = client.get(reverse("indicators:plan", args=["yueqing-14th"]), {"year": YEAR})
    chart = json.loads(page.context["chart"] and json.dumps(page.context["chart"]))
    nursing = next(b for b in chart["indicators"] if b["code"] == "nursing_subsidy_coverage")
    assert nursing["target_value"] == 99.0
    assert nursing["url"].startswith("/indicators/yueqing-14th/nursing_subsidy_coverage/")
    trend = next(s for s in chart["series"] if s["code"] == "nursing_subsidy_coverage")
    assert trend["baseline"] == 98.0 and trend["baseline_year"] == 2020
    assert 2020 not in trend["years"]
