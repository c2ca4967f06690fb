"""Stored survey places (``indicators.places``, 调查指标归属): each survey row's place in
every survey indicator (0 outside, 1 denominator, 2 numerator), taken by the nightly job and
kept by the actions; the figures and their lists read them while they are current.

Expected places are worked out by hand here from each person's answers (the ``person``
fixture: certificate valid 2020–2030, survey on 1 May 2024; ages on 30 June 2024, school
ages on 1 September 2023, the school year a May survey observes).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from canlian.employment import actions as employment
from canlian.indicators import drill, engine, measures, places
from canlian.indicators.measures import Scope
from canlian.indicators.models import SurveyPlace, SurveyPlaceSet, SurveyTally
from canlian.indicators.tests.test_measures import (  # noqa: F401 - fixtures
    YEAR,
    figure,
    person,
    serve,
)
from canlian.ops import runner
from canlian.ops.models import RunState, ScheduledRun
from canlian.surveys import actions as survey_actions
from canlian.surveys import actions as surveys
from canlian.surveys.models import AnnualSurvey

SURVEY_CODES = ("medical_insurance_rate", "pension_insurance_rate", "employment_rate",
                "compulsory_education_enrollment", "rehabilitation_coverage",
                "culture_sports_coverage")


def placed(p, year=YEAR):
    row = SurveyPlace.objects.get(person=p, year=year)
    return {code: getattr(row, code) for code in SURVEY_CODES}


def pair(code, regions, year=YEAR):
    f = figure(code, regions, year)[0]
    return (f.numerator, f.denominator)


def members(code, regions, which, year=YEAR):
    return set(drill.members(code, Scope(regions.county, year), which).rows
               .values_list("pk", flat=True))


def test_the_job_stores_each_rows_place_and_the_figures_and_lists_read_them(
        person, regions, users):  # noqa: F811
    """A: 44, insured both ways, employed, able to work, rehabilitation need not served.
    B: 34, medical only, not working but able. C: 9 (born 2015), at a special school,
    insured in neither. D: 30, medical only, not able to work, income 30,000 元.
    By hand:
      medical    A 2, B 2, C 1, D 2  → 3 / 4
      pension    A 2, B 1, C 0 (under 16), D 1 → 1 / 3
      employment A 2, B 1, C 0, D 0 (not able) → 1 / 2
      compulsory C 2 (6–15 on 1 Sept 2023, enrolled), others 0 → 1 / 1
      rehab      A 1 (need, not served), others 0 → 0 / 1; gap {A}
      culture    everyone 1 (certified, none served) → 0 / 4"""
    a = person(birth=dt.date(1980, 1, 1), pension_insured=True, medical_insured=True,
               employment_status="employed", employment_form="flexible", able_to_work=True,
               rehab_need=True, rehab_types=["training"])
    b = person(birth=dt.date(1990, 1, 1), medical_insured=True, able_to_work=True,
               employment_status="not_working", not_working_reason="other")
    c = person(birth=dt.date(2015, 2, 1), education_status="compulsory_special",
               employment_status="not_applicable")
    d = person(birth=dt.date(1994, 1, 1), medical_insured=True, able_to_work=False,
               employment_status="not_working", household_income_per_capita=Decimal("30000"))
    live = {code: pair(code, regions) for code in SURVEY_CODES}
    assert measures.stored_places(Scope(regions.county, YEAR)) is None

    run = ScheduledRun.objects.create(job="survey_places", slot=timezone.now())
    done = runner.run(run.pk)
    assert done is not None and done.state == RunState.SUCCEEDED, done and done.error
    assert done.summary["years"][str(YEAR)] == 4
    assert measures.stored_places(Scope(regions.county, YEAR)) is not None

    assert placed(a) == {"medical_insurance_rate": 2, "pension_insurance_rate": 2,
                         "employment_rate": 2, "compulsory_education_enrollment": 0,
                         "rehabilitation_coverage": 1, "culture_sports_coverage": 1}
    assert placed(b) == {"medical_insurance_rate": 2, "pension_insurance_rate": 1,
                         "employment_rate": 1, "compulsory_education_enrollment": 0,
                         "rehabilitation_coverage": 0, "culture_sports_coverage": 1}
    assert placed(c) == {"medical_insurance_rate": 1, "pension_insurance_rate": 0,
                         "employment_rate": 0, "compulsory_education_enrollment": 2,
                         "rehabilitation_coverage": 0, "culture_sports_coverage": 1}
    assert placed(d)["employment_rate"] == 0
    assert SurveyPlace.objects.get(person=d).income == Decimal("30000")
    assert SurveyPlace.objects.get(person=a).income is None  # not recorded: not averaged

    stored = {code: pair(code, regions) for code in SURVEY_CODES}
    assert stored == live == {
        "medical_insurance_rate": (3, 4), "pension_insurance_rate": (1, 3),
        "employment_rate": (1, 2), "compulsory_education_enrollment": (1, 1),
        "rehabilitation_coverage": (0, 1), "culture_sports_coverage": (0, 4)}
    assert members("employment_rate", regions, "numerator") == {a.pk}
    assert members("employment_rate", regions, "denominator") == {a.pk, b.pk}
    assert members("pension_insurance_rate", regions, "gap") == {b.pk, d.pk}
    assert members("rehabilitation_coverage", regions, "gap") == {a.pk}


def test_the_actions_keep_a_persons_places_at_once(person, regions, users, serve):  # noqa: F811
    """After the job: a service recorded for A (rehabilitation need) moves A into the
    numerator (0 / 1 → 1 / 1) and culture (a culture event) likewise; a placement of B
    makes B employed (1 / 2 → 2 / 2); a survey saved through the action for a new person
    E (34, able to work, not working) is in the employment denominator at once (2 / 3). The
    figures equal the live computation and the lists follow."""
    a = person(birth=dt.date(1980, 1, 1), employment_status="employed", able_to_work=True,
               employment_form="flexible", rehab_need=True, rehab_types=["training"])
    b = person(birth=dt.date(1990, 1, 1), able_to_work=True, employment_status="not_working",
               not_working_reason="other")
    e = person(birth=dt.date(1990, 1, 1), _no_survey=True)
    places.refresh(YEAR)
    assert pair("rehabilitation_coverage", regions) == (0, 1)
    assert pair("employment_rate", regions) == (1, 2)

    serve(a, "rehab_training")
    serve(a, "culture_event")
    assert placed(a)["rehabilitation_coverage"] == 2
    assert pair("rehabilitation_coverage", regions) == (1, 1)
    assert pair("culture_sports_coverage", regions) == (1, 2)

    employment.place(users.federation, b, form="flexible", start=dt.date(YEAR, 3, 1))
    assert placed(b)["employment_rate"] == 2
    assert pair("employment_rate", regions) == (2, 2)

    surveys.save_survey(users.federation, e, YEAR, {
        "surveyed_on": dt.date(YEAR, 5, 2), "employment_status": "not_working",
        "not_working_reason": "other", "able_to_work": True})
    assert placed(e)["employment_rate"] == 1
    assert pair("employment_rate", regions) == (2, 3)
    assert members("employment_rate", regions, "gap") == {e.pk}
    assert measures.stored_places(Scope(regions.county, YEAR)) is not None  # still read
    # the village tallies the figure sums were counted again from the rows the lists read
    tallies = SurveyTally.objects.filter(year=YEAR)
    assert sum(t.surveys for t in tallies) == SurveyPlace.objects.filter(year=YEAR).count() == 3
    assert sum(t.surveys for t in tallies if t.employment_rate == 2) == 2

    SurveyPlaceSet.objects.all().delete()  # the same figures computed live
    assert measures.stored_places(Scope(regions.county, YEAR)) is None
    assert pair("rehabilitation_coverage", regions) == (1, 1)
    assert pair("employment_rate", regions) == (2, 3)
    assert pair("culture_sports_coverage", regions) == (1, 3)


def test_places_taken_with_other_definitions_or_forgotten_are_not_read(person, regions):  # noqa: F811
    """A set whose signature is not today's (another 低保 standard, a changed definition) is
    not read: the figure is live. A survey changed behind the actions' back (a bulk write)
    shows only once the set is forgotten or taken again."""
    a = person(medical_insured=False)
    places.refresh(YEAR)
    scope = Scope(regions.county, YEAR)
    assert measures.stored_places(scope) is not None
    SurveyPlaceSet.objects.filter(year=YEAR).update(signature="another definition")
    assert measures.stored_places(Scope(regions.county, YEAR)) is None

    places.refresh(YEAR)
    AnnualSurvey.objects.filter(person=a).update(medical_insured=True)  # bulk, no action
    assert pair("medical_insurance_rate", regions) == (0, 1)  # as stored
    places.forget([YEAR])
    assert pair("medical_insurance_rate", regions) == (1, 1)  # live
    places.refresh(YEAR)
    assert pair("medical_insurance_rate", regions) == (1, 1)


def test_last_years_incomes_are_read_from_its_stored_places(person, regions):  # noqa: F811
    """Household income growth: 2023's mean 20,000 (one person), 2024's 22,000 → 10.0 %,
    live and with both years stored."""
    p = person(household_income_per_capita=Decimal("22000"))
    survey_actions.add_survey(person=p, year=YEAR - 1, village=p.village,
                                surveyed_on=dt.date(YEAR - 1, 5, 1), employment_status="retired",
                                household_income_per_capita=Decimal("20000"))
    live = engine.measure("household_income_growth", regions.county, YEAR, 2021)[0].value
    places.refresh(YEAR - 1)
    places.refresh(YEAR)
    stored = engine.measure("household_income_growth", regions.county, YEAR, 2021)[0].value
    assert live == stored == Decimal("10.0")
