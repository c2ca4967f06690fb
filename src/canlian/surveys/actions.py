"""Saving an annual survey record: validated against the person, audited, one per year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core import clock
from canlian.indicators import places
from canlian.people.models import Person

from . import rules
from .models import AnnualSurvey

FIELDS = [f.name for f in AnnualSurvey._meta.get_fields()
          if f.concrete and f.editable and f.name not in ("id", "person", "year", "village",
                                                          "surveyor", "created_at", "updated_at")]


def set_insurance(user: Any, person: Person, year: int, values: dict[str, bool | None]) -> bool:
    """Set the year's survey's insurance answers as 人社 reports them (a None is not reported);
    audited. False when nothing changed; ``AnnualSurvey.DoesNotExist`` without that survey."""
    survey = AnnualSurvey.objects.get(person=person, year=year)
    changed = {}
    for field, value in values.items():
        if value is not None and getattr(survey, field) != value:
            changed[field] = [getattr(survey, field), value]
            setattr(survey, field, value)
    if not changed:
        return False
    survey.save()
    places.refresh_persons([person.pk])
    record(user=user, action=Action.UPDATE, obj=survey, person=person,
           summary=f"人社推送：参保信息 {year}", changes=changed)
    return True


def profile(person: Person, on: dt.date) -> rules.Profile:
    return rules.Profile(age=person.age_on(on), category=person.category, grade=person.grade)


@transaction.atomic
def save_survey(user: Any, person: Person, year: int, answers: dict[str, Any], *,
                request: HttpRequest | None = None) -> AnnualSurvey:
    """Create or update the person's survey of ``year`` after checking every field rule."""
    scoping.require(user, Capability.EDIT_PEOPLE)
    if not scoping.people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied("person outside region")
    surveyed_on = answers.get("surveyed_on") or clock.today()
    if surveyed_on.year != year:
        raise ValidationError({"surveyed_on": gettext("The survey date must be in %(year)s")
                                              % {"year": year}})
    problems = rules.check(answers, profile(person, surveyed_on))
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            text = gettext(message.msgid)
            errors.setdefault(field, []).append(text % dict(message.params) if message.params
                                                else text)
        raise ValidationError(errors)
    survey, created = AnnualSurvey.objects.select_for_update().get_or_create(
        person=person, year=year,
        defaults={"village_id": person.village_id, "surveyed_on": surveyed_on,
                  "employment_status": answers.get("employment_status", "")})
    for field in FIELDS:
        if field in answers:
            setattr(survey, field, answers[field] if answers[field] is not None
                    else AnnualSurvey._meta.get_field(field).get_default())  # type: ignore[union-attr]
    survey.surveyed_on = surveyed_on
    survey.village_id = person.village_id
    survey.surveyor = user
    survey.save()
    places.refresh_persons([person.pk])
    record(user=user, action=Action.CREATE if created else Action.UPDATE, obj=survey,
           person=person, request=request, summary=f"{year} 年度动态更新调查")
    return survey


def copy_birth_date(person_id: int, birth_date: dt.date) -> int:
    """Carry a corrected date of birth into the person's survey records (held there for the
    indicators' single-table pass); the correction itself is audited where it is made."""
    return AnnualSurvey.objects.filter(person_id=person_id).update(birth_date=birth_date)
