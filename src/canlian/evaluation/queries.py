"""Reads of the evaluation app: satisfaction results per service kind, institution and
township (each one aggregate query over ratings already scoped by ``accounts.scoping``),
the public version with small groups suppressed, the section of the evaluation report,
and the evaluator's anonymised sample."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from canlian.accounts import scoping
from canlian.benefits.models import Grant
from canlian.certificates.rules import CATEGORY_LABELS, GRADE_LABELS
from canlian.indicators import plans
from canlian.regions.models import Deployment, Region
from canlian.services.models import ServiceRecord

from . import items, rules
from .models import Finding, ItemKind, Rating

KIND_LABELS = dict(ItemKind.choices)


def _row(label: str, n: int, mean: float | None, satisfied: int, public: bool,
         **extra: Any) -> dict[str, Any]:
    shown = not public or rules.public_row(n)
    return {"label": label, "rated": n if shown else None, "suppressed": not shown,
            "mean": round(mean, 2) if shown and mean is not None else None,
            "rate": rules.satisfaction_rate(satisfied, n) if shown else None, **extra}


def _complement(rows: list[dict[str, Any]]) -> None:
    """Complementary suppression (as on the public page, ``disclosure/suppression.py``):
    with the total shown, one hidden group could be worked out from the others, so when
    exactly one group of a table is hidden the smallest shown group is hidden too."""
    hidden = [r for r in rows if r["suppressed"]]
    shown = [r for r in rows if not r["suppressed"]]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda r: r["rated"])
        smallest.update(rated=None, mean=None, rate=None, suppressed=True)


def results(ratings: QuerySet[Rating], *, public: bool = False) -> dict[str, Any]:
    """Ratings per service kind, institution and township, and in total. ``public``: a
    group with fewer than ``rules.MIN_PUBLIC`` ratings shows no figures (a count, mean or
    rate of a handful of ratings could point to the persons who gave them)."""
    stats: dict[str, Any] = {"n": Count("id"), "mean": Avg("score"),
                             "ok": Count("id", filter=Q(score__gte=4))}
    grouped: Any = ratings  # values() of annotated groups: plain dicts
    by_topic: list[dict[str, Any]] = list(
        grouped.values("kind", "topic").annotate(**stats).order_by("kind", "topic"))
    topics = [_row(items.topic_label(r["kind"], r["topic"]), r["n"], r["mean"], r["ok"], public,
                   kind=str(KIND_LABELS.get(r["kind"], r["kind"]))) for r in by_topic]
    by_institution: list[dict[str, Any]] = list(
        grouped.filter(institution__isnull=False).values("institution__name").annotate(**stats)
        .order_by("institution__name"))
    institutions = [_row(r["institution__name"], r["n"], r["mean"], r["ok"], public)
                    for r in by_institution]
    by_township: list[dict[str, Any]] = list(
        grouped.values("village__parent__code", "village__parent__name").annotate(**stats)
        .order_by("village__parent__code"))
    townships = [_row(r["village__parent__name"], r["n"], r["mean"], r["ok"], public)
                 for r in by_township]
    if public:
        for rows in (topics, institutions, townships):
            _complement(rows)
    total = ratings.aggregate(**stats)
    by_score = dict(ratings.values_list("score").annotate(n=Count("id")).values_list("score", "n"))
    return {"topics": topics, "institutions": institutions, "townships": townships,
            "total": _row("", total["n"], total["mean"], total["ok"], public),
            "scores": [{"score": s, "n": by_score.get(s, 0)} for s in rules.SCORES]
            if not public or rules.public_row(total["n"]) else [],
            "min_public": rules.MIN_PUBLIC}


def current_plan_code() -> str | None:
    """The code of the deployment's indicator plan (as the evaluation reports name it)."""

    deployment = Deployment.current()
    if deployment is None:
        return None
    return next((c for c in plans.available() if plans.load(c).region == deployment.root.name),
                None)


def public_results() -> dict[str, Any]:
    """The whole deployment's results for the public page (suppressed)."""
    return results(Rating.objects.filter(scoping.deployment_q()), public=True)


def report_section(region_code: str, plan_code: str, year: int) -> dict[str, Any]:
    """What the evaluation report prints: the year's ratings in the report's region (items
    closed in that year) and the evaluator's findings for the plan and year."""
    region = Region.objects.filter(code=region_code).first()
    ratings = (Rating.objects.filter(scoping.within(region, "village__code"), closed_on__year=year)
               if region is not None else Rating.objects.none())
    return {"satisfaction": results(ratings), "year": year,
            "findings": list(Finding.objects.filter(plan=plan_code, year=year))}


def sample(user: Any, seed: int, size: int, today: dt.date) -> list[dict[str, Any]]:
    """The evaluator's sample (``rules.draw_sample``) of certified persons of its region,
    anonymised: a pseudonym for the seed, sex, ten-year age band, township, category and
    grade, the services received and the subsidies held this year, and their ratings —
    never a name, resident ID, phone, address or village."""

    population = scoping.evaluation_population_for(user).filter(
        certificate_number__isnull=False, life_status="alive")
    chosen = rules.draw_sample(population.values_list("id", flat=True).iterator(chunk_size=20000),
                               seed, min(size, rules.MAX_SAMPLE))
    if not chosen:
        return []
    persons = {p["id"]: p for p in population.filter(id__in=chosen).values(
        "id", "sex", "birth_date", "category", "grade", "village__parent__name")}
    services = dict(ServiceRecord.objects.filter(person_id__in=chosen, start_date__year=today.year)
                    .values("person_id").annotate(n=Count("id")).values_list("person_id", "n"))
    grants: dict[int, list[str]] = {}
    for person_id, subsidy in (Grant.objects.filter(person_id__in=chosen, status="active")
                               .values_list("person_id", "subsidy")):
        grants.setdefault(person_id, []).append(subsidy)
    ratings = {r["person_id"]: r for r in Rating.objects.filter(person_id__in=chosen)
               .values("person_id").annotate(n=Count("id"), mean=Avg("score"))}
    rows = []
    for pid in chosen:
        p = persons[pid]
        rated = ratings.get(pid)
        rows.append({
            "pseudonym": rules.pseudonym(seed, pid), "sex": p["sex"],
            "age": rules.age_band(p["birth_date"], today),
            "township": p["village__parent__name"],
            "category": CATEGORY_LABELS.get(p["category"], "") if p["category"] else "",
            "grade": GRADE_LABELS.get(p["grade"], "") if p["grade"] else "",
            "services": services.get(pid, 0), "subsidies": sorted(grants.get(pid, [])),
            "ratings": rated["n"] if rated else 0,
            "mean": round(rated["mean"], 1) if rated else None, "_id": pid})
    return rows


def for_person(person_id: int, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """A person's items closed within the rating window: those still to rate and those
    rated (with the rating), for the portal."""
    since = today - dt.timedelta(days=rules.RATING_WINDOW_DAYS)
    found = items.closed_for_persons([person_id], since, today)
    given = {(r.kind, r.object_id): r for r in Rating.objects.filter(
        person_id=person_id, object_id__in={i.object_id for i in found})}
    open_: list[dict[str, Any]] = []
    rated: list[dict[str, Any]] = []
    for i in found:
        row = {"kind": i.kind, "id": i.object_id, "kind_label": KIND_LABELS[i.kind],
               "label": items.topic_label(i.kind, i.topic), "closed_on": i.closed_on,
               "rating": given.get((i.kind, i.object_id))}
        (rated if row["rating"] else open_).append(row)
    return {"open": open_, "rated": rated}
