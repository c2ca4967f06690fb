"""Writing audit events. Views and actions call ``record``/``record_many`` explicitly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from canlian.core import bulk

from .models import Action, AuditEvent


def _client(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:200]


def _actor(user: Any) -> tuple[Any, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "system"
    return user, user.get_username()


def record(
    *,
    user: Any,
    action: Action | str,
    obj: Any = None,
    person: Any = None,
    request: HttpRequest | None = None,
    summary: str = "",
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    actor, name = _actor(user)
    ip, agent = _client(request)
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=getattr(person, "pk", None),
        region_code=getattr(person, "village_id", "") or "",
        summary=summary[:300],
        changes=changes or {},
        ip=ip,
        user_agent=agent,
    )


def record_many(
    *,
    user: Any,
    action: Action | str,
    people: Iterable[tuple[int, str]],
    request: HttpRequest | None = None,
    summary: str = "",
    batch_size: int = 5000,
) -> int:
    """One event per person, set-based (for exports and imports). ``people``: (id, village)."""
    actor, name = _actor(user)
    ip, agent = _client(request)
    fixed = {"actor_id": getattr(actor, "pk", None), "actor_name": name, "action": str(action),
             "object_type": "person", "summary": summary[:300], "ip": ip, "user_agent": agent}
    rows = [{**fixed, "object_id": str(pid), "person_id": pid, "region_code": village}
            for pid, village in people]
    for start in range(0, len(rows), batch_size):
        bulk.create(AuditEvent, rows[start:start + batch_size])
    return len(rows)
