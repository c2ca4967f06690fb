"""Reads for the provincial dashboard: each city's state and its latest figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Max, Q

from canlian.core import clock

from .cities import Province
from .models import CityExport

# The order flags are shown in; "late" and "failed" come from the attempts, the others
# from the latest good document of each year.
FLAGS = ("late", "failed", "inconsistent", "frozen_changed")


def _latest(filters: Q) -> dict[tuple[str, int], CityExport]:
    """The latest export per (city, year) among those matching ``filters``."""
    newest = (CityExport.objects.filter(filters).values("city", "year")
              .annotate(at=Max("collected_at")))
    if not newest:
        return {}
    match = Q()
    for row in newest:
        match |= Q(city=row["city"], year=row["year"], collected_at=row["at"])
    return {(e.city, e.year): e for e in CityExport.objects.filter(filters).filter(match)}


def _names(document: dict[str, Any]) -> dict[str, str]:
    """Indicator and township codes of a document → their names (for the problems)."""
    names = {}
    for ind in document.get("indicators", []):
        names[ind["code"]] = ind.get("name") or ind["code"]
        for t in ind.get("townships") or []:
            names[t["code"]] = t.get("name") or t["code"]
    return names


def status(config: Province, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per city: its last attempt and last good collection, its flags and one state."""
    now = now or clock.now()
    codes = [c.code for c in config.cities]
    attempts = _latest(Q(city__in=codes))
    good = _latest(Q(city__in=codes, ok=True))
    late_after = dt.timedelta(hours=settings.CANLIAN_PROVINCE_LATE_HOURS)
    rows = []
    for city in config.cities:
        flags: set[str] = set()
        problems: list[dict[str, Any]] = []
        last_ok = None
        for year in city.years:
            attempt, ok = attempts.get((city.code, year)), good.get((city.code, year))
            if attempt is not None and not attempt.ok:
                flags.add("failed")
            if ok is None or now - ok.collected_at > late_after:
                flags.add("late")
            if ok is not None:
                last_ok = ok.collected_at if last_ok is None else min(last_ok, ok.collected_at)
                named = _names(ok.document or {})
                for p in ok.problems:
                    flags.add("frozen_changed" if p["check"] == "frozen_changed"
                              else "inconsistent")
                    problems.append({**p, "year": year,
                                     "indicator_name": named.get(p.get("indicator") or ""),
                                     "township_name": named.get(p.get("township") or "")})
        errors = sorted({a.error for (c, _), a in attempts.items()
                         if c == city.code and not a.ok and a.error})
        ordered = [f for f in FLAGS if f in flags]
        rows.append({"city": city, "flags": ordered, "state": ordered[0] if ordered else "ok",
                     "last_ok": last_ok, "problems": problems, "errors": errors})
    return rows


def figures(config: Province, year: int) -> dict[str, Any]:
    """The latest good document of each city for ``year``: indicators as rows (the union of
    the cities' plans, in the order first seen) and cities as columns, and persons."""
    good = _latest(Q(city__in=[c.code for c in config.cities], ok=True, year=year))
    columns = list(config.cities)
    names: dict[str, tuple[str, str]] = {}
    values: dict[tuple[str, str], dict[str, Any]] = {}
    persons: dict[str, int | None] = {}
    for city in columns:
        export = good.get((city.code, year))
        document = export.document if export is not None else None
        if not document:
            persons[city.code] = None
            continue
        persons[city.code] = document["persons"].get("total")
        for ind in document["indicators"]:
            names.setdefault(ind["code"], (ind["name"], ind["unit"]))
            values[(ind["code"], city.code)] = ind
    rows = [{"code": code, "name": name, "unit": unit,
             "cells": [values.get((code, c.code)) for c in columns]}
            for code, (name, unit) in names.items()]
    return {"cities": columns, "rows": rows,
            "collected": {c.code: good[(c.code, year)].collected_at
                          for c in columns if (c.code, year) in good},
            "persons": [persons[c.code] for c in columns]}
