"""Hardening findings of the outside probe (issue #22): client addresses behind proxies,
what failed sign-ins write, bank accounts, production settings, the admin's CSP, changing
one's password, the second factor, odd query parameters and future death dates."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.benefits.models import Grant
from canlian.conftest import PASSWORD
from canlian.core import clock
from canlian.core.clientip import resolve

PROXIES = ("10.0.0.0/8",)


# ---- behind a reverse proxy ------------------------------------------------------------------

@pytest.mark.parametrize(("peer", "header", "client"), [
    ("10.0.0.5", "203.0.113.7", "203.0.113.7"),  # through our proxy
    ("10.0.0.5", "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the client's own claim is ignored
    ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),  # two proxies of ours
    ("198.51.100.1", "203.0.113.7", "198.51.100.1"),  # not a proxy of ours: header ignored
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "garbage", "10.0.0.5"),
])
def test_the_client_address_is_taken_from_trusted_proxies_only(peer, header, client):
    assert resolve(peer, header, PROXIES) == client


def test_audit_and_portal_limits_see_the_real_client(settings, users, db):
    settings.CANLIAN_TRUSTED_PROXIES = list(PROXIES)
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "town1", "password": PASSWORD},
                 REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEvent.objects.get(action="login").ip == "203.0.113.7"
    from canlian.conftest import new_resident_id
    from canlian.portal import otp

    # One client's tries do not use up another's allowance at the same proxy.
    for i in range(otp.PER_ADDRESS_PER_HOUR + 1):
        Client().post("/portal/sign-in/", {"resident_id": new_resident_id()},
                      REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"203.0.113.{i % 2 + 100}")
    other = Client().post("/portal/sign-in/", {"resident_id": new_resident_id()},
                          REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert other.status_code == 302


# ---- failed sign-ins ------------------------------------------------------------------------

def test_a_failed_sign_in_does_not_store_what_was_typed(client, users):
    client.post(reverse("accounts:login"), {"username": "My-Secret-Passw0rd", "password": "x"})
    client.post(reverse("accounts:login"), {"username": "town1", "password": "wrong-one"})
    events = list(AuditEvent.objects.filter(action="login_failed").order_by("id"))
    assert len(events) == 2
    text = " ".join(f"{e.summary} {e.object_id} {e.changes}" for e in events)
    assert "My-Secret-Passw0rd" not in text and "wrong-one" not in text
    assert events[1].object_id == str(users.township.pk)


def test_anonymous_clients_cannot_grow_the_log_without_bound(users, settings):
    from canlian.accounts import views

    for i in range(views.FAILED_LOGINS_PER_HOUR + 10):
        Client().post(reverse("accounts:login"), {"username": f"guess{i}", "password": "x"},
                      REMOTE_ADDR="192.0.2.1")
    assert AuditEvent.objects.filter(action="login_failed").count() == views.FAILED_LOGINS_PER_HOUR


# ---- bank accounts --------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "full"), [("federation", True), ("township", True),
                                            ("village", False), ("auditor", False)])
def test_the_grant_page_shows_the_full_account_only_to_who_pays(client, users, make_person,
                                                                role, full):
    grant = Grant.objects.create(person=make_person(), subsidy="nursing",
                                 start_month="2025-01-01", bank_account="6222021234567890123")
    client.force_login(getattr(users, role))
    page = client.get(reverse("benefits:grant", args=[grant.pk])).content.decode()
    assert ("6222021234567890123" in page) is full
    assert "0123" in page


# ---- production settings --------------------------------------------------------------------

GOOD = {"CANLIAN_ENV": "production", "DEBUG": "0", "ALLOWED_HOSTS": "canlian.example.gov.cn",
        "SECRET_KEY": "k3J9-x_vQ2pL7mN4rT8wZ1aB5cD6eF0gH2iJ3kL4mN5oP6qR7sT8uV9wX0yZ1aB2",
        "CANLIAN_NOTIFIER": "canlian.portal.notifiers.Notifier"}


def _start(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "CANLIAN_NOTIFIER")}
    environment.update({**GOOD, **env})
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'canlian.settings'); django.setup(); from django.conf import settings; "
            "print('started', settings.CANLIAN_REQUIRE_TOTP)")
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                          text=True, timeout=120, check=False)


def test_production_starts_with_sound_settings_and_requires_the_second_factor():
    done = _start()
    assert done.returncode == 0, done.stderr
    assert "started True" in done.stdout


@pytest.mark.parametrize(("env", "reason"), [
    ({"DEBUG": "1"}, "DEBUG"), ({"SECRET_KEY": "secret"}, "SECRET_KEY"),
    ({"SECRET_KEY": "a" * 60}, "SECRET_KEY"), ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ({"CANLIAN_NOTIFIER": "canlian.portal.notifiers.ConsoleNotifier"}, "CANLIAN_NOTIFIER"),
])
def test_production_refuses_to_start_with_unsafe_settings(env, reason):
    done = _start(**env)
    assert done.returncode != 0
    assert reason in done.stderr and "Refusing to start" in done.stderr


def test_production_refuses_to_serve_with_the_demo_logins(users, settings):
    from django.core.exceptions import ImproperlyConfigured

    from canlian.accounts.models import User
    from canlian.core.startup import refuse_demo_logins
    from canlian.demo.users import DEMO_PASSWORD

    settings.PRODUCTION = True
    refuse_demo_logins()  # no demo login: fine
    User.objects.create_user(username="federation", password=DEMO_PASSWORD,
                             role="federation_staff", region=users.federation.region)
    with pytest.raises(ImproperlyConfigured, match="federation"):
        refuse_demo_logins()


# ---- admin, password, second factor ---------------------------------------------------------

def test_the_admin_has_a_content_security_policy(client, db):
    response = client.get("/admin/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_staff_change_their_own_password(client, users):
    client.force_login(users.township)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Another-long-pass-2027",
        "new_password2": "Another-long-pass-2027"})
    assert response.status_code == 302
    users.township.refresh_from_db()
    assert users.township.check_password("Another-long-pass-2027")
    assert AuditEvent.objects.filter(summary="修改本人密码", actor=users.township).exists()


def _code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_federation_and_auditor_accounts_need_a_second_factor(client, users, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.CANLIAN_REQUIRE_TOTP = True
    client.post(reverse("accounts:login"), {"username": "fed", "password": PASSWORD})
    blocked = client.get(reverse("people:list"))
    assert blocked.status_code == 302 and "/accounts/two-factor/" in blocked["Location"]
    setup = client.get("/accounts/two-factor/setup/")
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=users.federation)
    assert client.post("/accounts/two-factor/setup/", {"code": "000000" if _code(device) !=
                                                       "000000" else "111111"}).status_code == 400
    assert client.get(reverse("people:list")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    done = client.post("/accounts/two-factor/setup/", {"code": _code(device), "next": "/people/"})
    assert done.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200
    # The next sign-in asks for a code, not for enrolment.
    other = Client()
    other.post(reverse("accounts:login"), {"username": "fed", "password": PASSWORD})
    assert other.get(reverse("people:list"))["Location"].startswith("/accounts/two-factor/?")
    # A village worker (not a county-wide role) signs in with the password alone.
    village = Client()
    village.post(reverse("accounts:login"), {"username": "vil1a", "password": PASSWORD})
    assert village.get(reverse("people:list")).status_code == 200


# ---- odd input --------------------------------------------------------------------------------

@pytest.mark.parametrize("year", ["-1", "0", "9999999999", "x"])
def test_odd_years_do_not_break_the_gap_list(client, users, year):
    client.force_login(users.federation)
    assert client.get("/services/gaps/rehabilitation/", {"year": year}).status_code == 200


def test_the_staff_form_refuses_a_death_in_the_future(client, users, make_person, regions):
    from canlian.people.tests.test_people_views import form_data

    person = make_person(regions.v1a)
    client.force_login(users.township)
    data = form_data(regions, resident_id=person.resident_id, name=person.name,
                     death_date=(clock.today() + dt.timedelta(days=3)).isoformat())
    response = client.post(reverse("people:edit", args=[person.pk]), data)
    assert "death_date" in response.context["form"].errors
    person.refresh_from_db()
    assert person.life_status == "alive"
