"""An overpayment made while a roll is being finalised is recovered next month (real
connections on PostgreSQL).

Finalisation reads its inputs, runs its checks (seconds at a million persons), then stamps
the roll. A suspension, stop or death committed in between must not look "settled" next
month. Two races: a change committed while the checks run (widened by holding a lock the
checks need from a third connection), and a change begun before finalisation read its
inputs and committed during it.
"""

import datetime as dt
import threading
import time

import psycopg
import pytest
from django.db import connection, connections, transaction

from canlian.benefits import actions, rolls

from .helpers import D, grant, lines, m, settled_long_ago

pytestmark = pytest.mark.django_db(transaction=True)


def _connect() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"] or None, host=s["HOST"] or None,
                           port=s["PORT"] or None, password=s["PASSWORD"] or None,
                           autocommit=True)


def _waiting(monitor: psycopg.Connection, fragment: str = "", at_least: int = 1) -> bool:
    """At least ``at_least`` other backends of this database wait for a lock, in a statement
    containing ``fragment``."""
    row = monitor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE %s", [f"%{fragment}%"]).fetchone()
    return bool(row and row[0] >= at_least)


def _until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _in_thread(outcome: dict, key: str, work) -> threading.Thread:
    def run() -> None:
        try:
            work()
            outcome[key] = "ok"
        except Exception as exc:
            outcome[key] = f"{exc.__class__.__name__}: {getattr(exc, 'message', exc)}"
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def paid_to_march(users, certified, regions):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections and table locks: PostgreSQL")
    person = certified(grade=1)
    g = grant(users, person, applied=dt.date(2025, 1, 5))
    for month in (1, 2, 3):
        rolls.finalise(rolls.generate(regions.county, m(2025, month)).roll)
    settled_long_ago()
    april = rolls.generate(regions.county, m(2025, 4)).roll
    return person, g, april


def test_a_suspension_committed_while_the_checks_run_is_recovered(users, regions, paid_to_march):
    person, g, april = paid_to_march
    holder, monitor = _connect(), _connect()
    outcome: dict[str, str] = {}
    try:
        holder.execute("BEGIN")
        # The checks' gap list reads the applications: hold them, so finalisation waits there,
        # after it has read its inputs and before it stamps the roll.
        holder.execute("LOCK TABLE benefits_subsidyapplication IN ACCESS EXCLUSIVE MODE")
        finaliser = _in_thread(outcome, "finalise",
                               lambda: rolls.finalise(april, user=users.federation))
        assert _until(lambda: _waiting(monitor, "benefits_subsidyapplication"))
        suspender = _in_thread(outcome, "suspend", lambda: actions.suspend(
            users.federation, g.pk, m(2025, 4), "待核实", back_pay=False))
        # Either it commits now (nothing holds the grants) or it waits for finalisation.
        assert _until(lambda: "suspend" in outcome or _waiting(monitor, at_least=2))
    finally:
        holder.rollback()
        holder.close()
        finaliser.join(30)
        suspender.join(30)
        monitor.close()
    assert outcome == {"finalise": "ok", "suspend": "ok"}
    may = rolls.generate(regions.county, m(2025, 5)).roll
    assert lines(may) == [(person.pk, "nursing", m(2025, 4), "recovery", D("-300.00"))]


def test_a_change_begun_before_finalisation_and_committed_during_it_is_not_missed(
        users, regions, paid_to_march, monkeypatch):
    """The change's transaction started before finalisation read its inputs and commits after:
    its grant was stamped before the read, so only the read's "as of" moment (the start of
    the oldest open write) can make next month review it. The margin is set to zero, so the
    test does not pass by the margin alone."""
    monkeypatch.setattr(rolls, "SETTLE_MARGIN", dt.timedelta(0))
    person, g, april = paid_to_march
    monitor = _connect()
    outcome: dict[str, str] = {}
    begun, release = threading.Event(), threading.Event()

    def suspend_slowly() -> None:
        with transaction.atomic():
            actions.suspend(users.federation, g.pk, m(2025, 4), "待核实", back_pay=False)
            begun.set()
            release.wait(20)

    suspender = _in_thread(outcome, "suspend", suspend_slowly)
    try:
        assert begun.wait(10)
        finaliser = _in_thread(outcome, "finalise",
                               lambda: rolls.finalise(april, user=users.federation))
        # Finalisation reads without the uncommitted suspension; it then finishes, or waits
        # for the audit log's chain (the suspension's audit record holds it until commit).
        assert _until(lambda: "finalise" in outcome or _waiting(monitor))
    finally:
        release.set()
        suspender.join(30)
        finaliser.join(30)
        monitor.close()
    assert outcome == {"suspend": "ok", "finalise": "ok"}
    may = rolls.generate(regions.county, m(2025, 5)).roll
    assert lines(may) == [(person.pk, "nursing", m(2025, 4), "recovery", D("-300.00"))]
