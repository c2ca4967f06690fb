"""Schema verification: does the database hold everything the models and migrations declare?

A restore killed part-way once left a database that looked whole (every table, every row
of ``django_migrations``) but lacked the constraint that stops a grant being paid twice,
20 primary keys and the audit log's append-only trigger; the site would have run on it.
This module compares what the code declares with what the database has and names each
missing object:

- every table of every installed model (and ``django_migrations``), with its primary key;
- unique constraints and indexes: named ones (``Meta.constraints``, ``Meta.indexes``) by
  name, implicit ones (``unique=True``, ``unique_together``, ``db_index``, foreign keys)
  by their columns;
- check constraints: named ones by name, the column checks Django adds itself
  (``PositiveIntegerField``, SQLite's ``JSON_VALID``) by column;
- foreign keys that have a database constraint;
- the project's own triggers, which a model declares in a ``database_triggers`` class
  attribute (per vendor, since SQLite and PostgreSQL triggers differ), and every
  migration on disk being recorded as applied.

Expectations are derived from the models' metadata, never from a list of names, so a
constraint renamed in a model is expected under its new name. The catalogue is read in a
few queries (three on PostgreSQL, four on SQLite), whatever the number of tables: this
runs every time the web process, the worker or a paying command starts (see
``GUARDED_COMMANDS`` and ``canlian.__main__``), and on demand as ``canlian check_schema``.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CheckConstraint, ForeignKey, Model, UniqueConstraint

logger = logging.getLogger(__name__)

# ``canlian`` commands that serve requests, run jobs or move money: they refuse to start on
# an incomplete schema. Others (migrate, backup --restore, check_schema itself) are how an
# operator repairs one.
GUARDED_COMMANDS = frozenset({"runserver", "db_worker", "subsidies", "feed", "import",
                              "certificates", "scheduler"})


@dataclass(frozen=True)
class Expected:
    """One object the database must have."""

    table: str
    kind: str  # table, primary key, unique, index, check, foreign key, trigger, migration
    name: str = ""  # matched by name when set
    columns: tuple[str, ...] = ()  # otherwise by columns
    references: str = ""  # a foreign key's target table

    def __str__(self) -> str:
        if self.kind == "table":
            return f"table {self.table}"
        if self.kind == "migration":
            return f"migration {self.table}.{self.name} (not applied)"
        what = self.name or "(" + ", ".join(self.columns) + ")"
        target = f" → {self.references}" if self.references else ""
        kind = {"unique": "unique constraint", "check": "check constraint"}.get(self.kind,
                                                                               self.kind)
        return f"{self.table}: {kind} {what}{target}"


@dataclass
class Catalogue:
    """What the database has, per table."""

    tables: set[str] = field(default_factory=set)
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unique: dict[str, set[frozenset[str]]] = field(default_factory=lambda: defaultdict(set))
    index_leads: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    checks: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    checked_columns: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    foreign_keys: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    triggers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    migrations: set[tuple[str, str]] = field(default_factory=set)
    # PostgreSQL tables partitioned by range (core/partitions.py): their primary key is the
    # model's with the partition column after it, as PostgreSQL requires.
    partitioned: set[str] = field(default_factory=set)

    def has(self, item: Expected) -> bool:
        t = item.table
        if item.kind == "table":
            return t in self.tables
        if item.kind == "migration":
            return (t, item.name) in self.migrations or (bool(item.columns) and all(
                tuple(r.split(".", 1)) in self.migrations for r in item.columns))
        if t not in self.tables:
            return True  # reported once, as the missing table
        if item.kind == "primary key":
            key = self.primary_keys.get(t)
            return key == item.columns or (t in self.partitioned and key is not None
                                           and key[:len(item.columns)] == item.columns)
        if item.kind == "trigger":
            return item.name in self.triggers[t]
        if item.kind == "check":
            return (item.name in self.checks[t] if item.name
                    else item.columns[0] in self.checked_columns[t])
        if item.name:
            return item.name in self.names[t]
        if item.kind == "unique":
            return frozenset(item.columns) in self.unique[t]
        if item.kind == "index":
            return item.columns[0] in self.index_leads[t]
        if item.kind == "foreign key":
            return (item.columns[0], item.references) in self.foreign_keys[t]
        raise ValueError(item.kind)


def _models() -> Iterable[type[Model]]:
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            yield model


def expected(vendor: str, connection: Any = None) -> list[Expected]:
    """Everything the installed models and migrations declare for ``vendor``."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    out = [Expected("django_migrations", "table"),
           Expected("django_migrations", "primary key", columns=("id",))]
    for model in _models():
        meta = model._meta
        table = meta.db_table
        out.append(Expected(table, "table"))
        out.append(Expected(table, "primary key",
                            columns=tuple(f.column for f in getattr(meta, "pk_fields", [meta.pk]))))
        for f in meta.local_concrete_fields:
            if f.primary_key:
                continue
            if f.unique:
                out.append(Expected(table, "unique", columns=(f.column,)))  # type: ignore[arg-type]
            elif f.db_index:  # type: ignore[attr-defined]
                out.append(Expected(table, "index", columns=(f.column,)))  # type: ignore[arg-type]
            if isinstance(f, ForeignKey) and f.db_constraint and f.related_model._meta.managed:  # type: ignore[attr-defined]
                out.append(Expected(table, "foreign key", columns=(f.column,),
                                    references=f.related_model._meta.db_table))
            if f.db_check(connection):
                out.append(Expected(table, "check", columns=(f.column,)))  # type: ignore[arg-type]
        for names in meta.unique_together:
            out.append(Expected(table, "unique",
                                columns=tuple(meta.get_field(n).column for n in names)))  # type: ignore[misc, union-attr]
        for constraint in meta.constraints:
            kind = "check" if isinstance(constraint, CheckConstraint) else (
                "unique" if isinstance(constraint, UniqueConstraint) else "constraint")
            out.append(Expected(table, kind, name=constraint.name))
        for index in meta.indexes:
            out.append(Expected(table, "index", name=index.name))
        for name in getattr(model, "database_triggers", {}).get(vendor, ()):
            out.append(Expected(table, "trigger", name=name))
    return out


