"""Searches kept out of URLs: what was typed is sealed in the session under an opaque token.

A resident ID typed into a search box and sent as ``GET ?q=…`` lands in the browser's
history, in proxies and in any access log. Instead the search form is POSTed (with its
CSRF token); :func:`remember` seals the submitted fields (``encrypted.seal``, AES-GCM with
the field keys, as for the sign-in steps) in the session under a short random token, and
the results page is a GET with only ``?s=<token>`` (plus ``page``), so pagination, export
and back-navigation keep the search. The token says nothing about the search, and it is
meaningful only in the session that made it: another browser, a signed-out session or an
old token finds nothing (:func:`recall` returns None and the page says so).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .encrypted import seal, unseal

SESSION_KEY = "sealed_searches"
KEEP = 20  # searches remembered per session (the oldest are forgotten first)
TOKEN_PARAM = "s"  # noqa: S105 (a query parameter's name, not a secret)
STALE_MESSAGE = _("This search is no longer available (it belongs to another session, or "
                  "has expired). Please search again.")


def remember(request: HttpRequest, fields: Mapping[str, Any]) -> str:
    """Seal ``fields`` (strings, or lists of strings) in the session; the token naming them."""
    token = secrets.token_urlsafe(6)
    kept = [pair for pair in request.session.get(SESSION_KEY, []) if pair[0] != token]
    kept.append([token, seal({k: v for k, v in fields.items() if v not in ("", None, [])})])
    request.session[SESSION_KEY] = kept[-KEEP:]
    return token


def recall(request: HttpRequest, token: str | None) -> dict[str, Any] | None:
    """The fields sealed under ``token`` in this session, or None (unknown, stale, altered)."""
    if not token:
        return None
    for kept, sealed in request.session.get(SESSION_KEY, []):
        if secrets.compare_digest(str(kept), str(token)):
            fields = unseal(sealed)
            return fields if isinstance(fields, dict) else None
    return None


def form_fields(data: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
    """The named fields of a submitted form (a QueryDict or a dict), ready to remember."""
    getlist = getattr(data, "getlist", None)
    out: dict[str, Any] = {}
    for name in names:
        if getlist is not None:
            values = [v for v in getlist(name) if v != ""]
            out[name] = values[0] if len(values) == 1 else values
        else:
            out[name] = data.get(name, "")
    return out
