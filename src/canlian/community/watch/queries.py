"""Reads of poverty-return watch (防止返贫动态监测), each starting from the scoping layer and set-based."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from canlian.accounts import scoping
from canlian.benefits import facts, rulesets
from canlian.regions.models import Deployment

from ..models import (
    WatchCase,
    WatchReview,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations



def dibao_standard(on: dt.date, deployment: Deployment | None = None) -> Decimal | None:
    """The 低保 standard (元/人/月) in the deployment's subsidy rule set, or None."""
    deployment = deployment or Deployment.current()
    if deployment is None or not facts.has_ruleset(deployment):
        return None
    try:
        return facts.ruleset_for(deployment).dibao_on(on).monthly
    except rulesets.NotInForceError:
        return None


def watch_cases_for(user: Any) -> QuerySet[WatchCase]:
    return WatchCase.objects.filter(person__in=scoping.people_for(user))


class Reviewed(TypedDict):
    """What :func:`watch_list` adds to a case: this month's review is done."""

    reviewed: bool


def watch_list(user: Any, month: dt.date) -> QuerySet[WithAnnotations[WatchCase, Reviewed]]:
    """Open watch cases with whether this month's review (月度研判) is done."""
    reviewed = WatchReview.objects.filter(case=OuterRef("pk"), month=month)
    return (watch_cases_for(user).filter(status="open")
            .annotate(reviewed=Exists(reviewed))
            .select_related("person__village__parent", "person__household")
            .order_by("reviewed", "person__village_id", "person__name", "id"))
