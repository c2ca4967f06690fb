"""A long list's export runs as a background job (core/jobs.py): the page offers a form
instead of the direct download, the job rebuilds the list as its owner with the page's
filters (scoped to the owner's area), writes the workbook with IDs masked, audits every
person exported, and its page offers the file."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.certificates.models import Certificate
from canlian.community.visits import actions as visits
from canlian.community.visits.models import Visit
from canlian.core import clock, lists
from canlian.jobs import actions as jobs
from canlian.jobs.models import Job, JobState
from canlian.people.models import Person
from canlian.services import actions as services


@pytest.fixture
def expiring(make_person, walk, regions):
    """Three certificates expiring within 40 days in township 1, one in township 2."""
    people = [make_person(regions.v1a, name=n) for n in ("孙一", "孙二", "孙三", "孙四")]
    for person in people:
        walk(person)
    Person.objects.filter(pk=people[3].pk).update(village=regions.v2a)  # moved since
    Certificate.objects.filter(person__in=people).update(
        valid_until=clock.today() + dt.timedelta(days=40))
    Certificate.objects.filter(person=people[2]).update(category=1)
    return people


def test_a_long_list_is_exported_by_a_background_job(client, users, expiring, monkeypatch):
    monkeypatch.setattr(lists, "BACKGROUND_ROWS", 1)
    client.force_login(users.township)
    url = reverse("certificates:expiring")
    page = client.get(url, {"within": 60, "category": 4}).content.decode()
    export = "?within=60&amp;category=4&amp;export=xlsx"
    assert f'<form method="post" action="{export}"' in page
    assert f'href="{export}"' not in page
    response = client.post(f"{url}?within=60&category=4&export=xlsx")
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.owner) == ("core.list_export", JobState.SUCCEEDED,
                                                 users.township)
    assert job.result["rows"] == 2 and job.done == job.total == 2
    download = client.get(reverse("jobs:result", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    names = sorted(r[1] for r in rows[1:])
    assert names == ["孙一", "孙二"]  # the filter (category 4) and the area (township 1)
    people = {p.name: p for p in expiring}
    assert all(people[r[1]].resident_id not in r for r in rows[1:])
    assert people["孙一"].masked_id in [r[2] for r in rows[1:]]
    exported = set(AuditEvent.objects.filter(action="export", object_type="person")
                   .values_list("person_id", flat=True))
    assert exported == {people["孙一"].pk, people["孙二"].pk}


def test_a_short_list_is_still_downloaded_at_once(client, users, expiring):
    client.force_login(users.township)
    url = reverse("certificates:expiring")
    assert 'href="?within=60&amp;export=xlsx"' in client.get(url, {"within": 60}).content.decode()
    response = client.get(url, {"within": 60, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


def test_the_job_refuses_a_list_it_does_not_know_and_a_user_who_may_not_export(users):
    job = jobs.start(users.township, "core.list_export", params={"list": "people.all"})
    assert job.state == JobState.FAILED and "不能导出" in job.error
    with pytest.raises(Exception, match="export_people"):  # the village worker may not
        jobs.start(users.village, "core.list_export",
                   params={"list": "certificates.expiring"})


@pytest.mark.parametrize(("url_name", "args", "builder"), [
    ("certificates:expiring", {"within": 60}, "certificates.expiring"),
    ("benefits:index", {}, "benefits.applications"),
    ("services:renovations", {}, "services.renovations"),
    ("community:follow_ups", {}, "community.follow_ups"),
    ("surveys:remaining", {"year": 2026}, "surveys.remaining"),
])
def test_every_long_list_exports_in_the_background(client, users, expiring, monkeypatch,
                                                   url_name, args, builder):
    """Each of the five long lists is registered: past the threshold its page offers the
    background form, and the job rebuilds the list from the same builder the page uses."""
    monkeypatch.setattr(lists, "BACKGROUND_ROWS", 0)
    person = expiring[0]  # a renovation and a visit's open follow-up, so no list is empty
    services.apply_renovation(users.township, person, note="坡道")
    visits.record_visit(users.township, person, visited_on=clock.today(), kind=Visit.KINDS[0][0],
                        findings="家中无人照料", follow_up="联系托养机构",
                        follow_up_due=clock.today() + dt.timedelta(days=7))
    client.force_login(users.federation)
    page = client.get(reverse(url_name), args).content.decode()
    listing = client.get(reverse(url_name), args).context["listing"]
    assert listing.count > 0 and listing.name == builder and '<form method="post"' in page
    job = jobs.start(users.federation, "core.list_export",
                     params={"list": builder, "query": listing.query})
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result["rows"] == listing.count
