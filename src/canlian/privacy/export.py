"""Everything held about one person (个人信息副本, 个保法 art. 45), for the citizen's download.

Found generically, not listed by hand: the person's own fields, and every record of every
model that points to the person (one query per such model), so a new app's records appear
in the copy without a change here. Secrets that prove nothing about the person (tokens,
digests) are left out. The same structure feeds the JSON file and the PDF.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from canlian.core import clock

from . import queries

SECRET_WORDS = ("token", "digest", "hash", "password", "secret")
# Kept out of the copy: the audit log (its citizen's view is the access log below) and legal
# holds (a hold may protect an investigation; PIPL art. 18 allows withholding it).
LEFT_OUT = frozenset({"audit", "privacy.legalhold"})
MAX_ROWS = 1000  # per kind of record; more is summarised by its count


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if not any(w in f.name for w in SECRET_WORDS)]


def _row(obj: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    row = {}
    for f in fields:
        value = getattr(obj, f.attname)
        if f.choices and value not in (None, ""):
            value = getattr(obj, f"get_{f.name}_display")()
        if isinstance(f, models.FileField):
            value = getattr(value, "name", "") or ""
        row[str(f.verbose_name)] = _plain(value)
    return row


def everything(person: Any) -> dict[str, Any]:
    """Sections (title → rows) of everything held about ``person``, plus the access log."""
    sections: list[dict[str, Any]] = [{
        "kind": "person", "title": str(person._meta.verbose_name),
        "rows": [_row(person, _fields(type(person)))]}]
    for rel in type(person)._meta.related_objects:
        label = rel.related_model._meta.label_lower
        if not rel.one_to_many or label in LEFT_OUT or label.split(".")[0] in LEFT_OUT:
            continue
        model = rel.related_model
        fields = _fields(model)
        qs = model._default_manager.filter(**{rel.field.name: person}).order_by("pk")
        rows = [_row(o, fields) for o in qs[:MAX_ROWS]]
        if rows:
            sections.append({"kind": f"{model._meta.app_label}.{model._meta.model_name}",
                             "title": str(model._meta.verbose_name), "rows": rows})
    log: list[dict[str, Any]] = []
    page_no: int | None = 1
    while page_no:
        page, lines = queries.access_log_page(person, page_no)
        log.extend({"时间": _plain(line.at), "操作": line.action, "查看或办理单位": line.office,
                    "事由": line.purpose, "说明": line.unusual} for line in lines)
        page_no = page.next_page_number() if page.has_next() and len(log) < MAX_ROWS else None
    sections.append({"kind": "access_log", "title": "查看和修改记录", "rows": log})
    return {"generated_on": clock.today().isoformat(), "person_id": person.pk,
            "sections": sections}
