"""Survey field rules, as pure functions of the answers and the person's profile."""

import pytest

from canlian.surveys.rules import Profile, check

ADULT = Profile(age=40, category=4, grade=3)
BASE = {"employment_status": "employed", "employment_form": "flexible",
        "education_status": "finished", "care_need": "none"}


def fields(answers, profile=ADULT):
    return {f for f, _ in check({**BASE, **answers}, profile)}


def test_a_consistent_adult_passes():
    assert check(BASE, ADULT) == []


def test_no_school_question_for_an_80_year_old():
    assert fields({"education_status": "compulsory_school"}, Profile(80, 4, 2)) == {
        "education_status"}
    assert fields({"education_status": "finished"}, Profile(80, 4, 2)) == set()


def test_school_age_must_answer_education():
    child = Profile(9, 5, 3)
    answers = {"employment_status": "not_applicable", "employment_form": "",
               "education_status": "not_applicable"}
    assert fields(answers, child) == {"education_status"}
    answers["education_status"] = "compulsory_special"
    assert fields(answers, child) == set()


def test_intellectual_grade_1_full_time_needs_confirmation():
    profile = Profile(30, 5, 1)
    assert fields({"employment_form": "concentrated"}, profile) == {"confirm_unusual"}
    assert fields({"employment_form": "concentrated", "confirm_unusual": True}, profile) == set()
    assert fields({"employment_form": "supported"}, profile) == set()


@pytest.mark.parametrize(("answers", "field"), [
    ({"employment_form": ""}, "employment_form"),
    ({"employment_status": "not_working", "employment_form": ""}, "not_working_reason"),
    ({"employment_status": "not_working", "employment_form": "", "not_working_reason": "x"},
     "not_working_reason"),
    ({"employment_status": "bogus"}, "employment_status"),
    ({"rehab_need": True}, "rehab_types"),
    ({"rehab_types": ["training"]}, "rehab_types"),
    ({"device_need": True, "device_types": ["rocket"]}, "device_types"),
    ({"care_need": "always"}, "care_need"),
    ({"education_status": "not_enrolled", "not_enrolled_reason": ""}, "education_status"),
    ({"household_income_per_capita": "-5"}, "household_income_per_capita"),
    ({"able_to_work": True}, None),
])
def test_each_rule(answers, field):
    found = fields(answers)
    if field is None:
        assert found == set()
    else:
        assert field in found


def test_minors_and_pensions_and_work():
    child = Profile(12, 2, 2)
    base = {"employment_status": "not_applicable", "employment_form": "",
            "education_status": "compulsory_school"}
    assert fields({**base, "pension_insured": True}, child) == {"pension_insured"}
    assert fields({**base, "employment_status": "employed", "employment_form": "flexible"},
                  child) == {"employment_status"}
    assert fields({**base, "able_to_work": True}, child) == {"able_to_work"}
    assert fields({**base, "rehab_need": True, "rehab_types": ["children"]}, child) == set()
    assert "rehab_types" in fields({"rehab_need": True, "rehab_types": ["children"]})
