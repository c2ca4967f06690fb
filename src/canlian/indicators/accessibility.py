"""Stored home needs (无障碍改造需求户): the persons the home-accessibility rate counts for a
year and plan period, kept so that the accessibility pass reads one narrow table.

``measures.accessibility_rows`` is the one definition: the period's surveys needing a home
renovation and qualifying (hardship or grade 1–2), joined to their persons, who must still
be resident at the year's end (living, and holding a certificate valid that day: a
semi-join on certificates). Evaluated live it reads every survey of the period so far (up to
five years) and the persons and certificates behind them: 4.7–7.7 s at a million persons,
the largest part of a plan's figures once the survey places and subsidy facts were stored
(bench/README.md). Here the same query is evaluated once per year and period and its rows
kept in ``HomeNeed`` (person, household, village); whether each household was renovated is
still read live from the accepted renovations (a small table), so a renovation accepted
moves the figure at once.

Writers, both ``INSERT … SELECT`` of that one query:

- ``refresh(year, period_start)``: the whole deployment, in one transaction (the nightly job
  ``survey_places``, for every plan year and its plan's start); ``HomeNeedSet`` records
  the query's signature (``measures.home_need_signature``: its SQL with the period and the
  year's end, today within the current year).
- ``refresh_persons(ids)``: those persons' rows of every stored set, called wherever the
  survey places of a person are taken again (``places.refresh_persons``: a survey saved, a
  service, a corrected date of birth …), and after the commit of a death, a certificate
  ended or issued, a move or a corrected date of death (``refresh_after_commit``, from the
  subscribers: the persons of one transaction in one batch, the sets from the change's
  year on).

Reads (``measures.stored_home_needs``) use the rows only while the set was taken with
today's signature: a set of the current year taken yesterday is not read (its end is
today), nor one taken with another definition. A bulk rewrite of surveys forgets the sets
of the years it touched (``places.forget`` calls ``forget``), an import of certificates
every set. The list of what is followed: docs/indicators.md ("Stored home needs").
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from canlian.core import bulk
from canlian.people.models import Person
from canlian.regions.models import Deployment, Region

from . import actions, measures, plans
from .measures import Scope
from .models import HomeNeed, HomeNeedSet

TABLE = HomeNeed._meta.db_table
CHUNK = 1000
logger = logging.getLogger(__name__)


def _insert(scope: Scope, period_start: int,
            person_ids: list[int] | None = None) -> tuple[str, list[Any]]:
    """``INSERT … SELECT`` of the scope's home needs (those of ``person_ids`` only, if given)."""
    rows = measures.accessibility_rows(scope, period_start)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    sql, params = rows.query.sql_with_params()
    return (f"INSERT INTO {TABLE} (year, period_start, person_id, household_id, village_code) "
            f"SELECT %s, %s, q.* FROM ({sql}) q", [scope.year, period_start, *params])


def refresh(year: int, period_start: int, root: Region | None = None) -> int:
    """Take the deployment's home needs of ``year`` in the period from ``period_start``
    again; returns the persons. One transaction: readers see the old rows or the new."""
    scope = Scope(Deployment.current_root(root), year)
    sql, params = _insert(scope, period_start)
    with transaction.atomic():
        with connection.cursor() as cursor:
            bulk.tune_statement(cursor)
            if connection.vendor == "postgresql":
                # the actions' writers of single persons wait for the year, then see it
                cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {TABLE} WHERE year = %s AND period_start = %s",
                           [year, period_start])
            cursor.execute(sql, params)
            rows = cursor.rowcount
        actions.record_home_needs(year, period_start,
                                  measures.home_need_signature(scope, period_start), rows)
    _tidy(rows)
    return rows


