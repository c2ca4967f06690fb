"""Consistency checks of a city's aggregates (汇聚数据一致性校验). Pure: no Django.

Each check returns problems as plain dicts (stored with the collection, rendered by the
dashboard in the user's language): ``{"check": code, "indicator": code or None,
"township": code or None, ...figures}``. A document in an unknown format gets one
problem, ``format``, and no other check.

- ``over``: a numerator above its denominator;
- ``negative``: a negative count;
- ``sum``: a deployment's numerator or denominator (or certified persons) that is not the
  sum of its townships' (only where every township has the figure);
- ``mismatch``: a document for another plan or year than asked for;
- ``frozen_changed``: figures of a frozen (reported) year that differ from those first
  collected for it, or a year that was frozen and no longer is.
"""

from __future__ import annotations

from typing import Any

FORMAT = "canlian-aggregates"
VERSIONS = (1,)
FIGURES = ("numerator", "denominator", "value")


def _problem(check: str, indicator: str | None = None, township: str | None = None,
             **figures: Any) -> dict[str, Any]:
    return {"check": check, "indicator": indicator, "township": township, **figures}


def readable(document: Any) -> bool:
    return (isinstance(document, dict) and document.get("format") == FORMAT
            and document.get("version") in VERSIONS
            and isinstance(document.get("indicators"), list)
            and isinstance(document.get("persons"), dict))


def check(document: Any, plan: str, year: int,
          first_frozen: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every problem of ``document`` (asked for ``plan`` and ``year``); ``first_frozen`` is
    the document first collected for this year while it was frozen, if any."""
    if not readable(document):
        return [_problem("format", got=str(document.get("format") if isinstance(document, dict)
                                           else type(document).__name__))]
    problems: list[dict[str, Any]] = []
    if document.get("plan") != plan or document.get("year") != year:
        problems.append(_problem("mismatch", got=f"{document.get('plan')} {document.get('year')}"))
    for ind in document["indicators"]:
        problems += _figure_problems(ind["code"], None, ind)
        townships = ind.get("townships") or []
        for t in townships:
            problems += _figure_problems(ind["code"], t["code"], t)
        for part in ("numerator", "denominator"):
            total = ind.get(part)
            parts = [t.get(part) for t in townships]
            if total is None or not parts or any(p is None for p in parts):
                continue
            if total != sum(parts):
                problems.append(_problem("sum", ind["code"], part=part, total=total,
                                         townships_sum=sum(parts)))
    persons = document["persons"]
    per = [t.get("persons") for t in persons.get("townships", [])]
    if any(n is not None and n < 0 for n in per):
        problems.append(_problem("negative", part="persons"))
    if per and all(n is not None for n in per) and persons.get("total") != sum(per):
        problems.append(_problem("sum", part="persons", total=persons.get("total"),
                                 townships_sum=sum(per)))
    if first_frozen is not None:
        problems += frozen_changes(first_frozen, document)
    return problems


def _figure_problems(indicator: str, township: str | None,
                     fig: dict[str, Any]) -> list[dict[str, Any]]:
    numerator, denominator = fig.get("numerator"), fig.get("denominator")
    found = []
    if any(v is not None and v < 0 for v in (numerator, denominator)):
        found.append(_problem("negative", indicator, township, numerator=numerator,
                              denominator=denominator))
    if numerator is not None and denominator is not None and numerator > denominator:
        found.append(_problem("over", indicator, township, numerator=numerator,
                              denominator=denominator))
    return found


def _figures_of(document: dict[str, Any]) -> dict[tuple[str, str | None], tuple[Any, ...]]:
    found: dict[tuple[str, str | None], tuple[Any, ...]] = {}
    for ind in document["indicators"]:
        found[(ind["code"], None)] = tuple(ind.get(k) for k in FIGURES)
        for t in ind.get("townships") or []:
            found[(ind["code"], t["code"])] = tuple(t.get(k) for k in FIGURES)
    return found


def frozen_changes(first: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    """How ``now`` differs from the frozen document ``first``: one problem per indicator
    whose figures changed (anywhere: total or a township), or one if ``now`` is not frozen."""
    if not now.get("frozen"):
        return [_problem("frozen_changed", unfrozen=True)]
    before, after = _figures_of(first), _figures_of(now)
    changed = sorted({k[0] for k in before.keys() | after.keys() if before.get(k) != after.get(k)})
    return [_problem("frozen_changed", code) for code in changed]
