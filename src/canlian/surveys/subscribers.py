"""The surveys' reactions to other apps' events: a corrected date of birth is corrected in
the person's survey records, and a recorded service sets its flag on that year's survey
(both held there for the indicators' single-table pass)."""

from __future__ import annotations

from canlian.people.events import BirthDateCorrected
from canlian.services.events import ServiceRecorded

from . import served
from .models import AnnualSurvey


def on_birth_date_corrected(event: BirthDateCorrected) -> None:
    AnnualSurvey.objects.filter(person_id=event.person_id).update(birth_date=event.birth_date)  # type: ignore[misc]


def on_service_recorded(event: ServiceRecorded) -> None:
    served.mark(event.person_id, event.service_id, event.start_date)  # type: ignore[arg-type]
