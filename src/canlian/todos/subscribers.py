"""The first "X" of "1+X": events open to-dos for the township staff.

Later programs (subsidies, services) subscribe their own handlers beside these.
"""

from __future__ import annotations

from canlian.certificates.events import CertificateCancelled, CertificateIssued
from canlian.certificates.rules import CATEGORY_LABELS, GRADE_LABELS
from canlian.events.models import EventRecord
from canlian.people.events import PersonDied
from canlian.people.models import Person

from .actions import open_todo


def _open(event, kind: str, title: str, days: int = 10) -> None:
    person = Person.objects.only("id", "name", "village_id").get(pk=event.person_id)
    source = EventRecord.objects.filter(name=event.name, person_id=event.person_id).first()
    open_todo(person, kind=kind, title=title, days=days, source_event=source)


def on_certificate_issued(event: CertificateIssued) -> None:
    label = f"{CATEGORY_LABELS[event.category]}{GRADE_LABELS[event.grade]}"  # type: ignore[index]
    _open(event, "check_eligibility",
          f"新发/变更残疾人证（{label}），请核查两项补贴、康复、辅具等服务资格")


def on_certificate_cancelled(event: CertificateCancelled) -> None:
    _open(event, "stop_benefits", "残疾人证已注销，请停发补贴、终止服务", days=5)


def on_person_died(event: PersonDied) -> None:
    _open(event, "death_followup", f"已登记死亡（{event.death_date}），请核实并办理后续事项", days=5)
