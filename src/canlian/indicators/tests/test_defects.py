"""Issue #20: each formula defect found by recomputing from the records, with its expected
figure worked out by hand here (never by calling the measures' own code).

Test county: 乐清市 with 乐成街道 (t1) and 柳市镇 (t2); Yueqing's rule set. The ``person``
fixture gives a certificate valid 2020-01-01 … 2030-01-01 and a survey on 2024-05-01.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canlian.certificates.models import Certificate
from canlian.indicators import drill, engine, plans
from canlian.indicators.measures import Scope
from canlian.indicators.tests.test_measures import (  # noqa: F401 - fixtures
    YEAR,
    figure,
    pay_living,
    person,
    serve,
)
from canlian.people.models import Household
from canlian.services.models import Institution, Renovation
from canlian.surveys import actions as survey_actions
from canlian.surveys.models import AnnualSurvey

LZ = plans.load("linzi-14th")
YQ = plans.load("yueqing-14th")


def set_income(p, monthly, htype="ordinary"):
    Household.objects.filter(pk=p.household_id).update(household_type=htype,
                                                       monthly_income_per_capita=monthly)
    p.refresh_from_db()
    return p


def gap_ids(code, regions, year=YEAR):
    return set(drill.members(code, Scope(regions.county, year), "gap").rows
               .values_list("pk", flat=True))


# 2.1 -----------------------------------------------------------------------------------------

def test_2_1_living_subsidy_counts_zhejiangs_income_test_and_matches_the_gap_list(person, regions):
    """On 30 June 2024 the 低保 standard is 1,200 元 a month, so the income limit is
    1.5 × 1,200 = 1,800 元. A (低保, paid) is in both; B (ordinary household, 1,500 元 <
    1,800) is eligible and unpaid: the gap; C (2,500 元 ≥ 1,800) is not eligible.
    Living coverage = 1 / 2 = 50.0 %; the roll's 应享未享 list finds B too."""
    from canlian.benefits import rolls

    a = person(htype="dibao", grade=4)
    # the 2024 survey records the household's income (a year's, per capita)
    b = set_income(person(grade=4, household_income_per_capita=Decimal("18000")), Decimal("1500"))
    set_income(person(grade=4, household_income_per_capita=Decimal("30000")), Decimal("2500"))
    pay_living(a, regions)
    living = figure("living_subsidy_coverage", regions)[0]
    assert (living.numerator, living.denominator, living.value) == (1, 2, Decimal("50.0"))
    assert gap_ids("living_subsidy_coverage", regions) == {b.pk}
    listed = {(g["person_id"], g["subsidy"]) for g in rolls.gap_list(regions.county,
                                                                     dt.date(YEAR, 6, 1))}
    assert (b.pk, "living") in listed


# 2.2 -----------------------------------------------------------------------------------------

def test_2_2_an_expired_certificate_is_not_eligible_nor_counted(person, regions):
    """D and E are grade-1 低保 members; E's certificate ran out on 31 March 2024 and was
    not renewed (expiry leaves the number on the person). On 30 June only D is eligible:
    nursing 0 / 1, living 0 / 1. E, surveyed on 1 May 2024 without a valid certificate, is
    not 持证 for the survey figures either: medical insurance counts D only (1 / 1)."""
    d = person(grade=1, htype="dibao", medical_insured=True)
    e = person(grade=1, htype="dibao", medical_insured=True, _no_survey=True)
    Certificate.objects.filter(person=e).update(valid_until=dt.date(2024, 3, 31))
    survey_actions.add_survey(person=e, year=YEAR, village=e.village, medical_insured=True,
                                surveyed_on=dt.date(YEAR, 5, 1), employment_status="retired")
    assert e.certificate_number  # still on the person's read model
    for code in ("nursing_subsidy_coverage", "living_subsidy_coverage"):
        f = figure(code, regions)[0]
        assert (f.numerator, f.denominator) == (0, 1), code
        assert gap_ids(code, regions) == {d.pk}
    medical = figure("medical_insurance_rate", regions)[0]
    assert (medical.numerator, medical.denominator) == (1, 1)


# 2.3 -----------------------------------------------------------------------------------------

