"""The two subsidies' monthly figures (subsidy-monthly/1): produced from a finalised roll,
downloaded, and read back by the documented reader; aggregates only."""

import io

import pytest
from django.urls import reverse

from canlian.benefits import rolls
from canlian.core import clock
from canlian.exchange import actions, datasets
from canlian.exchange.tests.test_migration import CERT_HEADER, GRANT_HEADER, workbook
from canlian.surveys import actions as survey_actions


def test_subsidy_monthly_figures_read_back(client, users, regions, make_person):
    from canlian.benefits import eligibility
    from canlian.benefits.facts import facts_for, ruleset_for

    today = clock.today()
    month = today.replace(day=1)
    person = make_person(regions.v1a, name="甲")
    actions.run_import(users.federation, "certificates", io.BytesIO(workbook(CERT_HEADER, [
        ["", person.resident_id, f"{person.resident_id}41", "4", "1", "", "2021-04-01", "", "",
         ""]])))
    person.refresh_from_db()
    amount = eligibility.decide(ruleset_for(), "nursing",
                                facts_for(person, today, {"needs_long_term_care": True}),
                                today).monthly_amount
    batch = actions.run_import(users.federation, "grants", io.BytesIO(workbook(GRANT_HEADER, [
        ["", person.resident_id, "护理补贴", f"{month:%Y-%m}", str(amount), "", "6228480012345678",
         "", "是"]])))
    assert (batch.created, batch.flagged) == (1, 0)
    rolls.finalise(rolls.generate(regions.county, month).roll)

    client.force_login(users.township)
    response = client.get(reverse("exchange:subsidy_monthly", args=[f"{month:%Y-%m}"]))
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert person.resident_id not in content and "甲" not in content
    rows = datasets.read_subsidy_monthly(content)
    assert rows == [{"format": "subsidy-monthly/1", "month": f"{month:%Y-%m}",
                     "township_code": regions.t1.code, "township_name": regions.t1.name,
                     "subsidy": "nursing", "persons_paid": 1, "lines": 1,
                     "amount_yuan": amount}]
    client.force_login(users.township2)  # another township sees none of it
    other = client.get(reverse("exchange:subsidy_monthly", args=[f"{month:%Y-%m}"]))
    assert datasets.read_subsidy_monthly(other.content.decode()) == []
    with pytest.raises(datasets.FormatError):
        datasets.read_subsidy_monthly(content.replace("subsidy-monthly/1", "subsidy-monthly/2"))


def test_indicator_aggregates_read_back(client, users, regions, make_person):
    from canlian.indicators import plans

    make_person(regions.v1a)
    year = clock.today().year - 1
    client.force_login(users.federation)
    response = client.get(reverse("exchange:indicators_annual", args=[year]))
    assert response.status_code == 200
    rows = datasets.read_indicators_annual(response.content.decode("utf-8"))
    plan = plans.load(rows[0]["plan"])
    assert {r["indicator_code"] for r in rows} == {i.code for i in plan.all_indicators}
    assert {(r["year"], r["region_code"]) for r in rows} == {(year, regions.county.code)}
    client.force_login(users.township)
    township = datasets.read_indicators_annual(
        client.get(reverse("exchange:indicators_annual", args=[year])).content.decode())
    assert {r["region_code"] for r in township} == {regions.t1.code}
    assert client.get(reverse("exchange:indicators_annual", args=[1990])).status_code == 404


def test_survey_counts_read_back(client, users, regions, make_person):
    """survey-annual/1: the year's surveys counted per township and category, downloaded
    and read back; no person in the file; another township sees none of it."""
    from canlian.surveys.models import AnnualSurvey

    year = clock.today().year - 1
    day = clock.today().replace(year=year, day=1)
    for name, category, employed, rehab in (("甲", 4, True, True), ("乙", 4, False, True),
                                            ("丙", 1, False, False)):
        person = make_person(regions.v1a, name=name)
        survey = survey_actions.add_survey(
            person=person, year=year, surveyed_on=day, village=person.village,
            employment_status="employed" if employed else "not_working", rehab_need=rehab,
            pension_insured=True, care_need="day" if not rehab else "none")
        # the category at the survey and the served flag, as the certificate and the
        # services' rebuild (surveys.served) would have set them
        AnnualSurvey.objects.filter(pk=survey.pk).update(category=category,
                                                         served_rehab=rehab and employed)
    other = make_person(regions.v2a, name="丁")
    survey_actions.add_survey(person=other, year=year, surveyed_on=day, village=other.village)
    client.force_login(users.township)
    response = client.get(reverse("exchange:survey_annual", args=[year]))
    content = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and "甲" not in content
    rows = {r["category"]: r for r in datasets.read_survey_annual(content)}
    assert set(rows) == {1, 4}
    limb = rows[4]
    assert (limb["township_code"], limb["year"], limb["surveyed"], limb["employed"],
            limb["rehab_need"], limb["served_rehab"], limb["pension_insured"],
            limb["care_need"]) == (regions.t1.code, year, 2, 1, 2, 1, 2, 0)
    assert rows[1]["care_need"] == 1 and rows[1]["rehab_need"] == 0
    with pytest.raises(datasets.FormatError):
        datasets.read_survey_annual(content.replace("survey-annual/1", "survey-annual/2"))
    assert client.get(reverse("exchange:survey_annual", args=[clock.today().year + 1])
                      ).status_code == 404
