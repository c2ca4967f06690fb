"""One list of everything a person has applied for, with each state in plain words.

The records stay in their own apps; this module reads them (only the acting person's) and
their audit trail, which already holds every state change with its date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from canlian.audit.models import Action, AuditEvent
from canlian.benefits.models import SubsidyApplication
from canlian.certificates.models import Application
from canlian.core import clock
from canlian.people.models import ContactChange
from canlian.programmes import facts as programme_facts
from canlian.programmes.models import Application as ProgrammeApplication
from canlian.services.models import Renovation, ServiceRequest

from ..status import plain

# URL type → (model, audit object_type, status kind)
TYPES: dict[str, tuple[Any, str, str]] = {
    "certificate": (Application, "application", "certificate"),
    "subsidy": (SubsidyApplication, "subsidyapplication", "subsidy"),
    "renovation": (Renovation, "renovation", "renovation"),
    "service": (ServiceRequest, "servicerequest", "service"),
    "contact": (ContactChange, "contactchange", "contact"),
    # “1+X” programmes; an offer not yet confirmed is not an application (the home page
    # shows it under “您可能可以申请”), and the history comes from the record's own dates
    "programme": (ProgrammeApplication, "", "programme"),
}


def _programme_name(code: str) -> str:
    catalogue = programme_facts.catalogue()
    found = catalogue.get(code) if catalogue else None
    return found.latest.name_zh if found else code


def _title(kind: str, obj: Any) -> str:
    if kind == "certificate":
        return _("Disability certificate: %(kind)s") % {"kind": obj.kind_label}
    if kind == "subsidy":
        return str(obj.get_subsidy_display())
    if kind == "renovation":
        return _("Home-accessibility renovation")
    if kind == "service":
        return str(obj.get_kind_display()) + (f" · {obj.device.name}" if obj.device_id else "")
    if kind == "programme":
        return _programme_name(obj.programme)
    return _("Change of phone or address")


def _applied(kind: str, obj: Any) -> Any:
    if kind == "service":
        return obj.submitted_on
    if kind == "contact":
        return clock.day_of(obj.requested_at)
    if kind == "programme":
        return obj.applied_on or clock.day_of(obj.created_at)
    return obj.applied_on


def describe(kind: str, obj: Any) -> dict[str, Any]:
    stage, headline, next_step = plain(TYPES[kind][2], obj.state)
    return {"type": kind, "id": obj.pk, "title": _title(kind, obj), "applied_on": _applied(kind, obj),
            "state": obj.state, "stage": stage, "headline": headline, "next": next_step,
            "obj": obj}


def items_for(person: Any) -> list[dict[str, Any]]:
    items: list[Any] = []
    for kind, (model, _type, _status) in TYPES.items():
        qs = model.objects.filter(person=person)
        if kind == "service":
            qs = qs.select_related("device")
        if kind == "programme":
            qs = qs.exclude(state="offered")
        items.extend(describe(kind, obj) for obj in qs)
    return sorted(items, key=lambda i: (i["applied_on"], i["id"]), reverse=True)


def get_item(person: Any, kind: str, pk: int) -> dict[str, Any] | None:
    if kind not in TYPES:
        return None
    qs = TYPES[kind][0].objects.filter(person=person, pk=pk)
    if kind == "programme":
        qs = qs.exclude(state="offered")
    obj = qs.first()
    return describe(kind, obj) if obj is not None else None


def history(kind: str, obj: Any) -> list[dict[str, Any]]:
    """The dated steps so far, from the audit trail, in plain words."""
    if kind == "programme":
        return _programme_history(obj)
    events = AuditEvent.objects.filter(object_type=TYPES[kind][1], object_id=str(obj.pk),
                                       action__in=[Action.CREATE, Action.TRANSITION]).order_by("at", "id")
    steps = []
    for event in events:
        if event.action == Action.CREATE:
            steps.append({"at": event.at, "text": _("Application received")})
            continue
        target = (event.changes or {}).get("state", [None, None])[1]
        if target:
            steps.append({"at": event.at, "text": plain(TYPES[kind][2], target)[1]})
    return steps


def reason(kind: str, obj: Any) -> str:
    """Why an application was refused (or the last note staff left for the applicant)."""
    if kind == "certificate":
        step = obj.steps.exclude(note="").filter(action__in=["reject", "withdraw"]).last()
        return step.note if step else ""
    if kind == "subsidy":
        return obj.note if obj.state == "rejected" else ""
    if kind == "service":
        return obj.decision_note
    if kind == "contact":
        return obj.note
    if kind == "programme":
        return obj.note if obj.state in ("refused", "ended", "approved") else ""
    return ""


def _programme_history(obj: Any) -> list[dict[str, Any]]:
    """A programme application's steps from its own dates: received, reviewed, decided,
    ended (its audit events share the object type of certificate applications)."""

    def at(day: Any) -> Any:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    steps = []
    if obj.applied_on:
        steps.append({"at": at(obj.applied_on), "text": _("Application received")})
    if obj.reviewed_on:
        steps.append({"at": at(obj.reviewed_on), "text": plain("programme", "reviewed")[1]})
    if obj.decided_on:
        steps.append({"at": at(obj.decided_on), "text": plain("programme", obj.state if obj.state
                                                             in ("approved", "refused")
                                                             else "approved")[1]})
    if obj.ended_on:
        steps.append({"at": at(obj.ended_on), "text": plain("programme", "ended")[1]})
    return steps
