"""Other departments' certificate-verification keys: each receives only its scopes' fields;
federation staff issue and revoke them (audited); a revoked key is refused at once."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canlian.api import actions
from canlian.api.models import ApiClient, digest
from canlian.audit.models import AuditEvent


def _verify(client, key, number):
    return client.post("/api/v1/certificates/verify", json.dumps({"number": number}),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def certified(make_person, walk):
    person = make_person()
    walk(person, category=2, grade=3)
    return person.certificates.get()


def test_human_resources_receives_validity_and_category(client, users, certified):
    _, key = actions.issue_verification_key(users.federation, "区人力社保局",
                                            ["verify:valid", "verify:category"])
    answer = _verify(client, key, certified.number)
    assert answer.status_code == 200
    assert answer.json() == {"number": answer.json()["number"], "valid": True, "status": "issued",
                             "category": 2, "grade": 3}
    assert certified.person.resident_id not in answer.json()["number"]  # masked
    event = AuditEvent.objects.filter(summary="接口核验残疾人证").get()
    assert event.actor.organisation == "区人力社保局"  # the log names the department


def test_transport_receives_validity_only(client, users, certified):
    _, key = actions.issue_verification_key(users.federation, "区交通运输局", ["verify:valid"])
    answer = _verify(client, key, certified.number).json()
    assert set(answer) == {"number", "valid", "status"} and answer["valid"] is True
    # the deprecated path form answers the same way
    by_path = client.get(f"/api/v1/certificates/verify/{certified.number}",
                         HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert set(by_path) == {"number", "valid", "status"}
    unknown = _verify(client, key, certified.person.resident_id + "11").json()
    assert (unknown["valid"], unknown["status"]) == (False, "unknown") and "category" not in unknown


def test_the_expiry_scope_adds_the_date(client, users, certified):
    _, key = actions.issue_verification_key(users.federation, "市医保局",
                                            ["verify:valid", "verify:expiry"])
    answer = _verify(client, key, certified.number).json()
    assert set(answer) == {"number", "valid", "status", "valid_until"}
    assert answer["valid_until"] == certified.valid_until.isoformat()


def test_certificates_read_still_receives_every_field(client, users, api_key, certified):
    headers = api_key(users.township2, ["certificates:read"])
    answer = client.post("/api/v1/certificates/verify", json.dumps({"number": certified.number}),
                         content_type="application/json", **headers).json()
    assert {"valid", "status", "category", "grade", "valid_until"} <= set(answer)


def test_a_verification_key_reads_nothing_else(client, users, certified):
    _, key = actions.issue_verification_key(users.federation, "区人力社保局",
                                            ["verify:valid", "verify:category"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/v1/certificates/{certified.pk}", **headers).status_code == 403
    assert client.get("/api/v1/persons", **headers).status_code == 403


def test_a_revoked_key_is_refused_and_the_revocation_audited(client, users, certified):
    issued, key = actions.issue_verification_key(users.federation, "区交通运输局", ["verify:valid"])
    assert _verify(client, key, certified.number).status_code == 200
    actions.revoke_verification_key(users.federation, issued)
    assert _verify(client, key, certified.number).status_code == 401
    issued.refresh_from_db()
    assert not issued.active and issued.revoked_by == users.federation and issued.revoked_at
    summaries = list(AuditEvent.objects.filter(actor=users.federation).values_list("summary",
                                                                                   flat=True))
    assert "签发证件核验密钥：区交通运输局（核验残疾人证是否有效）" in summaries
    assert "吊销证件核验密钥：证件核验：区交通运输局" in summaries


def test_keys_are_kept_only_as_digests(users, db):
    issued, key = actions.issue_verification_key(users.federation, "区人力社保局", ["verify:valid"])
    stored = ApiClient.objects.get(pk=issued.pk)
    assert stored.key_digest == digest(key) and key not in str(stored.__dict__)


@pytest.mark.parametrize("staff", ["township", "village", "auditor"])
def test_only_federation_staff_issue_and_revoke(users, staff):
    with pytest.raises(PermissionDenied):
        actions.issue_verification_key(getattr(users, staff), "区交通运输局", ["verify:valid"])
    issued, _ = actions.issue_verification_key(users.federation, "区交通运输局", ["verify:valid"])
    with pytest.raises(PermissionDenied):
        actions.revoke_verification_key(getattr(users, staff), issued)


@pytest.mark.parametrize(("department", "fields"), [
    ("", ["verify:valid"]), ("区交通运输局", []), ("区交通运输局", ["verify:category"]),
    ("区交通运输局", ["verify:valid", "persons:read"]),
])
def test_a_key_needs_a_department_and_validity(users, department, fields):
    with pytest.raises(ValidationError):
        actions.issue_verification_key(users.federation, department, fields)
    assert not ApiClient.objects.exists()


def test_federation_staff_issue_and_revoke_on_the_page(client, users, db):
    client.force_login(users.federation)
    page = client.post("/exchange/verification-keys/",
                       {"department": "区人力社保局", "fields": ["verify:category"]})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key.startswith("cl_") and key in page.text
    issued = ApiClient.objects.get()
    assert issued.scopes == ["verify:category", "verify:valid"]
    again = client.get("/exchange/verification-keys/")
    assert key not in again.text and "区人力社保局" in again.text  # shown once only
    refused = client.post("/exchange/verification-keys/", {"department": ""})
    assert refused.status_code == 400
    client.post(f"/exchange/verification-keys/{issued.pk}/revoke/")
    issued.refresh_from_db()
    assert not issued.active


def test_another_federations_key_cannot_be_revoked(users, regions, db):
    from canlian.accounts.models import User
    from canlian.regions.models import Region

    linzi = Region.objects.create(code="370305000000", name="临淄区", level="county", kind="district")
    other = User.objects.create(username="fed-linzi", role="federation_staff", region=linzi)
    theirs, _ = actions.issue_verification_key(other, "临淄区交通运输局", ["verify:valid"])
    assert theirs not in actions.verification_keys(users.federation)
    with pytest.raises(PermissionDenied):
        actions.revoke_verification_key(users.federation, theirs)
