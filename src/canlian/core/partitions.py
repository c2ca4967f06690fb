"""Range partitions by time of large tables on PostgreSQL (docs/scaling.md, "Partitioning
by time"). SQLite keeps plain tables: every function here returns at once there.

Three tables, each by its own time column (``TABLES``):

- the audit log (``audit_auditevent``) by month of ``at``, an instant (the deployment's
  local months);
- the payment-roll ledger (``benefits_rollline``, 发放明细) by month of ``period``, a date;
- the annual surveys (``surveys_annualsurvey``, 年度调查) by ``year``, an integer.

PostgreSQL requires the partition column in every unique constraint, so each table's
primary key becomes ``(id, <column>)``; Django keeps ``id`` as the model's key (the ids stay
unique: one sequence feeds them) and the schema check accepts a partitioned table's longer
key (``core/schema.py``). The other unique constraints already contain the column (the
ledger's ``never_pay_twice`` on period, person and subsidy; one survey per person and
year), so PostgreSQL enforces them in each partition exactly as before. No database foreign
key may point at a partitioned table's ``id`` alone: ``convert`` refuses while one does.

- ``convert``: today's plain table → a partitioned one on a live database. A new
  partitioned table is built beside the old one, with statement triggers on the old table
  that repeat every insert, update and delete in the new one; the old rows are copied in
  batches by id, each batch its own short transaction holding the old table in SHARE mode
  (readers go on, writers wait for the batch); then the counts are compared with writers
  held, and a short exclusive lock drops the old table and renames the new one into its
  place (indexes, constraints, triggers and the id sequence included). Interrupted, it
  resumes after the last copied batch.
- ``ensure_ahead``: the partitions of this period and the next ``ahead`` ones (the
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
    column: str
    # "instant": a timestamp with time zone, by local month; "date": a date, by month;
    # "year": an integer year, by year.
    key: str = "instant"

    @property
    def yearly(self) -> bool:
        return self.key == "year"


AUDIT = Spec("audit_auditevent", "at")
ROLL_LINES = Spec("benefits_rollline", "period", "date")
SURVEYS = Spec("surveys_annualsurvey", "year", "year")
TABLES = {"audit": AUDIT, "rolllines": ROLL_LINES, "surveys": SURVEYS}


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


def _start(spec: Spec, day: dt.date) -> dt.date:
    return day.replace(month=1, day=1) if spec.yearly else day.replace(day=1)


def _next(spec: Spec, start: dt.date) -> dt.date:
    return start.replace(year=start.year + 1) if spec.yearly else next_month(start)


def periods(spec: Spec, first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the periods (months or years) from ``first``'s to ``last``'s."""
    found, start = [], _start(spec, first)
    while start <= last:
        found.append(start)
        start = _next(spec, start)
    return found


def _ahead(spec: Spec, start: dt.date, ahead: int) -> dt.date:
    for _ in range(ahead):
        start = _next(spec, start)
    return start


def _bound(spec: Spec, start: dt.date) -> str:
    if spec.key == "year":
        return str(start.year)
    if spec.key == "date":
        return f"'{start.isoformat()}'"
    return "'" + dt.datetime(start.year, start.month, 1,
                             tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat() + "'"


def partition_name(spec: Spec, start: dt.date) -> str:
    return f"{spec.table}_p{start:%Y}" if spec.yearly else f"{spec.table}_p{start:%Y%m}"


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


def _create(cursor, spec: Spec, parent: str, start: dt.date) -> str | None:
    name = partition_name(spec, start)
    if _exists(cursor, name):
        return None
    cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{parent}" FOR VALUES FROM '
                   f"({_bound(spec, start)}) TO ({_bound(spec, _next(spec, start))})")
    return name


def _name_indexes(cursor, spec: Spec) -> None:
    """Name each partition's indexes after the parent's (``never_pay_twice_p202501``, not
    PostgreSQL's ``…_period_person_id_subsidy_idx``), so a refused write names the
    constraint the code and the staff know."""
    cursor.execute("""SELECT c.relname, p.relname, t.relname FROM pg_inherits ti
                      JOIN pg_class t ON t.oid = ti.inhrelid
                      JOIN pg_index x ON x.indrelid = t.oid
                      JOIN pg_class c ON c.oid = x.indexrelid
                      JOIN pg_inherits i ON i.inhrelid = x.indexrelid
                      JOIN pg_class p ON p.oid = i.inhparent
                      WHERE ti.inhparent = %s::regclass""", [spec.table])
    for index, parent, partition in cursor.fetchall():
        wanted = f"{parent}_{partition.removeprefix(spec.table + '_')}"[:63]
        if index != wanted:
            cursor.execute(f'ALTER INDEX "{index}" RENAME TO "{wanted}"')


