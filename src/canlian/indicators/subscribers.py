"""The indicators' reactions to other apps' events.

- A recorded service and a corrected date of birth change the person's place in the survey
  indicators, taken again at once (``places.refresh_persons``) after the surveys app has
  set the survey's own fields.
- A death, a certificate ended (cancelled, expired, transferred) or issued (new, changed,
  renewed, reissued), a move and a corrected date of death change whether the person is
  still resident at a year's end, or the village and household the home-accessibility rate
  counts them in: their stored home needs are taken again after the commit
  (``accessibility.refresh_after_commit``), from the year of the change on. The survey
  places read none of these facts (the survey records the certificate, household type and
  village as they stood on the survey date), so they are left as they are.
"""

from __future__ import annotations

from typing import Any

from canlian.certificates.events import CertificateIssued, PersonTransferred
from canlian.certificates.models import Certificate
from canlian.people.events import BirthDateCorrected, PersonDied, ResidenceChanged
from canlian.services.events import ServiceRecorded

from . import accessibility, places


def on_service_recorded(event: ServiceRecorded) -> None:
    places.refresh_persons([event.person_id])


def on_birth_date_corrected(event: BirthDateCorrected) -> None:
    places.refresh_persons([event.person_id])


def on_person_died(event: PersonDied) -> None:
    accessibility.refresh_after_commit([event.person_id], since=event.death_date)


def on_certificate_ended(event: Any) -> None:
    """``CertificateCancelled`` or ``CertificateExpired``: from the day it ended."""
    ended = Certificate.objects.filter(pk=event.certificate_id).values_list(
        "ended_on", flat=True).first()
    accessibility.refresh_after_commit([event.person_id], since=ended)


def on_certificate_issued(event: CertificateIssued) -> None:
    """The new card is valid from its issue date (the one it replaces ended that day)."""
    issued = Certificate.objects.filter(pk=event.certificate_id).values_list(
        "issue_date", flat=True).first()
    accessibility.refresh_after_commit([event.person_id], since=issued)


def on_person_transferred(event: PersonTransferred) -> None:
    accessibility.refresh_after_commit([event.person_id], since=None)  # a new village


def on_residence_changed(event: ResidenceChanged) -> None:
    accessibility.refresh_after_commit(event.person_ids, since=event.since)
