"""The pages shown when a request fails: 503 when the database cannot be reached, 500
otherwise.

Both render without the database (no context processors, no user, no deployment name:
those are database reads) from ``templates/errors/page.html``, in the language the
request was being answered in (Chinese unless the user chose English). Django calls
``server_error`` as ``handler500`` while the exception is being handled, so it can tell
a lost database (``OperationalError``/``InterfaceError`` on connecting, or a schema found
incomplete, core/startup.py) from any other fault.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

# Fragments of the drivers' messages when there is no usable connection (psycopg, sqlite3).
_CONNECTION_LOST = ("connection", "could not connect", "does not exist", "server closed", "terminating",
                    "the database system is", "unable to open database", "database is locked")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database cannot serve at all (rather than a bad query)."""
    from canlian.core.schema import SchemaIncomplete

    if isinstance(exc, SchemaIncomplete | InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc).lower()
        return any(fragment in text for fragment in _CONNECTION_LOST)
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    unavailable = database_unavailable(sys.exc_info()[1])
    template = "503.html" if unavailable else "500.html"
    response = HttpResponse(loader.render_to_string(template), status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = "60"
    return response
