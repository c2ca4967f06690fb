"""Backup and restore of the whole database that cannot be left half-done.

A probe that killed ``pg_dump`` and ``pg_restore`` at random points found both unsafe:
a killed dump left a truncated file under the backup's real name, and a killed restore left
a database that looked whole but lacked its primary keys, the ledger's unique constraint
and the audit trigger. Now:

- **Backup** writes to a hidden temporary file beside the target, verifies it, flushes it
  to disk and only then renames it over the target (``os.replace``: atomic). A kill at
  any point leaves the previous backup untouched. Verification: PostgreSQL dumps are read
  through in full by ``pg_restore`` (a truncated file fails) and their table of contents
  must list every table, constraint, index and trigger the database has; SQLite copies
  must pass ``PRAGMA integrity_check`` and hold every table, index and trigger.
- **Restore** never writes into the database being replaced. PostgreSQL: the dump is
  verified, restored into a new staging database in one transaction
  (``--single-transaction``), checked against the dump's table of contents, and only then
  swapped in by renaming both databases in one transaction; the replaced database is kept
  under ``NAME_before_restore_TIMESTAMP`` (dropped instead when it was empty). SQLite: the
  file is copied to a staging file, checked, then copied over the target with SQLite's
  backup API, which writes it in one transaction.
- ``pg_dump`` and ``pg_restore`` die with their parent (Linux ``PR_SET_PDEATHSIG``), so a
  killed ``canlian backup`` leaves no orphan running.

The arguments come from the settings and the operator's command line, never from a web
request.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from canlian.core import schema

PR_SET_PDEATHSIG = 1
MAX_IDENTIFIER = 63  # PostgreSQL's limit on a database name


class BackupError(RuntimeError):
    pass


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child receive SIGKILL when this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return preexec


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False,  # noqa: S603
                            preexec_fn=_die_with_parent())
    if result.returncode != 0:
        how = (f"killed by signal {-result.returncode}" if result.returncode < 0
               else f"exit status {result.returncode}")
        detail = (result.stderr.strip().splitlines() or [""])[-1]
        raise BackupError(f"{Path(args[0]).name} failed ({how}): {detail}".rstrip(": "))
    return result


def _pg_settings() -> tuple[list[str], dict[str, str], dict[str, Any]]:
    s = connection.settings_dict
    params = {"host": s.get("HOST") or "127.0.0.1", "port": str(s.get("PORT") or 5432),
              "user": s.get("USER") or "postgres"}
    args = ["-h", params["host"], "-p", params["port"], "-U", params["user"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = params["password"] = s["PASSWORD"]
    return args, env, params


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Contents:
    """The objects of a database or a dump, by kind: {(table, name)}; tables as (name, "")."""

    tables: set[tuple[str, str]] = field(default_factory=set)
    data: set[tuple[str, str]] = field(default_factory=set)
    constraints: set[tuple[str, str]] = field(default_factory=set)
    indexes: set[str] = field(default_factory=set)
    triggers: set[tuple[str, str]] = field(default_factory=set)

    def lacking(self, other: Contents, *, data: bool) -> list[str]:
        """What ``other`` has that this lacks (a constraint may appear as an index)."""
        gaps = [f"table {t}" for t, _ in sorted(other.tables - self.tables)]
        if data:
            gaps += [f"data of table {t}" for t, _ in sorted(other.tables - self.data)]
        named = self.indexes | {n for _, n in self.constraints}
        gaps += [f"{t}: constraint {n}" for t, n in sorted(other.constraints)
                 if (t, n) not in self.constraints and n not in self.indexes]
        gaps += [f"index {n}" for n in sorted(other.indexes - named)]
        gaps += [f"{t}: trigger {n}" for t, n in sorted(other.triggers - self.triggers)]
        return gaps


def _live_contents(cursor: Any, vendor: str) -> Contents:
    """The objects a database has (check constraints aside: a dump keeps them inside
    CREATE TABLE, with no entry of their own)."""
    found = schema.catalogue(cursor, vendor)
    contents = Contents(tables={(t, "") for t in found.tables},
                        triggers={(t, n) for t, names in found.triggers.items() for n in names})
    if vendor == "postgresql":
        cursor.execute(PG_NAMED)
        for kind, table, name in cursor.fetchall():
            if kind == "i":
                contents.indexes.add(name)
            else:
                contents.constraints.add((table, name))
    else:
        contents.constraints = {(t, n) for t, names in found.names.items() for n in names}
    return contents


# Constraints with their table, and the indexes that back no constraint (search path only).
PG_NAMED = """
SELECT 'c', t.relname, c.conname FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = ANY(current_schemas(false))
WHERE c.contype IN ('p', 'u', 'f', 'x')
UNION ALL
SELECT 'i', t.relname, i.relname FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = ANY(current_schemas(false))
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""
_TOC = re.compile(r"^\d+; \d+ \d+ (TABLE DATA|FK CONSTRAINT|CONSTRAINT|TABLE|INDEX|TRIGGER) "
                  r"(\S+) (.+) (\S+)$")


