"""Likely eligible on a date (应享): the one definition of "eligible" behind the plan's
subsidy coverage (its denominator and its gap list) and the monthly roll's 应享未享 check.

A person of the region is likely eligible for a subsidy on day *d* when the pure rules
(``eligibility.decide``) admit these facts, read from the registry as they stood on *d*:

- **alive on d** — no date of death, or one after *d*;
- **the certificate valid on d** (``certificates.validity``) — its category and grade; no
  valid certificate (expired without renewal, cancelled, transferred out) is not eligible;
- **the household on d** — the registry's household when it has not changed since *d*
  (its last change is on or before *d*); otherwise the household as surveyed in *d*'s year
  (``AnnualSurvey.household_type``, and its yearly income per capita ÷ 12); a person not
  surveyed that year falls back to the registry. Zhejiang's income test (household income
  per capita below 1.5 × the 低保 standard) is therefore applied, not skipped;
- **assumed**, because the registry holds them only once someone applies: hukou in the
  region, a long-term care need (the assessor decides it on application), no work-injury
  care allowance, no orphans' allowance, no own income recorded.

Each distinct combination of facts is decided once (a district has a few hundred), so the
passes stay set-based: the indicator groups a million persons in the database, the lists
read only the persons they show. ``yearfacts`` stores this module's answer per person and
year (the same SQL, run by a nightly job); ``coverage`` and ``unpaid`` read it while it is
current and compute live otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from canlian.accounts import scoping
from canlian.certificates import validity
from canlian.core import clock
from canlian.regions.models import Region

from . import eligibility
from .facts import has_ruleset, ruleset_for

SUBSIDIES = ("living", "nursing")


def _household_source(on: dt.date) -> tuple[str, str, dict[str, Any]]:
    """SQL for the household type and monthly income per capita on ``on``, and its params."""
    midnight = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time()))
    registry = "(h.id IS NOT NULL AND (s.id IS NULL OR h.updated_at < %(changed_before)s))"
    htype = (f"CASE WHEN {registry} THEN h.household_type WHEN s.id IS NOT NULL "
             "THEN s.household_type ELSE '' END")
    income = (f"CASE WHEN {registry} THEN h.monthly_income_per_capita WHEN s.id IS NOT NULL "
              "THEN s.household_income_per_capita / 12 ELSE NULL END")
    return htype, income, {"changed_before": connection.ops.adapt_datetimefield_value(midnight)}


def income_limit(on: dt.date) -> Decimal | None:
    """The living subsidy's income limit on ``on`` (monthly, per capita), if it has one."""
    if not has_ruleset():
        return None
    try:
        ruleset = ruleset_for()
        test = ruleset.rules_on("living", on).income_test
        if test is None or not test.household_per_capita:
            return None
        return eligibility.fen(ruleset.dibao_on(on).monthly * test.dibao_multiple)
    except LookupError:
        return None


def _from(region: Region, on: dt.date, paid_year: int | None) -> tuple[str, str, dict[str, Any]]:
    """(select columns, FROM … WHERE …, params) of the facts on ``on`` per person."""
    htype, income, params = _household_source(on)
    limit = income_limit(on)
    in_region, region_params = scoping.region_sql(region, "p.village_id")
    params.update(on=on, year=on.year, **region_params, limit=limit, paid_year=paid_year)
    below = ("NULL" if limit is None else
             "CASE WHEN income IS NULL THEN NULL WHEN income < CAST(%(limit)s AS NUMERIC) THEN 1 "
             "ELSE 0 END")  # CAST: SQLite binds a Decimal as text
    paid = ""
    paid_columns = "0 AS paid_living, 0 AS paid_nursing"
    if paid_year is not None:
        # Both subsidies' paid years in one join: the year's paid persons grouped first
        # (one row each), not a join per subsidy over the million persons.
        paid = """
        LEFT JOIN (SELECT person_id,
                          MAX(CASE WHEN subsidy = 'living' THEN 1 ELSE 0 END) AS living,
                          MAX(CASE WHEN subsidy = 'nursing' THEN 1 ELSE 0 END) AS nursing
                   FROM benefits_paidyear WHERE year = %(paid_year)s
                   GROUP BY person_id) y ON y.person_id = p.id"""
        paid_columns = ("COALESCE(y.living, 0) AS paid_living, "
                        "COALESCE(y.nursing, 0) AS paid_nursing")
    inner = f"""
        SELECT p.id, p.name, p.village_id,
               CASE WHEN p.death_date IS NULL OR p.death_date > %(on)s THEN 1 ELSE 0 END AS alive,
               c.category, c.grade, {htype} AS household_type, {income} AS income, {paid_columns}
        FROM people_person p
        LEFT JOIN certificates_certificate c ON c.person_id = p.id AND {validity.sql("%(on)s")}
        LEFT JOIN people_household h ON h.id = p.household_id
        LEFT JOIN surveys_annualsurvey s ON s.person_id = p.id AND s.year = %(year)s {paid}
        WHERE {in_region}"""
    return f"f.*, {below} AS below_limit", f"({inner}) f", params


