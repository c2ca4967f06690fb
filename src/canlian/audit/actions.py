"""Writing audit events. Views and actions call ``record``/``record_many`` explicitly.

Every event is chained to the one before it (``chain.py``). Appends are serialised: on
PostgreSQL by a transaction-level advisory lock taken before the tail is read (held until
the writer's transaction ends, so keep audit writes near the end of long transactions);
SQLite's write transactions are serial already. ``record_many`` stays set-based: the
hashes are computed in the same pass that builds the rows, which then go in by COPY.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from canlian.core import bulk
from canlian.core.clientip import client_ip

from . import chain
from .models import Action, AuditEvent

# Any constant: the advisory lock that serialises appends to the chain.
CHAIN_LOCK = 0x6175646974  # "audit"


def _client(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    request._audited = True  # type: ignore[attr-defined]  # reads.py writes nothing more
    return chain.normal_ip(client_ip(request)), request.META.get("HTTP_USER_AGENT", "")[:200]


def _actor(user: Any) -> tuple[Any, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "system"
    return user, user.get_username()


def _tail() -> str:
    """Lock the chain for this transaction and return the last event's hash."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or chain.GENESIS


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
    # Normalised as JSON round-trips them, so the hash read back is the hash written.
    changes = json.loads(json.dumps(changes or {}, default=str))
    row = {"at": timezone.now(), "actor_id": getattr(actor, "pk", None), "actor_name": name,
           "action": str(action), "object_type": object_type[:40], "object_id": object_id[:40],
           "person_id": getattr(person, "pk", None),
           "region_code": getattr(person, "village_id", "") or "", "summary": summary[:300],
           "changes": changes, "ip": ip, "user_agent": agent}
    with transaction.atomic():
        row["hash"] = chain.link(_tail(), chain.canonical(row))
        # One INSERT … RETURNING (save() refuses: events are only written here).
        event = AuditEvent.objects.bulk_create([AuditEvent(**row)])[0]
    event._state.adding = False
    return event


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
    people = list(people)
    if not people:
        return 0
    actor, name = _actor(user)
    ip, agent = _client(request)
    fixed: dict[str, Any] = {"at": timezone.now(), "actor_id": getattr(actor, "pk", None), "actor_name": name,
             "action": str(action), "object_type": "person", "summary": summary[:300],
             "changes": {}, "ip": ip, "user_agent": agent}
    with transaction.atomic():
        common = {k: v for k, v in fixed.items() if k != "changes"}  # {} is the default
        rows = [{**common, "object_id": str(pid), "person_id": pid, "region_code": village,
                 "hash": digest}
                for pid, village, digest in chain.person_rows(_tail(), fixed, people)]
        for start in range(0, len(rows), batch_size):
            bulk.create(AuditEvent, rows[start:start + batch_size])
    return len(rows)
