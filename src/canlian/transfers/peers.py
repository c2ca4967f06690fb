"""The other deployments this one exchanges with, from the environment.

``CANLIAN_TRANSFER_PEERS`` is JSON: one entry per peer code, each with the peer's ``name``
(shown to staff), its base ``url`` and the ``key`` both sides share. ``CANLIAN_TRANSFER_SELF``
is the code this installation signs with (default: its deployment's code)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from canlian.regions import loader
from canlian.regions.models import Deployment


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    url: str
    key: bytes

    def endpoint(self) -> str:
        return self.url.rstrip("/") + INBOX_PATH


INBOX_PATH = "/transfers/inbox/"


def all_peers() -> dict[str, Peer]:
    raw = settings.CANLIAN_TRANSFER_PEERS.strip()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"CANLIAN_TRANSFER_PEERS is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured("CANLIAN_TRANSFER_PEERS must be a JSON object of peers")
    peers = {}
    for code, entry in data.items():
        missing = [k for k in ("url", "key") if not (isinstance(entry, dict) and entry.get(k))]
        if missing:
            raise ImproperlyConfigured(
                f"CANLIAN_TRANSFER_PEERS: peer {code!r} lacks {', '.join(missing)}")
        if len(str(entry["key"])) < 32:
            raise ImproperlyConfigured(
                f"CANLIAN_TRANSFER_PEERS: the key of peer {code!r} is shorter than 32 characters")
        peers[code] = Peer(code, str(entry.get("name") or code), str(entry["url"]),
                           str(entry["key"]).encode())
    return peers


def get(code: str) -> Peer | None:
    return all_peers().get(code)


def name_of(code: str) -> str:
    """What staff call a peer: its configured name, else the shipped deployment's name
    (a transfer recorded before the peer was configured, or after it was removed)."""
    peer = get(code)
    if peer is not None:
        return peer.name
    if code in loader.available():
        return str(loader.read(code)["deployment"]["name"])
    return code


def self_code() -> str:
    if settings.CANLIAN_TRANSFER_SELF:
        return settings.CANLIAN_TRANSFER_SELF
    deployment = Deployment.current()
    return deployment.code if deployment else ""
