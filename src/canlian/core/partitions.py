"""Monthly range partitions of append-only tables on PostgreSQL (docs/scaling.md,
"Partitioning by time"). SQLite keeps plain tables: every function here returns at once
there.

The audit log (``audit_auditevent``, by ``at``) is partitioned first: no foreign key points
at it, it is only appended to, and it grows without bound. PostgreSQL requires the
partition column in the primary key, so the table's key becomes ``(id, at)``; Django keeps
``id`` as the model's key (the ids stay unique: one sequence feeds them) and the schema
check accepts a partitioned table's longer key (``core/schema.py``).

- ``convert``: today's plain table → a partitioned one on a live database. A new
  partitioned table is built beside the old one and filled in batches by id, each batch
  its own short transaction, while the site keeps writing to the old table; then one
  short transaction locks the old table, copies the rows written meanwhile, checks the
  counts, drops it and renames the new one into its place (indexes, triggers and the id
  sequence included). Interrupted, it resumes from the last copied id.
- ``ensure_months``: the partitions of this month and the next ``ahead`` months (the
  scheduled job ``partitions_ahead``). A default partition takes any row outside them, so
  a write never fails for want of a partition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from . import clock


@dataclass(frozen=True)
class Spec:
    table: str
    column: str  # a timestamp with time zone; months are the deployment's local months


AUDIT = Spec("audit_auditevent", "at")
TABLES = {"audit": AUDIT}


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    found, month = [], first.replace(day=1)
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def _bound(month: dt.date) -> str:
    return dt.datetime(month.year, month.month, 1,
                       tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def partition_name(spec: Spec, month: dt.date) -> str:
    return f"{spec.table}_p{month:%Y%m}"


def is_partitioned(spec: Spec) -> bool:
    if not _postgresql():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s AND "
                       "relnamespace = 'public'::regnamespace", [spec.table])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return bool(cursor.fetchone()[0])


def _create_month(cursor, spec: Spec, parent: str, month: dt.date) -> str | None:
    name = partition_name(spec, month)
    if _exists(cursor, name):
        return None
    cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{parent}" FOR VALUES FROM '
                   f"('{_bound(month)}') TO ('{_bound(next_month(month))}')")
    return name


def ensure_months(spec: Spec = AUDIT, ahead: int = 3) -> dict[str, object]:
    """Create the missing partitions from this month to ``ahead`` months on. A month whose
    rows already went to the default partition is reported, not created (see
    docs/scaling.md for moving them)."""
    if not is_partitioned(spec):
        return {"partitioned": False, "created": []}
    this = clock.today().replace(day=1)
    created, blocked = [], []
    with connection.cursor() as cursor:
        for month in months(this, this + dt.timedelta(days=31 * ahead)):
            try:
                with transaction.atomic():
                    name = _create_month(cursor, spec, spec.table, month)
            except Exception as exc:
                blocked.append(f"{month:%Y-%m}: {str(exc).splitlines()[0]}")
                continue
            if name:
                created.append(name)
    return {"partitioned": True, "created": created, "blocked": blocked}


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes other than its primary key."""
    cursor.execute("""SELECT i.relname, pg_get_indexdef(x.indexrelid)
                      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                      WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                      ORDER BY i.relname""", [table])
    return cursor.fetchall()


def _triggers(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute("""SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
                      WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname""",
                   [table])
    return cursor.fetchall()


def _on(definition: str, old: str, new: str) -> str:
    for form in (f" ON public.{old} ", f" ON {old} ", f' ON public."{old}" '):
        if form in definition:
            return definition.replace(form, f' ON public."{new}" ', 1)
    raise ValueError(f"cannot retarget {definition!r}")


def convert(spec: Spec = AUDIT, *, batch: int = 50_000, ahead: int = 3,
            report: Callable[[str], None] = lambda line: None) -> dict[str, object]:
    """Make ``spec.table`` partitioned by month, copying its rows in batches (see the module
    docstring). Returns counts; does nothing on SQLite or if already partitioned."""
    if not _postgresql() or is_partitioned(spec):
        return {"converted": False}
    table, column, new = spec.table, spec.column, f"{spec.table}__partitioned"
    with connection.cursor() as cursor:
        if not _exists(cursor, new):
            with transaction.atomic():
                cursor.execute(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS '
                               f'INCLUDING CONSTRAINTS INCLUDING STORAGE) '
                               f'PARTITION BY RANGE ("{column}")')
                cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{new}_pkey" '
                               f'PRIMARY KEY (id, "{column}")')
                cursor.execute(f'SELECT min("{column}") FROM "{table}"')
                oldest = cursor.fetchone()[0]
                first = (oldest.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
                         if oldest else clock.today())
                last = clock.today().replace(day=1) + dt.timedelta(days=31 * ahead)
                for month in months(first, last):
                    _create_month(cursor, spec, new, month)
                cursor.execute(f'CREATE TABLE "{table}_pdefault" PARTITION OF "{new}" DEFAULT')
                for name, definition in _indexes(cursor, table):
                    cursor.execute(_on(definition, table, new)
                                   .replace(f"INDEX {name} ", f'INDEX "{name}__p" ', 1))
            report(f"created {new} with {len(months(first, last))} monthly partitions")
        # A row whose transaction was still open while its id range was copied is caught
        # at the swap: every row written from an hour before this run's copy began is
        # compared by id (a transaction open longer than that makes the counts differ,
        # and the swap refuses).
        since = clock.now() - dt.timedelta(hours=1)
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{new}"')
        copied = cursor.fetchone()[0]
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
        high = cursor.fetchone()[0]
        while copied < high:
            with transaction.atomic():
                cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}" '
                               f"WHERE id > %s AND id <= %s", [copied, copied + batch])
            copied += batch
            report(f"copied up to id {min(copied, high)} of {high}")
        with transaction.atomic():
            cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            # two index ranges (by id, then by time), not one OR that scans the table
            cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}" WHERE id > '
                           f'(SELECT coalesce(max(id), 0) FROM "{new}")')
            cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}" o WHERE '
                           f'o."{column}" >= %s AND NOT EXISTS (SELECT 1 FROM "{new}" n '
                           f'WHERE n.id = o.id AND n."{column}" = o."{column}")', [since])
            cursor.execute(f'SELECT (SELECT count(*) FROM "{table}"), (SELECT count(*) FROM "{new}")')
            before, after = cursor.fetchone()
            if before != after:
                raise RuntimeError(
                    f"{table}: {before} rows but {after} copied, nothing swapped (a transaction "
                    f"open for over an hour during the copy?): drop {new} and run again")
            cursor.execute(f"SELECT greatest((SELECT coalesce(max(id), 0) FROM \"{table}\"), "
                           f"(SELECT last_value FROM {_sequence(cursor, table)}))")
            next_id = cursor.fetchone()[0] + 1
            indexes, triggers = _indexes(cursor, table), _triggers(cursor, table)
            cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{new}_pkey" TO "{table}_pkey"')
            for name, _ in indexes:
                cursor.execute(f'ALTER INDEX "{name}__p" RENAME TO "{name}"')
            for _, definition in triggers:
                cursor.execute(_on(definition, table, table))
            cursor.execute(f'CREATE SEQUENCE "{table}_id_seq" OWNED BY "{table}".id '
                           f"START WITH {next_id}")
            cursor.execute(f"ALTER TABLE \"{table}\" ALTER COLUMN id SET DEFAULT "
                           f"nextval('\"{table}_id_seq\"')")
        report(f"swapped: {table} is partitioned by month ({after} rows)")
    return {"converted": True, "rows": after}


def _sequence(cursor, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cursor.fetchone()[0]
