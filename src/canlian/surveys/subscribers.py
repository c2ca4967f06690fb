"""The surveys' reactions to other apps' events: a corrected date of birth is corrected in
the person's survey records, and a recorded service sets its flag on that year's survey
(both held there for the indicators' single-table pass)."""

from __future__ import annotations

from canlian.people.events import BirthDateCorrected
from canlian.services.events import ServiceRecorded

from . import actions


def on_birth_date_corrected(event: BirthDateCorrected) -> None:
    if event.person_id is not None:
        actions.copy_birth_date(event.person_id, event.birth_date)


def on_service_recorded(event: ServiceRecorded) -> None:
    if event.person_id is not None:
        actions.mark_served(event.person_id, event.service_id, event.start_date)