def _tidy(rows: int) -> None:
    """VACUUM (ANALYZE) outside a transaction on PostgreSQL; else ANALYZE after the commit."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {TABLE}")
        return
    bulk.analyze(TABLE, rows=rows)


def refresh_persons(person_ids: Iterable[int | None], since: int | None = None) -> None:
    """Take these persons' home needs again in every stored set (the caller's transaction):
    those of the years from ``since`` on, if given (a set's year ends before anything
    that changed on a later day)."""
    ids = sorted({pid for pid in person_ids if pid is not None})
    chosen = HomeNeedSet.objects.all() if since is None else HomeNeedSet.objects.filter(
        year__gte=since)
    sets = list(chosen.order_by("year", "period_start").values_list("year", "period_start"))
    if not ids or not sets:
        return
    root = Deployment.current_root()
    with transaction.atomic(), connection.cursor() as cursor:
        # the persons' row locks, as ``places.refresh_persons`` takes them
        list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")
             .values_list("pk"))
        for year, period_start in sets:
            scope = Scope(root, year)
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start:start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {TABLE} WHERE year = %s AND period_start = %s "
                               f"AND person_id IN ({marks})", [year, period_start, *chunk])
                sql, params = _insert(scope, period_start, chunk)
                cursor.execute(sql, params)


class _Batch:
    """The persons whose home needs one transaction changed, and the earliest year it
    changed; taken again in one set-based refresh once that transaction commits."""

    def __init__(self) -> None:
        self.persons: set[int] = set()
        self.since: int | None = None
        self.every_year = False
        self.done = False

    def add(self, ids: set[int], since: dt.date | None) -> None:
        self.persons |= ids
        if since is None:
            self.every_year = True
        else:
            self.since = since.year if self.since is None else min(self.since, since.year)

    def __call__(self) -> None:
        self.done = True
        ids = sorted(self.persons)
        try:
            with transaction.atomic():
                refresh_persons(ids, since=None if self.every_year else self.since)
        except DatabaseError:
            # the change itself is committed: read live rather than stale rows until the
            # night's run takes every set again
            logger.exception("home needs of %d persons not taken again: sets forgotten", len(ids))
            forget(None)


_pending = threading.local()


def refresh_after_commit(person_ids: Iterable[int | None], since: dt.date | None) -> None:
    """Take these persons' home needs again once the current transaction commits: what the
    subscribers call (``subscribers``) for a death, a certificate ended or issued, a move or
    a corrected date of death. ``since``: the earliest day whose facts changed (None: any
    day; a move changes the village and household every stored year reads).

    The persons of one transaction are gathered into one batch, refreshed set-based after
    the commit (the expiry sweep ends many certificates in one transaction); a rollback
    discards the batch with the rest, so the stored rows stay as they were."""
    ids = {pid for pid in person_ids if pid is not None}
    if not ids:
        return
    batch: _Batch | None = getattr(_pending, "batch", None)
    if batch is None or batch.done or not _waiting(batch):
        batch = _pending.batch = _Batch()
        batch.add(ids, since)
        transaction.on_commit(batch, robust=True)
        return
    batch.add(ids, since)


def _waiting(batch: _Batch) -> bool:
    """The batch is still registered to run at the commit: not discarded by the rollback of
    the transaction or savepoint that registered it."""
    return any(entry[1] is batch for entry in connection.run_on_commit)


def forget(years: Iterable[int] | None = None) -> None:
    """Surveys of these years (None: of every year) were rewritten in bulk: the stored sets
    whose period includes one of them are no longer read (live until the next refresh)."""
    actions.forget_home_needs(None if years is None else sorted(set(years)))


def period_starts(year: int) -> list[int]:
    """The starts of the deployment's plan periods that include ``year``."""
    deployment = Deployment.current()
    starts: set[int] = set()
    for code in plans.available():
        plan = plans.load(code)
        if deployment is not None and plan.region == deployment.root.name \
                and year in plan.years:
            starts.add(plan.start)
    return sorted(starts)


def refresh_all(years: Iterable[int]) -> dict[str, Any]:
    """Refresh every year with each plan period that includes it; a summary for the job."""
    done = {}
    started = timezone.now()
    for year in years:
        for start in period_starts(year):
            done[f"{start}-{year}"] = refresh(year, start)
    return {"home_needs": done, "seconds": round((timezone.now() - started).total_seconds(), 1)}
