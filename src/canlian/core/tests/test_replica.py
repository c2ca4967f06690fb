"""The read replica: a real PostgreSQL streaming standby (a second cluster fed by
``pg_basebackup``) on loopback. Reads inside ``replica.reading()`` go there, writes never
do, and reads fall back to the primary when the replica lags beyond its bound or is down."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from canlian.core import replica
from canlian.core.tests import processes
from canlian.ops.tests.test_stack import free_port

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None) \
    if Path("/usr/lib/postgresql").exists() else None


def test_without_a_replica_every_read_goes_to_the_primary():
    from canlian.people.models import Person

    router = replica.Router()
    assert not replica.configured()
    with replica.reading():
        assert router.db_for_read(Person) == "default"
    assert router.db_for_write(Person) == "default"
    assert router.allow_migrate("replica", "people") is False


def as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True,
                          text=True, check=check, timeout=300)


SCRIPT = r"""
import json, time
from django.db import connections
from canlian.core import replica
from canlian.regions.models import Region

seen = []
def spy(alias):
    def wrapper(execute, sql, params, many, context):
        if "pg_is_in_recovery" not in sql:
            seen.append((alias, sql.split()[0]))
        return execute(sql, params, many, context)
    return wrapper

def visible_on_replica(code):
    with connections["replica"].cursor() as c:
        c.execute("SELECT count(*) FROM regions_region WHERE code = %s", [code])
        return c.fetchone()[0] == 1

def wait(condition):
    for _ in range(600):
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit("timed out")

out = {}
with connections["default"].execute_wrapper(spy("default")), \
        connections["replica"].execute_wrapper(spy("replica")):
    with replica.reading():
        Region.objects.create(code="990000000000", name="甲", level="city")
    out["write"] = seen[:]; seen.clear()
    wait(lambda: visible_on_replica("990000000000"))
    seen.clear()
    replica.forget()
    with replica.reading():
        out["read"] = Region.objects.filter(code="990000000000").count()
    out["read_on"] = seen[:]; seen.clear()
    out["outside"] = Region.objects.filter(code="990000000000").count()
    out["outside_on"] = seen[:]; seen.clear()
    print(json.dumps(out), flush=True)
    # a replica that stopped replaying falls behind its bound: reads go to the primary
    with connections["replica"].cursor() as c:
        c.execute("SELECT pg_wal_replay_pause()")
    Region.objects.create(code="990000000001", name="乙", level="city")
    time.sleep(2.5)
    seen.clear()
    replica.forget()
    with replica.reading():
        out = {"lagging": Region.objects.filter(code="990000000001").count(),
               "lagging_on": seen[:], "reason": replica._state["reason"]}
    print(json.dumps(out), flush=True)
"""

DOWN = r"""
import json
from django.db import connections
from canlian.core import replica
from canlian.regions.models import Region
seen = []
def spy(alias):
    def wrapper(execute, sql, params, many, context):
        if "pg_is_in_recovery" not in sql:
            seen.append(alias)
        return execute(sql, params, many, context)
    return wrapper
with connections["default"].execute_wrapper(spy("default")):
    with replica.reading():
        n = Region.objects.filter(code__startswith="9900000000").count()
print(json.dumps({"down": n, "down_on": seen, "reason": replica._state["reason"]}), flush=True)
"""


@pytest.fixture
def clusters():
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica is a PostgreSQL set-up")
    if BIN is None or os.geteuid() != 0 or shutil.which("runuser") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL's binaries and root (runuser) are needed for the replica test")
        pytest.skip("needs PostgreSQL's binaries and root (runuser)")
    work = Path(tempfile.mkdtemp(prefix="canlian-replica-"))
    shutil.chown(work, "postgres")
    ports = {"primary": free_port(), "replica": free_port()}
    started = []
    try:
        as_postgres(f"{BIN}/initdb", "-D", f"{work}/primary", "-A", "trust", "-U", "postgres")
        with open(f"{work}/primary/postgresql.conf", "a") as conf:
            conf.write(f"port = {ports['primary']}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{work}'\nwal_level = replica\n"
                       "max_wal_senders = 4\nfsync = off\n")
        as_postgres(f"{BIN}/pg_ctl", "-D", f"{work}/primary", "-l", f"{work}/primary.log", "-w",
                    "start")
        started.append("primary")
        as_postgres(f"{BIN}/createdb", "-h", "127.0.0.1", "-p", str(ports["primary"]), "canlian")
        primary = f"postgres://postgres@127.0.0.1:{ports['primary']}/canlian"
        migrated = processes.run("migrate", "--no-input", "-v0",
                                 env=processes.environment({"DATABASE_URL": primary}), timeout=900)
        assert migrated.returncode == 0, migrated.stderr
        as_postgres(f"{BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(ports["primary"]),
                    "-D", f"{work}/replica", "-R", "-X", "stream", "-c", "fast")
        with open(f"{work}/replica/postgresql.conf", "a") as conf:
            conf.write(f"port = {ports['replica']}\nhot_standby = on\n")
        as_postgres(f"{BIN}/pg_ctl", "-D", f"{work}/replica", "-l", f"{work}/replica.log", "-w",
                    "start")
        started.append("replica")
        yield {"work": work, "primary": primary,
               "replica": f"postgres://postgres@127.0.0.1:{ports['replica']}/canlian"}
    finally:
        for name in reversed(started):
            as_postgres(f"{BIN}/pg_ctl", "-D", f"{work}/{name}", "-m", "immediate", "stop",
                        check=False)
        shutil.rmtree(work, ignore_errors=True)


def test_reports_read_from_a_real_replica_and_fall_back_when_it_lags_or_is_down(clusters):
    env = processes.environment({"DATABASE_URL": clusters["primary"],
                                 "DATABASE_REPLICA_URL": clusters["replica"],
                                 "CANLIAN_REPLICA_MAX_LAG": "1"})
    done = processes.run("shell", "-c", SCRIPT, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    first, lagging = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    assert {alias for alias, _ in first["write"]} == {"default"}  # writes: the primary only
    assert first["read"] == 1 and first["read_on"] == [["replica", "SELECT"]]
    assert first["outside"] == 1 and first["outside_on"] == [["default", "SELECT"]]
    # replay paused, a row written since: the replica is behind, the primary answers
    assert lagging["lagging"] == 1 and lagging["lagging_on"] == [["default", "SELECT"]]
    assert "behind" in lagging["reason"]
    as_postgres(f"{BIN}/pg_ctl", "-D", f"{clusters['work']}/replica", "-m", "fast", "stop")
    down = processes.run("shell", "-c", DOWN, env=env, timeout=300)
    assert down.returncode == 0, down.stdout + down.stderr
    result = json.loads(down.stdout.strip().splitlines()[-1])
    assert result["down"] == 2 and result["down_on"] == ["default"]
    assert result["reason"] == "unreachable or not a standby"
