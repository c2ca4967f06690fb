"""The stored per-year subsidy facts (``benefits.yearfacts``, 年度应享事实): the coverage
indicators and their gap lists read them while they are current, they equal the live
computation (``likely``), a stale set is taken again by the scheduled job, and a change of
the year's paid persons stops them being read until then.

Test county as in ``test_defects``: reference date 30 June 2024; the 低保 standard is 1,200
元 a month, so Zhejiang's income limit is 1,800 元.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from canlian.benefits import likely, yearfacts
from canlian.benefits.models import YearFact, YearFactSet
from canlian.core import clock
from canlian.indicators import drill, engine, measures, places, plans
from canlian.indicators.measures import Scope
from canlian.indicators.tests.test_defects import gap_ids, set_income
from canlian.indicators.tests.test_measures import (  # noqa: F401 - fixtures
    YEAR,
    figure,
    pay_living,
    person,
)
from canlian.ops import runner
from canlian.ops.models import RunState, ScheduledRun
from canlian.regions.models import Deployment


def pair(code, regions):
    f = figure(code, regions)[0]
    return (f.numerator, f.denominator)


def run_job() -> ScheduledRun:
    """The nightly job, as the scheduler runs it."""
    created = ScheduledRun.objects.create(job="subsidy_year_facts", slot=timezone.now())
    done = runner.run(created.pk)
    assert done is not None
    return done


def test_the_job_stores_the_facts_and_the_figures_read_them_until_the_next_refresh(
        person, regions):
    """A (低保, paid), B (ordinary, 1,500 元 < 1,800: eligible, unpaid), C (2,500 元: not
    eligible). Living coverage 1 / 2 with B in the gap, computed live and read from the
    stored facts alike. D (低保) registered after the refresh is not in the stored facts:
    still 1 / 2 (the facts are a day's snapshot) until the job runs again: 1 / 3, gap {B, D}.
    Paying B changes the year's paid persons: the stored set is no longer read, and the
    figure is live at once: 2 / 3, gap {D}."""
    a = person(htype="dibao", grade=4)
    b = set_income(person(grade=4, household_income_per_capita=Decimal("18000")),
                   Decimal("1500"))
    c = set_income(person(grade=4, household_income_per_capita=Decimal("30000")),
                   Decimal("2500"))
    pay_living(a, regions)
    assert yearfacts.stored(YEAR) is None
    assert pair("living_subsidy_coverage", regions) == (1, 2)  # live

    done = run_job()
    assert done.state == RunState.SUCCEEDED, done.error
    assert str(YEAR) in done.summary["years"]
    facts = yearfacts.stored(YEAR)
    assert facts is not None and facts.on == dt.date(YEAR, 6, 30)
    stored = {f.person_id: f for f in YearFact.objects.filter(year=YEAR)}
    assert set(stored) >= {a.pk, b.pk, c.pk}
    assert (stored[a.pk].paid_living, stored[a.pk].likely_living) == (True, True)
    assert (stored[b.pk].paid_living, stored[b.pk].likely_living,
            stored[b.pk].below_limit) == (False, True, True)
    assert (stored[c.pk].likely_living, stored[c.pk].below_limit) == (False, False)
    assert (stored[b.pk].category, stored[b.pk].grade, stored[b.pk].alive) == (4, 4, True)
    assert pair("living_subsidy_coverage", regions) == (1, 2)
    assert gap_ids("living_subsidy_coverage", regions) == {b.pk}

    d = person(htype="dibao", grade=4)
    assert pair("living_subsidy_coverage", regions) == (1, 2)  # stale: read as stored
    assert gap_ids("living_subsidy_coverage", regions) == {b.pk}  # the list agrees
    assert run_job().state == RunState.SUCCEEDED
    assert pair("living_subsidy_coverage", regions) == (1, 3)
    assert gap_ids("living_subsidy_coverage", regions) == {b.pk, d.pk}

    pay_living(b, regions, months=(4,))
    assert yearfacts.stored(YEAR) is None
    assert pair("living_subsidy_coverage", regions) == (2, 3)
    assert gap_ids("living_subsidy_coverage", regions) == {d.pk}


def test_a_past_years_facts_are_taken_as_they_stood(person, regions):
    """E: grade 3 until a grade-1 certificate replaced it on 1 January 2023. Refreshed
    today, 2022's stored facts hold grade 3 (not in the nursing denominator: 0 / 0 → no
    data) and 2024's grade 1 (0 / 1): the refresh reuses the point-in-time query."""
    from canlian.certificates.models import Certificate

    e = person(grade=3, category=4, _no_survey=True)
    Certificate.objects.filter(person=e).update(status="replaced", ended_on=dt.date(2023, 1, 1))
    Certificate.objects.create(person=e, number=e.resident_id + "41", category=4, grade=1,
                               issue_date=dt.date(2023, 1, 1), valid_until=dt.date(2033, 1, 1),
                               issued_by=regions.county)
    yearfacts.refresh_all([2022, YEAR])
    assert YearFact.objects.get(year=2022, person=e).grade == 3
    assert YearFact.objects.get(year=YEAR, person=e).grade == 1
    assert figure("nursing_subsidy_coverage", regions, 2022)[0].denominator == 0
    assert pair("nursing_subsidy_coverage", regions) == (0, 1)


