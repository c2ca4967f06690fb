"""Fast bulk writes: COPY on PostgreSQL, batched multi-row INSERT elsewhere, and the
statistics refresh that must follow them.

Used where many rows are written at once (payment rolls, roster imports, audit events of
exports, the demo seeder, benchmarks). ``insert`` takes tuples in ``columns`` order;
``create`` takes model rows as dicts and returns their new ids. Both run inside the
caller's transaction. ``analyze`` refreshes the planner's statistics of the tables a bulk
write touched: without it a server whose autovacuum is off (or has not caught up) plans
the next query over a million new rows as if the table were empty.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from . import crypto
from .encrypted import EncryptedCharField, derived_fields

logger = logging.getLogger(__name__)

# A bulk write of at least this many rows refreshes the statistics of the tables it wrote.
# Autovacuum analyses a table after 10 % of it changed; a roll or an import of ten thousand
# rows into an empty or small table changes far more than that, and ANALYZE reads a fixed
# sample (30,000 rows a table by default), so refreshing costs well under a second.
ANALYZE_AFTER_ROWS = 10_000
ANALYZE_FRACTION = 0.1  # autovacuum_analyze_scale_factor's default


def tune_statement(cursor: Any, *, parallel: bool = False) -> None:
    """Inside a transaction, for one large set-based statement on PostgreSQL (a roll, a
    year's facts, the stored indicator places): enough work memory for its hash joins, no
    JIT (it costs more than it saves on a statement run once) and, unless ``parallel``, no
    parallel workers (each would rebuild every hashed subplan). Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")
    if not parallel:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
           batch: int = 2000) -> int:
    count = 0
    if connection.vendor == "postgresql":
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        # Through Django's error wrapper, so a violated constraint is an IntegrityError.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    # SQLite allows at most 32766 bound variables per statement.
    batch = max(1, min(batch, 32000 // max(1, len(columns))))
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    pending: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        def flush() -> None:
            sql = (f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) VALUES "
                   + ", ".join([placeholder] * len(pending)))
            cursor.execute(sql, [v for r in pending for v in r])
            pending.clear()

        for row in rows:
            pending.append(row)
            count += 1
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
    return count


def create(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert new rows of ``model``, each ``{attname: value}`` with database-ready values;
    fields a row leaves out take their default (``auto_now`` fields: now). Returns the new
    ids in order.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows are
    written with COPY: a 100,000-row roster spent most of a minute in ``bulk_create``'s
    per-value preparation and parameter quoting. Elsewhere this is ``bulk_create``.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model._default_manager.bulk_create([model(**row) for row in rows],
                                                  batch_size=500)
        return [obj.pk for obj in made]
    meta = model._meta
    # Sealed one row at a time as COPY takes it: the server indexes the rows already sent
    # while the next ones are encrypted (a roster's 100,000 persons: 1.5 s of sealing and
    # 4.4 s of index upkeep on two cores, overlapped rather than added).
    seal = sealer(model, set(rows[0]))
    given = list(seal(rows[0]) if seal else rows[0])
    prepared = map(seal, rows) if seal else rows
    now = timezone.now()
    constants: dict[str, Any] = {}
    for f in meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants[f.column] = now  # type: ignore[index]
        else:
            constants[f.column] = f.get_db_prep_save(f.get_default(), connection)  # type: ignore[index]
    columns = [meta.get_field(name).column for name in given]  # type: ignore[union-attr]
    pk = meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, pk, len(rows)])
        ids = sorted(r[0] for r in cursor.fetchall())  # in order: the audit chain relies on it
    fixed = tuple(constants.values())
    insert(meta.db_table, [pk, *columns, *constants],  # type: ignore[list-item]
           ((i, *(row[name] for name in given), *fixed)
            for i, row in zip(ids, prepared, strict=True)))
    return ids


