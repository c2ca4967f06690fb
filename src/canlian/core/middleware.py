"""Security headers Django does not set itself: a strict Content-Security-Policy.

Every script and style is served from our own static files (no CDN, no inline
script), so the policy can forbid everything else.
"""

import json
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from .exports import DISK_FULL, disk_message, refused

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Django's admin sets a few inline style attributes; its scripts are files like ours.
ADMIN_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy",
                            ADMIN_CSP if request.path.startswith("/admin/") else CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if _signed_in(request):
            response.setdefault("Cache-Control", "no-store")
        return response


class DiskFullMiddleware:
    """Whatever a full disk interrupts (an upload spooled to disk, a file being written)
    is answered with a page that says so (503), not a server error. Writers clean up
    their own partial files (core/exports.py, core/storage.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:  # parsed here (CSRF would parse it next): a full disk while spooling
                request.FILES  # noqa: B018
            except OSError as exc:
                response = self.process_exception(request, exc)
                if response is not None:
                    return response
                raise
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OSError) and exception.errno in DISK_FULL:
            if request.path.startswith("/api/"):
                body = {"code": "storage_full", "message": disk_message(exception), "field": None}
                return HttpResponse(json.dumps(body, ensure_ascii=False), status=503,
                                    content_type="application/json")
            return refused(request, disk_message(exception))
        return None


def _signed_in(request: HttpRequest) -> bool:
    # Reading the user reads the session: when the database is down the error page must
    # still get its headers, so a failed read counts as not signed in.
    try:
        return request.user.is_authenticated if hasattr(request, "user") else False
    except DatabaseError:
        return False
