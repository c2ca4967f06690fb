"""Closed items to rate: a service with an institution, and the fixtures' citizen."""

import datetime as dt

import pytest

from canlian.services.models import Institution, ServiceRecord, ServiceType

TODAY = dt.date(2025, 6, 10)


@pytest.fixture
def rehab(db):
    return ServiceType.objects.create(code="rehab-eval", name="康复训练", group="rehabilitation")


@pytest.fixture
def institution(regions):
    return Institution.objects.create(name="乐成康复中心", kind="rehabilitation",
                                      opened_on=dt.date(2020, 1, 1), township=regions.t1)


@pytest.fixture
def serve(rehab, institution):
    def make(person, day=TODAY - dt.timedelta(days=5), with_institution=True):
        return ServiceRecord.objects.create(
            person=person, service_type=rehab, village=person.village, start_date=day,
            institution=institution if with_institution else None)

    return make
