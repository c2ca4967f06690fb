"""Notice and consent: versioned notices read strictly; consent recorded with its notice
version; withdrawing stops the department's API lists and feeds for the person."""

import datetime as dt
import json

import pytest
from django.test import Client

from canlian.accounts.roles import Role
from canlian.audit.models import AuditEvent
from canlian.conftest import make_user
from canlian.core import clock
from canlian.privacy import actions, notices
from canlian.privacy.models import Consent


def test_the_notice_file_is_read_strictly_naming_entry_and_field():
    assert {n.purpose for n in notices.notices(dt.date(2026, 1, 1))} >= {
        "registry", "subsidies", "services", "share_hrss"}
    raw = {"schema": 1, "purposes": [{"code": "x", "basis": "consent", "versions": [
        {"effective_from": "2024-01-01", "title": "t", "collected": "c", "why": "w",
         "shared_with": "s", "kept": "k", "effective_form": "2024-01-01"}]}]}
    with pytest.raises(notices.NoticeError, match=r"purposes\[0\] \(x\).*versions.0.effective_form"):
        notices.parse(raw, "n.yaml")
    del raw["purposes"][0]["versions"][0]["effective_form"]
    with pytest.raises(notices.NoticeError, match="department"):
        notices.parse(raw, "n.yaml")


def test_the_notice_in_force_is_the_latest_version_begun(tmp_path):
    path = tmp_path / "n.yaml"
    v = {"title": "t", "collected": "c", "why": "w", "shared_with": "s", "kept": "k"}
    path.write_text(json.dumps({"schema": 1, "purposes": [{"code": "registry", "basis": "law",
        "versions": [{"effective_from": "2024-01-01", **v},
                     {"effective_from": "2026-07-01", **v, "title": "t2"}]}]}))
    assert notices.notice("registry", dt.date(2026, 6, 30), path).title == "t"
    assert notices.notice("registry", dt.date(2026, 7, 1), path).version == dt.date(2026, 7, 1)


@pytest.fixture
def hrss(regions, api_key):
    """人社局's API account: it receives persons only with their consent to share_hrss."""
    account = make_user("hrss", Role.FEDERATION_STAFF, regions.county)
    actions.set_sharing_purpose(None, account, "share_hrss")
    return account, api_key(account)


def test_withdrawing_consent_stops_the_departments_api_list_and_feed(signed_in, citizen, hrss):
    _account, headers = hrss
    api = Client()

    def listed():
        ids = [p["id"] for p in api.get("/api/v1/persons", **headers).json()["results"]]
        return citizen.pk in ids

    assert not listed()  # no consent yet: nothing is shared
    page = signed_in.get("/portal/privacy/").content.decode()
    assert "向人社部门提供就业和社保信息" in page
    signed_in.post("/portal/privacy/consent/share_hrss/", {"decision": "give",
                                                           "version": "2024-01-01"})
    consent = Consent.objects.get(person=citizen, purpose="share_hrss")
    assert consent.notice_version == dt.date(2024, 1, 1) and consent.active
    assert listed()
    assert api.get(f"/api/v1/persons/{citizen.pk}", **headers).status_code == 200
    feed = [{"resident_id": citizen.resident_id, "household_type": "dibao"}]
    sent = api.post("/api/v1/feeds/households", json.dumps(feed), content_type="application/json",
                    **headers).json()
    assert sent["applied"] == 1

    signed_in.post("/portal/privacy/consent/share_hrss/", {"decision": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not listed()
    assert api.get(f"/api/v1/persons/{citizen.pk}", **headers).status_code == 404
    feed = [{"resident_id": citizen.resident_id, "household_type": "ordinary"}]
    refused = api.post("/api/v1/feeds/households", json.dumps(feed),
                       content_type="application/json", **headers).json()
    assert refused["rejected"] == 1 and refused["results"][0]["code"] == "no_consent"
    # both acts are in the audit log, and so in the citizen's own access log
    summaries = list(AuditEvent.objects.filter(person_id=citizen.pk, object_type="consent")
                     .values_list("summary", flat=True))
    assert any(s.startswith("撤回同意") for s in summaries)
    assert any(s.startswith("同意") for s in summaries)


def test_accounts_without_a_consent_purpose_share_as_before(citizen, users, api_key):
    ids = [p["id"] for p in Client().get("/api/v1/persons", **api_key(users.federation))
           .json()["results"]]
    assert citizen.pk in ids


def test_consent_refusals(signed_in, citizen, make_person, regions):
    user = signed_in.user
    with pytest.raises(actions.ConsentError) as exc:
        actions.give_consent(user, citizen, "registry")
    assert exc.value.code == "not_consent_purpose"
    with pytest.raises(actions.ConsentError) as exc:
        actions.give_consent(user, citizen, "share_hrss", notice_version="2023-01-01")
    assert exc.value.code == "stale_notice"
    actions.give_consent(user, citizen, "share_hrss")
    with pytest.raises(actions.ConsentError):
        actions.give_consent(user, citizen, "share_hrss")
    actions.withdraw_consent(user, citizen, "share_hrss")
    with pytest.raises(actions.ConsentError) as exc:
        actions.withdraw_consent(user, citizen, "share_hrss")
    assert exc.value.code == "not_given"
    # given again after withdrawal: a new row, the history is kept
    with clock.frozen(dt.date(2026, 3, 1)):
        actions.give_consent(user, citizen, "share_hrss")
    assert Consent.objects.filter(person=citizen).count() == 2
    stranger = make_person(regions.v1a, name="路人")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.give_consent(user, stranger, "share_hrss")
