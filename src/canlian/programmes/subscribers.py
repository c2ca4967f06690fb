"""The programme engine's "X" of "1+X": react to certificate and death events.

A certificate issued (new, changed, renewed) evaluates every programme for the person and
opens an offer or an automatic enrolment for each one they now qualify for; a cancelled
or expired certificate, or a death, ends every open or approved application on the day
(nothing later is paid) and tells the township worker.
"""

from __future__ import annotations

from typing import Any

from canlian.certificates.events import CertificateCancelled, CertificateIssued
from canlian.core import clock
from canlian.people.events import HouseholdTypeChanged, PersonDied
from canlian.people.models import Person
from canlian.todos.actions import open_todo

from . import actions, rules


def on_certificate_issued(event: CertificateIssued) -> None:
    person = Person.objects.get(pk=event.person_id)
    made = actions.open_offers(person, source="新发或换发残疾人证")
    if made:
        open_todo(person, kind="programme_offers", days=5,
                  title=f"“1+X”：已开启 {len(made)} 项可能符合的项目，请核实并告知本人")


def _end(person_id: int, day: Any, why: str) -> None:
    person = Person.objects.get(pk=person_id)
    if actions.end_for_person(person, day, why):
        open_todo(person, kind="programme_ended", days=5,
                  title=f"{why}，“1+X”项目已终止，请核对是否需追回")


def on_certificate_ended(event: Any) -> None:
    if Person.objects.filter(pk=event.person_id, death_date__isnull=False).exists():
        return  # the death handler ends them, with the death as the reason
    why = "残疾人证已注销" if isinstance(event, CertificateCancelled) else "残疾人证已过期"
    _end(event.person_id, clock.today(), why)


def on_person_died(event: PersonDied) -> None:
    if event.person_id is not None:
        _end(event.person_id, event.death_date, f"本人于 {event.death_date} 去世")


def on_household_type_changed(event: HouseholdTypeChanged) -> None:
    """A household joined or left 低保 (or 低保边缘, 特困): the programmes reading the
    household type re-evaluate the member — offers open, ended eligibility stops."""
    if event.person_id is not None:
        actions.reevaluate([event.person_id], source=(
            f"家庭类型由{rules.HOUSEHOLD_ZH.get(event.previous, event.previous)}变为"
            f"{rules.HOUSEHOLD_ZH.get(event.household_type, event.household_type)}"))
