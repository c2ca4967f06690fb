"""API authorization matrix: every operation × no key / wrong scope / in region / out of region."""

import json

import pytest

from canlian.api.urls import api
from canlian.certificates.models import Certificate

# operation path → (method, scope, object kind or None)
OPERATIONS = {
    "/api/v1/persons": ("get", "persons:read", None),
    "/api/v1/persons/{person_id}": ("get", "persons:read", "person"),
    "/api/v1/certificates/{certificate_id}": ("get", "certificates:read", "certificate"),
    "/api/v1/certificates/verify/{number}": ("get", "certificates:read", "number"),
    "/api/v1/certificates/verify": ("post", "certificates:read", "number-body"),
    "/api/v1/applications": ("get", "benefits:read", None),
    "/api/v1/grants": ("get", "benefits:read", None),
    "/api/v1/surveys": ("get", "records:read", None),
    "/api/v1/services": ("get", "records:read", None),
    "/api/v1/indicators/{plan_code}/{year}": ("get", "indicators:read", "plan"),
    "/api/v1/employers": ("get", "records:read", None),
    "/api/v1/declarations": ("get", "records:read", None),
    "/api/v1/rights/statistics/{year}": ("get", "indicators:read", "year"),
    "/api/v1/feeds/deaths": ("post", "feeds:write", None),
    "/api/v1/feeds/households": ("post", "feeds:write", None),
    "/api/v1/feeds/insurance": ("post", "feeds:write", None),
    # the province's collection: a whole deployment's key only (api/aggregates.py)
    "/api/v1/aggregates/{plan_code}/{year}": ("get", "indicators:read", "plan-deployment"),
}


def test_every_operation_is_in_the_matrix():
    schema = api.get_openapi_schema()
    assert set(schema["paths"]) == set(OPERATIONS)


@pytest.fixture
def world(make_person, regions):
    inside = make_person(regions.v1a)
    outside = make_person(regions.v2a)
    cert_in = Certificate.objects.create(person=inside, number=inside.resident_id + "42",
                                         category=4, grade=2, issue_date="2024-01-01",
                                         valid_until="2034-01-01", issued_by=regions.county)
    cert_out = Certificate.objects.create(person=outside, number=outside.resident_id + "42",
                                          category=4, grade=2, issue_date="2024-01-01",
                                          valid_until="2034-01-01", issued_by=regions.county)
    return {"in": {"person": inside, "certificate": cert_in},
            "out": {"person": outside, "certificate": cert_out}}


def _url(path, kind, objects):
    if kind == "person":
        return path.replace("{person_id}", str(objects["person"].pk))
    if kind == "certificate":
        return path.replace("{certificate_id}", str(objects["certificate"].pk))
    if kind == "number":
        return path.replace("{number}", objects["certificate"].number)
    if kind == "year":
        return path.replace("{year}", "2025")
    if kind in ("plan", "plan-deployment"):
        return path.replace("{plan_code}", "yueqing-14th").replace("{year}", "2024")
    return path


@pytest.mark.parametrize("path", sorted(OPERATIONS))
def test_operation(client, users, api_key, world, path):
    method, scope, kind = OPERATIONS[path]
    body = json.dumps([]) if method == "post" else None

    def call(headers, where="in"):
        url = _url(path, kind, world[where])
        if kind == "number-body":  # a read, with the number in the body
            sent = json.dumps({"number": world[where]["certificate"].number})
            return client.post(url, sent, content_type="application/json", **headers)
        if method == "post":
            return client.post(url, body, content_type="application/json", **headers)
        return client.get(url, **headers)

    assert call({}).status_code == 401
    other = "persons:write" if scope != "persons:write" else "records:read"
    assert call(api_key(users.township, [other])).status_code == 403
    township = api_key(users.township, [scope])
    if kind == "plan-deployment":  # totals are checked against townships: all or nothing
        assert call(township).status_code == 403
        assert call(api_key(users.federation, [scope])).status_code == 200
        return
    assert call(township).status_code == 200
    out = call(township, "out")
    if kind in ("person", "certificate"):
        assert out.status_code == 404  # another township's record is not disclosed
    else:
        assert out.status_code == 200
    writes = method == "post" and kind != "number-body"
    assert call(api_key(users.auditor, [scope])).status_code == (403 if writes else 200)
