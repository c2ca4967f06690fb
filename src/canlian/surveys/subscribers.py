"""The surveys' reactions to person events: a corrected date of birth is corrected in the
person's survey records too (they hold it for the indicators' single-table pass)."""

from __future__ import annotations

from canlian.events.bus import subscribe
from canlian.people.events import BirthDateCorrected

from .models import AnnualSurvey


def on_birth_date_corrected(event: BirthDateCorrected) -> None:
    AnnualSurvey.objects.filter(person_id=event.person_id).update(birth_date=event.birth_date)


def register() -> None:
    subscribe(BirthDateCorrected, on_birth_date_corrected)
