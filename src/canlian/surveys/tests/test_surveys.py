"""Saving surveys, progress and the survey pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from canlian.core import clock
from canlian.surveys import actions, queries
from canlian.surveys.models import AnnualSurvey

YEAR = clock.today().year
ANSWERS = {"employment_status": "employed", "employment_form": "flexible",
           "education_status": "finished", "care_need": "none", "pension_insured": True,
           "medical_insured": True, "rehab_need": True, "rehab_types": ["training"]}


@pytest.fixture
def certified(make_person, regions):
    def make(village=None, name="郑一", **extra):
        person = make_person(village or regions.v1a, name=name, **extra)
        person.certificate_number = person.resident_id + "43"
        person.category, person.grade = 4, 3
        person.save()
        return person
    return make


def test_one_record_per_person_and_year_updated_in_place(users, certified):
    person = certified()
    first = actions.save_survey(users.village, person, YEAR, ANSWERS)
    second = actions.save_survey(users.village, person, YEAR, {**ANSWERS, "rehab_need": False,
                                                               "rehab_types": []})
    assert first.pk == second.pk
    assert AnnualSurvey.objects.count() == 1
    assert not AnnualSurvey.objects.get().rehab_need


def test_the_survey_keeps_the_facts_it_was_taken_with(users, certified, regions):
    """The indicators read age and household type from the survey: a household that leaves
    低保 later does not rewrite the year's record, a corrected ID number does."""
    from canlian.conftest import new_resident_id
    from canlian.people.actions import PersonData, update_person

    person = certified(household_type="dibao", resident_id=new_resident_id(dt.date(1970, 3, 4)))
    survey = actions.save_survey(users.village, person, YEAR, ANSWERS)
    assert (survey.birth_date, survey.household_type) == (dt.date(1970, 3, 4), "dibao")
    household = person.household
    household.household_type = "ordinary"
    household.save()
    person.refresh_from_db()
    assert person.household_type == "ordinary"
    survey.refresh_from_db()
    assert survey.household_type == "dibao"
    corrected = new_resident_id(dt.date(1971, 3, 4))
    update_person(users.township, person, PersonData(
        resident_id=corrected, name=person.name, village=person.village,
        household_number=household.number, household_type="ordinary"))
    survey.refresh_from_db()
    assert survey.birth_date == dt.date(1971, 3, 4)


def test_invalid_answers_are_refused_per_field(users, certified):
    person = certified()
    with pytest.raises(ValidationError) as info:
        actions.save_survey(users.village, person, YEAR, {**ANSWERS, "employment_form": ""})
    assert "employment_form" in info.value.message_dict
    assert not AnnualSurvey.objects.exists()


def test_scope_is_enforced(users, certified, regions):
    outsider = certified(regions.v1b)
    with pytest.raises(PermissionDenied):
        actions.save_survey(users.village, outsider, YEAR, ANSWERS)
    with pytest.raises(PermissionDenied):
        actions.save_survey(users.auditor, outsider, YEAR, ANSWERS)


def test_progress_counts_who_is_left(users, certified, regions, make_person):
    a = certified(regions.v1a, name="甲")
    certified(regions.v1a, name="乙")
    certified(regions.v2a, name="丙")
    make_person(regions.v1a, name="无证")  # not certified: not in the survey's population
    actions.save_survey(users.federation, a, YEAR, ANSWERS)
    from canlian.accounts import scoping

    rows = {r["name"]: (r["total"], r["done"]) for r in
            queries.progress(scoping.people_for(users.federation), YEAR, "township")}
    assert rows == {"乐成街道": (2, 1), "柳市镇": (1, 0)}


def test_survey_page_shows_errors_beside_fields(client, users, certified):
    person = certified()
    client.force_login(users.village)
    url = reverse("surveys:form", args=[person.pk, YEAR])
    r = client.post(url, {"surveyed_on": clock.today().isoformat(),
                          "employment_status": "employed", "education_status": "finished",
                          "care_need": "none"})
    assert r.status_code == 200
    assert 'id="id_employment_form_error"' in r.content.decode()
    r = client.post(url, {"surveyed_on": clock.today().isoformat(),
                          "employment_status": "employed", "employment_form": "flexible",
                          "education_status": "finished", "care_need": "none",
                          "rehab_need": "on", "rehab_types": ["training"]})
    assert r.status_code == 302
    assert AnnualSurvey.objects.get(person=person).rehab_types == ["training"]
    remaining = client.get(reverse("surveys:remaining"), {"year": YEAR}).content.decode()
    assert person.name not in remaining