def ensure_ahead(spec: Spec = AUDIT, ahead: int = 3) -> dict[str, object]:
    """Create the missing partitions from this period to ``ahead`` periods on (months, or
    years for a yearly table). A period whose rows already went to the default partition is
    reported, not created (see docs/scaling.md for moving them)."""
    if not is_partitioned(spec):
        return {"partitioned": False, "created": []}
    this = _start(spec, clock.today())
    created, blocked = [], []
    with connection.cursor() as cursor:
        for start in periods(spec, this, _ahead(spec, this, ahead)):
            try:
                with transaction.atomic():
                    name = _create(cursor, spec, spec.table, start)
            except Exception as exc:
                blocked.append(f"{start:%Y-%m}: {str(exc).splitlines()[0]}")
                continue
            if name:
                created.append(name)
        if created:
            _name_indexes(cursor, spec)
    return {"partitioned": True, "created": created, "blocked": blocked}


ensure_months = ensure_ahead


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    cursor.execute("""SELECT i.relname, pg_get_indexdef(x.indexrelid)
                      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                      WHERE x.indrelid = %s::regclass AND NOT EXISTS (
                          SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
                          AND c.conrelid = x.indrelid)
                      ORDER BY i.relname""", [table])
    return cursor.fetchall()


def _constraints(cursor, table: str, kinds: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's constraints of these kinds (u unique, f foreign
    key, x exclusion)."""
    cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid = %s::regclass AND contype::text = ANY(%s) ORDER BY conname""",
                   [table, list(kinds)])
    return cursor.fetchall()


def _referenced_by(cursor, table: str) -> list[str]:
    cursor.execute("""SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint
                      WHERE confrelid = %s::regclass AND contype = 'f' ORDER BY 1""", [table])
    return [name for (name,) in cursor.fetchall()]


