"""Stored survey places (调查指标归属): each survey row's place in every survey-based
indicator, kept so that the survey pass and its lists read one narrow table.

``measures.survey_conditions`` is the one definition of who is in each survey indicator's
denominator and numerator. Evaluated live, it is ten CASE expressions over each of a year's
wide survey rows, then a hash aggregate: at 100,000 persons about half a second, the
largest part of a plan's figures once the subsidy facts were stored (``benefits.yearfacts``).
Here the same expressions (``measures.place_expressions``, unchanged) are evaluated once per
row and kept in ``SurveyPlace``: 0 outside the denominator, 1 in it, 2 in the numerator.

Two writers keep them, both ``INSERT … SELECT`` of that one definition:

- ``refresh(year)``: the whole year, in one transaction (the nightly job ``survey_places``,
  and after a bulk load); ``SurveyPlaceSet`` records the definitions' signature
  (``measures.place_signature``: the conditions' SQL with the 低保 standard and the dates).
- ``refresh_persons(ids)``: those persons' rows of every stored year, called by the actions
  that change a place: a survey saved, a service recorded (``ServiceRecorded``), culture
  attendance, a placement started or ended, an education register status, a programme's
  roster confirmed or bill accepted, a corrected date of birth. The figure moves at once.

Reads (``measures.stored_places``) use the rows only while the year's set was taken with
today's signature (a new 低保 standard, a changed definition: live until the next run). A
bulk import that rewrites surveys or services set-based calls ``forget``: live until the
night's run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, When
from django.utils import timezone

from canlian.benefits import yearfacts
from canlian.core import bulk
from canlian.people.models import Person
from canlian.regions.models import Deployment, Region

from . import accessibility, actions, measures
from .measures import Scope
from .models import SurveyPlace, SurveyPlaceSet, SurveyTally

TABLE = SurveyPlace._meta.db_table
TALLY = SurveyTally._meta.db_table
CODES = [f.name for f in SurveyPlace._meta.get_fields()
         if getattr(f, "column", None) and f.name not in ("survey", "year", "person",
                                                          "village_code", "income")]
CHUNK = 1000


def _insert(scope: Scope, person_ids: list[int] | None = None) -> tuple[str, list[Any]]:
    """``INSERT … SELECT`` of the scope's survey rows with their places (those of
    ``person_ids`` only, if given)."""
    places = measures.place_expressions(scope)
    income = Case(When(measures.COUNTED_INCOME, then=F("household_income_per_capita")),
                  default=None, output_field=DecimalField(max_digits=12, decimal_places=2))
    surveys = measures._surveys(scope)
    if person_ids is not None:
        surveys = surveys.filter(person_id__in=person_ids)
    query = surveys.annotate(**places, place_income=income).values(
        "id", "year", "person_id", "village_id", *places, "place_income").query
    sql, params = query.sql_with_params()
    chosen = [f"q.{connection.ops.quote_name(code)}" if code in places else "0" for code in CODES]
    columns = ", ".join(connection.ops.quote_name(c) for c in CODES)
    return (f"INSERT INTO {TABLE} (survey_id, year, person_id, village_code, {columns}, income) "
            f"SELECT q.id, q.year, q.person_id, q.village_id, {', '.join(chosen)}, "
            f"q.place_income FROM ({sql}) q", list(params))


def refresh(year: int, root: Region | None = None) -> int:
    """Take every survey row's places of ``year`` in the deployment again; returns the rows.
    One transaction: readers see the old rows or the new, never half."""
    scope = Scope(Deployment.current_root(root), year)
    sql, params = _insert(scope)
    with transaction.atomic():
        with connection.cursor() as cursor:
            bulk.tune_statement(cursor)
            if connection.vendor == "postgresql":
                # the actions' writers of single persons wait for the year, then see it
                # (and the year waits for those already under way)
                cursor.execute(f"LOCK TABLE {TABLE}, {TALLY} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {TABLE} WHERE year = %s", [year])
            cursor.execute(sql, params)
            rows = cursor.rowcount
            _tally(cursor, year)
        actions.record_survey_places(year, measures.place_signature(scope), rows)
    _tidy(rows)
    return rows


def _tidy(rows: int) -> None:
    """After a year's rows were replaced (``bulk.tidy``)."""
    bulk.tidy(TABLE, TALLY, rows=rows)


