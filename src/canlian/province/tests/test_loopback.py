"""Three instances on loopback: two city deployments (Linzi and Yueqing, each its own
process and database) and the province (CANLIAN_MODE=province, its own process and
database) collecting their aggregates over HTTP, with a third city that is down and, later,
one whose frozen year's export goes wrong."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings

from canlian.core.tests.processes import canlian, environment, run, wait_until

FROZEN = 2025  # the demo's last full year (the plans run 2021–2025)

# The three instances keep their own SQLite databases, whatever the suite's database is; the
# PostgreSQL pass of the suite would repeat the same run (minutes on two cores), so it runs once.
pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="runs its own SQLite instances; once per suite, in the SQLite pass")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(db: Path, data: Path, **extra: str) -> dict[str, str]:
    data.mkdir(exist_ok=True)
    env = environment({"DATABASE_URL": f"sqlite:///{db}", "CANLIAN_ENV": "test",
                       "CANLIAN_DATA_DIR": str(data), "CANLIAN_TASKS_BACKEND": "immediate",
                       **extra})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "DJANGO_SETTINGS_MODULE": "canlian.settings"}


class City:
    def __init__(self, tmp: Path, deployment: str, persons: int) -> None:
        self.deployment = deployment
        self.env = _env(tmp / f"{deployment}.sqlite3", tmp / f"{deployment}-data")
        self.setup = subprocess.Popen(
            [sys.executable, "-m", "canlian.province.tests.city", "setup", deployment,
             str(persons), str(FROZEN)], env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.key = ""

    def start(self) -> None:
        out, _ = self.setup.communicate(timeout=600)
        assert self.setup.returncode == 0, out
        self.key = next(line.split()[1] for line in out.splitlines() if line.startswith("KEY "))
        self.server = canlian("runserver", "--noreload", f"127.0.0.1:{self.port}", env=self.env)
        wait_until(lambda: _answers(f"{self.url}/healthz"), timeout=120, every=0.5)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(30)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code < 500
    except requests.RequestException:
        return False


def test_the_province_collects_two_cities_flags_the_one_down_and_the_one_gone_wrong(tmp_path):
    linzi, yueqing = City(tmp_path, "linzi", 150), City(tmp_path, "yueqing", 150)
    province_db = tmp_path / "province.sqlite3"
    cities = tmp_path / "cities.yaml"
    try:
        linzi.start()
        yueqing.start()
        down = _port()  # nothing listens there
        cities.write_text(
            "province: 示范省\ncities:\n"
            f"  - {{code: linzi, name: 临淄区, url: '{linzi.url}', key_env: KEY_LINZI,"
            f" plan: linzi-14th, years: [2024, {FROZEN}]}}\n"
            f"  - {{code: yueqing, name: 乐清市, url: '{yueqing.url}', key_env: KEY_YUEQING,"
            f" plan: yueqing-14th, years: [2024, {FROZEN}]}}\n"
            f"  - {{code: down, name: 停机市, url: 'http://127.0.0.1:{down}', key: cl_unused,"
            f" plan: linzi-14th, years: [{FROZEN}]}}\n", encoding="utf-8")
        env = _env(province_db, tmp_path / "province-data", CANLIAN_MODE="province",
                   CANLIAN_PROVINCE_CITIES=str(cities), CANLIAN_PROVINCE_TIMEOUT="10",
                   KEY_LINZI=linzi.key, KEY_YUEQING=yueqing.key)
        assert run("migrate", "-v0", env=env).returncode == 0

        first = run("province", "collect", env=env)
        assert first.returncode == 0, first.stderr
        assert "received 4, failed 1, with problems 0" in first.stdout
        status = run("province", "status", env=env).stdout
        assert "linzi: ok" in status and "yueqing: ok" in status
        assert "down: late" in status and "failed" in status.split("down:")[1]

        db = sqlite3.connect(province_db)
        rows = db.execute("SELECT city, year, ok, frozen, document FROM province_cityexport "
                          "ORDER BY city, year").fetchall()
        assert [(c, y, bool(ok), bool(f)) for c, y, ok, f, _ in rows] == [
            ("down", FROZEN, False, False), ("linzi", 2024, True, False),
            ("linzi", FROZEN, True, True), ("yueqing", 2024, True, False),
            ("yueqing", FROZEN, True, True)]
        # Aggregates only: the two cities' documents carry their own townships' counts,
        # and no resident ID, name or phone of any person.
        documents = {(c, y): doc for c, y, ok, _, doc in rows if ok}
        assert json.loads(documents[("linzi", FROZEN)])["deployment"] == "linzi"
        assert json.loads(documents[("yueqing", FROZEN)])["deployment"] == "yueqing"
        city_db = sqlite3.connect(tmp_path / "linzi.sqlite3")
        ids = [r[0] for r in city_db.execute("SELECT resident_id FROM people_person LIMIT 50")]
        names = [r[0] for r in city_db.execute("SELECT name FROM people_person LIMIT 50")]
        text = "".join(documents.values())
        assert ids and not any(i in text for i in ids)
        assert not any(n in text for n in names if len(n) >= 2)

        # The Linzi federation's frozen 2025 figures go wrong on its own server.
        corrupt = subprocess.run(
            [sys.executable, "-m", "canlian.province.tests.city", "corrupt", "linzi-14th",
             str(FROZEN)], env=linzi.env, capture_output=True, text=True, timeout=300,
            check=False)
        assert corrupt.returncode == 0, corrupt.stdout + corrupt.stderr
        indicator, township = corrupt.stdout.split()[1:3]
        yueqing.stop()  # and Yueqing's server goes down

        second = run("province", "collect", env=env)
        assert second.returncode == 0, second.stderr
        assert "received 2, failed 3, with problems 1" in second.stdout
        status = run("province", "status", env=env).stdout
        line = next(s for s in status.splitlines() if s.startswith("linzi:"))
        assert "inconsistent" in line and "frozen_changed" in line
        # Yueqing's last good export is an hour old at most: its attempt failed, not late.
        yline = next(s for s in status.splitlines() if s.startswith("yueqing:"))
        assert "yueqing: failed" in yline and "late" not in yline
        problems = db.execute("SELECT problems FROM province_cityexport WHERE city='linzi' "
                              "AND year=? ORDER BY collected_at DESC LIMIT 1",
                              (FROZEN,)).fetchone()[0]
        assert f'"check": "over", "indicator": "{indicator}", "township": "{township}"' in problems
        assert '"check": "frozen_changed"' in problems
        # the year before, not frozen, is still consistent
        earlier = db.execute("SELECT problems FROM province_cityexport WHERE city='linzi' "
                             "AND year=2024 ORDER BY collected_at DESC LIMIT 1").fetchone()[0]
        assert earlier == "[]"
        db.close()
        city_db.close()
    finally:
        for city in (linzi, yueqing):
            if city.setup.poll() is None:
                city.setup.kill()
            city.stop()


@pytest.fixture(autouse=True)
def _no_database():
    """The instances have their own databases; this test opens none of the suite's."""
    return
