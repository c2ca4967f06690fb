"""/api/v1/aggregates: a city's counts for its province (province/ collects them)."""

import json

from canlian.indicators import actions
from canlian.indicators.tests.test_measures import YEAR, YQ, person  # noqa: F401 - fixture
from canlian.province import checks


def get(client, url, headers):
    return client.get(url, **headers)


def test_the_aggregates_are_counts_that_add_up_and_pass_the_provinces_checks(
        client, users, regions, api_key, person):  # noqa: F811
    people = [person(medical_insured=True), person(medical_insured=False),
              person(village=regions.v2a, medical_insured=True)]
    headers = api_key(users.federation, ["indicators:read"])
    answer = get(client, f"/api/v1/aggregates/yueqing-14th/{YEAR}", headers)
    assert answer.status_code == 200, answer.content
    doc = answer.json()
    assert (doc["format"], doc["version"], doc["deployment"], doc["frozen"]) == (
        "canlian-aggregates", 1, "yueqing", False)
    assert doc["persons"] == {"total": 3, "townships": [
        {"code": regions.t1.code, "name": "乐成街道", "persons": 2},
        {"code": regions.t2.code, "name": "柳市镇", "persons": 1}]}
    medical = next(i for i in doc["indicators"] if i["code"] == "medical_insurance_rate")
    assert (medical["numerator"], medical["denominator"]) == (2, 3)
    assert {t["code"] for t in medical["townships"]} == {regions.t1.code, regions.t2.code}
    # the engine's own figures are what the province accepts as consistent
    assert checks.check(doc, "yueqing-14th", YEAR) == []
    # no personal data: no resident ID, certificate number or name leaves
    body = answer.content.decode()
    assert not any(p.resident_id in body or p.name in body for p in people)


def test_a_frozen_year_is_sent_as_reported(client, users, api_key, person):  # noqa: F811
    person(medical_insured=True)
    actions.freeze_year(users.federation, YQ, YEAR)
    person(medical_insured=False)  # entered after the year was reported
    headers = api_key(users.federation, ["indicators:read"])
    doc = get(client, f"/api/v1/aggregates/yueqing-14th/{YEAR}", headers).json()
    medical = next(i for i in doc["indicators"] if i["code"] == "medical_insurance_rate")
    assert doc["frozen"] and doc["frozen_at"]
    assert (medical["numerator"], medical["denominator"]) == (1, 1)
    assert doc["persons"]["total"] == 2  # the persons are counted as they are now


def test_only_a_key_for_the_whole_deployment_with_the_scope_gets_them(client, users, api_key):
    url = f"/api/v1/aggregates/yueqing-14th/{YEAR}"
    township = get(client, url, api_key(users.township, ["indicators:read"]))
    assert township.status_code == 403
    assert json.loads(township.content)["code"] == "forbidden"
    assert get(client, url, api_key(users.federation, ["persons:read"])).status_code == 403
    assert get(client, url, {}).status_code == 401
    fed = api_key(users.federation, ["indicators:read"])
    assert get(client, "/api/v1/aggregates/nope/2024", fed).status_code == 404
    assert get(client, "/api/v1/aggregates/yueqing-14th/2030", fed).status_code == 404
    assert get(client, "/api/v1/aggregates/yueqing-14th/1900", fed).status_code == 422
