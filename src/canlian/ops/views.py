"""``/healthz`` (load balancer, monitoring), ``/metrics`` (Prometheus, bearer token) and
``/ops/`` (the scheduled jobs' page, for the federation's administrators)."""

from __future__ import annotations

import hmac
import os

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from canlian.accounts import scoping
from canlian.accounts.roles import Capability

from . import health, metrics, registry, slots
from .models import RunState, ScheduledRun


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    result = health.check()
    ok = result["all_healthy"] if request.GET.get("strict") else result["healthy"]
    return JsonResponse(result, status=200 if ok else 503)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape; ``Authorization: Bearer $CANLIAN_METRICS_TOKEN``. Without a
    token configured the page does not exist."""
    token = os.environ.get("CANLIAN_METRICS_TOKEN", "")
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse("unauthorized\n", status=401, content_type="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type)


@login_required
def status(request: HttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.VIEW_AUDIT)
    now = timezone.localtime()
    rows = []
    for job in registry.REGISTRY.values():
        if job.hidden:
            continue
        expression = job.expression()
        runs = list(ScheduledRun.objects.filter(job=job.code).order_by("-slot")[:5])
        last = runs[0] if runs else None
        rows.append({"job": job, "expression": expression, "last": last, "recent": runs[1:],
                     "next": slots.upcoming(expression, now),
                     "attention": last is not None and last.state == RunState.FAILED})
    return render(request, "ops/status.html", {
        "rows": rows, "health": health.check(), "failed": [r for r in rows if r["attention"]]})
