"""API-key authentication and scopes."""

from __future__ import annotations

import hmac
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiClient, digest


class ApiKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        if not token.startswith("cl_") or len(token) < 20:
            return None
        client = (ApiClient.objects.select_related("user__region")
                  .filter(key_prefix=token[3:11], active=True).first())
        if client is None or not hmac.compare_digest(client.key_digest, digest(token)):
            return None
        if not client.user.is_active:
            return None
        request.user = client.user
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client


def need(request: HttpRequest, scope: str) -> Any:
    """The calling client's user, if its key has ``scope``; 403 otherwise."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    if scope not in client.scopes:
        raise PermissionDenied(scope)
    return client.user
