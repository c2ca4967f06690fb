"""Region scoping and role capabilities on every staff view of the registry."""

import pytest
from django.db import connection
from django.urls import reverse

from canlian.accounts import scoping
from canlian.audit.models import AuditEvent
from canlian.people.models import Person

PERSON_VIEWS = ["people:detail", "people:edit"]


@pytest.fixture
def two_people(make_person, regions):
    inside = make_person(regions.v1a, name="乐成人")
    outside = make_person(regions.v2a, name="柳市人")
    return inside, outside


def login(client, user):
    client.force_login(user)


@pytest.mark.parametrize("view", PERSON_VIEWS)
def test_township_user_is_refused_a_person_of_another_township(client, users, two_people, view):
    """Refused, and told plainly that the record is outside their area (issue 23)."""
    inside, outside = two_people
    login(client, users.township)
    refused = client.get(reverse(view, args=[outside.pk]))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "不在您的辖区" in page and "乐成街道" in page and outside.name not in page
    assert client.get(reverse(view, args=[inside.pk])).status_code == 200


@pytest.mark.parametrize("view", PERSON_VIEWS)
def test_village_worker_sees_only_own_village(client, users, make_person, regions, view):
    own = make_person(regions.v1a)
    neighbour = make_person(regions.v1b)  # same township, other village
    login(client, users.village)
    assert client.get(reverse(view, args=[own.pk])).status_code == 200
    assert client.get(reverse(view, args=[neighbour.pk])).status_code == 403
    assert client.get(reverse(view, args=[neighbour.pk + 1000])).status_code == 404  # no such person


def test_edit_post_outside_region_is_refused_and_changes_nothing(client, users, two_people, regions):
    _, outside = two_people
    login(client, users.township)
    response = client.post(reverse("people:edit", args=[outside.pk]), {
        "resident_id": outside.resident_id, "name": "改名", "ethnicity": "01",
        "village": regions.v1a.code, "household_type": "ordinary"})
    assert response.status_code == 403
    outside.refresh_from_db()
    assert outside.name == "柳市人"


def test_lists_and_exports_only_contain_the_region(client, users, two_people):
    login(client, users.township)
    page = client.get(reverse("people:list")).content.decode()
    assert "乐成人" in page and "柳市人" not in page
    export = client.get(reverse("people:export"))
    assert export.status_code == 200
    exported = AuditEvent.objects.filter(action="export").values_list("person_id", flat=True)
    assert set(exported) == {two_people[0].pk}


def test_federation_sees_whole_deployment(client, users, two_people):
    login(client, users.federation)
    page = client.get(reverse("people:list")).content.decode()
    assert "乐成人" in page and "柳市人" in page
    assert client.get(reverse("people:detail", args=[two_people[1].pk])).status_code == 200


@pytest.mark.parametrize("role", ["employer", "citizen", "assessor"])
@pytest.mark.parametrize("view", ["people:list", "people:create", "people:import",
                                  "people:export", "audit:list"])
def test_roles_without_registry_access_get_403(client, users, role, view):
    login(client, getattr(users, role))
    assert client.get(reverse(view)).status_code == 403


@pytest.mark.parametrize("role", ["employer", "citizen", "assessor"])
@pytest.mark.parametrize("view", PERSON_VIEWS)
def test_roles_without_registry_access_get_403_on_records(client, users, two_people, role, view):
    login(client, getattr(users, role))
    assert client.get(reverse(view, args=[two_people[0].pk])).status_code == 403


def test_auditor_reads_but_cannot_write(client, users, two_people):
    login(client, users.auditor)
    assert client.get(reverse("people:detail", args=[two_people[0].pk])).status_code == 200
    assert client.get(reverse("people:edit", args=[two_people[0].pk])).status_code == 403
    assert client.get(reverse("people:create")).status_code == 403
    assert client.get(reverse("people:import")).status_code == 403
    assert client.get(reverse("audit:list")).status_code == 200


def test_only_federation_and_auditor_see_the_audit_log(client, users):
    for user, status in ((users.township, 403), (users.village, 403), (users.federation, 200)):
        client.logout()
        login(client, user)
        assert client.get(reverse("audit:list")).status_code == status


def test_anonymous_is_sent_to_login(client, two_people):
    for url in (reverse("people:list"), reverse("people:detail", args=[two_people[0].pk]),
                reverse("audit:list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_scoping_queryset_directly(users, two_people):
    inside, outside = two_people
    assert set(scoping.people_for(users.township)) == {inside}
    assert set(scoping.people_for(users.township2)) == {outside}
    assert set(scoping.people_for(users.federation)) == {inside, outside}
    assert not scoping.people_for(users.employer).exists()
    assert not scoping.people_for(users.citizen).exists()


def test_citizen_sees_self_and_wards(users, make_person, regions):
    parent = make_person(regions.v1a, name="家长")
    child = make_person(regions.v1a, name="孩子", guardian_name="家长",
                        guardian_resident_id=parent.resident_id)
    make_person(regions.v1a, name="别人")
    users.citizen.resident_id = parent.resident_id
    users.citizen.save()
    assert set(scoping.people_for(users.citizen)) == {parent, child}


def test_inactive_user_sees_nothing(users, two_people):
    users.federation.is_active = False
    assert not scoping.people_for(users.federation).exists()


def test_guardian_outside_the_registry_sees_only_wards(users, make_person, regions):
    from canlian.conftest import new_resident_id

    guardian_id = new_resident_id()
    ward = make_person(regions.v1a, name="被监护人", guardian_name="监护人",
                       guardian_resident_id=guardian_id)
    make_person(regions.v1a, name="别人")
    users.citizen.resident_id = guardian_id
    assert set(scoping.people_for(users.citizen)) == {ward}


def test_region_sql_selects_what_within_selects(regions, two_people):
    """The raw-SQL region condition (the subsidy roll's) and the ORM one agree."""
    inside, _ = two_people
    township = regions.v1a.parent
    where, params = scoping.region_sql(township, "p.village_id", name="t")
    low, high = township.code_range
    assert (where, params) == ("p.village_id BETWEEN %(t_lo)s AND %(t_hi)s", {"t_lo": low, "t_hi": high})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM people_person p WHERE {where}", params)  # noqa: S608
        found = {row[0] for row in cursor.fetchall()}
    assert found == {inside.pk}
    assert found == set(Person.objects.filter(scoping.within(township, "village__code"))
                        .values_list("pk", flat=True))
    assert scoping.region_sql(township.code_range, "v")[1] == scoping.region_sql(township, "v")[1]
