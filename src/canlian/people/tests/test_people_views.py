"""Registering, changing and viewing persons in the staff UI, with audit entries."""

import datetime as dt

import pytest
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.core.encrypted import index_values
from canlian.people.models import Person


def login(client, user):
    client.force_login(user)


def form_data(regions, **over):
    data = {
        "resident_id": new_resident_id(dt.date(1980, 1, 2)), "name": "李四", "ethnicity": "01",
        "phone": "13812345678", "address": "东山路 1 号", "village": regions.v1a.code,
        "household_number": "HH-1", "household_type": "dibao",
    }
    data.update(over)
    return data


def test_create_derives_birth_and_sex_and_is_audited(client, users, regions):
    login(client, users.township)
    rid = new_resident_id(dt.date(1980, 1, 2), male=False)
    response = client.post(reverse("people:create"), form_data(regions, resident_id=rid.lower()))
    assert response.status_code == 302
    person = Person.objects.get(resident_id=rid)
    assert person.birth_date == dt.date(1980, 1, 2)
    assert person.sex == "F"
    assert person.household.household_type == "dibao"
    event = AuditEvent.objects.get(action="create")
    assert event.person_id == person.pk
    assert event.actor_name == "town1"
    assert rid not in str(event.changes)  # full IDs never go into the log


def test_duplicate_is_refused_naming_the_existing_record(client, users, regions, make_person):
    existing = make_person(regions.v1a, name="王五")
    login(client, users.township)
    response = client.post(reverse("people:create"),
                           form_data(regions, resident_id=existing.resident_id))
    assert response.status_code == 200
    body = response.content.decode()
    assert "已登记：王五" in body and f"档案号 {existing.pk}" in body
    assert Person.objects.count() == 1


