"""Fixtures of the subsidy tests."""

import datetime as dt

import pytest

from canlian.certificates.models import Certificate


@pytest.fixture
def certified(make_person, regions):
    """make(grade=1, category=4, household_type=None) → a person with a valid certificate."""

    def make(grade=1, category=4, household_type="ordinary", village=None, name="周一"):
        person = make_person(village or regions.v1a, name=name, household_type=household_type)
        Certificate.objects.create(person=person, number=person.resident_id + f"{category}{grade}",
                                   category=category, grade=grade,
                                   issue_date=dt.date(2020, 1, 1),
                                   valid_until=dt.date(2030, 1, 1), issued_by=regions.county)
        person.category, person.grade = category, grade
        person.certificate_number = person.resident_id + f"{category}{grade}"
        person.save()
        return person

    return make
