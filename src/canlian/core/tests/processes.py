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


def _environment(extra: dict[str, str]) -> dict[str, str]:
    # Without what tests set for themselves (the browser tests' async-unsafe switch).
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**base, "PYTHONUNBUFFERED": "1", **extra}


class SharedDatabase:
    """The test database as a URL another process can open, and a way to query it."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        s = connection.settings_dict
        if self.vendor == "postgresql":
            auth = s["USER"] or "postgres"
            if s.get("PASSWORD"):
                auth += f":{s['PASSWORD']}"
            self.url = (f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
                        f"{s['NAME']}")
            self.path = None
        else:
            self.path = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.path) as copy:
                connection.connection.backup(copy)
            copy.close()
            self.url = f"sqlite:///{self.path}"
        self.env = _environment({"DATABASE_URL": self.url})

    def rows(self, sql: str, params: tuple = ()) -> list[tuple[Any, ...]]:
        """Run a query on the shared database (SQL with ``%s`` placeholders)."""
        if self.path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        with sqlite3.connect(self.path) as db:
            rows = db.execute(sql.replace("%s", "?"), params).fetchall()
        db.close()
        return rows

    def scalar(self, sql: str, params: tuple = ()) -> Any:
        return self.rows(sql, params)[0][0]


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
