"""Every indicator on small hand-built data, checked against a direct count.

Township t1 (乐成街道) and t2 (柳市镇) of the test county; a year of 2024.
"""

import datetime as dt
from decimal import Decimal

import pytest

from canlian.benefits import paid_years
from canlian.benefits.models import Grant, Roll, RollLine
from canlian.certificates.models import Certificate
from canlian.indicators import engine, plans
from canlian.indicators.models import ExternalValue
from canlian.services.models import Institution, Renovation, ServiceType
from canlian.surveys import actions as survey_actions

YEAR = 2024
T1, T2 = "330382002000", "330382114000"
YQ = plans.load("yueqing-14th")
LZ = plans.load("linzi-14th")


def figure(code, regions, year=YEAR):
    fig, per = engine.measure(code, regions.county, year, 2021)
    return fig, per


@pytest.fixture
def person(make_person, regions):
    def make(village=None, birth=dt.date(1980, 1, 1), grade=3, category=4, htype="ordinary",
             **survey):
        from canlian.conftest import new_resident_id

        p = make_person(village or regions.v1a, resident_id=new_resident_id(birth),
                        household_type=htype)
        Certificate.objects.create(person=p, number=p.resident_id + f"{category}{grade}",
                                   category=category, grade=grade, issue_date=dt.date(2020, 1, 1),
                                   valid_until=dt.date(2030, 1, 1), issued_by=regions.county)
        p.category, p.grade, p.certificate_number = category, grade, p.resident_id + "x"
        p.save()
        if survey is not None and survey.get("_no_survey") is None:
            fields = {"employment_status": "retired", **survey}
            survey_actions.add_survey(person=p, year=YEAR, village=p.village,
                                        surveyed_on=dt.date(YEAR, 5, 1), **fields)
        return p
    return make


@pytest.fixture
def serve(users):
    """Records a service as staff do (``record_service``), so the survey learns of it."""
    from canlian.services.actions import record_service
    from canlian.services.models import DeviceType

    def serve(p, code, day=dt.date(YEAR, 6, 1)):
        kind = ServiceType.objects.get(code=code)
        device = DeviceType.objects.get(code="wheelchair") if kind.group == "device" else None
        return record_service(users.federation, p, kind, start_date=day, device=device)
    return serve


def test_empty_denominators_are_no_data(regions):
    for code in ("rehabilitation_coverage", "assistive_device_rate", "employment_rate",
                 "pension_insurance_rate", "medical_insurance_rate", "culture_sports_coverage",
                 "compulsory_education_enrollment", "high_school_education_rate",
                 "home_accessibility_rate", "low_income_inclusion_rate",
                 "living_subsidy_coverage", "nursing_subsidy_coverage"):
        fig, _ = figure(code, regions)
        assert fig.value is None, code
    fig, _ = figure("home_of_disabled_coverage", regions)
    assert (fig.numerator, fig.denominator, fig.value) == (0, 2, Decimal("0.0"))


def test_rehabilitation_need_and_service(person, regions, serve):
    a = person(rehab_need=True, rehab_types=["training"])
    b = person(rehab_need=True, rehab_types=["training"])
    c = person(regions.v2a, rehab_need=True, rehab_types=["training"])
    no_need = person()
    serve(a, "rehab_training")
    serve(c, "rehab_community")
    serve(b, "rehab_training", dt.date(YEAR - 1, 6, 1))  # last year's does not count
    serve(no_need, "rehab_training")  # served without assessed need: excluded
    fig, per = figure("rehabilitation_coverage", regions)
    assert (fig.numerator, fig.denominator, fig.value) == (2, 3, Decimal("66.7"))
    assert per[T1].numerator == 1
    assert per[T1].denominator == 2
    assert per[T2].value == Decimal("100.0")


def test_device_and_culture(person, regions, serve):
    a = person(device_need=True, device_types=["mobility"])
    person(device_need=True, device_types=["visual"])
    person()
    serve(a, "device_fitting", dt.date(YEAR, 3, 1))
    serve(a, "culture_event")
    assert figure("assistive_device_rate", regions)[0].value == Decimal("50.0")
    culture = figure("culture_sports_coverage", regions)[0]
    assert (culture.numerator, culture.denominator) == (1, 3)


