"""What an upgrade will do to this database, before it does it (``canlian upgrade --check``).

For each pending migration, each operation is classed by what PostgreSQL does for it, and
sized by the rows of the table it touches (``pg_class.reltuples``, the planner's estimate:
free; SQLite counts):

| operation | what the database does | lock that users feel |
|---|---|---|
| CreateModel, DeleteModel, RemoveField, renames, AddField (null/constant) | catalogue only | a moment |
| AlterField (type or nullability) | rewrites or scans the table | ACCESS EXCLUSIVE: all wait |
| AddIndex, a unique or indexed field | builds an index | SHARE: writes wait |
| AddIndexConcurrently | builds an index without blocking writes | none |
| AddConstraint (check, unique) | scans the table (and builds an index) | ACCESS EXCLUSIVE / SHARE |
| RunPython, RunSQL | a data migration: time depends on its code | as its code takes |

Expected durations are rows divided by a rate for the 2-core reference machine (``RATES``,
rows a second, measured by ``BENCH_ONLY=upgrade scripts/bench``); they are estimates to decide
whether an upgrade needs a maintenance window, not promises. An operation expected to hold a
lock users feel for more than ``WINDOW`` seconds is flagged: plan a window, or write it as
an online migration (``online.in_batches``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.migrations import operations as ops
from django.db.migrations.executor import MigrationExecutor

# Rows a second on the reference machine (2 cores, PostgreSQL 15; docs/scaling.md), measured
# by ``BENCH_ONLY=upgrade`` on a copy of the persons table with its indexes (100,000 rows,
# 2 December 2026: rewrite 54,618 (every index rebuilt), index 993,039, validating scan
# 9,341,843 (cached), ORM row by row 1,814): a table rewrite, an index build, a validating
# scan, and a data migration written row by row through the ORM (set-based ones are far
# faster). The scan is taken at half its cached rate: a large table is read from disk.
RATES = {"rewrite": 55_000, "index": 1_000_000, "scan": 4_500_000, "data": 1_800}
WINDOW = 5.0  # seconds of a blocking lock users would notice

NONE, SHARE, EXCLUSIVE = "none", "SHARE (writes wait)", "ACCESS EXCLUSIVE (reads and writes wait)"


@dataclass
class Step:
    migration: str
    operation: str
    table: str
    rows: int
    work: str  # "catalogue", "rewrite", "index", "scan", "data"
    lock: str
    seconds: float

    @property
    def blocking(self) -> bool:
        return self.lock != NONE and self.seconds > WINDOW


def table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_class c "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'")
            return dict(cursor.fetchall())
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  names from the catalogue
            counts[table] = cursor.fetchone()[0]
        return counts


def _classify(operation: Any, state_before: Any, app_label: str) -> tuple[str, str, str]:
    """(table, work, lock) of one operation."""
    def table_of(model_name: str) -> str:
        try:
            return state_before.apps.get_model(app_label, model_name)._meta.db_table
        except LookupError:
            return f"{app_label}_{model_name.lower()}"

    if isinstance(operation, ops.AddIndex):
        concurrent = type(operation).__name__ == "AddIndexConcurrently"
        return table_of(operation.model_name), "index", NONE if concurrent else SHARE
    if isinstance(operation, ops.AddConstraint):
        unique = type(operation.constraint).__name__ == "UniqueConstraint"
        return table_of(operation.model_name), "index" if unique else "scan", SHARE if unique else EXCLUSIVE
    if isinstance(operation, ops.AlterField):
        return table_of(operation.model_name), "rewrite", EXCLUSIVE
    if isinstance(operation, ops.AddField):
        field: Any = operation.field
        table = table_of(operation.model_name)
        if field.db_index or field.unique or field.is_relation:
            return table, "index", SHARE
        if not field.null and field.has_default() and callable(field.default):
            return table, "rewrite", EXCLUSIVE  # a volatile default is written to every row
        return table, "catalogue", NONE
    if isinstance(operation, ops.RunPython | ops.RunSQL):
        return "(its code)", "data", "as its code takes"
    model = getattr(operation, "model_name", None) or getattr(operation, "name", "")
    return (table_of(model) if model else ""), "catalogue", NONE


def plan() -> list[Step]:
    """The pending migrations' operations, in the order ``migrate`` would run them."""
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return []
    rows = table_rows()
    steps: list[Step] = []
    state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    for migration, backwards in pending:
        if not backwards:
            state = _steps(migration, state, rows, steps)
    return steps


def _steps(migration: Any, state: Any, rows: dict[str, int], steps: list[Step]) -> Any:
    """Append ``migration``'s operations to ``steps``; returns the state after it."""
    for operation in migration.operations:
        table, work, lock = _classify(operation, state, migration.app_label)
        n = rows.get(table, 0)
        if work == "data":  # sized by the largest table its app owns
            owned = [v for k, v in rows.items() if k.startswith(f"{migration.app_label}_")]
            n = max(owned, default=0)
        seconds = 0.0 if work == "catalogue" else n / RATES[work]
        steps.append(Step(f"{migration.app_label}.{migration.name}", operation.describe(),
                          table, n, work, lock, seconds))
        new_state = state.clone()
        operation.state_forwards(migration.app_label, new_state)
        state = new_state
    return state


def report(steps: list[Step]) -> str:
    if not steps:
        return "no pending migrations: the database is up to date"
    lines = [f"{len({s.migration for s in steps})} pending migration(s), {len(steps)} operation(s):",
             f"{'migration':40} {'table':32} {'rows':>12} {'expected':>9}  lock / operation"]
    for s in steps:
        flag = "  ← BLOCKS USERS: plan a maintenance window or run it online" if s.blocking else ""
        lines.append(f"{s.migration[:40]:40} {s.table[:32]:32} {s.rows:>12,} {_time(s.seconds):>9}  "
                     f"{s.lock}; {s.operation}{flag}")
    total = sum(s.seconds for s in steps)
    blocking = sum(s.seconds for s in steps if s.blocking)
    lines.append(f"expected in all: {_time(total)}; of it, users blocked: {_time(blocking)}")
    if any(s.work == "data" for s in steps):
        lines.append("data migrations (RunPython/RunSQL) are sized by the largest table of "
                     "their app; read their code")
    return "\n".join(lines)


def _time(seconds: float) -> str:
    if seconds < 1:
        return "<1 s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
