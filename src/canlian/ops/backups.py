"""The nightly backup, proven (备份与恢复演练): a verified backup (``core.backup``), kept
``CANLIAN_BACKUP_KEEP_DAYS`` days, then restored into a scratch database and compared with
the database it was taken from, table by table: row counts and a checksum of every row.

On PostgreSQL the comparison is exact although users keep writing: the checksums are taken
in a REPEATABLE READ transaction that exports its snapshot, and ``pg_dump --snapshot``
dumps that same snapshot. On SQLite the backup file is compared with its restored copy.
A mismatch fails the job (retried, then shown on ``/ops/``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from canlian.core import backup

logger = logging.getLogger(__name__)

Fingerprint = dict[str, tuple[int, str]]  # table: (rows, checksum)


def folder() -> Path:
    path = Path(os.environ.get("CANLIAN_BACKUP_DIR", Path(settings.DATA_DIR) / "backups"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def keep_days() -> int:
    return int(os.environ.get("CANLIAN_BACKUP_KEEP_DAYS", "14"))


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1")
    return [r[0] for r in cursor.fetchall()]


def pg_fingerprint(cursor: Any) -> Fingerprint:
    """Rows and an order-independent checksum (sum of each row's 64-bit hash) per table."""
    out = {}
    for table in _pg_tables(cursor):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0)::text "  # noqa: S608
                       f"FROM {quoted} t")
        rows, checksum = cursor.fetchone()
        out[table] = (rows, checksum)
    return out


def sqlite_fingerprint(path: Path) -> Fingerprint:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY 1")]
        out = {}
        for table in tables:
            total, rows = 0, 0
            quoted = '"' + table.replace('"', '""') + '"'
            for row in db.execute(f"SELECT * FROM {quoted}"):  # noqa: S608
                rows += 1
                total += int.from_bytes(hashlib.blake2b(repr(row).encode(), digest_size=8).digest(),
                                        "big")
            out[table] = (rows, str(total % (1 << 64)))
        return out
    finally:
        db.close()


def compare(source: Fingerprint, restored: Fingerprint) -> list[str]:
    """What differs, one line per table (empty when the copy is faithful)."""
    problems = []
    for table in sorted(set(source) | set(restored)):
        if table not in restored:
            problems.append(f"{table}: missing from the restored copy")
        elif table not in source:
            problems.append(f"{table}: only in the restored copy")
        elif source[table][0] != restored[table][0]:
            problems.append(f"{table}: {source[table][0]} rows, restored {restored[table][0]}")
        elif source[table][1] != restored[table][1]:
            problems.append(f"{table}: same row count, different contents (checksum)")
    return problems


def nightly(slot: dt.datetime) -> dict[str, Any]:
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    target = folder() / f"canlian-{slot:%Y%m%d-%H%M}{suffix}"
    started = time.monotonic()
    if connection.vendor == "postgresql":
        source = _pg_backup(target)
    else:
        backup.backup(target)
        source = sqlite_fingerprint(target)
    took = time.monotonic() - started
    report = restore_test(target, source)
    report.update(file=target.name, size=target.stat().st_size, backup_seconds=round(took, 1),
                  deleted=prune_old(slot))
    from . import metrics

    metrics.backup_done(target.stat().st_size, report["restore_seconds"])
    return report


def _pg_backup(target: Path) -> Fingerprint:
    import psycopg

    _, _, params = backup._pg_settings()
    with psycopg.connect(**params, dbname=connection.settings_dict["NAME"]) as db:
        db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        db.read_only = True
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]  # type: ignore[index]
            source = pg_fingerprint(cursor)
            backup.backup(target, snapshot=snapshot)  # dumps what the checksums saw
        db.rollback()
    return source


def restore_test(dump: Path, source: Fingerprint) -> dict[str, Any]:
    """Restore ``dump`` into a scratch database, compare it with ``source``, drop it."""
    started = time.monotonic()
    if connection.vendor == "postgresql":
        from psycopg import sql

        scratch = backup._identifier(connection.settings_dict["NAME"], "_restore_test")
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
        with backup._admin() as admin:
            admin.execute(drop)
        try:
            backup.restore(dump, scratch)
            with backup._connect(scratch) as db, db.cursor() as cursor:
                restored = pg_fingerprint(cursor)
        finally:
            with backup._admin() as admin:
                admin.execute(drop)
    else:
        scratch_file = folder() / ".restore-test.sqlite3"
        scratch_file.unlink(missing_ok=True)
        try:
            backup.restore(dump, str(scratch_file))
            restored = sqlite_fingerprint(scratch_file)
        finally:
            scratch_file.unlink(missing_ok=True)
    took = time.monotonic() - started
    problems = compare(source, restored)
    if problems:
        raise backup.BackupError(f"restore test of {dump.name} failed: {len(problems)} table(s) "
                                 "differ: " + "; ".join(problems[:10]))
    return {"tables": len(source), "rows": sum(r for r, _ in source.values()),
            "restore_seconds": round(took, 1), "restore_test": "identical"}


def prune_old(now: dt.datetime) -> int:
    """Delete nightly backups older than the retention; the newest three always stay."""
    cutoff = (now - dt.timedelta(days=keep_days())).timestamp()
    files = sorted(folder().glob("canlian-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    deleted = 0
    for path in files[3:]:
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
