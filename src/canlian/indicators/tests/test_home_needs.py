"""Stored home needs (``indicators.accessibility``, 无障碍改造需求户): the persons the
home-accessibility rate counts for a year and plan period, taken by the nightly job and
kept by the actions; the figure and its list read them while they are current, the
renovations live.

Period 2021–2024 (Yueqing's plan starts in 2021; ``figure`` reads 2021). The ``person``
fixture: certificate valid 2020–2030, survey on 1 May 2024.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from canlian.certificates.models import Certificate
from canlian.indicators import accessibility, measures, places
from canlian.indicators.measures import Scope
from canlian.indicators.models import HomeNeed, HomeNeedSet
from canlian.indicators.tests.test_defects import gap_ids, renovate
from canlian.indicators.tests.test_measures import (  # noqa: F401 - fixtures
    YEAR,
    figure,
    person,
)
from canlian.ops import runner
from canlian.ops.models import RunState, ScheduledRun
from canlian.surveys import actions as surveys
from canlian.surveys.models import AnnualSurvey

CODE = "home_accessibility_rate"


def rate(regions, year=YEAR):
    f = figure(CODE, regions, year)[0]
    return (f.numerator, f.denominator, f.value)


def stored(regions, year=YEAR):
    return measures.stored_home_needs(Scope(regions.county, year), 2021)


def test_the_job_stores_the_home_needs_and_the_figure_and_list_read_them(person, regions):  # noqa: F811
    """H1: two grade-1 members of one household needing it, renovated in 2023 → one
    household, renovated. H2: grade 4 in a 低保 household needing it (2023's survey only,
    within the period) → qualifies, not renovated. H3: ordinary, grade 4 → does not
    qualify. H4: grade 2, died in 2024 → not resident at the year's end. H5: certificate
    transferred out in 2024 → not resident. By hand: 1 / 2 households = 50.0 %, gap {H2};
    the same live and stored, per township too (all in 乐成街道)."""
    h1a = person(grade=1, htype="dibao", home_accessibility_need=True)
    h1b = person(grade=1, home_accessibility_need=True)
    h1b.household = h1a.household
    h1b.save()
    renovate(h1a, dt.date(2023, 5, 1))
    h2 = person(grade=4, htype="dibao", _no_survey=True)
    surveys.add_survey(person=h2, year=2023, village=h2.village, employment_status="retired",
                       surveyed_on=dt.date(2023, 5, 1), home_accessibility_need=True)
    person(grade=4, home_accessibility_need=True)
    h4 = person(grade=2, home_accessibility_need=True)
    h4.life_status, h4.death_date = "deceased", dt.date(2024, 2, 1)
    h4.save()
    h5 = person(grade=1, home_accessibility_need=True)
    Certificate.objects.filter(person=h5).update(status="transferred_out",
                                                 ended_on=dt.date(2024, 4, 1))
    live, live_per = figure(CODE, regions)
    assert stored(regions) is None
    assert rate(regions) == (1, 2, Decimal("50.0"))

    run = ScheduledRun.objects.create(job="survey_places", slot=timezone.now())
    done = runner.run(run.pk)
    assert done is not None and done.state == RunState.SUCCEEDED, done and done.error
    assert done.summary["home_needs"][f"2021-{YEAR}"] == 3  # H1a, H1b, H2
    assert stored(regions) is not None
    assert set(HomeNeed.objects.filter(year=YEAR, period_start=2021)
               .values_list("person_id", flat=True)) == {h1a.pk, h1b.pk, h2.pk}
    # 2023: H2 surveyed then, H1 not yet (surveyed in 2024); H4 and H5 still resident
    assert set(HomeNeed.objects.filter(year=2023).values_list("person_id", flat=True)) == {h2.pk}

    assert figure(CODE, regions) == (live, live_per)
    assert rate(regions) == (1, 2, Decimal("50.0"))
    assert gap_ids(CODE, regions) == {h2.pk}
    township = figure(CODE, regions)[1][regions.t1.code]
    assert (township.numerator, township.denominator) == (1, 2)


def test_the_actions_keep_a_persons_home_needs_and_renovations_are_read_live(
        person, regions, users):  # noqa: F811
    """After the job: a survey saved through the action for a new grade-1 person E needing
    a renovation counts at once (1 / 2 → 1 / 3); H2's renovation accepted counts at once
    (2 / 3), though nothing stored changed. The set is still read, and equals live."""
    h1 = person(grade=1, htype="dibao", home_accessibility_need=True)
    renovate(h1, dt.date(2023, 5, 1))
    h2 = person(grade=4, htype="dibao", home_accessibility_need=True)
    e = person(grade=1, birth=dt.date(1960, 1, 1), _no_survey=True)
    places.refresh_all([YEAR])
    assert rate(regions)[:2] == (1, 2)

    surveys.save_survey(users.federation, e, YEAR, {
        "surveyed_on": dt.date(YEAR, 5, 2), "employment_status": "retired",
        "home_accessibility_need": True})
    assert HomeNeed.objects.filter(person=e, year=YEAR).exists()
    assert rate(regions)[:2] == (1, 3)
    assert gap_ids(CODE, regions) == {h2.pk, e.pk}

    renovate(h2, dt.date(YEAR, 9, 1))
    assert rate(regions)[:2] == (2, 3)
    assert stored(regions) is not None  # still read
    HomeNeedSet.objects.all().delete()  # the same figure computed live
    assert stored(regions) is None
    assert rate(regions)[:2] == (2, 3)


def test_home_needs_forgotten_or_taken_for_another_day_are_not_read(person, regions):  # noqa: F811
    """A bulk rewrite of a survey year within the period forgets the set (live until the
    next run); one outside it does not. A set whose signature is not today's (the current
    year's end moves with today; a changed definition) is not read."""
    a = person(grade=1, htype="dibao", home_accessibility_need=False)
    accessibility.refresh(YEAR, 2021)
    AnnualSurvey.objects.filter(person=a).update(home_accessibility_need=True)  # bulk
    assert rate(regions)[:2] == (0, 0)  # as stored
    places.forget([2020])  # before the period: still read
    assert stored(regions) is not None
    places.forget([2022])
    assert stored(regions) is None
    assert rate(regions)[:2] == (0, 1)  # live
    accessibility.refresh(YEAR, 2021)
    assert rate(regions)[:2] == (0, 1)

    HomeNeedSet.objects.update(signature="taken on another day")
    assert stored(regions) is None
    assert rate(regions)[:2] == (0, 1)