def expected_migrations() -> list[Expected]:
    """Every migration on disk (from the migration files; a squashed migration counts as
    applied when all the migrations it replaces are)."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return [Expected(app, "migration", name=name, columns=tuple(
                f"{a}.{n}" for a, n in graph.nodes[app, name].replaces))
            for app, name in sorted(graph.nodes)]


# One query per kind of catalogue object, over every table of the schemas on the search path.
PG_INDEXES = """
SELECT t.relname, i.relname, x.indisunique, x.indisprimary, x.indpred IS NOT NULL,
       ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)
FROM pg_class t
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = ANY(current_schemas(false))
LEFT JOIN pg_index x ON x.indrelid = t.oid AND x.indisvalid AND x.indisready
LEFT JOIN pg_class i ON i.oid = x.indexrelid
WHERE t.relkind IN ('r', 'p')
"""
PG_CONSTRAINTS = """
SELECT t.relname, c.conname, c.contype, f.relname,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) k(attnum)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = ANY(current_schemas(false))
LEFT JOIN pg_class f ON f.oid = c.confrelid
WHERE c.contype IN ('p', 'u', 'c', 'f') AND c.convalidated
"""
PG_TRIGGERS = """
SELECT t.relname, g.tgname
FROM pg_trigger g
JOIN pg_class t ON t.oid = g.tgrelid
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = ANY(current_schemas(false))
WHERE NOT g.tgisinternal AND g.tgenabled <> 'D'
"""
PG_PARTITIONED = """
SELECT t.relname FROM pg_class t
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = ANY(current_schemas(false))
WHERE t.relkind = 'p'
"""
SQLITE_OBJECTS = "SELECT type, name, tbl_name, sql FROM sqlite_master"
SQLITE_INDEXES = """
SELECT m.name, l.name, l."unique", l.partial, i.name
FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i
WHERE m.type = 'table' ORDER BY m.name, l.name, i.seqno
"""
SQLITE_PRIMARY_KEYS = """
SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
WHERE m.type = 'table' AND c.pk > 0 ORDER BY m.name, c.pk
"""
SQLITE_FOREIGN_KEYS = """
SELECT m.name, k."from", k."table" FROM sqlite_master m, pragma_foreign_key_list(m.name) k
WHERE m.type = 'table'
"""
_NAMED = re.compile(r'CONSTRAINT\s+"([^"]+)"\s+(UNIQUE|CHECK|PRIMARY|FOREIGN)', re.IGNORECASE)
_COLUMN_CHECK = re.compile(r'(?:\(|,)\s*"([^"]+)"[^,]*?\bCHECK\b', re.IGNORECASE)


def _read_postgresql(cursor: Any, into: Catalogue) -> None:
    cursor.execute(PG_INDEXES)
    for table, index, unique, primary, partial, columns in cursor.fetchall():
        into.tables.add(table)
        if index is None:
            continue
        into.names[table].add(index)
        if columns:
            into.index_leads[table].add(columns[0])
        if unique and not partial and columns:
            into.unique[table].add(frozenset(columns))
        if primary:
            into.primary_keys[table] = tuple(columns)
    cursor.execute(PG_CONSTRAINTS)
    for table, name, kind, target, columns in cursor.fetchall():
        if kind == "f":
            # An index backs a constraint; a constraint is only there if its index is valid.
            if len(columns) == 1:
                into.foreign_keys[table].add((columns[0], target))
        elif kind == "c":
            into.checks[table].add(name)
            if len(columns) == 1:
                into.checked_columns[table].add(columns[0])
        elif name not in into.names[table]:
            continue  # a primary key or unique constraint whose index is invalid or gone
        else:
            into.names[table].add(name)
    cursor.execute(PG_TRIGGERS)
    for table, name in cursor.fetchall():
        into.triggers[table].add(name)
    cursor.execute(PG_PARTITIONED)
    into.partitioned.update(name for (name,) in cursor.fetchall())


def _read_sqlite(cursor: Any, into: Catalogue) -> None:
    cursor.execute(SQLITE_OBJECTS)
    for kind, name, table, sql in cursor.fetchall():
        if kind == "table":
            into.tables.add(name)
            for constraint, what in _NAMED.findall(sql or ""):
                into.names[name].add(constraint)
                if what.upper() == "CHECK":
                    into.checks[name].add(constraint)
            into.checked_columns[name].update(_COLUMN_CHECK.findall(sql or ""))
        elif kind == "index":
            into.names[table].add(name)
        elif kind == "trigger":
            into.triggers[table].add(name)
    cursor.execute(SQLITE_INDEXES)
    columns: dict[tuple[str, str], list[str]] = defaultdict(list)
    flags: dict[tuple[str, str], tuple[bool, bool]] = {}
    for table, index, unique, partial, column in cursor.fetchall():
        columns[table, index].append(column)
        flags[table, index] = (bool(unique), bool(partial))
    for (table, index), cols in columns.items():
        if cols and cols[0] is not None:
            into.index_leads[table].add(cols[0])
        unique, partial = flags[table, index]
        if unique and not partial and None not in cols:
            into.unique[table].add(frozenset(cols))
    cursor.execute(SQLITE_PRIMARY_KEYS)
    keys: dict[str, list[str]] = defaultdict(list)
    for table, column in cursor.fetchall():
        keys[table].append(column)
    into.primary_keys.update({t: tuple(c) for t, c in keys.items()})
    cursor.execute(SQLITE_FOREIGN_KEYS)
    for table, column, target in cursor.fetchall():
        into.foreign_keys[table].add((column, target))


def catalogue(cursor: Any, vendor: str) -> Catalogue:
    """Read what the database has through ``cursor`` (a Django or a DB-API cursor)."""
    found = Catalogue()
    if vendor == "postgresql":
        _read_postgresql(cursor, found)
    elif vendor == "sqlite":
        _read_sqlite(cursor, found)
    else:
        raise ValueError(f"no schema verification for {vendor}")
    if "django_migrations" in found.tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        found.migrations = {(app, name) for app, name in cursor.fetchall()}
    return found


def missing(cursor: Any, vendor: str, connection: Any = None) -> list[Expected]:
    """What the models and migrations declare but the database lacks (empty: complete)."""
    have = catalogue(cursor, vendor)
    wanted = expected(vendor, connection)
    if "django_migrations" in have.tables:
        wanted += expected_migrations()
    return [item for item in wanted if not have.has(item)]


def verify(using: str = DEFAULT_DB_ALIAS) -> list[Expected]:
    """``missing`` for one of Django's databases."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return missing(cursor, connection.vendor, connection)


class SchemaIncomplete(RuntimeError):
    """The database lacks objects the code relies on; the process must not start."""

    def __init__(self, items: list[Expected]) -> None:
        self.items = items
        super().__init__(report(items))


def report(items: list[Expected], limit: int = 30) -> str:
    lines = [f"the database schema is incomplete: {len(items)} missing:"]
    lines += [f"  - {item}" for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  … and {len(items) - limit} more (canlian check_schema lists them all)")
    hint = ("Run `canlian migrate`" if any(i.kind in ("migration", "table") for i in items)
            else "Restore a verified backup (`canlian backup --restore FILE`) or repair the "
                 "schema")
    lines.append(f"{hint}; see docs/operations.md, \"Schema check\".")
    return "\n".join(lines)


def require_complete(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise ``SchemaIncomplete`` naming what is missing."""
    items = verify(using)
    if items:
        raise SchemaIncomplete(items)

