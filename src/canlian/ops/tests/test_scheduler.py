"""The scheduler: each slot once, failures retried then shown, no overlapping runs; and two
real scheduler processes against one database (PostgreSQL in CI's second run)."""

from __future__ import annotations

import datetime as dt
import signal
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from canlian.core.tests import processes
from canlian.ops import registry, runner, scheduler
from canlian.ops.models import RunState, ScheduledRun
from canlian.ops.registry import Scheduled

ONLY = {f"CANLIAN_SCHEDULE_{code.upper()}": "off" for code in registry.REGISTRY}


@pytest.fixture
def only(monkeypatch):
    """Turn every registered job off; returns a function registering test jobs."""
    for name, value in ONLY.items():
        monkeypatch.setenv(name, value)
    added = []

    def add(job: Scheduled) -> Scheduled:
        registry.REGISTRY[job.code] = job
        added.append(job.code)
        return job

    yield add
    for code in added:
        registry.REGISTRY.pop(code, None)


calls: list[dt.datetime] = []


def counting(slot):
    calls.append(slot)
    return {"n": len(calls)}


def failing(slot):
    calls.append(slot)
    raise RuntimeError("the backup disk is not mounted")


@pytest.mark.django_db(transaction=True)
def test_each_due_slot_runs_once(only):
    calls.clear()
    only(Scheduled("t_count", "count", counting, "0 2 * * *"))
    now = timezone.make_aware(dt.datetime(2026, 3, 1, 5, 0))
    won = scheduler.tick(now)
    assert [r.job for r in won] == ["t_count"]
    assert scheduler.tick(now) == [] and scheduler.tick(now + dt.timedelta(hours=1)) == []
    run = ScheduledRun.objects.get(job="t_count")
    assert run.state == RunState.SUCCEEDED and run.attempts == 1 and run.summary == {"n": 1}
    assert run.duration is not None and timezone.localtime(run.slot).hour == 2
    assert len(calls) == 1
    scheduler.tick(now + dt.timedelta(days=1))  # the next night
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_retried_then_shown_to_the_federation(only, client, users):
    calls.clear()
    only(Scheduled("t_fail", "备份盘检查", failing, "0 2 * * *", retries=2))
    scheduler.tick(timezone.make_aware(dt.datetime(2026, 3, 1, 5, 0)))
    run = ScheduledRun.objects.get(job="t_fail")
    assert len(calls) == 3 and run.attempts == 3
    assert run.state == RunState.FAILED
    assert "the backup disk is not mounted" in run.error
    client.force_login(users.federation)
    page = client.get(reverse("ops:status")).content.decode()
    assert "备份盘检查" in page and "the backup disk is not mounted" in page
    assert 'role="alert"' in page
    client.force_login(users.village)
    assert client.get(reverse("ops:status")).status_code == 403


def flaky(slot):
    calls.append(slot)
    if len(calls) <= 3:
        raise RuntimeError("the bank's folder is not mounted")
    return {"ok": 1}


