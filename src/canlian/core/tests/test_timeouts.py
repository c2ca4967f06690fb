"""PostgreSQL time limits: web requests get short statement and idle-in-transaction
timeouts, commands and jobs longer ones, and a killed client's query stops within seconds
instead of running on with its locks (settings.postgres_limits)."""

import sys
import time

import pytest
from django.db import connection

from canlian.core.tests import processes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's settings"),
]

SHOW = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    for name in ("statement_timeout", "idle_in_transaction_session_timeout",
                 "client_connection_check_interval"):
        cursor.execute("SHOW " + name)
        print(cursor.fetchone()[0])
"""


def _python(code: str, env: dict[str, str]) -> processes.subprocess.CompletedProcess:
    return processes.subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                    text=True, timeout=120, check=False)


def test_web_requests_get_short_limits_and_commands_longer_ones(tmp_path):
    db = processes.SharedDatabase(tmp_path)
    env = {**db.env, "DJANGO_SETTINGS_MODULE": "canlian.settings"}
    web = _python(SHOW, {**env, "CANLIAN_PROCESS": "web"})
    assert web.stdout.split() == ["30s", "30s", "5s"], web.stderr
    cli = _python(SHOW, {**env, "CANLIAN_PROCESS": "cli"})
    assert cli.stdout.split() == ["2h", "10min", "5s"], cli.stderr
    tuned = _python(SHOW, {**env, "CANLIAN_PROCESS": "web", "CANLIAN_WEB_STATEMENT_TIMEOUT": "0"})
    assert tuned.stdout.split()[0] == "0"
    wrong = _python(SHOW, {**env, "CANLIAN_PROCESS": "web",
                           "CANLIAN_WEB_STATEMENT_TIMEOUT": "30 s; DROP TABLE x"})
    assert wrong.returncode != 0 and "must be a duration" in wrong.stderr


HOLD = """
import django
django.setup()
from django.db import connection, transaction
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("LOCK TABLE people_household IN ACCESS EXCLUSIVE MODE")
    print("locked", flush=True)
    cursor.execute("SELECT pg_sleep(120) /* killed-client-probe */")
"""


def test_a_killed_clients_query_and_locks_go_within_seconds(tmp_path):
    db = processes.SharedDatabase(tmp_path)
    env = {**db.env, "DJANGO_SETTINGS_MODULE": "canlian.settings", "CANLIAN_PROCESS": "web",
           "CANLIAN_WEB_STATEMENT_TIMEOUT": "5min", "CANLIAN_CLIENT_CHECK_INTERVAL": "1s"}
    client = processes.subprocess.Popen([sys.executable, "-c", HOLD], env=env, text=True,
                                        stdout=processes.subprocess.PIPE)
    assert client.stdout.readline().strip() == "locked"

    def running() -> int:
        return db.scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s "
                         "AND pid <> pg_backend_pid()", ("%killed-client-probe%",))

    processes.wait_until(running, timeout=30)
    processes.kill(client)
    killed = time.monotonic()
    processes.wait_until(lambda: running() == 0, timeout=30, every=0.2)
    assert time.monotonic() - killed < 5
    with connection.cursor() as cursor:  # the lock went with it
        cursor.execute("SET LOCAL lock_timeout = '2s'")
        cursor.execute("SELECT count(*) FROM people_household")
