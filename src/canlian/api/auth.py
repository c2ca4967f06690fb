"""API-key authentication and scopes."""

from __future__ import annotations

import hmac
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from canlian.audit.actions import record_many
from canlian.audit.models import Action
from canlian.people.models import Person

from .actions import mark_used
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
        mark_used(client)
        return client


def staff_only(view: Any) -> Any:
    """The API's schema and docs: staff signed in to the site (sign-in page otherwise)."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff_role:
            raise PermissionDenied("staff only")
        return view(request, *args, **kwargs)

    return wrapper


def audit_read(request: HttpRequest, person_ids: list[int], summary: str) -> None:
    """An API read of personal data is audited as a staff read is: one event per person."""
    ids = sorted(set(person_ids))
    if ids:
        record_many(user=request.user, action=Action.VIEW, request=request, summary=summary,
                    people=Person.objects.filter(pk__in=ids).values_list("id", "village_id"))


def need(request: HttpRequest, scope: str) -> Any:
    """The calling client's user, if its key has ``scope``; 403 otherwise."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    if scope not in client.scopes:
        raise PermissionDenied(scope)
    return client.user
