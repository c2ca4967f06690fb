"""Canlian benchmarks on PostgreSQL: each figure printed beside its target.

Run by ``scripts/bench``; sizes and server from BENCH_PERSONS and BENCH_DATABASE_URL.
The machine is reported with the figures (cores, memory, PostgreSQL version).
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canlian.settings")
os.environ.setdefault("CANLIAN_DEPLOYMENT", "yueqing")
django.setup()

from django.core.management import call_command
from django.db import connection, transaction

from canlian.core import clock

RESULTS: list[tuple[str, str, str, bool]] = []


def report(name: str, figure: str, target: str, ok: bool) -> None:
    RESULTS.append((name, figure, target, ok))
    print(f"{'PASS' if ok else 'MISS'}  {name}: {figure}  (target {target})", flush=True)


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def machine() -> str:
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        version = c.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, PostgreSQL {version}, Python {sys.version.split()[0]}"


def seed(persons: int) -> None:
    from bench import seed_pg
    from canlian.demo.seeding import seed as seed_persons
    from canlian.demo.users import ensure_demo_users

    call_command("migrate", verbosity=0)
    (deployment, made, _), seconds = timed(seed_persons, "yueqing", persons, chunk=50_000)
    report("seed persons with COPY", f"{made:,} persons in {seconds:.0f} s",
           "reported", True)
    ensure_demo_users(deployment)
    _timings, history = timed(seed_pg.seed, deployment.root.code)
    report("seed five years of surveys, services and payments", f"{history:.0f} s", "reported",
           True)
    total = seconds + history
    report("the seed in all (persons and history)", f"{total / 60:.1f} min",
           "< 60 min at 3,000,000 persons (issue 31)", persons > 3_000_000 or total < 3600)


def bench_search() -> None:
    from canlian.accounts import scoping
    from canlian.accounts.models import User
    from canlian.people.models import Person
    from canlian.people.queries import search_q

    user = User.objects.get(username="federation")
    rng = random.Random(1)
    total = Person.objects.count()
    sample = list(Person.objects.filter(pk__in=[rng.randint(1, total) for _ in range(300)])
                  .exclude(certificate_number=None)
                  .values_list("name", "resident_id", "certificate_number"))[:200]
    # The ID and the certificate number are encrypted: their search is one lookup of the
    # blind index (core/encrypted.py); the ID's last four are a clear, indexed column.
    for label, pick in (("name", lambda r: r[0][:2]), ("resident ID", lambda r: r[1]),
                        ("certificate number", lambda r: r[2]),
                        ("the ID's last four", lambda r: r[1][-4:])):
        samples = []
        for row in sample:
            qs = scoping.people_for(user).filter(search_q(pick(row))).order_by(
                "village_id", "name", "id")
            _, seconds = timed(lambda q=qs: list(q[:50]))
            samples.append(seconds * 1000)
        median, p95 = percentiles(samples)
        report(f"search by {label}", f"median {median:.1f} ms, p95 {p95:.1f} ms, "
               f"load {os.getloadavg()[0]:.1f}", "p95 < 100 ms", p95 < 100)
    # The full ID is typed whole and found through its blind index (one B-tree lookup of
    # HMAC(ID) in resident_id_index), never by decrypting or scanning: the plan says so.
    qs = scoping.people_for(user).filter(search_q(sample[0][1])).order_by(
        "village_id", "name", "id")[:50]
    sql, params = qs.query.sql_with_params()
    assert "resident_id_index" in sql and sample[0][1] not in str(params)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    line = next((ln.strip() for ln in plan.splitlines() if "resident_id_index" in ln
                 and "Index" in ln), "")
    report("search by resident ID: plan", line or plan.splitlines()[0],
           "index scan of resident_id_index", bool(line))


def _session_for(username: str) -> str:
    """A signed-in session for a demo user, made directly (no login throttling, no 2FA)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from canlian.accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "canlian.accounts.backends.RegionBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def _wrk(port: str, url: str, session_key: str, seconds: int) -> tuple[str, float, dict[str, str]]:
    """requests/s, p95 (ms) and wrk's counts for ``url`` at 20 clients."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(P95_LUA)
    try:
        full = f"http://127.0.0.1:{port}{url}"
        _warm_up(full, session_key)
        out = subprocess.run(
            ["wrk", "-t2", "-c20", f"-d{seconds}s", "--latency", "-s", str(script), "-H",
             f"Cookie: sessionid={session_key}", full],
            capture_output=True, text=True, check=True).stdout
    finally:
        script.unlink()
    rate = next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
    found = dict(item.split("=") for item in next(
        line for line in out.splitlines() if line.startswith("canlian ")).split()[1:])
    p95_ms = int(found["p95_us"]) / 1000 if int(found["p95_us"]) >= 0 else float("inf")
    return rate, p95_ms, found


def _busiest_person() -> int:
    """The person with the longest history: most yearly surveys, then most services."""
    with connection.cursor() as c:
        c.execute("SELECT person_id FROM surveys_annualsurvey GROUP BY person_id "
                  "ORDER BY count(*) DESC, person_id LIMIT 1")
        return int(c.fetchone()[0])


def bench_list_http(seconds: int = 20) -> None:
    """The pages staff open most, each at 20 concurrent clients over HTTP (gunicorn, 2 × cores
    + 1 workers): the filtered person list, and the slowest pages a federation user opens
    (the plan dashboard, a township's gap list, the person with the longest history)."""
    from canlian.accounts.models import User
    from canlian.benefits import yearfacts
    from canlian.indicators import places

    # The pages read what the nightly jobs store, for every year of the plan, as in production.
    _, facts = timed(yearfacts.refresh_all)
    _, surveys = timed(places.refresh_all)
    report("the nightly jobs for every plan year (subsidy facts; survey places and home needs)",
           f"{facts:.0f} s + {surveys:.0f} s", "a nightly job: minutes, not seconds",
           facts + surveys < 3600)
    township = User.objects.get(username="township").region
    plan, year = "yueqing-14th", 2024  # the plan and year bench_indicators computes
    person = _busiest_person()
    pages = [
        ("staff person list (filters)", "township", "/people/?category=4&household_type=dibao", 150),
        ("plan dashboard", "federation", f"/indicators/{plan}/?year={year}", 300),
        ("a township's gap list (living subsidy)", "federation",
         f"/indicators/{plan}/living_subsidy_coverage/gap/?year={year}&region={township.code}",
         300),
        ("the person with the longest history", "federation", f"/people/{person}/", 300),
    ]
    port = "8931"
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "canlian.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(2 * (os.cpu_count() or 2) + 1),  # gunicorn's advice: 2 × cores + 1
         "--log-level", "warning"], env=env)
    try:
        for label, username, url, target in pages:
            rate, p95_ms, found = _wrk(port, url, _session_for(username), seconds)
            errors = int(found["errors"])
            report(f"{label} at 20 clients over HTTP",
                   f"{rate} req/s, p95 {p95_ms:.0f} ms over {found['requests']} requests "
                   f"({found['timeouts']} over wrk's 2 s timeout, counted as slower), {errors} errors",
                   f"p95 < {target} ms", p95_ms < target and errors == 0)
    finally:
        server.terminate()
        server.wait(10)


