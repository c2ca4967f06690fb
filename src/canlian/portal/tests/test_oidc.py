"""Signing in through the provincial platform (OpenID Connect) against a real provider.

The provider is django-oauth-toolkit in its own process on loopback (``oidc_provider/``);
the portal is the relying party under the test client. The test plays the citizen's
browser: it signs in at the provider, follows the authorisation redirect, and brings the
code back to the portal."""

import datetime as dt
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from canlian.accounts.models import User
from canlian.audit.models import AuditEvent
from canlian.conftest import new_resident_id
from canlian.portal import oidc

CLIENT_ID = "canlian-portal"
CLIENT_SECRET = "portal-test-secret-0123456789"
RETURN = "http://testserver/portal/sign-in/province/return/"


@pytest.fixture(scope="module")
def provider():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    process = subprocess.Popen(
        [sys.executable, "-m", "canlian.portal.tests.oidc_provider.serve",
         CLIENT_ID, CLIENT_SECRET, RETURN],
        stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("ISSUER "), f"the provider did not start: {line!r}"
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def configured(settings, provider, db):
    settings.CANLIAN_OIDC_ISSUER = provider
    settings.CANLIAN_OIDC_CLIENT_ID = CLIENT_ID
    settings.CANLIAN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.CANLIAN_OIDC_ID_CLAIM = "idcard"
    settings.CANLIAN_OIDC_LABEL = "浙里办"
    return provider


def _authorise(client, provider, idcard, *, name="王芳", twist="", next_page=""):
    """Start at the portal, sign in at the provider, come back: the portal's answer."""
    start = client.get("/portal/sign-in/province/", {"next": next_page} if next_page else {})
    assert start.status_code == 302
    authorize_url = start["Location"]
    assert authorize_url.startswith(provider)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    browser = requests.Session()
    browser.get(f"{provider.rsplit('/o', 1)[0]}/login-as/",
                params={"idcard": idcard, "name": name, "twist": twist}, timeout=10)
    back = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:300]
    callback = back.headers["Location"]
    assert callback.startswith(RETURN)
    return client.get(callback.removeprefix("http://testserver")), callback


def _signed_in(client):
    return client.session.get("_auth_user_id")


def test_a_citizen_from_the_provincial_app_lands_signed_in_on_the_page_asked_for(
        client, configured, make_person):
    person = make_person(name="王芳", phone="")  # no phone: the code could not reach her
    answer, _ = _authorise(client, configured, person.resident_id,
                           next_page="/portal/apply/certificate/")
    assert answer.status_code == 302 and answer["Location"] == "/portal/apply/certificate/"
    user = User.objects.get(pk=_signed_in(client))
    assert user.role == "citizen" and user.resident_id == person.resident_id
    assert user.person == person
    assert client.get("/portal/apply/certificate/").status_code == 200
    assert AuditEvent.objects.filter(action="login", summary="门户登录（统一身份认证）").count() == 1


def test_the_sign_in_page_offers_the_platform_only_when_configured(client, settings, configured):
    page = client.get("/portal/sign-in/?next=/portal/applications/")
    assert "浙里办" in page.text
    assert "/portal/sign-in/province/?next=/portal/applications/" in page.text
    settings.CANLIAN_OIDC_ISSUER = ""
    assert "浙里办" not in client.get("/portal/sign-in/").text
    assert client.get("/portal/sign-in/province/").status_code == 404


def test_a_guardian_signs_in_and_acts_for_the_ward(client, configured, make_person):
    guardian_id = new_resident_id(dt.date(1962, 4, 4))
    ward = make_person(name="小明", resident_id=new_resident_id(dt.date(2014, 3, 3)), phone="",
                       guardian_resident_id=guardian_id, guardian_name="王强")
    answer, _ = _authorise(client, configured, guardian_id, name="王强")
    assert answer["Location"] == "/portal/"
    home = client.get("/portal/")
    assert home.status_code == 200 and "小明" in home.text
    assert User.objects.get(pk=_signed_in(client)).person is None
    assert ward.guardian_resident_id == guardian_id


def test_a_token_for_another_client_is_refused(client, configured, make_person):
    person = make_person()
    answer, _ = _authorise(client, configured, person.resident_id, twist="wrong-audience")
    assert answer["Location"] == "/portal/sign-in/"
    assert not _signed_in(client) and not User.objects.filter(role="citizen").exists()
    failure = AuditEvent.objects.get(action="login_failed")
    assert "aud" in failure.summary


def test_an_expired_token_is_refused(client, configured, make_person):
    person = make_person()
    answer, _ = _authorise(client, configured, person.resident_id, twist="expired")
    assert answer["Location"] == "/portal/sign-in/"
    assert not _signed_in(client)
    assert "exp" in AuditEvent.objects.get(action="login_failed").summary
    page = client.get("/portal/sign-in/")
    assert "短信验证码" in page.text  # the refusal offers the code instead


def test_a_resident_id_not_in_the_registry_gets_no_account(client, configured, db):
    answer, _ = _authorise(client, configured, new_resident_id(), name="李四")
    assert answer["Location"] == "/portal/sign-in/"
    assert not _signed_in(client) and not User.objects.filter(role="citizen").exists()
    assert "没有" in client.get("/portal/sign-in/").text
    assert AuditEvent.objects.get(action="login_failed").summary.endswith("不在本地残疾人库")


def test_a_replayed_state_is_refused(client, configured, make_person, django_user_model):
    person = make_person()
    answer, callback = _authorise(client, configured, person.resident_id)
    assert answer["Location"] == "/portal/"
    client.post("/portal/sign-out/")
    assert not _signed_in(client)
    replay = client.get(callback.removeprefix("http://testserver"))
    assert replay["Location"] == "/portal/sign-in/" and not _signed_in(client)
    assert "state" in AuditEvent.objects.get(action="login_failed").summary.lower()
    # nor does the state work from another browser that never started the sign-in
    from django.test import Client

    stranger = Client()
    assert stranger.get(callback.removeprefix("http://testserver"))["Location"] == "/portal/sign-in/"
    assert not stranger.session.get("_auth_user_id")


def test_an_unreachable_provider_is_a_message_not_an_error(client, settings, db):
    settings.CANLIAN_OIDC_ISSUER = "http://127.0.0.1:9/o"
    settings.CANLIAN_OIDC_CLIENT_ID = "x"
    settings.CANLIAN_OIDC_TIMEOUT = 2
    oidc._client.cache_clear()
    answer = client.get("/portal/sign-in/province/")
    assert answer.status_code == 302 and answer["Location"] == "/portal/sign-in/"
