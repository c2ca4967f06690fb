"""Every write of the open API's own records: issuing, revoking and using API keys.

The keys belong to other departments' systems (``canlian apiclient``); nothing here changes a
person, so nothing is audited beyond what the command line prints.
"""

from __future__ import annotations

import secrets

from django.utils import timezone

from canlian.accounts.models import User

from .models import SCOPES, ApiClient, digest


def issue_client(name: str, user: User, scopes: list[str]) -> tuple[ApiClient, str]:
    """Create a client and return it with its key (shown once, never stored)."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    key = "cl_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, user=user, key_prefix=key[3:11],
                                      key_digest=digest(key), scopes=list(scopes))
    return client, key


def revoke_client(name: str) -> int:
    """Deactivate the clients called ``name``; how many there were."""
    return ApiClient.objects.filter(name=name).update(active=False)


def mark_used(client: ApiClient) -> None:
    """Note when a key was last used (one UPDATE, no read-modify-write)."""
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