def _dump_contents(dump: Path) -> Contents:
    """The table of contents of a custom-format dump."""
    _, env, _ = _pg_settings()
    listing = _run([_tool("pg_restore"), "--list", str(dump)], env).stdout
    contents = Contents()
    for line in listing.splitlines():
        match = _TOC.match(line)
        if not match:
            continue
        kind, _schema, name, _owner = match.groups()
        if kind == "TABLE":
            contents.tables.add((name, ""))
        elif kind == "TABLE DATA":
            contents.data.add((name, ""))
        elif kind == "INDEX":
            contents.indexes.add(name)
        else:  # CONSTRAINT, FK CONSTRAINT and TRIGGER name "table name"
            table, _, own = name.partition(" ")
            (contents.triggers if kind == "TRIGGER" else contents.constraints).add((table, own))
    return contents


def verify_dump(dump: Path, against: Contents | None = None) -> Contents:
    """Read a PostgreSQL dump through and return its contents; raise BackupError when it
    is unreadable, truncated, or lacks what ``against`` (the live database) has."""
    _, env, _ = _pg_settings()
    _run([_tool("pg_restore"), "--file", os.devnull, str(dump)], env)  # reads every block
    contents = _dump_contents(dump)
    if not contents.tables:
        raise BackupError(f"{dump}: not a Canlian dump (it lists no tables)")
    if against is not None:
        gaps = contents.lacking(against, data=True)
        if gaps:
            raise BackupError(f"{dump}: the dump lacks {len(gaps)} objects of the database: "
                              + "; ".join(gaps[:10]))
    return contents


