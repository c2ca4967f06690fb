"""The client's address, behind reverse proxies trusted by configuration only.

``CANLIAN_TRUSTED_PROXIES`` lists the proxies' addresses or networks (e.g.
``10.0.0.5,10.1.0.0/16``). When a request comes from one of them, the client is the
right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy (the left
part of the header is whatever the client sent, so it is never believed); otherwise the
header is ignored. ``TrustedProxyMiddleware`` writes the result into ``REMOTE_ADDR``
before anything reads it, so sign-in lockout (django-axes), the portal's per-client
limits and the audit log all see the real client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(s, strict=False) for s in spec)


def trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in _networks(proxies))


def resolve(peer: str, forwarded_for: str, proxies: tuple[str, ...]) -> str:
    """The client's address given the TCP peer and the X-Forwarded-For header."""
    if not proxies or not trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header: keep the proxy's address
    return hops[0] if hops else peer


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class TrustedProxyMiddleware:
    """First in the chain: the real client into ``REMOTE_ADDR`` (the peer is kept in
    ``CANLIAN_PEER_ADDR``); ``X-Forwarded-Proto`` is dropped unless a trusted proxy set it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = tuple(settings.CANLIAN_TRUSTED_PROXIES)
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta["CANLIAN_PEER_ADDR"] = peer
        if proxies and trusted(peer, proxies):
            meta["REMOTE_ADDR"] = resolve(peer, meta.get("HTTP_X_FORWARDED_FOR", ""), proxies)
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
