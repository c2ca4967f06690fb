"""``/healthz`` (load balancer, monitoring), ``/metrics`` (Prometheus, bearer token) and
``/ops/`` (the scheduled jobs' page, for the federation's administrators)."""

from __future__ import annotations

import hmac
import os
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from canlian.accounts.roles import Capability
from canlian.core.web import AuthedRequest, requires

from . import health, metrics, registry, slots
from .models import RunState, ScheduledRun

CHECK_LABELS = {"database": _("Database"), "migrations": _("Migrations"), "disk": _("Disk space"),
                "queue": _("Job queue"), "worker": _("Background worker"), "scheduler": _("Scheduler")}
STATUS_LABELS = {"ok": _("OK"), "warn": _("Needs attention"), "fail": _("Failing")}


def describe(name: str, check: dict[str, Any]) -> str:
    """A health check's finding in the reader's language. ``/healthz`` keeps its English
    ``note`` for monitoring tools; people read this, built from the check's ``facts``."""
    facts = check.get("facts") or {}
    if facts.get("database_unavailable"):
        return gettext("Not checked: the database is unavailable")
    if "error" in facts:
        return gettext("Check failed: %(error)s") % {"error": facts["error"]}
    if name == "database":
        return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(facts.get("vendor", ""), "")
    if name == "migrations":
        if not facts.get("pending"):
            return gettext("All applied")
        return gettext("%(n)s not applied: %(names)s") % {
            "n": intcomma(facts["pending"]), "names": "、".join(facts.get("names", []))}
    if name == "disk":
        where = {"data": gettext("data"), "backups": gettext("backups")}
        return gettext("; ").join(gettext("%(where)s: %(gb)s GB free") % {
            "where": where.get(k, k), "gb": v} for k, v in facts.get("free_gb", {}).items())
    if name == "queue":
        return gettext("%(n)s waiting, the oldest for %(s)s s") % {
            "n": intcomma(facts.get("waiting", 0)), "s": intcomma(facts.get("oldest_seconds", 0))}
    if name in ("worker", "scheduler"):
        ago = facts.get("seen_seconds_ago")
        if ago is None:
            return gettext("Never seen")
        return gettext("Last seen %(s)s s ago") % {"s": intcomma(ago)}
    return str(check.get("note", ""))


# What the jobs' summaries count, for people (a key not listed is shown as it is).
SUMMARY_LABELS = {
    "expired": _("certificates expired"), "renewal_reminders": _("renewal reminders"),
    "renewal_texts": _("renewal reminders texted"),
    "overdue_applications": _("overdue applications"),
    "overdue_rectifications": _("overdue rectifications"),
    "follow_up_reminders": _("visit follow-up reminders"),
    "overdue_dropout_cases": _("overdue out-of-school cases"),
    "expiring_licences": _("institution licences expiring"), "flagged": _("at risk"),
    "opened": _("newly watched"), "updated": _("cases updated"), "cleared": _("no longer flagged"),
    "month": _("month"), "status": _("status"), "lines": _("lines"), "total": _("total (yuan)"),
    "changed": _("changed"), "tables": _("tables"), "rows": _("rows"),
    "restore_seconds": _("restore (s)"), "restore_test": _("restore test"), "file": _("file"),
    "size": _("size (bytes)"), "backup_seconds": _("backup (s)"), "deleted": _("old backups deleted"),
    "throttle": _("throttle rows"), "sessions": _("sessions"), "job_files": _("job files"),
    "runs": _("run records"), "heartbeats": _("heartbeats"), "skipped": _("skipped"),
}


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


@requires(Capability.VIEW_AUDIT)
def status(request: AuthedRequest) -> HttpResponse:
    now = timezone.localtime()
    rows = []
    for job in registry.REGISTRY.values():
        if job.hidden:
            continue
        expression = job.expression()
        runs = list(ScheduledRun.objects.filter(job=job.code).order_by("-slot")[:5])
        last = runs[0] if runs else None
        summary = [(SUMMARY_LABELS.get(k, k), v) for k, v in (last.summary if last else {}).items()]
        rows.append({"job": job, "expression": expression, "last": last, "summary": summary,
                     "next": slots.upcoming(expression, now),
                     "attention": last is not None and last.state == RunState.FAILED})
    checks = [(CHECK_LABELS.get(name, name), STATUS_LABELS.get(c["status"], c["status"]),
               describe(name, c)) for name, c in health.check()["checks"].items()]
    return render(request, "ops/status.html", {
        "rows": rows, "checks": checks, "failed": [r for r in rows if r["attention"]]})
