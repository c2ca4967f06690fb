"""The published aggregates (公开数据): persons by category and grade, services delivered,
subsidies paid, the plan's indicators as reported — each a few aggregate queries over the
whole deployment (``accounts.scoping.deployment_q``), suppressed before they leave."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from canlian.accounts import scoping
from canlian.benefits.models import RollLine, Subsidy
from canlian.certificates.rules import CATEGORY_LABELS, GRADE_LABELS
from canlian.indicators.engine import target_label
from canlian.indicators.models import FrozenYear
from canlian.people.models import Person
from canlian.regions.models import Deployment
from canlian.services.models import Group, ServiceRecord

from .suppression import THRESHOLD, Table, suppress


def persons_by_category_and_grade() -> Table:
    """Living persons holding a certificate, by category (rows) and grade (columns)."""
    counts = (Person.objects.filter(scoping.deployment_q(), life_status="alive",
                                    certificate_number__isnull=False, category__isnull=False,
                                    grade__isnull=False)
              .values("category", "grade").annotate(n=Count("id")))
    values = {(CATEGORY_LABELS[c["category"]], GRADE_LABELS[c["grade"]]): c["n"]  # type: ignore[index]
              for c in counts}
    return suppress(values, list(CATEGORY_LABELS.values()), list(GRADE_LABELS.values()))


def services_by_year(first: int, last: int) -> Table:
    """Persons served (each counted once per group and year), by service group and year."""
    counts = (ServiceRecord.objects.filter(scoping.deployment_q(),
                                           start_date__year__range=(first, last))
              .annotate(y=ExtractYear("start_date"))
              .values("y", "service_type__group").annotate(n=Count("person", distinct=True)))
    labels = dict(Group.choices)
    values = {(str(labels[c["service_type__group"]]), str(c["y"])): c["n"] for c in counts}
    return suppress(values, [str(v) for v in labels.values()],
                    [str(y) for y in range(first, last + 1)])


def subsidies_by_year(first: int, last: int) -> tuple[Table, dict[tuple[str, str], Decimal | None]]:
    """Persons paid each subsidy in each year (finalised rolls) and the sums paid; a sum is
    hidden when its count of persons is."""
    rows = (RollLine.objects.filter(scoping.deployment_q("village_code"),
                                    roll__status="finalised",
                                    period__year__range=(first, last))
            .annotate(y=ExtractYear("period")).values("y", "subsidy")
            .annotate(n=Count("person", distinct=True, filter=~Q(kind="recovery")),
                      amount=Sum("amount")))
    labels = {k: str(v).split("(")[-1].rstrip(")") for k, v in Subsidy.choices}
    values, amounts = {}, {}
    for r in rows:
        key = (labels[r["subsidy"]], str(r["y"]))
        values[key], amounts[key] = r["n"], r["amount"]
    table = suppress(values, list(labels.values()), [str(y) for y in range(first, last + 1)])
    shown = {k: (None if table.cells[k] is None else amounts.get(k, Decimal(0)))
             for k in table.cells}
    return table, shown


def indicators_by_year(plan: Any) -> dict[str, Any]:
    """The plan's indicators for every year the federation has reported (frozen), for the
    whole deployment; a rate over fewer than ``THRESHOLD`` persons is not shown."""
    deployment = Deployment.current()
    frozen = {f.year: f.figures for f in FrozenYear.objects.filter(
        plan=plan.code, region=deployment.root if deployment else None)}
    years = [y for y in plan.years if y in frozen]
    rows = []
    for indicator in plan.all_indicators:
        cells = {}
        for y in years:
            found = next((i for i in frozen[y]["indicators"] if i["code"] == indicator.code),
                         None)
            value = found and found.get("value")
            small = found and found.get("denominator") is not None \
                and found["denominator"] < THRESHOLD
            cells[str(y)] = None if value is None or small else value
        rows.append({"code": indicator.code, "name": indicator.name, "unit": indicator.unit,
                     "percent": indicator.is_percent, "kind": indicator.kind,
                     "baseline": str(indicator.baseline) if indicator.baseline else None,
                     "target": target_label(plan, indicator), "values": cells})
    return {"years": [str(y) for y in years], "rows": rows,
            "unpublished": [str(y) for y in plan.years if y not in frozen]}