def test_insurance_employment_and_education(person, regions):
    mid = dt.date(YEAR, 6, 30)
    person(birth=dt.date(1980, 1, 1), pension_insured=True, medical_insured=True,
           employment_status="employed", employment_form="flexible", able_to_work=True)
    person(birth=dt.date(1990, 1, 1), pension_insured=False, medical_insured=True,
           employment_status="not_working", not_working_reason="other", able_to_work=True)
    person(birth=dt.date(1990, 1, 1), employment_status="not_working", able_to_work=False)
    person(birth=dt.date(2007, 1, 1), education_status="upper_secondary",
           finished_compulsory=True, employment_status="student")  # 17 on 1 Sept: in school
    person(birth=dt.date(2008, 3, 1), education_status="finished", finished_compulsory=True,
           employment_status="not_working", not_working_reason="other")
    person(birth=dt.date(2015, 2, 1), education_status="compulsory_special",
           employment_status="not_applicable")
    person(birth=dt.date(2016, 2, 1), education_status="not_enrolled",
           employment_status="not_applicable")
    assert mid.year == YEAR
    pension = figure("pension_insurance_rate", regions)[0]
    assert (pension.numerator, pension.denominator) == (1, 4)  # adults not in school
    medical = figure("medical_insurance_rate", regions)[0]
    assert (medical.numerator, medical.denominator) == (2, 7)
    employment = figure("employment_rate", regions)[0]
    assert (employment.numerator, employment.denominator) == (1, 2)
    # a May survey observes the school year begun on 1 September 2023: the 2008 child was
    # 15 then and has completed compulsory education (counts), the 2016 child 7 and not
    # enrolled, the 2015 child 8 and enrolled; the 2007 child (16) is past the band
    school = figure("compulsory_education_enrollment", regions)[0]
    assert (school.numerator, school.denominator) == (2, 3)
    upper = figure("high_school_education_rate", regions)[0]
    assert (upper.numerator, upper.denominator) == (1, 2)


def test_institution_coverage_counts_operating_ones_at_year_end(regions):
    Institution.objects.create(name="a", kind="home_of_disabled", township=regions.t1,
                               opened_on=dt.date(2022, 1, 1))
    Institution.objects.create(name="b", kind="home_of_disabled", township=regions.t2,
                               opened_on=dt.date(2025, 1, 1))  # not yet in 2024
    Institution.objects.create(name="c", kind="care", township=regions.t2,
                               opened_on=dt.date(2020, 1, 1), closed_on=dt.date(2024, 6, 1))
    home, per = figure("home_of_disabled_coverage", regions)
    assert (home.numerator, home.denominator, home.value) == (1, 2, Decimal("50.0"))
    assert per[T1].value == Decimal("100.0")
    assert figure("care_institution_coverage", regions)[0].numerator == 0
    assert figure("home_of_disabled_coverage", regions, 2025)[0].value == Decimal("100.0")


def test_renovation_rate_and_count(person, regions):
    a = person(grade=1, htype="dibao", home_accessibility_need=True)
    person(grade=2, home_accessibility_need=True)
    ordinary = person(grade=4)
    Renovation.objects.create(person=a, household=a.household, village=a.village,
                              applied_on=dt.date(2023, 1, 1), state="accepted",
                              accepted_on=dt.date(2023, 5, 1))
    Renovation.objects.create(person=ordinary, household=ordinary.household,
                              village=ordinary.village, applied_on=dt.date(2023, 1, 1),
                              state="accepted", accepted_on=dt.date(2023, 5, 1))
    rate = figure("home_accessibility_rate", regions)[0]
    assert (rate.numerator, rate.denominator) == (1, 2)
    count = figure("home_accessibility_count", regions)[0]
    assert count.numerator == 1  # only the 困难/重度 household counts


def pay_living(paid, regions, subsidy="living", months=(3,)):
    """A finalised roll per month paying ``paid`` the subsidy, summarised as
    ``rolls.finalise`` does."""
    grant = Grant.objects.create(person=paid, subsidy=subsidy, start_month=dt.date(YEAR, 1, 1))
    for month in months:
        roll, _ = Roll.objects.get_or_create(region=regions.county,
                                             month=dt.date(YEAR, month, 1),
                                             defaults={"status": "finalised"})
        RollLine.objects.create(roll=roll, grant=grant, person=paid, subsidy=subsidy,
                                period=dt.date(YEAR, month, 1), kind="regular",
                                amount=Decimal("330"), village_code=paid.village_id,
                                payee=paid.name, payment_status="paid")
        paid_years.add_roll(roll.pk)


def test_subsidy_coverage_paid_and_gap(person, regions):
    paid = person(grade=1, htype="dibao")
    person(grade=1, htype="dibao")  # eligible by the registry, not paid: in the gap
    person(grade=4, htype="ordinary")  # not eligible
    pay_living(paid, regions)
    living = figure("living_subsidy_coverage", regions)[0]
    assert (living.numerator, living.denominator) == (1, 2)
    nursing = figure("nursing_subsidy_coverage", regions)[0]
    assert (nursing.numerator, nursing.denominator) == (0, 2)


def test_subsidy_pass_counts_each_person_once_per_subsidy(person, regions):
    """Paid both subsidies for many months: once in each numerator. Paid and since
    deceased: paid, but not in the gap. The pass's planner setting does not outlive it."""
    from django.db import connection, transaction

    both = person(grade=1, htype="dibao")
    died = person(grade=1, htype="dibao")
    pay_living(both, regions, "living", months=(1, 2, 3))
    pay_living(both, regions, "nursing", months=(1, 2))
    pay_living(died, regions, "nursing")
    died.life_status, died.death_date = "deceased", dt.date(YEAR, 4, 1)
    died.save()
    with transaction.atomic():
        living = figure("living_subsidy_coverage", regions)[0]
        nursing = figure("nursing_subsidy_coverage", regions)[0]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW enable_hashjoin")
                assert cursor.fetchone()[0] == "on"
    assert (living.numerator, living.denominator) == (1, 1)  # the dead one had no living pay
    assert (nursing.numerator, nursing.denominator) == (2, 2)


