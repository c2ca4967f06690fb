"""Sign-in: hashed passwords, throttling and lockout, audit of sign-ins."""

import importlib

from django.urls import reverse

from canlian.audit.models import AuditEvent
from canlian.conftest import PASSWORD


def test_real_settings_hash_with_argon2():
    module = importlib.import_module("canlian.settings")
    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_passwords_are_stored_hashed(users):
    assert PASSWORD not in users.township.password
    assert users.township.check_password(PASSWORD)


def test_login_and_logout_are_audited(client, users):
    response = client.post(reverse("accounts:login"),
                           {"username": "town1", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor_name="town1").exists()
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action="logout", actor_name="town1").exists()


def test_five_failures_lock_the_account_even_with_the_right_password(client, users):
    for _ in range(5):
        response = client.post(reverse("accounts:login"),
                               {"username": "town1", "password": "wrong-password"})
    assert response.status_code in (403, 429)
    response = client.post(reverse("accounts:login"), {"username": "town1", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed").count() >= 4


def test_csrf_is_enforced(users):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "town1", "password": PASSWORD})
    assert response.status_code == 403
