"""The indicators' reactions to other apps' events: a recorded service and a corrected date
of birth change the person's place in the survey indicators, taken again at once
(``places.refresh_persons``) after the surveys app has set the survey's own fields."""

from __future__ import annotations

from canlian.people.events import BirthDateCorrected
from canlian.services.events import ServiceRecorded

from . import places


def on_service_recorded(event: ServiceRecorded) -> None:
    places.refresh_persons([event.person_id])


def on_birth_date_corrected(event: BirthDateCorrected) -> None:
    places.refresh_persons([event.person_id])
