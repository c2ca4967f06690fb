"""Domain events about services delivered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from canlian.events.bus import DomainEvent


@dataclass(frozen=True)
class ServiceRecorded(DomainEvent):
    """A service was delivered to a person and recorded (服务记录)."""

    name = "service.recorded"
    service_id: int
    group: str
    start_date: dt.date
