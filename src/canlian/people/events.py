"""Domain events about persons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from canlian.events.bus import DomainEvent


@dataclass(frozen=True)
class PersonDied(DomainEvent):
    """A death was recorded (by staff, a roster or the civil-affairs feed). Once per person."""

    name = "person.died"
    death_date: dt.date

    def dedupe_key(self) -> str:
        return f"{self.name}:{self.person_id}"
