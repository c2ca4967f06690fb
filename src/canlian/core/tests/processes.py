"""Helpers for tests that run real ``canlian`` processes against the test database and
kill them part-way (crash safety, workers, orphaned children).

On PostgreSQL the processes use the test database itself (tests using these helpers are
``transaction=True``, so what the test writes is committed and visible). On SQLite the
test database lives in memory, so ``SharedDatabase`` copies it (migrated, as the test
left it) to a file with SQLite's backup API and points the processes at that file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.db import connection


def environment(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment for a child ``canlian``, with ``extra`` on top (and
    without the browser tests' async-unsafe switch). Children queue jobs for a real worker,
    as in production."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**base, "PYTHONUNBUFFERED": "1", "CANLIAN_TASKS_BACKEND": "database", **extra}


class SharedDatabase:
    """The test database as a URL another process can open, and a way to query it.

    With ``copy=True`` the processes get a copy of the test database (PostgreSQL: created
    from it as a template; SQLite: always a copy), which a test may break at will; with
    ``fresh=True`` a new database migrated by ``canlian migrate`` (with the reference data
    the migrations load, which transactional tests' flushes empty). Call ``drop()`` when
    done.
    """

    def __init__(self, tmp_path: Path, *, copy: bool = False, fresh: bool = False) -> None:
        self.vendor = connection.vendor
        s = connection.settings_dict
        self.path: Path | None = None
        self.name = s["NAME"]
        if self.vendor == "postgresql":
            auth = s["USER"] or "postgres"
            if s.get("PASSWORD"):
                auth += f":{s['PASSWORD']}"
            self.server = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            if copy or fresh:
                template, self.name = self.name, f"{self.name}_{'fresh' if fresh else 'copy'}"
                if copy:
                    connection.close()  # a template database must have no other sessions
                with self.admin() as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                    admin.execute(f'CREATE DATABASE "{self.name}"'
                                  + ("" if fresh else f' TEMPLATE "{template}"'))
            self.copied = copy or fresh
            self.url = f"{self.server}/{self.name}"
        else:
            self.path = tmp_path / "shared.sqlite3"
            if not fresh:
                connection.ensure_connection()
                target = sqlite3.connect(self.path)
                with target:
                    connection.connection.backup(target)
                target.close()
            self.url = f"sqlite:///{self.path}"
        self.env = environment({"DATABASE_URL": self.url})
        if fresh:
            migrated = run("migrate", "--no-input", "-v0", env=self.env)
            assert migrated.returncode == 0, migrated.stderr

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(f"{self.server}/postgres", autocommit=True)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple[Any, ...]]:
        """Run a statement on the shared database (``%s`` placeholders), committed."""
        if self.path is None:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as db:
                cursor = db.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        db = sqlite3.connect(self.path, isolation_level=None)  # type: ignore[assignment]
        try:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            db.close()

    def scalar(self, sql: str, params: tuple = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def drop(self) -> None:
        if self.path is None and self.copied:
            with self.admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def canlian(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen:
    """Start ``canlian ARGS`` (stdout and stderr merged, unbuffered text)."""
    return subprocess.Popen([sys.executable, "-m", "canlian", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            **kwargs)


def run(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "canlian", *args], env=env, timeout=timeout,
                          capture_output=True, text=True, check=False)


def wait_for_output(process: subprocess.Popen, text: str, timeout: float = 120) -> str:
    """Read the process's output until a line contains ``text``; return what was read."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    process.kill()
    raise AssertionError(f"{text!r} never appeared; output was:\n{''.join(seen)}")


def wait_until(condition: Any, timeout: float = 60, every: float = 0.05) -> Any:
    """Poll ``condition()`` until it returns something true; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of the direct children of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append((int(entry.name), name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, as a power cut or the OOM killer would, and reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(30)
