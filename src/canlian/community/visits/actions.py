"""Writes of visits (走访探视): checked, atomic and audited (see ``canlian.community.shared``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.people.models import Person

from ..models import (
    Visit,
)
from ..shared import CommunityError, editable_person, not_future, required
from . import queries


@transaction.atomic
def record_visit(user: Any, person: Person | int, *, visited_on: dt.date, kind: str,
                 findings: str, follow_up: str = "", follow_up_due: dt.date | None = None,
                 request: HttpRequest | None = None) -> Visit:
    """A visit (走访探视) with its findings and, if any, the follow-up it calls for."""
    person = editable_person(user, person)
    today = clock.today()
    not_future(visited_on, "visited_on", today)
    if visited_on < person.birth_date:
        raise ValidationError({"visited_on": gettext("Before the person was born")})
    if kind not in dict(Visit.KINDS):
        raise ValidationError({"kind": gettext("Unknown kind of visit")})
    if follow_up_due is not None and not follow_up.strip():
        raise ValidationError({"follow_up": gettext("A due date needs the follow-up action")})
    if follow_up_due is not None and follow_up_due < visited_on:
        raise ValidationError({"follow_up_due": gettext("Due before the visit")})
    visit = Visit.objects.create(
        person=person, visited_on=visited_on, kind=kind, visitor=user,
        findings=required(findings, "findings", "请填写走访发现", "record what was found"),
        follow_up=follow_up.strip(), follow_up_due=follow_up_due)
    record(user=user, action=Action.CREATE, obj=visit, person=person, request=request,
           summary=f"走访探视 {visited_on}")
    return visit


@transaction.atomic
def complete_follow_up(user: Any, visit_id: int, *, note: str, on: dt.date | None = None,
                       request: HttpRequest | None = None) -> Visit:
    scoping.require(user, Capability.EDIT_PEOPLE)
    visit = queries.visits_for(user).select_for_update().select_related("person").filter(
        pk=visit_id).first()
    if visit is None:
        raise Visit.DoesNotExist(visit_id)
    if not visit.follow_up:
        raise CommunityError(gettext("The visit has no follow-up"))
    if visit.follow_up_done_on is not None:
        raise CommunityError(gettext("The follow-up is already done"))
    on = on or clock.today()
    not_future(on, "on", clock.today())
    if on < visit.visited_on:
        raise ValidationError({"on": gettext("Before the visit")})
    visit.follow_up_done_on = on
    visit.follow_up_note = required(note, "note", "请填写落实情况", "say what was done")
    visit.save(update_fields=["follow_up_done_on", "follow_up_note"])
    record(user=user, action=Action.UPDATE, obj=visit, person=visit.person, request=request,
           summary="走访后续措施已落实")
    return visit