def test_2_3_a_past_year_keeps_the_facts_as_they_stood(person, regions, make_person):
    """2022, reference date 30 June 2022. F: grade 3 physical until a grade-1 certificate
    replaced it on 1 January 2023 → not in the 2022 nursing denominator. G: grade 1, alive
    in 2022, died 1 March 2024 → in it. H: surveyed in 2022 as an ordinary household with
    24,000 元 a year (2,000 a month ≥ 1.5 × 1,000 = 1,500: not eligible for the living
    subsidy), moved into 低保 in 2024 → not in the 2022 living denominator.
    2022: nursing 0 / 1 (G), living 0 / 0 → no data. The same after today's changes."""
    f = person(grade=3, category=4, _no_survey=True)
    g = person(grade=1, _no_survey=True)
    h = person(grade=4, _no_survey=True)
    survey_actions.add_survey(person=h, year=2022, village=h.village, employment_status="retired",
                                surveyed_on=dt.date(2022, 5, 1),
                                household_income_per_capita=Decimal("24000"))

    def figures():
        return {code: (fig.numerator, fig.denominator) for code in (
            "nursing_subsidy_coverage", "living_subsidy_coverage")
            for fig in [figure(code, regions, 2022)[0]]}

    assert figures() == {"nursing_subsidy_coverage": (0, 1), "living_subsidy_coverage": (0, 0)}
    # what happens later does not change 2022
    Certificate.objects.filter(person=f).update(status="replaced", ended_on=dt.date(2023, 1, 1))
    Certificate.objects.create(person=f, number=f.resident_id + "41", category=4, grade=1,
                               issue_date=dt.date(2023, 1, 1), valid_until=dt.date(2033, 1, 1),
                               issued_by=regions.county)
    g.life_status, g.death_date = "deceased", dt.date(2024, 3, 1)
    g.save()
    household = h.household
    household.household_type = "dibao"
    household.save()
    assert figures() == {"nursing_subsidy_coverage": (0, 1), "living_subsidy_coverage": (0, 0)}
    # and 2024 reads 2024's facts: F is grade 1 (nursing gap), G is dead, H is in 低保
    # (the registry's household, unchanged since: living gap)
    for code, who in (("nursing_subsidy_coverage", f), ("living_subsidy_coverage", h)):
        fig = figure(code, regions, 2024)[0]
        assert (fig.numerator, fig.denominator) == (0, 1), code
        assert gap_ids(code, regions, 2024) == {who.pk}


# 2.4 -----------------------------------------------------------------------------------------

def test_2_4_compulsory_enrolment_counts_upper_secondary_and_not_pre_school_age(person, regions):
    """Surveys on 1 May 2024 observe the school year begun on 1 September 2023.
    P1 (born 1 June 2008, 15 then) is in upper-secondary school: enrolled (past compulsory).
    P2 (born 1 October 2017, 5 then) is in pre-school: not yet of school age, not counted.
    P3 (11) is at school; P4 (10) is not enrolled. Rate = 2 / 3 = 66.7 %."""
    person(birth=dt.date(2008, 6, 1), education_status="upper_secondary",
           finished_compulsory=True, employment_status="not_applicable")
    person(birth=dt.date(2017, 10, 1), education_status="preschool",
           employment_status="not_applicable")
    person(birth=dt.date(2012, 1, 1), education_status="compulsory_school",
           employment_status="not_applicable")
    p4 = person(birth=dt.date(2013, 1, 1), education_status="not_enrolled",
                not_enrolled_reason="病", employment_status="not_applicable")
    f = figure("compulsory_education_enrollment", regions)[0]
    assert (f.numerator, f.denominator, f.value) == (2, 3, Decimal("66.7"))
    assert gap_ids("compulsory_education_enrollment", regions) == {p4.pk}


# 2.5 -----------------------------------------------------------------------------------------

def test_2_5_upper_secondary_rate_counts_those_who_completed_it(person, regions):
    """Ages 15–18 on 1 September 2023 who completed compulsory education. Q1 (18) left
    school having completed upper secondary (highest level): counts. Q2 (17) is in upper
    secondary: counts. Q3 (16) completed junior secondary only: does not. Q4 (16) has not
    completed compulsory education: not in the denominator. Rate = 2 / 3 = 66.7 %."""
    person(birth=dt.date(2005, 3, 1), education_status="finished", finished_compulsory=True,
           highest_level="upper_secondary", employment_status="not_working",
           not_working_reason="other")
    person(birth=dt.date(2006, 3, 1), education_status="upper_secondary",
           finished_compulsory=True, highest_level="junior_secondary", employment_status="student")
    q3 = person(birth=dt.date(2007, 3, 1), education_status="finished", finished_compulsory=True,
                highest_level="junior_secondary", employment_status="not_working",
                not_working_reason="other")
    person(birth=dt.date(2007, 5, 1), education_status="not_enrolled", not_enrolled_reason="病",
           highest_level="primary", employment_status="not_working", not_working_reason="other")
    f = figure("high_school_education_rate", regions)[0]
    assert (f.numerator, f.denominator, f.value) == (2, 3, Decimal("66.7"))
    assert gap_ids("high_school_education_rate", regions) == {q3.pk}


