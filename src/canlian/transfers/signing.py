"""Signing the messages two Canlian deployments exchange (pure: no Django).

Each pair of peers shares a secret key. A request carries four headers:

- ``X-Canlian-Peer``: the sender's peer code (how the receiver knows it, e.g. ``yueqing``);
- ``X-Canlian-Timestamp``: seconds since the epoch (UTC) when it was signed;
- ``X-Canlian-Nonce``: 32 random hex characters, never used twice by the sender;
- ``X-Canlian-Signature``: ``hmac-sha256=`` and the hex HMAC-SHA256, under the shared key,
  of the canonical text below.

The canonical text is six lines joined by ``\\n``: the peer code, the timestamp, the nonce,
the method (upper case), the path, and the hex SHA-256 of the body. The receiver refuses a
timestamp more than ``WINDOW`` seconds from its own clock and a nonce it has seen (it keeps
nonces longer than the window), so a captured request cannot be played again. Answers are
signed the same way with the method ``RESPONSE``, so the sender knows the answer came from
its peer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

WINDOW = 300  # seconds either side of the receiver's clock
PREFIX = "hmac-sha256="
HEADERS = ("X-Canlian-Peer", "X-Canlian-Timestamp", "X-Canlian-Nonce", "X-Canlian-Signature")


class SignatureError(Exception):
    """A request that is not signed as the protocol says; ``code`` says which check failed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Signed:
    peer: str
    timestamp: int
    nonce: str
    signature: str

    def headers(self) -> dict[str, str]:
        return dict(zip(HEADERS, (self.peer, str(self.timestamp), self.nonce, self.signature),
                        strict=True))


def canonical(peer: str, timestamp: int, nonce: str, method: str, path: str,
              body: bytes) -> bytes:
    return "\n".join([peer, str(timestamp), nonce, method.upper(), path,
                      hashlib.sha256(body).hexdigest()]).encode()


def _mac(key: bytes, text: bytes) -> str:
    return PREFIX + hmac.new(key, text, hashlib.sha256).hexdigest()


def sign(key: bytes, peer: str, method: str, path: str, body: bytes, *, now: float,
         nonce: str | None = None) -> Signed:
    timestamp = int(now)
    nonce = nonce or secrets.token_hex(16)
    return Signed(peer, timestamp, nonce,
                  _mac(key, canonical(peer, timestamp, nonce, method, path, body)))


def read_headers(headers: dict[str, str]) -> Signed:
    """The four headers of a request (any letter case), or ``SignatureError``."""
    lower = {k.lower(): v for k, v in headers.items()}
    values = [lower.get(name.lower(), "").strip() for name in HEADERS]
    missing = [name for name, value in zip(HEADERS, values, strict=True) if not value]
    if missing:
        raise SignatureError("unsigned", f"missing header {', '.join(missing)}")
    peer, timestamp, nonce, signature = values
    if not timestamp.isdigit():
        raise SignatureError("timestamp", "X-Canlian-Timestamp must be whole seconds")
    if not (16 <= len(nonce) <= 64 and all(c in "0123456789abcdef" for c in nonce)):
        raise SignatureError("nonce", "X-Canlian-Nonce must be 16–64 lower-case hex characters")
    return Signed(peer, int(timestamp), nonce, signature)


def verify(key: bytes, signed: Signed, method: str, path: str, body: bytes, *,
           now: float) -> None:
    """Raise ``SignatureError`` unless ``signed`` is a fresh, correct signature of the
    request. (The nonce's novelty is the caller's to check: it needs storage.)"""
    if abs(now - signed.timestamp) > WINDOW:
        raise SignatureError("stale", f"timestamp outside ±{WINDOW} s of the receiver's clock")
    expected = _mac(key, canonical(signed.peer, signed.timestamp, signed.nonce, method, path,
                                   body))
    if not hmac.compare_digest(expected, signed.signature):
        raise SignatureError("signature", "the signature does not match the request")
