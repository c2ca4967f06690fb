"""The REST API: scoping, sync, writes, feeds, and errors."""

import datetime as dt
import json

from canlian.audit.models import AuditEvent
from canlian.benefits.models import Grant
from canlian.certificates.models import Certificate
from canlian.conftest import new_resident_id
from canlian.events.models import EventRecord
from canlian.people.models import Person


def get(client, url, headers, **params):
    return client.get(url, params, **headers)


def post(client, url, headers, payload):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def test_a_township_client_cannot_read_another_township(client, users, api_key, make_person,
                                                        regions):
    inside = make_person(regions.v1a, name="甲")
    outside = make_person(regions.v2a, name="乙")
    headers = api_key(users.township)
    assert get(client, f"/api/v1/persons/{inside.pk}", headers).status_code == 200
    r = get(client, f"/api/v1/persons/{outside.pk}", headers)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    listed = get(client, "/api/v1/persons", headers).json()
    assert [p["name"] for p in listed["results"]] == ["甲"]
    assert listed["results"][0]["resident_id_masked"] == inside.masked_id
    # the read of the record and its line in the list are each audited
    assert AuditEvent.objects.filter(action="view", person_id=inside.pk,
                                     actor_name="town1").count() == 2
    assert not AuditEvent.objects.filter(person_id=outside.pk).exists()


def test_incremental_sync_by_update_time_and_cursor(client, users, api_key, make_person):
    people = [make_person(name=f"人{i}") for i in range(5)]
    headers = api_key(users.federation)
    first = get(client, "/api/v1/persons", headers, limit=2).json()
    assert first["count"] == 2
    second = get(client, "/api/v1/persons", headers, limit=2, cursor=first["next_cursor"]).json()
    third = get(client, "/api/v1/persons", headers, limit=2, cursor=second["next_cursor"]).json()
    assert third["next_cursor"] is None
    seen = [p["id"] for page in (first, second, third) for p in page["results"]]
    assert sorted(seen) == sorted(p.pk for p in people)
    stamp = Person.objects.order_by("-updated_at").first().updated_at
    Person.objects.filter(pk=people[2].pk).update(updated_at=stamp + dt.timedelta(seconds=5))
    changed = get(client, "/api/v1/persons", headers, updated_since=stamp.isoformat()).json()
    assert [p["id"] for p in changed["results"]] == [people[2].pk]


def test_scopes_and_keys(client, users, api_key, make_person):
    person = make_person()
    read_only = api_key(users.federation, ["certificates:read"])
    r = get(client, f"/api/v1/persons/{person.pk}", read_only)
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    r = get(client, "/api/v1/persons", {"HTTP_AUTHORIZATION": "Bearer cl_wrongwrongwrongwrong"})
    assert r.status_code == 401
    assert get(client, "/api/v1/persons", {}).status_code == 401


def test_create_update_and_errors_name_the_field(client, users, api_key, regions):
    headers = api_key(users.township)
    payload = {"resident_id": new_resident_id(), "name": "丙", "village": regions.v1a.code}
    r = post(client, "/api/v1/persons", headers, payload)
    assert r.status_code == 201
    assert r.json()["village"] == regions.v1a.code
    again = post(client, "/api/v1/persons", headers, payload)
    assert again.status_code == 409
    assert again.json()["field"] == "resident_id"
    bad = post(client, "/api/v1/persons", headers, {**payload, "resident_id": "123"})
    assert (bad.status_code, bad.json()["field"]) == (422, "resident_id")
    assert "18 位" in bad.json()["message"]
    outside = post(client, "/api/v1/persons", headers,
                   {**payload, "resident_id": new_resident_id(), "village": regions.v2a.code})
    assert (outside.status_code, outside.json()["field"]) == (422, "village")
    malformed = client.post("/api/v1/persons", "{not json", content_type="application/json",
                            **headers)
    assert malformed.status_code in (400, 422)
    assert "code" in malformed.json()


def test_death_feed_cancels_certificate_stops_grant_and_is_idempotent(client, users, api_key,
                                                                       make_person, walk):
    person = make_person(name="丁")
    walk(person, category=4, grade=1)
    Grant.objects.create(person=person, subsidy="nursing", start_month=dt.date(2025, 1, 1))
    headers = api_key(users.federation)
    batch = [{"resident_id": person.resident_id, "death_date": "2025-06-10"},
             {"resident_id": "110105194912310021", "death_date": "2025-06-10"},
             {"resident_id": new_resident_id(), "death_date": "2025-06-10"}]
    report = post(client, "/api/v1/feeds/deaths", headers, batch).json()
    assert (report["applied"], report["unchanged"], report["rejected"]) == (1, 0, 2)
    assert [r["code"] for r in report["results"][1:]] == ["invalid_resident_id", "not_found"]
    assert Certificate.objects.get(person=person, status="cancelled").cancel_reason == "death"
    grant = Grant.objects.get(person=person)
    assert (grant.status, grant.end_month) == ("stopped", dt.date(2025, 6, 1))
    again = post(client, "/api/v1/feeds/deaths", headers, batch).json()
    assert (again["applied"], again["unchanged"], again["rejected"]) == (0, 1, 2)
    assert EventRecord.objects.filter(name="person.died").count() == 1


def test_household_and_insurance_feeds(client, users, api_key, make_person):
    person = make_person(household_type="ordinary")
    headers = api_key(users.federation)
    batch = [{"resident_id": person.resident_id, "household_type": "dibao"}]
    assert post(client, "/api/v1/feeds/households", headers, batch).json()["applied"] == 1
    assert post(client, "/api/v1/feeds/households", headers, batch).json()["unchanged"] == 1
    person.refresh_from_db()
    assert (person.household.household_type, person.household_type) == ("dibao", "dibao")
    report = post(client, "/api/v1/feeds/insurance", headers,
                  [{"resident_id": person.resident_id, "year": 2024, "pension_insured": True}]
                  ).json()
    assert report["results"][0]["code"] == "no_survey"


def test_certificate_verification(client, users, api_key, make_person, walk):
    person = make_person()
    walk(person, category=2, grade=3)
    headers = api_key(users.township2, ["certificates:read"])  # another region may verify
    r = get(client, f"/api/v1/certificates/verify/{person.resident_id}23", headers).json()
    assert (r["valid"], r["status"], r["grade"]) == (True, "issued", 3)
    bad = get(client, "/api/v1/certificates/verify/12345", headers)
    assert bad.status_code == 422
    forged = get(client, "/api/v1/certificates/verify/11010519491231002142", headers).json()
    assert (forged["valid"], forged["status"]) == (False, "invalid")
    assert "校验码" in forged["reason"]


def test_indicators_endpoint(client, users, api_key):
    headers = api_key(users.federation, ["indicators:read"])
    rows = get(client, "/api/v1/indicators/yueqing-14th/2024", headers).json()
    assert {r["code"] for r in rows} >= {"rehabilitation_coverage", "employment_rate"}
    assert get(client, "/api/v1/indicators/nope/2024", headers).status_code == 404
    assert get(client, "/api/v1/indicators/yueqing-14th/1999", headers).status_code == 404