# 2.6 -----------------------------------------------------------------------------------------

def renovate(p, day):
    return Renovation.objects.create(person=p, household=p.household, village=p.village,
                                     applied_on=day - dt.timedelta(days=90), state="accepted",
                                     accepted_on=day)


def test_2_6_home_accessibility_rate_counts_qualifying_resident_households(person, regions):
    """Period 2021–2024. H1: two grade-1 members of one household, both needing it in 2024,
    renovated in 2023 → one household, renovated. H2: a grade-4 member of a 低保 household
    needing it → qualifies, not renovated. H3: ordinary, grade 4 → does not qualify.
    H4: grade 2, died in 2024 → no longer resident. H5: grade 1, certificate transferred
    out in 2024 → no longer resident. Rate = 1 / 2 households = 50.0 %."""
    h1a = person(grade=1, htype="dibao", home_accessibility_need=True)
    h1b = person(grade=1, home_accessibility_need=True)
    h1b.household = h1a.household
    h1b.save()
    renovate(h1a, dt.date(2023, 5, 1))
    h2 = person(grade=4, htype="dibao", home_accessibility_need=True)
    person(grade=4, home_accessibility_need=True)
    h4 = person(grade=2, home_accessibility_need=True)
    h4.life_status, h4.death_date = "deceased", dt.date(2024, 2, 1)
    h4.save()
    h5 = person(grade=1, home_accessibility_need=True)
    Certificate.objects.filter(person=h5).update(status="transferred_out",
                                                 ended_on=dt.date(2024, 4, 1))
    f = figure("home_accessibility_rate", regions)[0]
    assert (f.numerator, f.denominator, f.value) == (1, 2, Decimal("50.0"))
    assert gap_ids("home_accessibility_rate", regions) == {h2.pk}


# 2.7 -----------------------------------------------------------------------------------------

def test_2_7_linzi_counts_households_in_hardship_and_severe_at_the_works(person, regions):
    """Renovations accepted in 2023 (the 2023 survey records the household as it was).
    R1 and R1b: one 低保 household, grade 1 and grade 2 members → 1 household.
    R2: 低保, grade 3 → not severe. R3: ordinary, grade 1 → not in hardship.
    R4: 低保 and grade 1 at the works, an ordinary household today → counts.
    困难重度 households = 2 (R1's household and R4's)."""
    def surveyed_2023(p, htype):
        survey_actions.add_survey(person=p, year=2023, village=p.village,
                                    employment_status="retired", surveyed_on=dt.date(2023, 4, 1))
        AnnualSurvey.objects.filter(person=p, year=2023).update(household_type=htype)

    r1 = person(grade=1, htype="dibao", _no_survey=True)
    r1b = person(grade=2, _no_survey=True)
    r1b.household = r1.household
    r1b.save()
    r2 = person(grade=3, htype="dibao", _no_survey=True)
    r3 = person(grade=1, _no_survey=True)
    r4 = person(grade=1, htype="dibao", _no_survey=True)
    for p, htype in ((r1, "dibao"), (r1b, "dibao"), (r2, "dibao"), (r3, "ordinary"),
                     (r4, "dibao")):
        surveyed_2023(p, htype)
        renovate(p, dt.date(2023, 8, 1))
    household = r4.household
    household.household_type = "ordinary"
    household.save()
    count = figure("home_accessibility_count", regions, 2024)[0]
    assert count.numerator == 2
    assert count.value == Decimal("2")


# 2.9 -----------------------------------------------------------------------------------------