def _triggers(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute("""SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
                      WHERE tgrelid = %s::regclass AND NOT tgisinternal
                      AND tgname NOT LIKE 'partition\\_mirror\\_%%' ORDER BY tgname""",
                   [table])
    return cursor.fetchall()


def _on(definition: str, old: str, new: str) -> str:
    for form in (f" ON public.{old} ", f" ON {old} ", f' ON public."{old}" '):
        if form in definition:
            return definition.replace(form, f' ON public."{new}" ', 1)
    raise ValueError(f"cannot retarget {definition!r}")


def _mirror(cursor, spec: Spec, new: str) -> None:
    """Statement triggers on the old table that repeat its writes in the new one while the
    rows are copied (transition tables: one statement each, not one per row)."""
    table, column = spec.table, spec.column
    match = f'n.id = o.id AND n."{column}" = o."{column}"'
    bodies = {
        "insert": f'INSERT INTO "{new}" SELECT * FROM changed_new ON CONFLICT DO NOTHING;',
        "update": (f'DELETE FROM "{new}" n USING changed_old o WHERE {match}; '
                   f'INSERT INTO "{new}" SELECT * FROM changed_new ON CONFLICT DO NOTHING;'),
        "delete": f'DELETE FROM "{new}" n USING changed_old o WHERE {match};',
    }
    tables = {"insert": "NEW TABLE AS changed_new",
              "update": "OLD TABLE AS changed_old NEW TABLE AS changed_new",
              "delete": "OLD TABLE AS changed_old"}
    for event, body in bodies.items():
        function = f"partition_mirror_{event}_{table}"
        cursor.execute(f'CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger '
                       f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")
        cursor.execute(f'CREATE TRIGGER "partition_mirror_{event}" AFTER {event.upper()} ON '
                       f'"{table}" REFERENCING {tables[event]} FOR EACH STATEMENT '
                       f'EXECUTE FUNCTION "{function}"()')


def _drop_mirror(cursor, spec: Spec) -> None:
    for event in ("insert", "update", "delete"):
        cursor.execute(f'DROP FUNCTION IF EXISTS "partition_mirror_{event}_{spec.table}"() '
                       "CASCADE")


def _copied(cursor, new: str) -> int:
    cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [new])
    note = cursor.fetchone()[0] or ""
    return int(note.removeprefix("copied up to id ")) if note.startswith("copied") else 0


def _oldest_newest(cursor, spec: Spec) -> tuple[dt.date, dt.date]:
    cursor.execute(f'SELECT min("{spec.column}"), max("{spec.column}") FROM "{spec.table}"')
    found = []
    for value in cursor.fetchone():
        if value is None:
            value = clock.today()
        elif spec.key == "instant":
            value = value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
        elif spec.key == "year":
            value = dt.date(value, 1, 1)
        found.append(value)
    return found[0], found[1]


def convert(spec: Spec = AUDIT, *, batch: int = 50_000, ahead: int = 3,
            report: Callable[[str], None] = lambda line: None) -> dict[str, object]:
    """Make ``spec.table`` partitioned by its time column, copying its rows in batches while
    the site keeps writing (see the module docstring). Returns counts; does nothing on SQLite
    or if already partitioned; refuses while a foreign key points at the table."""
    if not _postgresql() or is_partitioned(spec):
        return {"converted": False}
    table, column, new = spec.table, spec.column, f"{spec.table}__partitioned"
    with connection.cursor() as cursor:
        referencing = _referenced_by(cursor, table)
        if referencing:
            raise RuntimeError(f"{table}: foreign keys point at it ({', '.join(referencing)}); "
                               f"a partitioned table's key is (id, {column}): drop them first")
        if not _exists(cursor, new):
            with transaction.atomic():
                cursor.execute(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS '
                               f'INCLUDING CONSTRAINTS INCLUDING STORAGE) '
                               f'PARTITION BY RANGE ("{column}")')
                cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{new}_pkey" '
                               f'PRIMARY KEY (id, "{column}")')
                oldest, newest = _oldest_newest(cursor, spec)
                last = max(newest, _ahead(spec, _start(spec, clock.today()), ahead))
                made = periods(spec, oldest, last)
                for start in made:
                    _create(cursor, spec, new, start)
                cursor.execute(f'CREATE TABLE "{table}_pdefault" PARTITION OF "{new}" DEFAULT')
                for name, definition in _constraints(cursor, table, "ux"):
                    cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{name}__p" {definition}')
                for name, definition in _constraints(cursor, table, "f"):
                    cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{name}" {definition}')
                for name, definition in _indexes(cursor, table):
                    cursor.execute(_on(definition, table, new)
                                   .replace(f"INDEX {name} ", f'INDEX "{name}__p" ', 1))
                # From here every write to the old table is repeated in the new one.
                _mirror(cursor, spec, new)
            report(f"created {new} with {len(made)} partitions")
        copied = _copied(cursor, new)
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
        high = cursor.fetchone()[0]
        while copied < high:
            with transaction.atomic():
                cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
                cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}" '
                               f"WHERE id > %s AND id <= %s ON CONFLICT DO NOTHING",
                               [copied, copied + batch])
                copied += batch
                cursor.execute(f"COMMENT ON TABLE \"{new}\" IS 'copied up to id {copied}'")
            report(f"copied up to id {min(copied, high)} of {high}")
        with transaction.atomic():
            # Writers wait while the counts are compared; readers go on until the swap.
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
            cursor.execute(f'SELECT (SELECT count(*) FROM "{table}"), (SELECT count(*) FROM "{new}")')
            before, after = cursor.fetchone()
            if before != after:
                raise RuntimeError(f"{table}: {before} rows but {after} copied, nothing swapped: "
                                   f"drop {new} and run again")
            cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            cursor.execute(f"SELECT greatest((SELECT coalesce(max(id), 0) FROM \"{table}\"), "
                           f"(SELECT last_value FROM {_sequence(cursor, table)}))")
            next_id = cursor.fetchone()[0] + 1
            indexes, triggers = _indexes(cursor, table), _triggers(cursor, table)
            unique = _constraints(cursor, table, "ux")
            cursor.execute(f'DROP TABLE "{table}"')
            _drop_mirror(cursor, spec)
            cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            cursor.execute(f'COMMENT ON TABLE "{table}" IS NULL')
            cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{new}_pkey" TO "{table}_pkey"')
            for name, _ in unique:
                cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{name}__p" TO "{name}"')
            for name, _ in indexes:
                cursor.execute(f'ALTER INDEX "{name}__p" RENAME TO "{name}"')
            for _, definition in triggers:
                cursor.execute(_on(definition, table, table))
            _name_indexes(cursor, spec)
            cursor.execute(f'CREATE SEQUENCE "{table}_id_seq" OWNED BY "{table}".id '
                           f"START WITH {next_id}")
            cursor.execute(f"ALTER TABLE \"{table}\" ALTER COLUMN id SET DEFAULT "
                           f"nextval('\"{table}_id_seq\"')")
        report(f"swapped: {table} is partitioned by {column} ({after} rows)")
        # Autovacuum analyses the partitions, never their parent: the planner's estimates
        # for a query over several periods need the parent's statistics.
        cursor.execute(f'ANALYZE "{table}"')
        report(f"analysed {table}")
    return {"converted": True, "rows": after}


def _sequence(cursor, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cursor.fetchone()[0]