def test_facts_taken_on_another_reference_date_are_not_read(person, regions):
    """A set whose date is no longer the year's reference date (a year before 30 June,
    refreshed yesterday) is ignored: the figure is live."""
    person(grade=1, htype="dibao")
    yearfacts.refresh(YEAR)
    YearFact.objects.filter(year=YEAR).update(likely_nursing=False)  # what was stored
    assert pair("nursing_subsidy_coverage", regions) == (0, 0)
    YearFactSet.objects.filter(year=YEAR).update(on=dt.date(YEAR, 6, 29))
    assert pair("nursing_subsidy_coverage", regions) == (0, 1)


PLANS = {"yueqing": "yueqing-14th", "linzi": "linzi-14th"}


def _figures(plan, year, region):
    """Every indicator's figure, deployment-wide and per township."""
    return {r.code: (r.figure, r.townships) for r in engine.compute(plan, year, region)}


@pytest.mark.parametrize("deployment", ["yueqing", "linzi"])
def test_stored_facts_equal_the_live_computation_on_the_demo(db, settings, deployment):
    """On each seeded demo district, for last year and this year, deployment-wide and for a
    township: the stored facts give the same coverage figures and the same gap lists as
    the live computation, and the drill-down still counts the figure exactly. The stored
    survey places (``indicators.places``) and home needs (``indicators.accessibility``)
    likewise give every indicator of the plan the same figure as the live passes, with
    lists that count it exactly."""
    settings.CANLIAN_DEPLOYMENT = deployment
    call_command("seed", "--deployment", deployment, "--persons", "500", stdout=io.StringIO())
    root = Deployment.current().root
    township = root.townships().order_by("code").first()
    plan = plans.load(PLANS[deployment])
    this_year = clock.today().year
    years = [y for y in (this_year - 1, this_year) if y in plan.years] or [plan.end]
    live = {(region.code, year): (likely.live_coverage(region, year),
                                  {s: sorted(likely.live_unpaid(region, year, s))
                                   for s in likely.SUBSIDIES})
            for region in (root, township) for year in years}
    assert any(v[0]["living"] or v[0]["nursing"] for v in live.values()), "no subsidy data"
    live_figures = {(region.code, year): _figures(plan, year, region)
                    for region in (root, township) for year in years}
    if "home_accessibility_rate" in {i.code for i in plan.all_indicators}:
        assert any(live_figures[(root.code, y)]["home_accessibility_rate"][0].denominator
                   for y in years), "no home needs"
    yearfacts.refresh_all(years)
    places.refresh_all(sorted({*years, *(y - 1 for y in years)}))
    for region in (root, township):
        for year in years:
            assert yearfacts.stored(year) is not None
            coverage, gaps = live[(region.code, year)]
            assert likely.coverage(region, year) == coverage, (region.code, year)
            for subsidy in likely.SUBSIDIES:
                assert sorted(likely.unpaid(region, year, subsidy)) == gaps[subsidy]
            assert measures.stored_places(Scope(region, year)) is not None
            assert measures.stored_home_needs(Scope(region, year), plan.start) is not None
            assert _figures(plan, year, region) == live_figures[(region.code, year)]
            figures = {r.code: r.figure for r in engine.compute(plan, year, region)}
            for code in measures.stored_places(Scope(region, year)) or []:
                if code not in figures or figures[code].denominator is None:
                    continue
                f = figures[code]
                found = {w: drill.members(code, Scope(region, year), w).rows.count()
                         for w in drill.WHICH}
                assert (found["numerator"], found["denominator"], found["gap"]) == (
                    f.numerator, f.denominator, f.denominator - f.numerator), (code, year)
            for code in ("living_subsidy_coverage", "nursing_subsidy_coverage",
                         "home_accessibility_rate"):
                if code not in figures:
                    continue
                f = figures[code]
                found = {w: drill.members(code, Scope(region, year), w,
                                          period_start=plan.start).rows.count()
                         for w in drill.WHICH}
                assert (found["numerator"], found["denominator"], found["gap"]) == (
                    f.numerator, f.denominator, f.denominator - f.numerator), (code, year)


def test_a_gap_list_read_from_the_stored_facts_keeps_its_order_and_scopes_each_page(
        client, users, person, regions):
    """The township's gap list from the stored facts: B1 and B2 (低保, unpaid). The ordered
    ids are kept a minute (``STORED_LIST_SECONDS``); B2 moving to 柳市镇 meanwhile leaves
    the page at once (each page is scoped as it is read) and the count when the minute is
    up; facts taken again name a new list at once."""
    from django.core.cache import cache
    from django.urls import reverse

    b1 = person(htype="dibao", grade=4)
    b2 = person(regions.v1b, htype="dibao", grade=4)
    yearfacts.refresh(YEAR)
    url = reverse("indicators:members", args=["yueqing-14th", "living_subsidy_coverage", "gap"])
    client.force_login(users.township)

    def shown():
        page = client.get(url, {"year": YEAR}).context["page"]
        return [p.pk for p in page.object_list], page.paginator.count

    assert shown() == ([b1.pk, b2.pk], 2)
    b2.village = regions.v2a
    b2.save()
    assert shown() == ([b1.pk], 2)  # not shown at once; counted until the key expires
    cache.clear()  # the minute is up
    assert shown() == ([b1.pk], 1)
    b3 = person(htype="dibao", grade=4)
    assert shown() == ([b1.pk], 1)  # not in the stored facts yet
    yearfacts.refresh(YEAR)
    assert shown() == ([b1.pk, b3.pk], 2)
