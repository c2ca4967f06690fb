"""The public disclosure page (信息公开) and its open data (CSV, JSON): no sign-in, aggregates
only, every small count suppressed (``suppression``). Cached for ten minutes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from canlian.core import clock
from canlian.evaluation.queries import public_results
from canlian.indicators import plans
from canlian.regions.models import Deployment

from . import queries
from .suppression import HIDDEN, THRESHOLD, Table

CACHE_SECONDS = 600
TABLES = ("persons", "services", "subsidies", "indicators")


def _plan() -> plans.Plan | None:
    deployment = Deployment.current()
    if deployment is None:
        return None
    for code in plans.available():
        plan = plans.load(code)
        if plan.region == deployment.root.name:
            return plan
    return None


def _cell(value: Any) -> Any:
    return HIDDEN if value is None else (float(value) if isinstance(value, Decimal) else value)


def _table_json(t: Table) -> dict[str, Any]:
    return {"rows": t.rows, "columns": t.columns,
            "cells": [[_cell(t.cells[r, c]) for c in t.columns] for r in t.rows],
            "row_totals": [_cell(t.row_totals[r]) for r in t.rows],
            "column_totals": [_cell(t.column_totals[c]) for c in t.columns],
            "total": _cell(t.total)}


def collect() -> dict[str, Any]:
    """The published figures, computed at most every ten minutes (per deployment day)."""
    key = f"disclosure:{clock.today():%Y%m%d}"
    found = cache.get(key)
    if found is None:
        found = _collect()
        cache.set(key, found, CACHE_SECONDS)
    return found


def _collect() -> dict[str, Any]:
    plan = _plan()
    if plan is None:
        raise Http404("no deployment")
    last = min(clock.today().year, plan.end)
    subsidies, amounts = queries.subsidies_by_year(plan.start, last)
    return {"plan": plan, "deployment": Deployment.current(), "today": clock.today(),
            "persons": queries.persons_by_category_and_grade(),
            "services": queries.services_by_year(plan.start, last),
            "subsidies": subsidies, "amounts": amounts,
            "indicators": queries.indicators_by_year(plan), "threshold": THRESHOLD}


def as_json(d: dict[str, Any]) -> dict[str, Any]:
    subsidies = _table_json(d["subsidies"])
    subsidies["amounts_yuan"] = [[_cell(d["amounts"][r, c]) for c in d["subsidies"].columns]
                                 for r in d["subsidies"].rows]
    return {
        "deployment": d["deployment"].name, "plan": d["plan"].title, "as_of": str(d["today"]),
        "suppression": f"counts from 1 to {THRESHOLD - 1} are shown as \"{HIDDEN}\"; further "
                       "cells are hidden where a total would give them away",
        "persons_by_category_and_grade": _table_json(d["persons"]),
        "persons_served_by_service_group_and_year": _table_json(d["services"]),
        "subsidies_persons_paid_by_year": subsidies,
        "indicators": d["indicators"],
        "satisfaction": _satisfaction(),
    }


def _satisfaction() -> dict[str, Any]:
    """Citizens' ratings (evaluation app), groups of fewer than 5 ratings hidden. Not in the
    ten-minute cache: its labels follow the reader's language."""
    return public_results()


def page(request: HttpRequest) -> HttpResponse:
    d = collect()
    rows = []
    for r in d["subsidies"].rows:
        rows.append({"name": r, "cells": [(d["subsidies"].cells[r, c], d["amounts"][r, c])
                                          for c in d["subsidies"].columns]})
    def lines(t: Table) -> list[tuple[str, list[str], str]]:
        return [(r, [t.shown(t.cells[r, c]) for c in t.columns], t.shown(t.row_totals[r]))
                for r in t.rows]

    persons = d["persons"]
    return render(request, "disclosure/page.html", {
        **d, "subsidy_rows": rows, "persons_rows": lines(persons),
        "persons_totals": [persons.shown(persons.column_totals[c]) for c in persons.columns]
        + [persons.shown(persons.total)], "services_rows": lines(d["services"]),
        "results": _satisfaction()})


def data_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(as_json(collect()), json_dumps_params={"ensure_ascii": False,
                                                                   "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="open-data.json"'
    return response


def data_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("no such table")
    d = as_json(collect())
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    w = csv.writer(out)
    if table == "indicators":
        ind = d["indicators"]
        w.writerow(["code", "name", "baseline", "target", *ind["years"]])
        for r in ind["rows"]:
            w.writerow([r["code"], r["name"], r["baseline"] or "", r["target"],
                        *[_cell(r["values"][y]) for y in ind["years"]]])
    else:
        key = {"persons": "persons_by_category_and_grade",
               "services": "persons_served_by_service_group_and_year",
               "subsidies": "subsidies_persons_paid_by_year"}[table]
        t = d[key]
        w.writerow(["", *t["columns"], "total"])
        for name, cells, total in zip(t["rows"], t["cells"], t["row_totals"], strict=True):
            w.writerow([name, *cells, total])
        w.writerow(["total", *t["column_totals"], t["total"]])
        if table == "subsidies":
            w.writerow([])
            w.writerow(["amount paid (yuan)", *t["columns"]])
            for name, cells in zip(t["rows"], t["amounts_yuan"], strict=True):
                w.writerow([name, *cells])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    return response