def test_duplicate_outside_region_names_neither_person_nor_place(client, users, regions,
                                                                  make_person):
    """Issue #22: it named the township holding the ID, telling a village or township user
    where anyone in the deployment is registered."""
    existing = make_person(regions.v2a, name="赵六")
    login(client, users.township)
    response = client.post(reverse("people:create"),
                           form_data(regions, resident_id=existing.resident_id))
    body = response.content.decode()
    assert "柳市镇" not in body and "赵六" not in body
    assert "outside your region" in body or "不在您的管辖范围" in body
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # The page is in English: the resident-ID refusals too (one language per page).
        ("resident_id", "330382198001020011", "Wrong check character"),
        ("resident_id", "3303821980", "A resident ID has 18 characters, not 10"),
        ("resident_id", "330382198013020011", "is not a real date"),
        ("name", "", "This field is required"),
        ("phone", "abc", "Enter digits only"),
        ("guardian_resident_id", "123", "A resident ID has 18 characters, not 3"),
    ],
)
def test_validation_messages_beside_the_field(client, users, regions, field, value, message):
    login(client, users.township)
    client.cookies.load({"django_language": "en"})
    response = client.post(reverse("people:create"), form_data(regions, **{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_error"' in body
    assert 'aria-invalid="true"' in body
    assert Person.objects.count() == 0


def test_guardian_cannot_be_self(client, users, regions):
    login(client, users.township)
    rid = new_resident_id()
    response = client.post(reverse("people:create"), form_data(
        regions, resident_id=rid, guardian_name="本人", guardian_resident_id=rid))
    assert "监护人不能是本人" in response.content.decode()
    assert Person.objects.count() == 0


def test_village_outside_region_is_refused(client, users, regions):
    login(client, users.township)
    response = client.post(reverse("people:create"), form_data(regions, village=regions.v2a.code))
    assert response.status_code == 200
    assert Person.objects.count() == 0


def test_update_records_the_change(client, users, regions, make_person):
    person = make_person(regions.v1a, name="旧名")
    login(client, users.township)
    data = form_data(regions, resident_id=person.resident_id, name="新名",
                     death_date="2025-03-04")
    assert client.post(reverse("people:edit", args=[person.pk]), data).status_code == 302
    person.refresh_from_db()
    assert person.name == "新名"
    assert person.life_status == "deceased"
    event = AuditEvent.objects.get(action="update")
    assert event.changes["name"] == ["旧名", "新名"]
    assert event.changes["life_status"] == ["alive", "deceased"]


def test_list_masks_ids_and_detail_shows_full_with_audit(client, users, regions, make_person):
    person = make_person(regions.v1a, name="孙七")
    login(client, users.township)
    listing = client.get(reverse("people:list")).content.decode()
    assert person.masked_id in listing and person.resident_id not in listing
    assert AuditEvent.objects.get(action="view").object_type == "page"  # the list, audited
    detail = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.resident_id in detail
    view = AuditEvent.objects.get(action="view", object_type="person")
    assert (view.person_id, view.actor_name, view.ip) == (person.pk, "town1", "127.0.0.1")


def test_search_by_name_id_and_certificate_number(client, users, regions, make_person):
    a = make_person(regions.v1a, name="欧阳明")
    b = make_person(regions.v1a, name="林华")
    Person.objects.filter(pk=b.pk).update(
        **index_values(Person, certificate_number=b.resident_id + "42"), category=4, grade=2)
    login(client, users.township)

    def names(**params):
        page = client.post(reverse("people:list"), params, follow=True).context["page"]
        return {p["name"] for p in page.object_list}

    assert names(q="欧阳") == {"欧阳明"}
    assert names(q=a.resident_id) == {"欧阳明"}
    # IDs are encrypted at rest: only a whole ID (or its last four characters) is searched
    assert names(q=a.resident_id[:10]) == set()
    assert names(q=b.resident_id + "42") == {"林华"}
    assert names(category=4, grade=2) == {"林华"}
    assert names(village=regions.v1b.code) == set()
    assert names(township=regions.t1.code) == {"欧阳明", "林华"}


def test_filter_by_household_type_and_status(client, users, regions, make_person):
    make_person(regions.v1a, name="低保户", household_type="dibao")
    make_person(regions.v1a, name="已故", death_date=dt.date(2024, 1, 1), life_status="deceased")
    login(client, users.township)
    page = client.get(reverse("people:list"), {"household_type": "dibao"}).context["page"]
    assert [p["name"] for p in page.object_list] == ["低保户"]
    page = client.get(reverse("people:list"), {"status": "deceased"}).context["page"]
    assert [p["name"] for p in page.object_list] == ["已故"]


def test_household_type_read_model_follows_the_household(client, users, regions):
    """The list filters on ``Person.household_type``; changing the household's type through
    one member's form carries it to every member, and a person leaving the household
    loses it."""
    login(client, users.township)
    client.post(reverse("people:create"), form_data(regions, name="甲"))
    client.post(reverse("people:create"), form_data(
        regions, name="乙", resident_id=new_resident_id(dt.date(1990, 5, 5))))
    first, second = Person.objects.get(name="甲"), Person.objects.get(name="乙")
    assert (first.household_type, second.household_type) == ("dibao", "dibao")
    response = client.post(reverse("people:edit", args=[first.pk]), form_data(
        regions, name="甲", resident_id=first.resident_id, household_type="tekun"))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.household_type == "tekun"

    def listed(htype: str) -> set[str]:
        page = client.get(reverse("people:list"), {"household_type": htype}).context["page"]
        return {p["name"] for p in page.object_list}

    assert listed("tekun") == {"甲", "乙"} and listed("dibao") == set()
    client.post(reverse("people:edit", args=[second.pk]), form_data(
        regions, name="乙", resident_id=second.resident_id, household_number=""))
    second.refresh_from_db()
    assert (second.household, second.household_type) == (None, "")
    assert listed("tekun") == {"甲"}


def test_list_page_query_count_is_constant(client, users, regions, make_person,
                                           django_assert_max_num_queries):
    for i in range(60):
        make_person(regions.v1a if i % 2 else regions.v1b, name=f"人{i:02d}",
                    household_type="dibao")
    login(client, users.federation)
    # 12, and the audit record of the page: savepoint, (PostgreSQL: chain lock), chain
    # tail, insert, release; and the failed-job banner's check (once a minute, then cached)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("people:list"))
    assert len(response.context["page"].object_list) == 50


def test_english_interface_is_available(client, users):
    login(client, users.township)
    client.cookies.load({"django_language": "en"})
    assert "Registry of disabled persons" in client.get(reverse("people:list")).content.decode()
    client.cookies.load({"django_language": "zh-hans"})
    assert "残疾人信息库" in client.get(reverse("people:list")).content.decode()


def test_search_by_the_masked_ids_last_four_and_by_given_name(client, users, regions,
                                                             make_person):
    """The masked list shows ``**************1234``: typing those four finds the person;
    typing the given name without the surname ("强霞") finds 王强霞. Both conditions are
    served by expression indexes (checked in the query plan), so they stay fast at a
    million persons."""
    from django.db import connection

    from canlian.people.queries import search_q

    a = make_person(regions.v1a, name="王强霞")
    make_person(regions.v1a, name="强霞军")  # a full-name prefix match as well
    make_person(regions.v2a, name="李强霞")  # outside the township: scoping still holds
    login(client, users.township)

    def names(**params):
        page = client.post(reverse("people:list"), params, follow=True).context["page"]
        return {p["name"] for p in page.object_list}

    assert names(q="强霞") == {"王强霞", "强霞军"}
    assert "王强霞" in names(q=a.resident_id[-4:])
    assert names(q="霞") == set()  # a single character is not a given name search
    # Each new condition is served by its index (the ID's tail: a plain column, kept in clear;
    # the given name: an expression index) (and on PostgreSQL the whole
    # name search, prefix OR given name, is a bitmap OR of two index scans).
    from django.db.models import Q
    from django.db.models.lookups import Exact

    from canlian.people.expressions import GivenName

    checks = [(Q(resident_id_tail="1234"), "resident_id_tail"),
              (Q(Exact(GivenName(), "强霞")), "person_given_name")]
    if connection.vendor == "postgresql":
        checks += [(search_q("1234"), "resident_id_tail"), (search_q("强霞"), "person_given_name")]
    for condition, index in checks:
        sql, args = Person.objects.filter(condition).order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, args)
                plan = " ".join(str(row) for row in cursor.fetchall())
                cursor.execute("RESET enable_seqscan")
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, args)
                plan = " ".join(str(row) for row in cursor.fetchall())
        assert index in plan, plan
