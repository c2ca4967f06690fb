"""Prometheus metrics (prometheus-client), served at ``/metrics``.

Two sources:

- measured in the process: request latency per view (``RequestMetricsMiddleware``), the
  duration of each scheduled run (in the worker). Under gunicorn each worker is a process:
  set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, the same for the web and the worker,
  emptied at each start, docs/deploy.md) and ``/metrics`` adds up all processes.
- read from the database at each scrape (``DatabaseCollector``): the task queue's depth
  and the age of its oldest waiting task, each scheduled job's last run (outcome, duration,
  time), the processes' heartbeats, the latest payment rolls' sizes and the latest roster
  imports' sizes. These are right whichever process answers the scrape.

No label carries personal data: views are labelled by their URL name, never their path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # each process writes its figures there
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUEST_LATENCY = Histogram(
    "canlian_request_duration_seconds", "Time to answer a request, per view",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
JOB_DURATION = Histogram(
    "canlian_scheduled_job_duration_seconds", "Duration of scheduled runs", ["job", "outcome"],
    buckets=(0.1, 1, 10, 60, 300, 900, 1800, 3600, 7200))
BACKUPS = Counter("canlian_backups_total", "Nightly backups that passed their restore test")


def job_finished(job: str, outcome: str, seconds: float) -> None:
    JOB_DURATION.labels(job, outcome).observe(seconds)


def backup_done(size: int, restore_seconds: float) -> None:
    BACKUPS.inc()


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        if view != "metrics":
            REQUEST_LATENCY.labels(view, request.method, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Max

        from canlian.benefits.models import Roll
        from canlian.people.models import RosterImport

        from . import health
        from .models import Heartbeat, ScheduledRun

        now = timezone.now()
        depth, oldest = health.queue()
        yield GaugeMetricFamily("canlian_queue_depth", "Background tasks waiting to run", value=depth)
        yield GaugeMetricFamily("canlian_queue_oldest_seconds",
                                "Age of the oldest task waiting to run", value=oldest)
        duration = GaugeMetricFamily("canlian_scheduled_last_duration_seconds",
                                     "Duration of each scheduled job's last finished run", labels=["job"])
        finished = GaugeMetricFamily("canlian_scheduled_last_finished_timestamp_seconds",
                                     "When each job's last run finished", labels=["job"])
        failed = GaugeMetricFamily("canlian_scheduled_last_failed",
                                   "1 when a job's last finished run failed", labels=["job"])
        latest_ids = (ScheduledRun.objects.filter(state__in=("succeeded", "failed")).values("job")
                      .annotate(last=Max("id")).values_list("last", flat=True))
        for run in ScheduledRun.objects.filter(id__in=list(latest_ids)):
            duration.add_metric([run.job], run.duration or 0)
            finished.add_metric([run.job], run.finished_at.timestamp() if run.finished_at else 0)
            failed.add_metric([run.job], 1 if run.state == "failed" else 0)
        yield duration
        yield finished
        yield failed
        beats = GaugeMetricFamily("canlian_heartbeat_age_seconds",
                                  "Seconds since a process kind last showed life", labels=["process"])
        for process, seen in Heartbeat.objects.values("process").annotate(seen=Max("seen_at")) \
                .values_list("process", "seen"):
            beats.add_metric([process], (now - seen).total_seconds())
        yield beats
        lines = GaugeMetricFamily("canlian_roll_lines", "Lines of the latest payment roll",
                                  labels=["status"])
        roll = Roll.objects.order_by("-month", "-sequence").first()
        if roll is not None:
            lines.add_metric([roll.status], roll.line_count)
        yield lines
        imported = GaugeMetricFamily("canlian_import_rows", "Rows of the latest roster import",
                                     labels=["outcome"])
        last = RosterImport.objects.order_by("-at").first()
        if last is not None:
            for outcome in ("rows", "created", "updated", "rejected"):
                imported.add_metric([outcome], getattr(last, outcome))
        yield imported


def registry() -> CollectorRegistry:
    import prometheus_client

    collected: Any = prometheus_client.REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
    scrape = CollectorRegistry()
    scrape.register(_Forward(collected))
    scrape.register(DatabaseCollector())
    return scrape


class _Forward(Collector):
    def __init__(self, source: Any) -> None:
        self.source = source

    def collect(self) -> Iterator[Any]:
        yield from self.source.collect()


def render() -> tuple[bytes, str]:
    return generate_latest(registry()), CONTENT_TYPE_LATEST