@contextlib.contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A hidden temporary file beside ``target``; removed unless renamed over it. Left-overs
    of earlier runs that were killed are removed first."""
    for stale in target.parent.glob(f".{target.name}.partial-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and Path(f"/proc/{pid}").exists()):
            stale.unlink(missing_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def backup(target: Path, *, snapshot: str | None = None) -> Path:
    """Write a verified backup of the database to ``target`` (replaced only when complete).
    ``snapshot``: a PostgreSQL snapshot exported by an open transaction (``pg_export_snapshot``)
    for ``pg_dump --snapshot``, so the caller knows exactly what the dump holds."""
    target = Path(target).resolve()
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such directory")
    with _staged(target) as partial:
        if connection.vendor == "postgresql":
            args, env, _ = _pg_settings()
            with connection.cursor() as cursor:
                live = _live_contents(cursor, "postgresql")
            _run([_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(partial),
                  *([f"--snapshot={snapshot}"] if snapshot else []),
                  connection.settings_dict["NAME"]], env)
            verify_dump(partial, against=live)
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(partial)
            try:
                with copy:
                    connection.connection.backup(copy)
            finally:
                copy.close()
            with connection.cursor() as cursor:
                live = _live_contents(cursor, "sqlite")
            _verify_sqlite(partial, live)
        else:
            raise BackupError(f"no backup for {connection.vendor}")
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    return target


def _verify_sqlite(path: Path, against: Contents | None) -> Contents:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path}: damaged database file ({verdict})")
        contents = _live_contents(db.cursor(), "sqlite")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
    finally:
        db.close()
    if not contents.tables:
        raise BackupError(f"{path}: not a Canlian database (it has no tables)")
    if against is not None:
        gaps = contents.lacking(against, data=False)
        if gaps:
            raise BackupError(f"{path}: the copy lacks {len(gaps)} objects: " + "; ".join(gaps[:10]))
    return contents


def _identifier(base: str, suffix: str) -> str:
    return base[:MAX_IDENTIFIER - len(suffix)] + suffix


@dataclass
class Restored:
    database: str
    kept: str | None  # the replaced database, kept under this name
    missing: list[schema.Expected]  # what the code expects that the restored data lacks


def restore(source: Path, database: str | None = None) -> Restored:
    """Replace ``database`` (default: the current one) with the backup ``source``, whole
    or not at all."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if connection.vendor == "postgresql":
        return _restore_postgresql(source, database or connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return _restore_sqlite(source, Path(database or connection.settings_dict["NAME"]))
    raise BackupError(f"no restore for {connection.vendor}")


def _admin() -> Any:
    import psycopg

    _, _, params = _pg_settings()
    return psycopg.connect(**params, dbname=os.environ.get("CANLIAN_MAINTENANCE_DB", "postgres"),
                           autocommit=True)


def _connect(database: str) -> Any:
    import psycopg

    _, _, params = _pg_settings()
    return psycopg.connect(**params, dbname=database, autocommit=True)


def _restore_postgresql(source: Path, target: str) -> Restored:
    from psycopg import errors, sql

    expected = verify_dump(source)  # a truncated or foreign file is refused before anything
    staging = _identifier(target, "_restoring")
    args, env, _ = _pg_settings()
    with _admin() as admin:
        # A restore killed earlier leaves its staging database: it was never swapped in.
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(staging)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
            sql.Identifier(staging)))
    try:
        _run([_tool("pg_restore"), *args, "--no-owner", "--single-transaction",
              "--exit-on-error", "-d", staging, str(source)], env)
        with _connect(staging) as db, db.cursor() as cursor:
            gaps = _live_contents(cursor, "postgresql").lacking(expected, data=False)
            if gaps:
                raise BackupError(f"the restored copy lacks {len(gaps)} objects of the dump: "
                                  + "; ".join(gaps[:10]))
            missing = schema.missing(cursor, "postgresql", connection)
    except BaseException:
        with _admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(staging)))
        raise
    if target == connection.settings_dict["NAME"]:
        connection.close()
    kept = _swap(staging, target, errors, sql)
    return Restored(target, kept, missing)


def _swap(staging: str, target: str, errors: Any, sql: Any) -> str | None:
    """Rename ``staging`` to ``target`` (keeping a non-empty ``target`` under another name)
    in one transaction, ending the sessions that use ``target`` first."""
    kept = _identifier(target, f"_before_restore_{timezone.localtime():%Y%m%d%H%M%S}")
    with _admin() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone()
        if exists:
            with _connect(target) as db:
                tables = db.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace s "
                                    "ON s.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                                    "AND s.nspname NOT IN ('pg_catalog', 'information_schema')"
                                    ).fetchone()[0]
            if not tables:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                    sql.Identifier(target)))
                exists, kept = None, None  # type: ignore[assignment]
        else:
            kept = None  # type: ignore[assignment]
        for attempt in range(20):
            if exists:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", [target])
            try:
                with admin.transaction():
                    if exists:
                        admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                            sql.Identifier(target), sql.Identifier(kept)))
                    admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(staging), sql.Identifier(target)))
                return kept
            except errors.ObjectInUse:  # a session came back between the two statements
                time.sleep(0.1 * (attempt + 1))
    raise BackupError(f"the database {target} stayed in use; the restored copy is kept as "
                      f"{staging}: stop the web and worker processes and run the restore again")


def _restore_sqlite(source: Path, target: Path) -> Restored:
    expected = _verify_sqlite(source, None)
    with _staged(target) as staging:
        shutil.copyfile(source, staging)
        _verify_sqlite(staging, expected)
        db = sqlite3.connect(staging)
        try:
            missing = schema.missing(db.cursor(), "sqlite", connection)
        finally:
            db.close()
        if target.resolve() == Path(connection.settings_dict["NAME"]).resolve():
            connection.close()
        src, dst = sqlite3.connect(staging), sqlite3.connect(target, timeout=30)
        try:
            with dst:
                src.backup(dst)  # one write transaction on the target: whole or not at all
        finally:
            src.close()
            dst.close()
    return Restored(str(target), None, missing)
