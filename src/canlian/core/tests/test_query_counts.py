"""No N+1 queries on the main pages: the number of queries does not grow with the records shown.

Each page is loaded with a few records, then with many more; the query count must be the
same. A page that queried once per row (a missing select_related, a count in a loop) fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from canlian.benefits.models import SubsidyApplication
from canlian.certificates import actions as certificates
from canlian.certificates.workflow import Kind
from canlian.people.models import ContactChange
from canlian.services.models import Renovation, ServiceRequest


def _records(make_person, regions, users, n: int) -> None:
    for i in range(n):
        village = (regions.v1a, regions.v1b)[i % 2]
        person = make_person(village, name=f"人{i}", phone="13800000000", household_type="dibao")
        certificates.apply(users.township, person, certificates.ApplicationInput(kind=Kind.NEW))
        SubsidyApplication.objects.create(person=person, subsidy="living", state="applied",
                                          village=village, applied_on=dt.date(2026, 1, 1),
                                          channel="online")
        ServiceRequest.objects.create(person=person, village=village, kind="rehabilitation",
                                      submitted_on=dt.date(2026, 1, 1))
        ContactChange.objects.create(person=person, village=village, phone="13900000000",
                                     address="新地址")
        Renovation.objects.create(person=person, village=village, applied_on=dt.date(2026, 1, 1))


PAGES = ["/people/", "/people/?status=alive", "/certificates/queue/", "/subsidies/", "/services/requests/",
         "/services/renovations/", "/people/contact-changes/", "/audit/"]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_the_query_count_does_not_grow_with_the_rows(client, users, regions, make_person, url):
    client.force_login(users.federation)
    _records(make_person, regions, users, 2)
    client.get(url)  # warm caches that are filled once (deployment, content types)
    few = _count(client, url)
    _records(make_person, regions, users, 12)
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries with 2 records, {many} with 14"
