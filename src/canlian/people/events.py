"""Domain events about persons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from canlian.events.bus import DomainEvent


@dataclass(frozen=True)
class PersonDied(DomainEvent):
    """A death was recorded (by staff, a roster or the civil-affairs feed). Once per person."""

    name = "person.died"
    person_id: int  # always one person
    death_date: dt.date

    def dedupe_key(self) -> str:
        return f"{self.name}:{self.person_id}"


@dataclass(frozen=True)
class BirthDateCorrected(DomainEvent):
    """A corrected resident ID number changed the person's date of birth (出生日期更正)."""

    name = "person.birth_date_corrected"
    birth_date: dt.date


@dataclass(frozen=True)
class HouseholdTypeChanged(DomainEvent):
    """A household's type changed (joined or left 低保, 低保边缘, 特困): published for each
    member, so the programmes that read it re-evaluate them."""

    name = "person.household_type_changed"
    household_type: str
    previous: str


@dataclass(frozen=True)
class ResidenceChanged(DomainEvent):
    """Facts of living persons' residence changed without a death or a certificate of
    their own: their village or household (a move, 迁居), or a recorded date of death
    corrected or withdrawn. One event for every person an action changed (a roster import:
    one per chunk, ``person_id`` None), so readers can follow them set-based.

    ``since``: the earliest day whose facts changed; None for a move (the village and
    household are kept as they stand now, so every stored year reads the new ones)."""

    name = "person.residence_changed"
    person_ids: tuple[int, ...]
    since: dt.date | None
