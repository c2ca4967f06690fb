"""Security headers Django does not set itself: a strict Content-Security-Policy.

Every script and style is served from our own static files (no CDN, no inline
script), so the policy can forbid everything else.
"""

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if _signed_in(request):
            response.setdefault("Cache-Control", "no-store")
        return response


def _signed_in(request: HttpRequest) -> bool:
    # Reading the user reads the session: when the database is down the error page must
    # still get its headers, so a failed read counts as not signed in.
    try:
        return request.user.is_authenticated if hasattr(request, "user") else False
    except DatabaseError:
        return False