@pytest.mark.django_db(transaction=True)
def test_every_page_of_the_federation_warns_of_a_failed_job_until_it_succeeds(only, client,
                                                                               users):
    calls.clear()
    only(Scheduled("t_flaky", "银行文件夹检查", flaky, "0 2 * * *", retries=2))
    night = timezone.make_aware(dt.datetime(2026, 3, 1, 5, 0))
    scheduler.tick(night)
    assert ScheduledRun.objects.get(job="t_flaky").state == RunState.FAILED
    client.force_login(users.federation)
    page = client.get(reverse("people:list")).content.decode()
    assert "计划任务运行失败：银行文件夹检查" in page and reverse("ops:status") in page
    client.force_login(users.village)  # cannot act on it: no banner
    assert "银行文件夹检查" not in client.get(reverse("people:list")).content.decode()
    scheduler.tick(night + dt.timedelta(days=1))  # the next night succeeds
    client.force_login(users.federation)
    assert "银行文件夹检查" not in client.get(reverse("people:list")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_run_never_overlaps_the_previous_one(only):
    calls.clear()
    only(Scheduled("t_long", "long", counting, "0 * * * *"))
    earlier = ScheduledRun.objects.create(job="t_long", slot=timezone.now() - dt.timedelta(hours=1),
                                          state=RunState.RUNNING, started_at=timezone.now())
    later = ScheduledRun.objects.create(job="t_long", slot=timezone.now())
    runner.run(later.pk)
    later.refresh_from_db()
    assert later.state == RunState.QUEUED and calls == []  # waits for the running one
    ScheduledRun.objects.filter(pk=earlier.pk).update(state=RunState.SUCCEEDED)
    runner.run(later.pk)
    later.refresh_from_db()
    assert later.state == RunState.SUCCEEDED and len(calls) == 1
    runner.run(later.pk)  # delivered twice: nothing happens
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_run_left_running_by_a_killed_worker_is_marked_interrupted(only):
    only(Scheduled("t_killed", "killed", counting, "0 2 * * *", timeout=dt.timedelta(hours=1)))
    stale = ScheduledRun.objects.create(job="t_killed", slot=timezone.now() - dt.timedelta(hours=3),
                                        state=RunState.RUNNING,
                                        started_at=timezone.now() - dt.timedelta(hours=2))
    scheduler.tick()
    stale.refresh_from_db()
    assert stale.state == RunState.FAILED and "interrupted" in stale.error


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_run_each_slot_once(tmp_path):
    """Two real ``canlian scheduler`` processes with a job due every second, then a real
    worker: every slot is recorded once, queued once and run once."""
    shared = processes.SharedDatabase(tmp_path, fresh=True)
    try:
        env = {**shared.env, **ONLY, "CANLIAN_SCHEDULE_PRUNE": "* * * * * *",
               "CANLIAN_DATA_DIR": str(tmp_path)}
        schedulers = [processes.canlian("scheduler", "--tick", "0.1", env=env) for _ in range(2)]
        try:
            for p in schedulers:
                processes.wait_for_output(p, "scheduler started")
            time.sleep(4)
        finally:
            for p in schedulers:
                p.send_signal(signal.SIGTERM)
            outputs = [p.communicate(timeout=30)[0] for p in schedulers]
        assert all(p.returncode == 0 for p in schedulers), outputs
        runs = shared.rows("SELECT slot, scheduled_by FROM ops_scheduledrun WHERE job = 'prune'")
        assert len(runs) >= 3, outputs
        assert len({slot for slot, _ in runs}) == len(runs)
        tasks = shared.scalar("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                              "WHERE task_path LIKE %s", ("%run_scheduled",))
        assert tasks == len(runs)  # each slot queued once, whichever scheduler won it
        beats = shared.scalar("SELECT count(*) FROM ops_heartbeat WHERE process = 'scheduler'")
        assert beats == 2
        worker = processes.run("db_worker", "--batch", "--queue-name", "*", env=env, timeout=300)
        assert worker.returncode == 0, worker.stdout + worker.stderr
        done = shared.rows("SELECT state, attempts FROM ops_scheduledrun WHERE job = 'prune'")
        assert done and all(row == ("succeeded", 1) for row in done), done
    finally:
        shared.drop()


def test_the_schedule_is_listed_with_each_next_run(monkeypatch):
    import io

    from django.core.management import call_command

    monkeypatch.setenv("CANLIAN_SCHEDULE_BACKUP", "30 1 * * *")
    monkeypatch.setenv("CANLIAN_SCHEDULE_PRUNE", "off")
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert "30 1 * * *" in lines["backup"] and " 01:30" in lines["backup"]
    assert lines["prune"].split()[1] == "off"


def test_a_bad_schedule_setting_names_itself(monkeypatch):
    from canlian.ops.slots import ScheduleError

    monkeypatch.setenv("CANLIAN_SCHEDULE_BACKUP", "every night")
    with pytest.raises(ScheduleError, match="CANLIAN_SCHEDULE_BACKUP: bad cron expression 'every night'"):
        registry.get("backup").expression()
