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
from canlian.certificates import validity
from canlian.core import clock
from canlian.indicators import places
from canlian.people.models import Person
from canlian.services.models import ServiceRecord

from . import rules, served
from .models import AnnualSurvey

# The answers a survey form sets (field name → model field).
FIELDS = {f.name: f for f in AnnualSurvey._meta.concrete_fields
          if f.editable and f.name not in ("id", "person", "year", "village", "surveyor", "created_at",
                                           "updated_at")}


def _certificate_at_survey(survey: AnnualSurvey) -> None:
    """The certificate valid on the survey date (category and grade, or none), kept on the row
    (``certificates.validity``)."""
    survey.category, survey.grade = validity.of_person(survey.person_id, survey.surveyed_on) \
        or (None, None)


def _new_row(survey: AnnualSurvey) -> None:
    """What a new survey row copies from other records: the person's date of birth and
    household type (unless given), and the services received in its year (``served``), read
    under the person's row lock so that a service recorded at the same moment is not missed.
    Call inside the transaction that inserts the row."""
    if survey.birth_date is None:
        survey.birth_date = survey.person.birth_date
        survey.household_type = survey.person.household_type
    for flag, value in served.flags_for(survey.person_id, survey.year).items():
        setattr(survey, flag, value)


@transaction.atomic
def add_survey(**fields: Any) -> AnnualSurvey:
    """Insert a survey row as given (``AnnualSurvey`` fields), with what it copies from other
    records; unchecked and unaudited, for programs that already checked it (a feed's single
    row, fixtures). People's answers go through :func:`save_survey`."""
    survey = AnnualSurvey(**fields)
    _new_row(survey)
    _certificate_at_survey(survey)
    survey.save()
    return survey


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
    _certificate_at_survey(survey)
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
    served.lock_person(person.pk)  # one writer of the person's surveys at a time
    survey = AnnualSurvey.objects.select_for_update().filter(person=person, year=year).first()
    created = survey is None
    if survey is None:
        survey = AnnualSurvey(person=person, year=year, village_id=person.village_id,
                              surveyed_on=surveyed_on,
                              employment_status=answers.get("employment_status", ""))
        _new_row(survey)
    for field, model_field in FIELDS.items():
        if field in answers:
            setattr(survey, field, answers[field] if answers[field] is not None
                    else model_field.get_default())
    survey.surveyed_on = surveyed_on
    survey.village_id = person.village_id
    survey.surveyor = user
    _certificate_at_survey(survey)
    survey.save()
    places.refresh_persons([person.pk])
    record(user=user, action=Action.CREATE if created else Action.UPDATE, obj=survey,
           person=person, request=request, summary=f"{year} 年度动态更新调查")
    return survey


def mark_served(person_id: int, service_id: int, on: dt.date) -> None:
    """The service ``service_id`` was delivered on ``on``: set its flags on that year's survey
    (``served.FLAGS``), under the person's row lock (``served``)."""
    service = ServiceRecord.objects.filter(pk=service_id)
    flags = [flag for flag, q in served.FLAGS.items() if service.filter(q).exists()]
    if flags:
        served.lock_person(person_id)
        for flag in flags:
            AnnualSurvey.objects.filter(person_id=person_id, year=on.year, **{flag: False}
                                        ).update(**{flag: True})


def copy_birth_date(person_id: int, birth_date: dt.date) -> int:
    """Carry a corrected date of birth into the person's survey records (held there for the
    indicators' single-table pass); the correction itself is audited where it is made."""
    return AnnualSurvey.objects.filter(person_id=person_id).update(birth_date=birth_date)
