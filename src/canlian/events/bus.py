"""The "1+X" event bus: explicit publish/subscribe, no Django signals.

``publish`` must be called inside the transaction that made the change: it records the
event and runs every subscriber in that same transaction, so a certificate issued and
the to-dos and applications it opens commit or roll back together. Subscribers are
listed in one table, ``canlian/subscriptions.py``, registered by this app's ``ready()``.
Work that must only happen after the commit (sending an SMS, say) is deferred by the
subscriber with ``transaction.on_commit``.

An event with a ``dedupe_key`` is published at most once: the same fact (a person's
death) reported twice fires nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from django.db import IntegrityError, connection, transaction


@dataclass(frozen=True)
class DomainEvent:
    name: ClassVar[str] = "event"
    person_id: int | None
    actor_id: int | None = field(default=None, kw_only=True)

    def dedupe_key(self) -> str | None:
        return None

    def payload(self) -> dict[str, Any]:
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in asdict(self).items()}


Handler = Callable[[Any], None]
_subscribers: dict[type[DomainEvent], list[Handler]] = defaultdict(list)


def subscribe(event_type: type[DomainEvent], handler: Handler) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def subscribers(event_type: type[DomainEvent]) -> list[Handler]:
    return list(_subscribers[event_type])


class NotInTransaction(RuntimeError):
    pass


def publish(event: DomainEvent) -> bool:
    """Record ``event`` and run its subscribers; False if it was already published."""
    from .models import EventRecord

    if not connection.in_atomic_block:
        raise NotInTransaction(f"publish {event.name} inside the transaction that caused it")
    key = event.dedupe_key()
    try:
        with transaction.atomic():
            EventRecord.objects.create(name=event.name, person_id=event.person_id,
                                       payload=event.payload(), dedupe_key=key)
    except IntegrityError:
        if key is None:
            raise
        return False
    for handler in subscribers(type(event)):
        handler(event)
    return True
