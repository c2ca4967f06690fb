"""Backup and restore of the whole database: pg_dump/pg_restore, or SQLite's backup API.

The arguments come from the settings and the operator's command line, never from a web
request. PostgreSQL dumps use the custom format (compressed, restorable table by table); SQLite
copies use ``sqlite3.Connection.backup``, which is consistent even while the site runs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(RuntimeError):
    pass


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432),
            "-U", s.get("USER") or "postgres"]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def backup(target: Path) -> Path:
    target = Path(target)
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run([_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(target),  # noqa: S603
                        connection.settings_dict["NAME"]], check=True, env=env)
        return target
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return target
    raise BackupError(f"no backup for {connection.vendor}")


def restore(source: Path, database: str | None = None) -> None:
    """Restore a dump into ``database`` (PostgreSQL: created empty first) or over SQLite."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source}: no such file")
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        name = database or connection.settings_dict["NAME"]
        subprocess.run([_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "-d", name,  # noqa: S603
                        str(source)], check=True, env=env)
        return
    if connection.vendor == "sqlite":
        target = database or connection.settings_dict["NAME"]
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return
    raise BackupError(f"no restore for {connection.vendor}")
