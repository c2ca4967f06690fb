"""Every portal URL for every role: the portal serves citizens only, and only their own records.

Staff accounts are refused (403): staff work on the staff site, where their region scope
applies. Visitors are sent to the portal's own sign-in. Cross-person access is covered in
test_views (another citizen's application is a 404).
"""

import pytest
from django.urls import get_resolver, reverse

PUBLIC = {"home", "sign_in", "settings", "outbox", "first_start"}
# First-time applicants have no record yet: their pages have their own checks
# (test_first_application.py).
FIRST = {"first_code", "first_apply", "first_status"}
ARGS = {"first_status": [1], "apply_subsidy": ["nursing"], "apply_programme": ["child_rehab"],
        "application": ["certificate", 1], "withdraw": ["certificate", 1], "rights_case": [1],
        "rate": ["service", 1], "consent": ["share_hrss"]}
POST_ONLY = {"withdraw", "sign_out", "consent"}


def _portal_names() -> set[str]:
    for p in get_resolver().url_patterns:
        if getattr(p, "namespace", None) == "portal":
            return {q.name for q in p.url_patterns}  # type: ignore[misc, union-attr]
    raise AssertionError("portal URLs not mounted")


SIGN_IN = {"sign_in_code", "sign_in_oidc", "sign_in_oidc_return", "sign_out"}


@pytest.mark.parametrize("name", sorted(_portal_names() - PUBLIC - FIRST - SIGN_IN
                                        - {"upload_file"}))
def test_private_portal_pages_need_a_citizen(client, users, name):
    url = reverse(f"portal:{name}", args=ARGS.get(name, []))
    method = client.post if name in POST_ONLY else client.get
    response = method(url)
    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")
    for staff in ("federation", "township", "village", "assessor", "auditor", "employer"):
        client.force_login(getattr(users, staff))
        assert method(url).status_code == 403, (name, staff)
    # a citizen account with no person on record learns that, and sees nobody's data
    client.force_login(users.citizen)
    response = method(url)
    assert response.status_code == 200 and response.templates[0].name == "portal/no_record.html"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_portal_pages_open_to_all(client, db, name):
    assert client.get(reverse(f"portal:{name}")).status_code == 200


def test_the_code_step_needs_the_first_step(client, db):
    response = client.get(reverse("portal:sign_in_code"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")


@pytest.mark.parametrize("name", ["sign_in_oidc", "sign_in_oidc_return"])
def test_the_provincial_sign_in_exists_only_where_configured(client, db, settings, name):
    """Open to everyone where a provider is configured (test_oidc), absent elsewhere."""
    settings.CANLIAN_OIDC_ISSUER = ""
    assert client.get(reverse(f"portal:{name}")).status_code == 404


def test_signing_out_needs_a_post(client, db):
    assert client.get(reverse("portal:sign_out")).status_code == 405
    assert client.post(reverse("portal:sign_out")).status_code == 302
