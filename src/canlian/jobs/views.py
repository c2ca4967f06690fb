"""Pages of background jobs: the list of one's jobs, a job's page (progress while it runs,
its summary and result file when done), its status as JSON for the page's polling script,
and the result download. Every query goes through ``scoping.jobs_for``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from canlian.accounts import scoping
from canlian.core.web import AuthedRequest, signed_in_only

from . import actions, kinds, storage
from .models import Job, JobState

# A job still waiting after this long suggests that no worker is running.
WORKER_LATE = dt.timedelta(seconds=30)


# The jobs pages need no capability: a staff user sees the jobs that scoping.jobs_for gives
# (their own, and their region's for those who may), and other roles are refused inside.
OWN_JOBS = ("a staff user's own jobs, and their region's of the kinds they may run "
            "(scoping.jobs_for); other roles are refused inside")


def _visible(request: AuthedRequest, pk: int) -> Job:
    if not request.user.is_staff_role:
        raise PermissionDenied
    return get_object_or_404(scoping.jobs_for(request.user).select_related("owner"), pk=pk)


def status(job: Job) -> dict:
    """What the job's page shows about its progress (also its JSON status)."""
    live = storage.read_progress(job) if job.state == JobState.RUNNING else None
    done = live["done"] if live else job.done
    total = live["total"] if live else job.total
    messages = live["messages"] if live else job.messages
    note = live["note"] if live else ""
    if job.state == JobState.QUEUED and timezone.now() - job.created_at > WORKER_LATE:
        note = _("The job has not started yet: the background worker may not be running. "
                 "If it stays like this, tell your system administrator.")
    percent = min(100, round(100 * done / total)) if total else None
    if job.state == JobState.SUCCEEDED:
        percent = 100
    return {"state": job.state, "state_label": JobState(job.state).label, "done": done,
            "total": total, "percent": percent, "note": note, "finished": job.finished,
            "messages": messages[-20:], "error": job.error}


def _label(job: Job) -> str:
    spec = kinds.REGISTRY.get(job.kind)
    return str(spec.label) if spec else job.kind


def _detail_url(job: Job) -> str:
    spec = kinds.REGISTRY.get(job.kind)
    if not (spec and spec.detail_url and job.result.get("detail_pk")):
        return ""
    try:
        return reverse(spec.detail_url, args=[job.result["detail_pk"]])
    except NoReverseMatch:
        return ""


@signed_in_only(OWN_JOBS)
def job_list(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_staff_role:
        raise PermissionDenied
    jobs = list(scoping.jobs_for(request.user).select_related("owner")[:50])
    return render(request, "jobs/list.html", {
        "jobs": [(job, _label(job)) for job in jobs]})


@signed_in_only(OWN_JOBS)
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _visible(request, pk)
    return render(request, "jobs/detail.html", {
        "job": job, "label": _label(job), "status": status(job),
        "has_result": storage.result_path(job) is not None,
        "expired": job.finished and job.result_name and storage.result_path(job) is None,
        "detail_url": _detail_url(job),
        "summary_template": getattr(kinds.REGISTRY.get(job.kind), "summary_template", ""),
    })


@signed_in_only(OWN_JOBS)
def job_status(request: AuthedRequest, pk: int) -> JsonResponse:
    return JsonResponse(status(_visible(request, pk)))


@signed_in_only(OWN_JOBS)
def job_result(request: AuthedRequest, pk: int) -> FileResponse:
    job = _visible(request, pk)
    path = storage.result_path(job)
    if path is None:
        raise Http404(_("This job has no result file, or it has expired."))
    actions.record_download(request.user, job, request)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