def test_low_income_inclusion(person, regions):
    # 2024-06-30 低保 standard in Yueqing's rule set: 1 200 元/月 = 14 400 元/年
    person(htype="dibao", household_income_per_capita=Decimal("12000"))
    person(htype="ordinary", household_income_per_capita=Decimal("13000"))
    person(htype="ordinary", household_income_per_capita=Decimal("30000"))
    fig = figure("low_income_inclusion_rate", regions)[0]
    assert (fig.numerator, fig.denominator) == (1, 2)


def test_low_income_inclusion_counts_the_household_type_of_the_survey(person, regions):
    """A household that leaves 低保 after the survey still counts as included that year."""
    p = person(htype="dibao", household_income_per_capita=Decimal("12000"))
    household = p.household
    household.household_type = "ordinary"
    household.save()
    fig = figure("low_income_inclusion_rate", regions)[0]
    assert (fig.numerator, fig.denominator) == (1, 1)


def test_income_growth_against_the_external_series(person, regions):
    p = person(household_income_per_capita=Decimal("22000"))
    survey_actions.add_survey(person=p, year=YEAR - 1, village=p.village,
                                surveyed_on=dt.date(YEAR - 1, 5, 1), employment_status="retired",
                                household_income_per_capita=Decimal("20000"))
    growth = figure("household_income_growth", regions)[0]
    assert growth.value == Decimal("10.0")
    results = {r.code: r for r in engine.compute(YQ, YEAR, regions.county)}
    assert results["household_income_growth"].verdict.status == "no_data"
    ExternalValue.objects.create(series="city_gdp_growth", region=regions.county, year=YEAR,
                                 value=Decimal("6.5"), source="统计公报")
    results = {r.code: r for r in engine.compute(YQ, YEAR, regions.county)}
    assert results["household_income_growth"].verdict.status == "met"


def test_both_plans_compute_every_indicator(regions):
    for plan in (YQ, LZ):
        data = engine.as_json(plan, YEAR, regions.county, engine.compute(plan, YEAR,
                                                                         regions.county))
        assert [i["code"] for i in data["indicators"]] == [i.code for i in plan.all_indicators]
        assert all(i["status"] in ("met", "on_track", "behind", "no_data")
                   for i in data["indicators"])


def test_a_placement_counts_as_employed_in_the_rate_and_its_drill_down(person, regions):
    """The employment rate counts the survey's answer or a placement running in the year;
    the list behind the numerator is the same persons."""
    from canlian.employment.models import Placement
    from canlian.indicators import drill

    surveyed = person(employment_status="employed", employment_form="flexible",
                      able_to_work=True)
    placed = person(employment_status="not_working", not_working_reason="other",
                    able_to_work=True)
    person(employment_status="not_working", not_working_reason="other", able_to_work=True)
    Placement.objects.create(person=placed, form="flexible", start=dt.date(YEAR, 3, 1))
    employment = figure("employment_rate", regions)[0]
    assert (employment.numerator, employment.denominator) == (2, 3)
    scope = engine.Scope(regions.county, YEAR, {})
    listed = set(drill.members("employment_rate", scope, "numerator").rows.values_list(
        "pk", flat=True))
    assert listed == {surveyed.pk, placed.pk}


@pytest.mark.django_db(transaction=True)
def test_the_concurrent_passes_give_the_figures_of_the_sequential_ones(person, regions,
                                                                       monkeypatch):
    """On PostgreSQL, outside a transaction, the payments pass runs on a second connection
    (committed data only); its figures are those of the one-connection computation."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the passes run concurrently on PostgreSQL only")
    paid = person(grade=1, htype="dibao", medical_insured=True)
    person(grade=1, htype="dibao")
    pay_living(paid, regions)
    threads = []
    own = engine._on_own_connection
    monkeypatch.setattr(engine, "_on_own_connection",
                        lambda fn, *args: threads.append(fn) or own(fn, *args))
    concurrent = engine.as_json(YQ, YEAR, regions.county, engine.compute(YQ, YEAR,
                                                                          regions.county))
    assert threads == [engine.measures.payments_and_history]
    with transaction.atomic():
        sequential = engine.as_json(YQ, YEAR, regions.county, engine.compute(YQ, YEAR,
                                                                              regions.county))
    assert len(threads) == 1
    assert concurrent == sequential
    living = next(i for i in concurrent["indicators"] if i["code"] == "living_subsidy_coverage")
    assert (living["numerator"], living["denominator"]) == (1, 2)
