"""Every write of the open API's own records: issuing, revoking and using API keys, and the
other departments' certificate-verification keys.

A department whose card or licence carries the disability certificate (人社 on the social
security card, 交通 on the concession pass) checks a certificate with its own key, and the
key's scopes say which fields it receives (``api.models.VERIFY_FIELDS``): 人社 needs the
category, 交通 only whether the certificate is valid. Federation staff issue and revoke the
keys (audited); each key acts through its own service account so the audit log names the
department on every check. Only the key's SHA-256 digest is kept.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.models import User
from canlian.accounts.roles import Role
from canlian.audit.actions import record
from canlian.audit.models import Action

from .models import SCOPES, VERIFY_FIELDS, ApiClient, digest


def issue_client(name: str, user: User, scopes: list[str],
                 issued_by: Any = None) -> tuple[ApiClient, str]:
    """Create a client and return it with its key (shown once, never stored)."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    key = "cl_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, user=user, key_prefix=key[3:11],
                                      key_digest=digest(key), scopes=list(scopes),
                                      issued_by=issued_by)
    return client, key


def revoke_client(name: str) -> int:
    """Deactivate the clients called ``name``; how many there were."""
    return ApiClient.objects.filter(name=name).update(active=False)


def mark_used(client: ApiClient) -> None:
    """Note when a key was last used (one UPDATE, no read-modify-write)."""
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())


def verification_keys(user: Any) -> Any:
    """The verification keys issued for ``user``'s region (a federation manages its own)."""
    return (ApiClient.objects.filter(scoping.region_range_q(user, "user__region__code"),
                                     user__username__startswith="verify-")
            .select_related("user").order_by("-active", "name", "-created_at"))


def _check_staff(user: Any) -> None:
    if user.role != Role.FEDERATION_STAFF:
        raise PermissionDenied("federation staff only")


@transaction.atomic
def issue_verification_key(user: Any, department: str, fields: list[str],
                           request: HttpRequest | None = None) -> tuple[ApiClient, str]:
    """A new key for ``department`` releasing ``fields`` (scopes); returns it with the key."""
    _check_staff(user)
    department = department.strip()
    if not department:
        raise ValidationError({"department": gettext("Name the department")})
    scopes = sorted(set(fields))
    if not scopes or set(scopes) - set(VERIFY_FIELDS) or "verify:valid" not in scopes:
        raise ValidationError({"fields": gettext("Choose what the department may receive; "
                                                 "validity is always included")})
    users = get_user_model()
    account = users(username=f"verify-{timezone.now():%Y%m%d%H%M%S%f}", role=Role.DEPARTMENT,
                    region=user.region, organisation=department[:100], first_name=department[:150])
    account.set_unusable_password()
    account.save()
    client, key = issue_client(f"证件核验：{department}"[:100], account, scopes, issued_by=user)
    record(user=user, action=Action.CREATE, obj=client, request=request,
           summary=f"签发证件核验密钥：{department}（{'、'.join(SCOPES[s] for s in scopes)}）")
    return client, key


@transaction.atomic
def revoke_verification_key(user: Any, client: ApiClient,
                            request: HttpRequest | None = None) -> None:
    """Revoke at once: the next call with the key is refused (401)."""
    _check_staff(user)
    if not verification_keys(user).filter(pk=client.pk).exists():
        raise PermissionDenied("another federation's key")
    if not client.active:
        return
    ApiClient.objects.filter(pk=client.pk).update(active=False, revoked_at=timezone.now(),
                                                  revoked_by=user)
    record(user=user, action=Action.UPDATE, obj=client, request=request,
           summary=f"吊销证件核验密钥：{client.name}")