def sealed(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with encrypted fields sealed and their derived columns (blind indexes, clear
    tails) added (core/encrypted.py): COPY and ``insert`` bypass the fields' own
    preparation. Rows are ``{attname: value}``; all rows have the same keys."""
    seal = sealer(model, set(rows[0])) if rows else None
    return [dict(row) for row in rows] if seal is None else [seal(row) for row in rows]


def sealer(model: type[Model], keys: set[str]
           ) -> Callable[[Mapping[str, Any]], dict[str, Any]] | None:
    """What ``sealed`` does to one row with ``keys``, or None when nothing is to be done."""
    encrypted = [f.attname for f in model._meta.concrete_fields
                 if isinstance(f, EncryptedCharField) and f.attname in keys]
    indexes = derived_fields(model, keys)
    if not encrypted and not indexes:
        return None

    def seal(row: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(row)
        for ix in indexes:
            out[ix.attname] = ix.derive(out[ix.source])
        for name in encrypted:
            out[name] = None if out[name] is None else crypto.encrypt(out[name])
        return out

    return seal


def _stale(cursor: Any, names: list[str]) -> list[str]:
    """Which of ``names`` (or, for a table partitioned by time, core/partitions.py, which of
    its partitions) the write left with stale statistics: never analysed, or changed since
    the last ANALYZE by at least ``ANALYZE_FRACTION`` of the rows counted then (autovacuum's
    own rule). A partitioned parent is never analysed as a whole: that samples every
    partition again (65 s of a 13 s roll at 100,000 persons with five years of months). A
    roll's regular lines fill one new partition; its few arrears lines in past months no
    longer send each of those months' partitions to a fresh 30,000-row sample (0.8 s of a
    roll at 200,000 persons)."""
    if connection.vendor != "postgresql":
        return names
    inside = connection.in_atomic_block
    if not inside:  # this connection's counts are sent at once
        cursor.execute("SELECT pg_stat_force_next_flush()")
    # Inside a transaction (``at_once``) its own writes are not counted yet: a plain table is
    # then analysed as asked, a partitioned one in the partitions written before.
    cursor.execute("""SELECT t.relname, p.relname IS NOT NULL,
                          s.n_mod_since_analyze > 0
                          AND (t.reltuples < 0 OR (s.last_analyze IS NULL
                                                   AND s.last_autoanalyze IS NULL)
                               OR s.n_mod_since_analyze >= %s * t.reltuples)
                      FROM pg_stat_user_tables s JOIN pg_class t ON t.oid = s.relid
                      LEFT JOIN pg_inherits i ON i.inhrelid = t.oid
                      LEFT JOIN pg_class p ON p.oid = i.inhparent AND p.relkind = 'p'
                      WHERE coalesce(p.relname, t.relname) = ANY(%s) AND t.relkind <> 'p'
                      ORDER BY coalesce(p.relname, t.relname), t.relname""",
                   [ANALYZE_FRACTION, names])
    return [table for table, partition, stale in cursor.fetchall()
            if stale or (inside and not partition)]


def analyze(*tables: str | type[Model], rows: int, at_once: bool = False) -> bool:
    """Refresh the planner's statistics of ``tables`` (models or table names) after a bulk
    write of ``rows`` rows; below ``ANALYZE_AFTER_ROWS`` it does nothing.

    Inside a transaction it runs once that transaction commits: the statistics then
    describe the committed rows, and ANALYZE's table lock (which conflicts with another
    ANALYZE of the table) is not held while the transaction goes on. ``at_once=True`` runs
    it inside the transaction instead, for a single writer that goes on to query what it
    has just written (PostgreSQL's ANALYZE counts the transaction's own new rows); the
    seed does. Outside a transaction it runs at once. A failed ANALYZE is logged, never
    raised: the data is written either way. Returns whether an ANALYZE was run or scheduled.
    """
    if rows < ANALYZE_AFTER_ROWS or not tables:
        return False
    names = sorted({t if isinstance(t, str) else t._meta.db_table for t in tables})

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                analysed = _stale(cursor, names)
            with transaction.atomic(), connection.cursor() as cursor:
                for name in analysed:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
        except DatabaseError as exc:
            logger.warning("ANALYZE %s after %s rows failed: %s", ", ".join(names), rows, exc)

    if connection.in_atomic_block and not at_once:
        transaction.on_commit(run)
    else:
        run()
    return True


def tidy(*tables: str, rows: int) -> None:
    """After a job replaced a year's rows of ``tables``: on PostgreSQL, outside a
    transaction, VACUUM (ANALYZE), so that the replaced rows are not scanned until autovacuum
    comes and index-only scans need not visit the heap (the visibility map is set); else
    ``analyze`` (after the commit when inside a transaction)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        return
    analyze(*tables, rows=rows)
