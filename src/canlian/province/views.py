"""The provincial dashboard (全省汇聚): each city's state and its figures side by side."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from canlian.accounts.roles import Capability
from canlian.core.web import AuthedRequest, requires

from . import actions, queries
from .cities import CitiesError


def _labels() -> dict[str, str]:
    return {"ok": _("Up to date"), "late": _("Export late"), "failed": _("Last attempt failed"),
            "inconsistent": _("Inconsistent figures"),
            "frozen_changed": _("A frozen year's figures changed")}


def problem_text(p: dict[str, Any]) -> str:
    """One stored problem (``checks.py``) as a sentence in the user's language."""
    where = {"indicator": p.get("indicator_name") or p.get("indicator") or "",
             "township": p.get("township_name") or p.get("township") or ""}
    parts = {"numerator": _("numerator"), "denominator": _("denominator"),
             "persons": _("certified persons")}
    check = p["check"]
    if check == "format":
        return _("The export is not in a format this province reads (%(got)s)") % {
            "got": p.get("got", "")}
    if check == "mismatch":
        return _("The export is for another plan or year (%(got)s)") % {"got": p.get("got", "")}
    if check == "over":
        text = _("%(indicator)s: numerator %(numerator)s above denominator %(denominator)s") % {
            **where, "numerator": p.get("numerator"), "denominator": p.get("denominator")}
    elif check == "negative":
        text = _("%(indicator)s: a negative count") % {
            "indicator": where["indicator"] or parts.get(p.get("part", ""), "")}
    elif check == "sum":
        text = _("%(indicator)s: %(part)s total %(total)s is not the sum of the townships "
                 "(%(sum)s)") % {"indicator": where["indicator"] or _("certified persons"),
                                 "part": parts.get(p.get("part", ""), ""), "total": p.get("total"),
                                 "sum": p.get("townships_sum")}
    elif p.get("unfrozen"):
        text = _("The year was frozen and is no longer")
    else:
        text = _("%(indicator)s: figures changed after the year was frozen") % where
    if where["township"]:
        text += _(" (township %(township)s)") % where
    return text


def error_text(error: str) -> str:
    """A failed attempt's stored reason (``actions._fetch``) in the user's language."""
    if error.startswith("unreachable"):
        return _("the city's server did not answer")
    if error.startswith("HTTP "):
        return _("the city's server answered with HTTP status %(status)s") % {
            "status": error[5:8]}
    return _("the answer was not a readable export")


@requires(Capability.SUPERVISE_PLAN_TASKS)
def dashboard(request: AuthedRequest) -> HttpResponse:
    try:
        config = actions.province()
    except (actions.NotProvince, CitiesError):
        raise Http404("not a province") from None
    years = sorted({y for c in config.cities for y in c.years})
    try:
        year = int(request.GET.get("year") or years[-1])
    except ValueError:
        year = years[-1]
    if year not in years:
        year = years[-1]
    labels = _labels()
    status = [{**row, "label": labels[row["state"]],
               "flag_labels": [labels[f] for f in row["flags"]],
               "problem_texts": [f"{p['year']}：{problem_text(p)}" for p in row["problems"]],
               "error_texts": sorted({error_text(e) for e in row["errors"]})}
              for row in queries.status(config)]
    table = queries.figures(config, year)
    chart = {"cities": [c.name for c in table["cities"]], "persons": table["persons"],
             "title": _("Certified persons by city")}
    return render(request, "province/dashboard.html", {
        "province": config, "status": status, "year": year, "years": years, "table": table,
        "chart": chart})