# wrk leaves requests slower than its timeout out of its latency table; the p95 of all the
# requests, those counted as slowest, is the recorded latencies' percentile 95·n/(n − t).
P95_LUA = r"""
done = function(summary, latency, requests)
  local n, t = summary.requests, summary.errors.timeout
  local q = 95 * n / math.max(n - t, 1)
  local p95 = -1
  if q < 100 then p95 = latency:percentile(q) end
  local e = summary.errors
  io.write(string.format("canlian p95_us=%d requests=%d timeouts=%d errors=%d\n",
                         p95, n, t, e.connect + e.read + e.write + e.status))
end
"""


def _warm_up(url: str, session_key: str, requests: int = 40) -> None:
    """Wait for the server, then send a few requests so that every worker has loaded the
    application and opened its database connection before the measurement starts."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (our own http:// URL)
        url, headers={"Cookie": f"sessionid={session_key}"})
    deadline = time.monotonic() + 60
    done = 0
    while done < requests:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()
            done += 1
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def bench_indicators() -> None:
    """The whole plan for one year, beside its floor: one full scan of the survey table
    (the widest table the indicators read), taken before and after in the same run (the
    faster of the two, so neither gains from the other's cache), with the load average.

    The coverage indicators read the year's stored subsidy facts (``benefits.yearfacts``)
    and the survey indicators the stored places of this year's and last year's surveys
    (``indicators.places``) and the home-accessibility rate the stored home needs of the
    year (``indicators.accessibility``), all taken first as the nightly jobs take them
    (reported beside the floor too); the same computation without the home needs, then
    without the survey places too, then without any (live, as before #20's stored facts)
    is reported last."""
    from canlian.benefits import yearfacts
    from canlian.indicators import accessibility, engine, places, plans
    from canlian.regions.models import Deployment

    def scan() -> tuple[int, float]:
        with connection.cursor() as c:
            started = time.perf_counter()
            c.execute("SELECT count(*), sum(household_income_per_capita) "
                      "FROM surveys_annualsurvey")
            return c.fetchone()[0], time.perf_counter() - started

    root = Deployment.current().root
    plan = plans.load("yueqing-14th")
    rows, before = scan()
    persons, refresh = timed(yearfacts.refresh, 2024, root)
    surveys, taking = timed(lambda: places.refresh(2024, root) + places.refresh(2023, root))
    needs, needing = timed(accessibility.refresh, 2024, plan.start, root)
    engine.compute(plan, 2024, root)  # a first computation warms the caches of both
    samples = [timed(engine.compute, plan, 2024, root)[1] for _ in range(3)]
    seconds = statistics.median(samples)
    _, after = scan()
    floor = min(before, after)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    report("all indicators of one plan for one year, deployment + every township",
           f"{seconds:.2f} s = {seconds / floor:.1f} × the floor "
           f"(one full scan of the survey table, {rows:,} rows: {floor:.2f} s; "
           f"median of {', '.join(f'{s:.2f}' for s in samples)} s; load average {load})",
           "< 2 s, ideally ≤ 2 × the floor", seconds < 2)
    report("the year's stored subsidy facts, taken by the nightly job",
           f"{persons:,} persons in {refresh:.2f} s = {refresh / floor:.1f} × the floor",
           "a nightly job: minutes, not seconds", refresh < 600)
    report("two years' stored survey places, taken by the nightly job",
           f"{surveys:,} survey rows in {taking:.2f} s = {taking / floor:.1f} × the floor",
           "a nightly job: minutes, not seconds", taking < 600)
    report("the year's stored home needs (accessibility pass), taken by the nightly job",
           f"{needs:,} persons in {needing:.2f} s = {needing / floor:.1f} × the floor",
           "a nightly job: minutes, not seconds", needing < 600)
    accessibility.forget([2024])
    live_samples = [timed(engine.compute, plan, 2024, root)[1] for _ in range(3)]
    live_needs = statistics.median(live_samples)
    report("the same without the stored home needs (live accessibility pass, as before)",
           f"{live_needs:.2f} s = {live_needs / floor:.1f} × the floor (median of "
           f"{', '.join(f'{s:.2f}' for s in live_samples)} s)", "for comparison", True)
    places.forget([2023, 2024])
    _, live_surveys = timed(engine.compute, plan, 2024, root)
    report("the same without the stored survey places either (live survey and accessibility "
           "passes)",
           f"{live_surveys:.2f} s = {live_surveys / floor:.1f} × the floor", "for comparison",
           True)
    yearfacts.forget([2024])
    _, live = timed(engine.compute, plan, 2024, root)
    report("the same without any (live subsidy, survey and accessibility passes)",
           f"{live:.2f} s = {live / floor:.1f} × the floor", "for comparison", True)
    yearfacts.refresh(2024, root)
    places.refresh(2024, root)
    places.refresh(2023, root)
    accessibility.refresh(2024, plan.start, root)


def bench_roll() -> None:
    from canlian.benefits import rolls
    from canlian.benefits.models import Roll
    from canlian.regions.models import Deployment

    root = Deployment.current().root
    month = clock.today().replace(day=1)
    # A re-run (BENCH_SKIP_SEED=1) measures a fresh generation, not an unchanged draft.
    Roll.objects.filter(region=root, month=month, status="draft").delete()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE benefits_rollline")
    outcome, seconds = timed(rolls.generate, root, month)
    report("monthly roll generation", f"{outcome.roll.line_count:,} lines in {seconds:.1f} s",
           "< 3 s (issue 31)", seconds < 3)
    # The floor: the same number of lines written by one bare INSERT … SELECT into the same
    # table and month (as failed payments, which never_pay_twice leaves out), rolled back.
    from canlian.core import partitions

    with transaction.atomic(), connection.cursor() as c:
        started = time.perf_counter()
        c.execute("""INSERT INTO benefits_rollline (roll_id, grant_id, person_id, subsidy,
                         period, kind, amount, rule_version, reason, village_code, payee,
                         bank_account, payment_status, failure_reason)
                     SELECT roll_id, grant_id, person_id, subsidy, period, kind, amount,
                         rule_version, reason, village_code, payee, bank_account, 'failed',
                         'bench' FROM benefits_rollline WHERE roll_id = %s""",
                  [outcome.roll.pk])
        floor = time.perf_counter() - started
        transaction.set_rollback(True)
    shape = "partitioned" if partitions.is_partitioned(partitions.ROLL_LINES) else "plain"
    report(f"monthly roll beside a bare INSERT … SELECT of its lines ({shape} ledger)",
           f"{seconds:.1f} s / {floor:.2f} s = {seconds / floor:.1f} x, load "
           f"{os.getloadavg()[0]:.1f}", "reported", True)


def bench_partition() -> None:
    """Convert the roll ledger (by month) and the surveys (by year) to partitioned tables as
    on a live database (``canlian partitions convert``, docs/scaling.md)."""
    from canlian.core import partitions

    for name in ("rolllines", "surveys"):
        spec = partitions.TABLES[name]
        if partitions.is_partitioned(spec):
            report(f"partition {name}", "already partitioned", "reported", True)
            continue
        with connection.cursor() as c:
            c.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size(%s)) "  # noqa: S608
                      f"FROM {spec.table}", [spec.table])
            rows, size = c.fetchone()
        marks: dict[str, float] = {}
        started = time.perf_counter()

        def mark(line: str, marks: dict[str, float] = marks, started: float = started) -> None:
            marks[line.split(" ", 1)[0]] = time.perf_counter() - started

        load = os.getloadavg()[0]
        timed(partitions.convert, spec, report=mark)
        total = time.perf_counter() - started
        copy = marks.get("copied", marks["created"]) - marks["created"]
        swap = marks["swapped:"] - marks.get("copied", marks["created"])
        report(f"partition {name} ({rows:,} rows, {size})",
               f"create {marks['created']:.1f} s, copy {copy:.1f} s, count and swap {swap:.1f} s "
               f"(writers wait), analyse {marks['analysed'] - marks['swapped:']:.1f} s, total "
               f"{total:.1f} s, load {load:.1f}–{os.getloadavg()[0]:.1f}", "reported", True)


def bench_programmes() -> None:
    """Simulate a draft programme file against every person of the deployment (#24)."""
    from canlian.accounts.models import User
    from canlian.programmes import queries, rules

    user = User.objects.filter(role="federation_staff").first()
    if user is None:
        report("programme simulation", "no federation user", "reported", False)
        return
    text = (rules.DATA_DIR / "yueqing.yaml").read_text(encoding="utf-8")
    draft = rules.loads(text.replace('day: "200.00"', 'day: "260.00"'))
    sim, seconds = timed(queries.simulate, user, draft, clock.today())
    report("programme simulation (draft vs rules in force, every programme)",
           f"{sim.persons:,} persons in {seconds:.1f} s", "< 60 s", seconds < 60)


def bench_import(rows: int = 100_000) -> None:
    from openpyxl import Workbook

    from canlian.accounts.models import User
    from canlian.demo.generator import Generator, Village
    from canlian.people import roster
    from canlian.people.models import Person
    from canlian.regions.models import Deployment

    root = Deployment.current().root
    villages = [Village(v.code, v.name, "") for v in root.villages()]
    generator = Generator(root.code[:6], villages, seed=99)
    generator.used.update(Person.objects.values_list("resident_id", flat=True))
    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["姓名", "公民身份号码", "民族", "联系电话", "住址", "村（社区）代码", "户编号",
                  "户类型"])
    for p in generator.people(rows):
        sheet.append([p.name, p.resident_id, "汉族", p.phone, p.address, p.village_id,
                      "B" + p.household_number, "低保" if p.household_type == "dibao" else "普通"])
    book.save(path)
    user = User.objects.get(username="federation")
    load = os.getloadavg()[0]
    with path.open("rb") as fh, phases() as spent:
        result, seconds = timed(roster.import_persons, user, fh, filename=path.name)
    report(f"roster import of {rows:,} rows",
           f"{result.created:,} created, {result.rejected} rejected in {seconds:.1f} s, "
           f"load {load:.1f}–{os.getloadavg()[0]:.1f}",
           "< 10 s (issue 31)", seconds < 10 and result.created == rows)
    rest = seconds - sum(spent.values()) + spent["households"]  # households: within chunks
    report("the import by phase",
           ", ".join(f"{name} {value:.1f} s" for name, value in spent.items())
           + f"; the rest (cells, validation, commit and its foreign-key checks) {rest:.1f} s",
           "reported", True)
    # What encryption at rest adds to it: sealing the IDs, phones and guardian fields of
    # the same number of rows and computing their blind indexes and tails, as bulk.create
    # does before COPY (core/bulk.py).
    from canlian.core import bulk

    people = [{"resident_id": p.resident_id, "phone": p.phone, "guardian_resident_id": "",
               "guardian_phone": "", "certificate_number": None}
              for p in Generator(root.code[:6], villages, seed=98).people(rows)]
    _, sealing = timed(bulk.sealed, Person, people)
    report(f"encryption's share of the import ({rows:,} rows sealed and indexed)",
           f"{sealing:.1f} s ({sealing / seconds:.0%} of the import), "
           f"load {os.getloadavg()[0]:.1f}", "reported", True)


@contextlib.contextmanager
def phases() -> Iterator[dict[str, float]]:
    """The wall time of each step of a roster import (``people/roster.py``), by timing the
    functions that make it (each called once, or once a chunk of 2,000 rows)."""
    from canlian.core import sheets
    from canlian.people import roster

    spent: dict[str, float] = {}
    steps = {"workbook": (sheets, "load"), "lock step": (roster, "_lock_existing"),
             "chunks": (roster._Writer, "chunk"), "households": (roster, "_households"),
             "new persons' COPY": (roster._Writer, "create"), "audit": (roster, "record_many")}
    originals = {name: getattr(owner, attr) for name, (owner, attr) in steps.items()}

    def timing(name: str, function: Any) -> Any:
        def timed_step(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        return timed_step

    for name, (owner, attr) in steps.items():
        setattr(owner, attr, timing(name, originals[name]))
    try:
        yield spent
    finally:
        for name, (owner, attr) in steps.items():
            setattr(owner, attr, originals[name])


def bench_audit(count: int = 500_000) -> None:
    """The hash chain must not slow bulk audit writes: an export's one event per person,
    chained and written by COPY, against the same rows with the hashing skipped; then a
    full ``canlian audit verify``."""
    from django.db import transaction

    from canlian.audit import actions, chain
    from canlian.people.models import Person

    people = list(Person.objects.values_list("id", "village_id")[:count])
    real = chain.person_rows

    def unchained(previous, fixed, rows):  # the same rows with a constant "hash"
        return ((pid, village, "0" * 64) for pid, village in rows)

    for label, rows_of in (("without the chain", unchained), ("with the chain", real)):
        chain.person_rows = rows_of
        try:
            with transaction.atomic():
                _, seconds = timed(actions.record_many, user=None, action="export",
                                   people=people, summary="bench")
                transaction.set_rollback(True)
        finally:
            chain.person_rows = real
        report(f"audit events of an export of {len(people):,} persons, {label}",
               f"{seconds:.2f} s", "< 10 s", seconds < 10)
    _, seconds = timed(call_command, "audit", "verify", stdout=io.StringIO())
    report("canlian audit verify over the whole log", f"{seconds:.2f} s", "reported", True)


def bench_access_log(exports: int = 5, size: int = 200_000, samples: int = 20) -> None:
    """"Who looked at my record" (privacy app): one page of a person's access log, read by
    ``person_id`` from an audit log grown by ``exports`` exports of ``size`` persons each."""
    from django.db import transaction

    from canlian.audit import actions
    from canlian.people.models import Person
    from canlian.privacy import queries

    people = list(Person.objects.values_list("id", "village_id")[:size])
    with transaction.atomic():
        for _ in range(exports):
            actions.record_many(user=None, action="export", people=people, summary="bench")
        persons = list(Person.objects.filter(pk__in=[p for p, _ in people[::max(1, size // samples)]]))
        times = [timed(queries.access_log_page, p)[1] * 1000 for p in persons]
        transaction.set_rollback(True)
    p50, p95 = percentiles(times)
    report(f"a person's access log page (audit log + {exports * len(people):,} events)",
           f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "p95 < 100 ms", p95 < 100)


def bench_upgrade(data_rows: int = 2_000) -> None:
    """Calibrate ``canlian upgrade --check`` (ops/upgrade.py ``RATES``): rows a second of a
    table rewrite, an index build, a validating scan and a row-by-row ORM data migration,
    measured on a scratch copy of the persons table with its indexes."""
    from canlian.ops.upgrade import RATES
    from canlian.people.models import Person

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_upgrade")
        # with the table's own indexes: a real rewrite rebuilds them all
        c.execute("CREATE TABLE bench_upgrade (LIKE people_person INCLUDING DEFAULTS "
                  "INCLUDING INDEXES)")
        c.execute("INSERT INTO bench_upgrade SELECT * FROM people_person")
        c.execute("SELECT count(*) FROM bench_upgrade")
        rows = c.fetchone()[0]
        c.execute("VACUUM ANALYZE bench_upgrade")
        measured = {}
        _, seconds = timed(c.execute, "ALTER TABLE bench_upgrade ALTER COLUMN name TYPE text "
                                      "USING name || ''")  # forces a rewrite
        measured["rewrite"] = rows / seconds
        _, seconds = timed(c.execute, "CREATE INDEX bench_upgrade_name ON bench_upgrade (name)")
        measured["index"] = rows / seconds
        _, seconds = timed(c.execute, "ALTER TABLE bench_upgrade ADD CONSTRAINT bench_upgrade_id "
                                      "CHECK (id > 0)")  # validates every row
        measured["scan"] = rows / seconds
        c.execute("DROP TABLE bench_upgrade")
    people = list(Person.objects.order_by("pk")[:data_rows])
    started = time.perf_counter()
    from django.db import transaction
    with transaction.atomic():
        for person in people:
            person.save(update_fields=["updated_at"])
        transaction.set_rollback(True)
    measured["data"] = len(people) / (time.perf_counter() - started)
    for work, rate in measured.items():
        ratio = rate / RATES[work]
        report(f"upgrade estimate rate: {work}", f"{rate:,.0f} rows/s (RATES: {RATES[work]:,}; "
               f"{ratio:.1f} x)", "within 0.5-2 x of RATES", 0.5 <= ratio <= 2)


BENCHES = {
    "audit": bench_audit,
    "access_log": bench_access_log,
    "search": bench_search,
    "indicators": bench_indicators,
    "list": bench_list_http,  # after the nightly facts bench_indicators takes
    "roll": bench_roll,
    "partition": bench_partition,
    "programmes": bench_programmes,
    "import": lambda: bench_import(int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))),
    "upgrade": bench_upgrade,
}


def main() -> None:
    persons = int(os.environ.get("BENCH_PERSONS", "1000000"))
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    unknown = set(only) - set(BENCHES) - {"seed"}
    if unknown:
        sys.exit(f"BENCH_ONLY: unknown benchmark(s) {', '.join(sorted(unknown))}; "
                 f"choose from seed, {', '.join(BENCHES)}")
    print(f"Canlian benchmarks: {persons:,} persons; {machine()}", flush=True)
    if os.environ.get("BENCH_SKIP_SEED") != "1":
        seed(persons)
    else:
        call_command("migrate", verbosity=0)
    for name, bench in BENCHES.items():
        if not only or name in only:
            bench()
    print()
    print(f"{sum(ok for *_, ok in RESULTS)} passed, {sum(not ok for *_, ok in RESULTS)} failed")


if __name__ == "__main__":
    main()