def test_2_9_institutions_are_edited_and_closed_through_actions(users, regions):
    """Closing is dated and audited: 乐成街道's only 残疾人之家, opened 2021, closed on
    30 June 2024, counts in 2023 (1 / 2 townships = 50 %) but not at the end of 2024
    (0 / 2). A township user may not close it; a closing date before opening is refused.
    In Linzi's plan, a 如康家园 entered as a home of the disabled is the township's service
    institution: 柳市镇's counts for 镇（街道）残疾人服务机构 (1 / 2 = 50 %)."""
    from canlian.audit.models import AuditEvent
    from canlian.services import actions

    home = actions.register_institution(users.federation, {
        "name": "乐成街道残疾人之家", "kind": "home_of_disabled", "township": regions.t1,
        "capacity": 30, "opened_on": dt.date(2021, 3, 1)})
    with pytest.raises(PermissionDenied):
        actions.close_institution(users.township, home.pk, dt.date(2024, 6, 30), "场地收回")
    with pytest.raises(ValidationError):
        actions.close_institution(users.federation, home.pk, dt.date(2020, 1, 1), "场地收回")
    actions.update_institution(users.federation, home.pk, {"capacity": 40})
    actions.close_institution(users.federation, home.pk, dt.date(2024, 6, 30), "场地收回")
    assert AuditEvent.objects.filter(object_type="institution", object_id=str(home.pk)
                                     ).count() == 3
    assert figure("home_of_disabled_coverage", regions, 2023)[0].value == Decimal("50.0")
    assert figure("home_of_disabled_coverage", regions, 2024)[0].value == Decimal("0.0")
    Institution.objects.create(name="柳市镇如康家园", kind="home_of_disabled", township=regions.t2,
                               opened_on=dt.date(2022, 1, 1))
    service = figure("township_service_institution_coverage", regions, 2024)[0]
    assert (service.numerator, service.denominator) == (1, 2)


# 2.10 ----------------------------------------------------------------------------------------

def test_2_10_linzis_device_rate_counts_basic_type_devices_only(person, regions, users):
    """Two persons need a device; one is fitted with a wheelchair (basic type), the other
    with a cochlear implant (outside the basic-type catalogue). Yueqing's 辅助器具适配率:
    2 / 2 = 100 %; Linzi's 基本型辅助器具适配率: 1 / 2 = 50 %."""
    from canlian.services.actions import record_service
    from canlian.services.models import DeviceType, ServiceType

    fitting = ServiceType.objects.get(code="device_fitting")
    a = person(device_need=True, device_types=["mobility"])
    b = person(device_need=True, device_types=["hearing"])
    record_service(users.federation, a, fitting, start_date=dt.date(YEAR, 3, 1),
                   device=DeviceType.objects.get(code="wheelchair"))
    record_service(users.federation, b, fitting, start_date=dt.date(YEAR, 3, 1),
                   device=DeviceType.objects.get(code="cochlear_implant"))
    any_device = figure("assistive_device_rate", regions)[0]
    basic = figure("basic_assistive_device_rate", regions)[0]
    assert (any_device.numerator, any_device.denominator) == (2, 2)
    assert (basic.numerator, basic.denominator, basic.value) == (1, 2, Decimal("50.0"))
    assert "basic_assistive_device_rate" in [i.code for i in LZ.indicators]


# 2.11 ----------------------------------------------------------------------------------------

def test_2_11_external_series_are_chosen_from_the_plan_and_read_by_townships(users, regions,
                                                                           person):
    """A series the plan does not declare is refused (a typo cannot silently become "no
    data"); the city's GDP growth, entered once, is what a township's figure is compared
    with: 乐成街道's income grew 10 % ≥ 6.5 % → met."""
    from canlian.indicators import actions

    with pytest.raises(ValidationError):
        actions.enter_external(users.federation, YQ, "city_gdp_grwth", YEAR, Decimal("6.5"),
                               "统计公报")
    with pytest.raises(PermissionDenied):
        actions.enter_external(users.township, YQ, "city_gdp_growth", YEAR, Decimal("6.5"),
                               "统计公报")
    actions.enter_external(users.federation, YQ, "city_gdp_growth", YEAR, Decimal("6.5"),
                           "统计公报")
    p = person(household_income_per_capita=Decimal("22000"))
    survey_actions.add_survey(person=p, year=YEAR - 1, village=p.village,
                                surveyed_on=dt.date(YEAR - 1, 5, 1), employment_status="retired",
                                household_income_per_capita=Decimal("20000"))
    results = {r.code: r for r in engine.compute(YQ, YEAR, regions.t1)}
    growth = results["household_income_growth"]
    assert growth.figure.value == Decimal("10.0")
    assert growth.verdict.status == "met"
    assert "同步" in engine.target_label(YQ, growth.indicator)
