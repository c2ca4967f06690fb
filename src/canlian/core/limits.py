"""Request size caps, applied before a body is read or buffered.

A request whose ``Content-Length`` is over the cap for its path is answered 413 at once
(JSON for the API, a short page otherwise): nothing is read, nothing is spooled to disk.
The roster import takes its own, larger cap; every other request (forms, JSON, 5 MB
attachments) the general one. Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` still guards
bodies without a length.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Paths that take large uploads, and the setting holding their cap.
LARGE = {"/people/import/": "CANLIAN_MAX_ROSTER_BYTES"}


def cap_for(path: str) -> int:
    name = LARGE.get(path)
    return int(getattr(settings, name)) if name else int(settings.CANLIAN_MAX_REQUEST_BYTES)


def too_large(request: HttpRequest, cap: int) -> HttpResponse:
    mb = max(1, cap // (1024 * 1024))
    message = _("The request is larger than the limit of %(mb)d MB.") % {"mb": mb}
    if request.path.startswith("/api/"):
        return HttpResponse(json.dumps({"code": "too_large", "message": message, "field": None},
                                       ensure_ascii=False),
                            status=413, content_type="application/json")
    return HttpResponse(f"<!doctype html><title>413</title><p>{message}</p>", status=413,
                        content_type="text/html; charset=utf-8")


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        cap = cap_for(request.path)
        if length > cap:
            return too_large(request, cap)
        return self.get_response(request)
