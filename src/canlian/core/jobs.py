"""The background export of a long list (``core.lists``): kind ``core.list_export``.

The page of a list longer than ``lists.BACKGROUND_ROWS`` posts its export here instead of
writing the workbook inside the request. The job rebuilds the list from the builder
registered for it (``lists.BACKGROUND_LISTS``) as its owner, with the filters of the page,
so it holds exactly the rows the owner saw counted, scoped to the owner's area; it writes
the workbook with progress, audits the export of every person on it, and its page offers
the download.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canlian.accounts.roles import Capability
from canlian.jobs.kinds import JobError, Kind, register
from canlian.jobs.runner import Context

from . import exports, lists


def _request(context: Context) -> HttpRequest:
    """A stand-in for the page's request: its owner, address and filters."""
    request = HttpRequest()
    request.method = "GET"
    request.path = str(context.params.get("path") or "/")
    request.GET = QueryDict(str(context.params.get("query") or ""))
    request.META = dict(context.request.META)
    request.user = context.user  # type: ignore[assignment]
    return request


def export_list(context: Context) -> dict[str, Any]:
    builder = lists.BACKGROUND_LISTS.get(str(context.params.get("list")))
    if builder is None or context.user is None:
        raise JobError(_("This list cannot be exported."))
    listing = import_string(builder)(_request(context))
    if not listing.can_export:
        raise JobError(_("This list cannot be exported."))
    total = min(listing.count, lists.EXPORT_LIMIT)
    context.progress(0, total=total, note=_("Writing the workbook"))
    try:
        path = listing.write_workbook(progress=lambda done, n: context.progress(done, n))
    except exports.ExportError as exc:
        raise JobError(exc.message) from None
    name = listing.download_name(str(context.params.get("filename") or ""))
    context.result_file(path, name)
    return {"rows": total, "file": name}


LIST_EXPORT = register(Kind("core.list_export", gettext_lazy("List export"),
                            Capability.EXPORT_PEOPLE, run=export_list))