def _tally(cursor: Any, year: int, villages: list[str] | None = None) -> None:
    """Count the year's places again per village and combination (``SurveyTally``): every
    village's, or those of ``villages``."""
    where = "year = %s"
    params: list[Any] = [year]
    if villages is not None:
        where += f" AND village_code IN ({', '.join(['%s'] * len(villages))})"
        params += villages
    columns = ", ".join(connection.ops.quote_name(c) for c in CODES)
    cursor.execute(f"DELETE FROM {TALLY} WHERE {where}", params)
    cursor.execute(f"""
        INSERT INTO {TALLY} (year, village_code, {columns}, surveys, income_sum, income_n)
        SELECT year, village_code, {columns}, COUNT(*), SUM(income), COUNT(income)
        FROM {TABLE} WHERE {where} GROUP BY year, village_code, {columns}""", params)


def _villages(cursor: Any, year: int, person_ids: list[int]) -> set[str]:
    marks = ", ".join(["%s"] * len(person_ids))
    cursor.execute(f"SELECT DISTINCT village_code FROM {TABLE} WHERE year = %s "
                   f"AND person_id IN ({marks})", [year, *person_ids])
    return {row[0] for row in cursor.fetchall()}


def refresh_persons(person_ids: Iterable[int | None]) -> None:
    """Take these persons' places again in every stored year (the caller's transaction):
    what the actions that change a survey indicator's inputs call; their stored home needs
    (``accessibility``) too."""
    ids = sorted({pid for pid in person_ids if pid is not None})
    with transaction.atomic():
        _refresh_persons(ids)
        accessibility.refresh_persons(ids)


def _refresh_persons(ids: list[int]) -> None:
    years = sorted(SurveyPlaceSet.objects.values_list("year", flat=True))
    if not ids or not years:
        return
    root = Deployment.current_root()
    with transaction.atomic(), connection.cursor() as cursor:
        # the persons' row locks (as ``surveys.served`` takes them): a second writer of the
        # same person waits, then sees these rows
        list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")
             .values_list("pk"))
        for year in years:
            scope = Scope(root, year)
            villages: set[str] = set()
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start:start + CHUNK]
                villages |= _villages(cursor, year, chunk)
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {TABLE} WHERE year = %s AND person_id IN ({marks})",
                               [year, *chunk])
                sql, params = _insert(scope, chunk)
                cursor.execute(sql, params)
                villages |= _villages(cursor, year, chunk)
            if villages:
                _lock_villages(cursor, year, sorted(villages))
                _tally(cursor, year, sorted(villages))


def _lock_villages(cursor: Any, year: int, villages: list[str]) -> None:
    """On PostgreSQL, one writer at a time counts a village's year (transaction-level
    advisory locks, in code order): a second writer waits and then counts the first's rows
    too, instead of deleting tallies it cannot see yet. SQLite has one writer anyway."""
    if connection.vendor != "postgresql":
        return
    for village in villages:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [year, int(village) % 2**31])


def forget(years: Iterable[int] | None = None) -> None:
    """Surveys or their sources were rewritten in bulk: these years' (None: every year's)
    stored places, and the stored home needs of the periods including them, are no longer
    read (live until the next refresh)."""
    chosen = None if years is None else sorted(set(years))
    actions.forget_survey_places(chosen)
    accessibility.forget(chosen)


def plan_years() -> list[int]:
    """The years the nightly job keeps: those of the stored subsidy facts' job."""
    return yearfacts.plan_years()


def refresh_all(years: Iterable[int] | None = None) -> dict[str, Any]:
    """Refresh every year (default: the plan years), and each year's stored home needs
    (``accessibility``); a summary for the job's status page."""
    done = {}
    started = timezone.now()
    chosen = list(years if years is not None else plan_years())
    for year in chosen:
        done[str(year)] = refresh(year)
    homes = accessibility.refresh_all(chosen)
    return {"years": done, "home_needs": homes["home_needs"],
            "seconds": round((timezone.now() - started).total_seconds(), 1)}
