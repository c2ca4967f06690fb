"""Every write of community support: checked, atomic and audited.

Views call these functions and nothing else writes the community tables (no signals).
Each function checks the role's capability (``PermissionDenied``: 403), finds the record
through the scoping layer (``DoesNotExist``: 404 outside the region, so its existence is
not disclosed), applies the plain rule modules, writes inside one transaction and records
the act in the audit log. Refusals raise ``ValidationError`` (field → message) or
:class:`CommunityError`, in Chinese with the English in brackets, like the other apps.

Capabilities: field work (volunteers, requests, hours, visits, the roster, check-ins,
watch reviews) needs ``EDIT_PEOPLE`` (village, township and federation staff); supervision
(organisations, declaring and closing emergencies, screening and closing watch cases,
places, inspections and rectification) needs ``REVIEW`` (township and federation staff).
Auditors have neither.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import (
    QuerySet,
)
from django.utils.translation import gettext

from canlian.accounts import scoping
from canlian.accounts.roles import Capability
from canlian.core.domain import DomainError
from canlian.people.models import Person
from canlian.regions.models import Deployment, Region

from . import ruleset

if TYPE_CHECKING:
    pass


class CommunityError(DomainError):
    """A step the record's state does not allow (e.g. checking in after an emergency ended)."""

    code = "community_refused"


def editable_person(user: Any, person: Person | int, capability: Capability = Capability.EDIT_PEOPLE
            ) -> Person:
    """The person, if in the user's region (else ``Person.DoesNotExist``) and alive."""
    scoping.require(user, capability)
    pk = person.pk if isinstance(person, Person) else person
    found = scoping.people_for(user).select_related("village", "household").filter(pk=pk).first()
    if found is None:
        raise Person.DoesNotExist(pk)
    if found.is_deceased:
        raise ValidationError(gettext("The person has died"))
    return found


def village_in_region(user: Any, village: Region | str | None, field: str = "village") -> Region:
    code = village.code if isinstance(village, Region) else village
    found = villages_for(user).filter(code=code).first() if code else None
    if found is None:
        raise ValidationError({field: gettext("Choose a village in your region")})
    return found


def not_future(day: dt.date | None, field: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise ValidationError({field: gettext("The date is in the future")})


def required(value: str, field: str, zh: str, en: str) -> str:
    if not (value or "").strip():
        raise ValidationError({field: f"{zh} ({en})"})
    return value.strip()


def rules(deployment: Deployment | None = None) -> ruleset.CommunityRules:
    """The community rules of the deployment served (``CANLIAN_DEPLOYMENT``)."""
    deployment = deployment or Deployment.current()
    if deployment is None:
        raise LookupError(gettext("No deployment is configured"))
    return ruleset.load_shipped(deployment.code)


def villages_for(user: Any) -> QuerySet[Region]:
    """Villages the user may place a record in."""
    if user.region is None:
        return Region.objects.none()
    if user.region.level == "village":
        return Region.objects.filter(code=user.region.code)
    return user.region.villages().select_related("parent")
