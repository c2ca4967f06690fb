"""``/healthz`` and ``/metrics``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from canlian.ops import scheduler
from canlian.ops.models import Heartbeat, RunState, ScheduledRun


@pytest.mark.django_db
def test_health_is_ok_for_the_load_balancer_and_strict_monitoring_sees_background_faults(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["migrations"]["status"] == "ok"
    assert "GB free" in body["checks"]["disk"]["note"]
    assert body["checks"]["worker"]["status"] == "fail"  # no heartbeat yet
    assert client.get("/healthz", {"strict": 1}).status_code == 503
    scheduler.beat("worker")
    scheduler.beat("scheduler")
    assert client.get("/healthz", {"strict": 1}).status_code == 200
    Heartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    late = client.get("/healthz", {"strict": 1})
    assert late.status_code == 503 and "last seen 300 s ago" in late.json()["checks"]["worker"]["note"]


@pytest.mark.django_db
def test_a_full_disk_takes_the_server_out(client, monkeypatch):
    monkeypatch.setenv("CANLIAN_MIN_FREE_DISK_MB", str(10 ** 12))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["disk"]["status"] == "fail"


@pytest.mark.django_db
def test_a_queue_nobody_works_off_shows(client):
    from django_tasks_db.models import DBTaskResult

    from canlian.ops.tasks import run_scheduled

    DBTaskResult.objects.create(task_path=run_scheduled.module_path, args_kwargs={"args": [1], "kwargs": {}},
                                queue_name="default", backend_name="default", priority=0,
                                run_after=timezone.now() - dt.timedelta(minutes=20))
    check = client.get("/healthz").json()["checks"]["queue"]
    assert check["status"] == "fail" and check["note"].startswith("1 waiting")


@pytest.mark.django_db
def test_metrics_need_the_token(client, monkeypatch, users):
    assert client.get("/metrics").status_code == 404  # no token configured: no page
    monkeypatch.setenv("CANLIAN_METRICS_TOKEN", "s3cret-token-for-prometheus")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    client.force_login(users.federation)
    client.get("/people/")
    ScheduledRun.objects.create(job="backup", slot=timezone.now(), state=RunState.FAILED,
                                duration=12.5, finished_at=timezone.now())
    scheduler.beat("worker")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'canlian_request_duration_seconds_count{method="GET",status="200",view="people:list"}' in text
    assert "canlian_queue_depth 0.0" in text
    assert 'canlian_scheduled_last_failed{job="backup"} 1.0' in text
    assert 'canlian_scheduled_last_duration_seconds{job="backup"} 12.5' in text
    assert 'canlian_heartbeat_age_seconds{process="worker"}' in text


def test_the_status_page_reads_each_check_in_the_readers_language():
    from django.utils import translation

    from canlian.ops.views import describe
    with translation.override("zh-hans"):
        assert describe("worker", {"facts": {"seen_seconds_ago": 1300}}) == "1,300 秒前最后一次运行"
        assert describe("worker", {"facts": {"seen_seconds_ago": None}}) == "从未运行"
        assert describe("queue", {"facts": {"waiting": 2, "oldest_seconds": 75}}) == (
            "2 项等待中，最早的已等待 75 秒")
        assert describe("disk", {"facts": {"free_gb": {"data": 12.5, "backups": 3.0}}}) == (
            "数据目录可用 12.5 GB；备份目录可用 3.0 GB")
        assert describe("queue", {"facts": {"database_unavailable": True}}) == "未检查：数据库不可用"
    with translation.override("en"):
        assert describe("migrations", {"facts": {"pending": 0}}) == "All applied"
