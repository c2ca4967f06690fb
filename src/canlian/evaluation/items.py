"""The closed items a citizen may rate, read from the apps that close them.

- service: a ``services.ServiceRecord`` (delivered when recorded), closed on its end date
  or else its date, grouped by the service group;
- subsidy: a ``benefits.SubsidyApplication`` approved or not approved, closed on the day of
  the decision (its last change), grouped by the subsidy;
- certificate: a ``certificates.Application`` issued (办结) or not approved, closed on the
  day it entered that state, grouped by the application's kind;
- case: a ``rights.RightsCase`` closed other than as a duplicate, on its closing day,
  grouped by the case's kind.

Each kind is one query over its table (``values()``), never a loop over records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from canlian.benefits.models import Subsidy, SubsidyApplication
from canlian.certificates.models import Application
from canlian.certificates.workflow import KIND_LABELS
from canlian.rights.models import Kind, RightsCase
from canlian.services.models import Group, ServiceRecord

from .models import ItemKind


@dataclass(frozen=True)
class Item:
    kind: str
    object_id: int
    person_id: int
    village_id: str
    institution_id: int | None
    topic: str
    closed_on: dt.date


@dataclass(frozen=True)
class Spec:
    base: Callable[[], QuerySet[Any]]
    closed: Q
    closed_on: Any
    topic: str
    institution: str | None
    labels: Callable[[], dict[str, str]]


def _services() -> QuerySet[Any]:
    return ServiceRecord.objects.all()


def _subsidies() -> QuerySet[Any]:
    return SubsidyApplication.objects.all()


def _certificates() -> QuerySet[Any]:
    return Application.objects.all()


def _cases() -> QuerySet[Any]:
    return RightsCase.objects.all()


def _service_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Group.choices}


def _subsidy_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Subsidy.choices}


def _certificate_labels() -> dict[str, str]:
    return {k.value: str(v) for k, v in KIND_LABELS.items()}


def _case_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Kind.choices}


SPECS: dict[str, Spec] = {
    ItemKind.SERVICE: Spec(_services, Q(),
                           Coalesce("end_date", "start_date", output_field=DateField()),
                           "service_type__group", "institution_id", _service_labels),
    ItemKind.SUBSIDY: Spec(_subsidies, Q(state__in=["approved", "rejected"]),
                           TruncDate("updated_at"), "subsidy", None, _subsidy_labels),
    ItemKind.CERTIFICATE: Spec(_certificates, Q(state__in=["issued", "rejected"]),
                               F("state_since"), "kind", None, _certificate_labels),
    ItemKind.CASE: Spec(_cases, Q(state="closed") & ~Q(outcome="duplicate"), F("closed_on"),
                        "kind", None, _case_labels),
}


def topic_label(kind: str, topic: str) -> str:
    return SPECS[kind].labels().get(topic, topic)


def _rows(kind: str, condition: Q) -> QuerySet[Any]:
    spec = SPECS[kind]
    fields = {"object_id": F("id"), "t": F(spec.topic), "closed": spec.closed_on}
    if spec.institution:
        fields["inst"] = F(spec.institution)
    return (spec.base().filter(spec.closed).annotate(**fields).filter(condition)
            .values("object_id", "person_id", "village_id", "t", "closed",
                    *(["inst"] if spec.institution else [])))


def _item(kind: str, row: dict[str, Any]) -> Item:
    return Item(kind, row["object_id"], row["person_id"], row["village_id"], row.get("inst"),
                row["t"], row["closed"])


def closed(kind: str, condition: Q | None = None) -> list[Item]:
    """The closed items of one kind matching ``condition`` (on the record's fields or
    ``closed``, the day it closed)."""
    return [_item(kind, r) for r in _rows(kind, condition or Q())]


def find(kind: str, object_id: int) -> Item | None:
    """One closed item, or None when there is no such item or it is not closed."""
    if kind not in SPECS:
        return None
    rows = list(_rows(kind, Q(id=object_id)))
    return _item(kind, rows[0]) if rows else None


def closed_for_persons(person_ids: list[int], since: dt.date, until: dt.date) -> list[Item]:
    """Every kind's items of these persons closed from ``since`` to ``until``, newest first."""
    found = [i for kind in SPECS
             for i in closed(kind, Q(person_id__in=person_ids, closed__range=(since, until)))]
    return sorted(found, key=lambda i: (i.closed_on, i.kind, i.object_id), reverse=True)
