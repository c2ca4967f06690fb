"""Stored per-year subsidy facts (年度应享事实): what the coverage indicators and their gap
lists (应享未享) read, so that neither joins a million persons at query time.

``likely`` is the one definition of "likely eligible on a date": persons, the certificate
valid that day, the household as it stood (registry or that year's survey) and the year's
paid persons, joined and decided by the pure rules. At a million persons that pass is four
hash joins and costs 7–15 × one full scan of the survey table on a loaded two-core server,
evaluated again for every dashboard, indicator page and list. Here the same SQL
(``likely._from``, unchanged) is evaluated once per year by an explicit job and its result
kept in ``YearFact``, one narrow row per person and year:

1. ``CREATE TEMP TABLE … AS SELECT`` the facts on the year's reference date
   (``likely.reference_date``) for the whole deployment;
2. the pure rules decide each distinct combination of facts once (``likely.Rules``, a few
   hundred combinations);
3. one ``DELETE`` and one ``INSERT … SELECT`` replace the year's rows, joined to the
   decisions; ``YearFactSet`` records the reference date and when the facts were taken.

Reads (``coverage``, ``unpaid``) use the stored rows only while the set's date is still the
year's reference date (a year before 30 June moves with today); otherwise ``likely``
computes live, as it did before. The figure and the list therefore always come from the
same rows. When the paid persons of a year change (a roll finalised, a bank result), the
year's set is forgotten (``forget``), so figures fall back to live until the next refresh;
the scheduled job ``subsidy_year_facts`` refreshes every year of the plan period nightly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from canlian.accounts import scoping
from canlian.core import bulk, clock
from canlian.indicators import plans
from canlian.regions.models import Deployment, Region

from . import likely
from .actions import forget_year_facts, record_year_facts
from .models import YearFact, YearFactSet

STAGE = "yearfact_stage"
DECIDED = "yearfact_decided"
FACT_TABLE = YearFact._meta.db_table
NONE = -1  # NULL in the join keys (a hash join cannot match NULL = NULL)
# Per subsidy: (paid in the year, likely eligible on the reference date).
FLAGS = {"living": (Q(paid_living=True), Q(likely_living=True)),
         "nursing": (Q(paid_nursing=True), Q(likely_nursing=True))}


def stored(year: int) -> YearFactSet | None:
    """The year's stored set, if it is taken on the year's current reference date."""
    found = YearFactSet.objects.filter(year=year).first()
    if found is None or found.on != likely.reference_date(year):
        return None
    return found


def refresh(year: int, root: Region | None = None) -> int:
    """Recompute and store every person's facts of ``year`` in the deployment; returns the
    number of persons. One transaction: readers see the old rows or the new, never half."""
    root = Deployment.current_root(root)
    on = likely.reference_date(year)
    columns, source, params = likely._from(root, on, year)
    with transaction.atomic():
        with connection.cursor() as cursor:
            bulk.tune_statement(cursor)
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {DECIDED}")
            cursor.execute(f"""
                CREATE TEMP TABLE {STAGE} AS
                SELECT g.id, g.village_id, CAST(g.alive AS INTEGER) AS alive,
                       g.category, g.grade, COALESCE(g.household_type, '') AS household_type,
                       CAST(g.below_limit AS INTEGER) AS below_limit,
                       CAST(g.paid_living AS INTEGER) AS paid_living,
                       CAST(g.paid_nursing AS INTEGER) AS paid_nursing
                FROM (SELECT {columns} FROM {source}) g""", params)
            cursor.execute(f"SELECT DISTINCT alive, category, grade, household_type, "
                           f"below_limit FROM {STAGE}")
            decided = list(_decide(on, cursor.fetchall()))
            cursor.execute(f"""CREATE TEMP TABLE {DECIDED} (alive INTEGER, category INTEGER,
                grade INTEGER, household_type VARCHAR(20), below_limit INTEGER,
                living INTEGER, nursing INTEGER)""")
        bulk.insert(DECIDED, ("alive", "category", "grade", "household_type", "below_limit",
                              "living", "nursing"), decided)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FACT_TABLE} WHERE year = %s", [year])
            cursor.execute(f"""
                INSERT INTO {FACT_TABLE} (year, person_id, village_code, alive, category,
                    grade, household_type, below_limit, likely_living, likely_nursing,
                    paid_living, paid_nursing)
                SELECT %s, s.id, s.village_id, CAST(s.alive AS BOOLEAN), s.category, s.grade,
                    s.household_type, CAST(s.below_limit AS BOOLEAN),
                    CAST(d.living AS BOOLEAN), CAST(d.nursing AS BOOLEAN),
                    CAST(s.paid_living AS BOOLEAN), CAST(s.paid_nursing AS BOOLEAN)
                FROM {STAGE} s JOIN {DECIDED} d ON d.alive = s.alive
                    AND d.category = COALESCE(s.category, {NONE})
                    AND d.grade = COALESCE(s.grade, {NONE})
                    AND d.household_type = s.household_type
                    AND d.below_limit = COALESCE(s.below_limit, {NONE})""", [year])
            persons = cursor.rowcount
            cursor.execute(f"DROP TABLE {STAGE}")
            cursor.execute(f"DROP TABLE {DECIDED}")
        record_year_facts(year, on, persons)
    # the gap lists read the facts from their partial indexes alone once the table is vacuumed
    bulk.tidy(FACT_TABLE, rows=persons)
    return persons


def _decide(on: dt.date, combinations: Iterable[tuple]) -> Iterable[tuple]:
    """Each distinct combination of facts with the rules' decision for both subsidies,
    NULLs as ``NONE`` for the join."""
    rules = likely.Rules(on)
    for alive, category, grade, household, below in combinations:
        row = {"alive": alive, "category": category, "grade": grade,
               "household_type": household, "below_limit": below}
        yield (alive, _key(category), _key(grade), household, _key(below),
               int(rules.eligible("living", row)), int(rules.eligible("nursing", row)))


def _key(value: Any) -> int:
    return NONE if value is None else int(value)


def forget(years: Iterable[int] | None) -> None:
    """The paid persons of these years (None: of every year) changed: their stored facts
    are no longer read (figures are computed live until the next refresh)."""
    forget_year_facts(None if years is None else sorted(set(years)))


def coverage(region: Region, year: int) -> dict[str, dict[str, list[int]]]:
    """``likely.coverage`` read from the stored facts: per subsidy and township, [paid,
    paid or likely eligible]."""
    township = Substr("village_code", 1, 9)
    counts: dict[str, Any] = {}
    for subsidy, (paid, likely_eligible) in FLAGS.items():
        counts[f"{subsidy}_paid"] = Count("pk", filter=paid)
        counts[f"{subsidy}_eligible"] = Count("pk", filter=paid | likely_eligible)
    rows = (YearFact.objects.filter(scoping.within(region, "village_code"), year=year)
            .values(township=township).annotate(**counts).order_by())
    result: dict[str, dict[str, list[int]]] = {s: {} for s in likely.SUBSIDIES}
    for found in rows:
        row: dict[str, Any] = dict(found)
        for subsidy in likely.SUBSIDIES:
            pair = [row[f"{subsidy}_paid"], row[f"{subsidy}_eligible"]]
            if pair != [0, 0]:
                result[subsidy][row["township"] + "000"] = pair
    return result


def unpaid(region: Region, year: int, subsidy: str) -> QuerySet[YearFact, int]:
    """``likely.unpaid`` read from the stored facts: a query of person ids, so that a gap list
    of thousands stays one subquery in the database instead of a list sent back to it."""
    paid, likely_eligible = FLAGS[subsidy]
    return (YearFact.objects.filter(scoping.within(region, "village_code"), year=year)
            .filter(likely_eligible & ~paid)
            .order_by("person_id").values_list("person_id", flat=True))


def plan_years() -> list[int]:
    """The years the nightly job keeps: the deployment's plan periods up to this year."""
    deployment = Deployment.current()
    this_year = clock.today().year
    years: set[int] = set()
    for code in plans.available():
        plan = plans.load(code)
        if deployment is not None and plan.region == deployment.root.name:
            years.update(y for y in plan.years if y <= this_year)
    return sorted(years or {this_year})


def refresh_all(years: Iterable[int] | None = None) -> dict[str, Any]:
    """Refresh every year (default: ``plan_years``); a summary for the job's status page."""
    done = {}
    started = timezone.now()
    for year in years if years is not None else plan_years():
        done[str(year)] = refresh(year)
    return {"years": done, "seconds": round((timezone.now() - started).total_seconds(), 1)}