class Rules:
    """``eligible(subsidy, row)`` for the facts of a row, each combination decided once."""
    def __init__(self, on: dt.date) -> None:
        self.on = on
        self.ruleset = ruleset_for() if has_ruleset() else None
        self.limit = income_limit(on)
        self.cache: dict[tuple, bool] = {}

    def eligible(self, subsidy: str, row: dict[str, Any]) -> bool:
        if self.ruleset is None or not row["alive"] or row["grade"] is None:
            return False
        key = (subsidy, row["category"], row["grade"], row["household_type"] or "ordinary",
               row["below_limit"])
        if key not in self.cache:
            self.cache[key] = self._decide(subsidy, key)
        return self.cache[key]

    def _decide(self, subsidy: str, key: tuple) -> bool:
        _, category, grade, household, below = key
        # The income test compares with "<": one fen under the limit passes, the limit fails.
        income = None if below is None or self.limit is None else \
            self.limit - Decimal("0.01") if below else self.limit
        try:
            facts = eligibility.registry_facts(category=category, grade=grade,
                                               household_type=household, income=income)
            return eligibility.decide(self.ruleset, subsidy, facts, self.on).eligible  # type: ignore[arg-type]
        except (eligibility.FactsError, eligibility.NotInForceError):
            return False


def _run(sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        while batch := cursor.fetchmany(5000):
            for row in batch:
                yield dict(zip(names, row, strict=True))


def reference_date(year: int) -> dt.date:
    """The date a year's subsidy figures are taken on: 30 June, or today while the year
    has not reached it."""
    return min(dt.date(year, 6, 30), clock.today())


def coverage(region: Region, year: int) -> dict[str, dict[str, list[int]]]:
    """Per subsidy and township: [paid, eligible] for the plan's coverage rate. Paid: a
    finalised payment for a month of ``year`` (``PaidYear``). Eligible: those paid, plus
    the persons likely eligible on the year's reference date and not paid. Read from the
    year's stored facts (``yearfacts``) when they are current, else computed here."""
    from . import yearfacts

    if yearfacts.stored(year) is not None:
        return yearfacts.coverage(region, year)
    return live_coverage(region, year)


def live_coverage(region: Region, year: int) -> dict[str, dict[str, list[int]]]:
    """``coverage`` computed from the registry now (what ``yearfacts.refresh`` stores)."""
    on = reference_date(year)
    columns, source, params = _from(region, on, year)
    sql = f"""
        SELECT SUBSTR(village_id, 1, 9) AS township, alive, category, grade, household_type,
               below_limit, paid_living, paid_nursing, COUNT(*) AS n
        FROM (SELECT {columns} FROM {source}) g
        GROUP BY SUBSTR(village_id, 1, 9), alive, category, grade, household_type, below_limit,
                 paid_living, paid_nursing"""
    rules = Rules(on)
    result: dict[str, dict[str, list[int]]] = {s: {} for s in SUBSIDIES}
    for row in _run(sql, params):
        for subsidy in SUBSIDIES:
            pair = result[subsidy].setdefault(row["township"] + "000", [0, 0])
            if row[f"paid_{subsidy}"]:
                pair[0] += row["n"]
                pair[1] += row["n"]
            elif rules.eligible(subsidy, row):
                pair[1] += row["n"]
    return {s: {t: v for t, v in per.items() if v != [0, 0]} for s, per in result.items()}


def unpaid(region: Region, year: int, subsidy: str) -> list[int]:
    """The persons of the coverage gap (eligible, not paid in ``year``), by id: from the
    same source as ``coverage`` (stored facts when current), so list and figure agree."""
    return list(gap_ids(region, year, subsidy))


def gap_ids(region: Region, year: int, subsidy: str) -> Iterable[int]:
    """``unpaid`` as the database can use it: a query of ids over the stored facts (a
    subquery of the gap list's page), or the live computation's list."""
    if subsidy not in SUBSIDIES:
        raise ValueError(subsidy)
    from . import yearfacts

    if yearfacts.stored(year) is not None:
        return yearfacts.unpaid(region, year, subsidy)
    return live_unpaid(region, year, subsidy)


def live_unpaid(region: Region, year: int, subsidy: str) -> list[int]:
    """``unpaid`` computed from the registry now."""
    on = reference_date(year)
    columns, source, params = _from(region, on, year)
    sql = (f"SELECT {columns} FROM {source} WHERE f.paid_{subsidy} = 0 AND f.alive = 1 "
           "AND f.grade IS NOT NULL")
    rules = Rules(on)
    return [row["id"] for row in _run(sql, params) if rules.eligible(subsidy, row)]


def candidates(region: Region, on: dt.date) -> Iterator[tuple[dict[str, Any], str]]:
    """(person row, subsidy) for every person likely eligible on ``on`` (the roll's
    应享未享 check filters out those already covered)."""
    columns, source, params = _from(region, on, None)
    sql = f"SELECT {columns} FROM {source} WHERE f.alive = 1 AND f.grade IS NOT NULL ORDER BY f.id"
    rules = Rules(on)
    for row in _run(sql, params):
        for subsidy in SUBSIDIES:
            if rules.eligible(subsidy, row):
                yield row, subsidy
