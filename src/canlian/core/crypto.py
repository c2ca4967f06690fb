"""Encryption at rest of single values (phones, bank accounts), and keyed blind indexes.

Why: a database dump or a backup alone must not reveal who is on the disability registry
or how to reach them (个人信息保护法 art. 28, 51). Values are encrypted with AES-256-GCM
(the ``cryptography`` library's ``AESGCM``) under a key ring read from the environment:

- ``CANLIAN_FIELD_KEYS``: ``id:base64key`` pairs separated by commas, newest first. The
  newest key encrypts; every key in the ring decrypts, so a new key can be added at the
  front, ``canlian keys rotate`` re-encrypts everything in batches, and then the old key
  is dropped.
- ``CANLIAN_INDEX_KEY``: the base64 key of the blind index, an HMAC-SHA256 of the
  normalised value. It lets an exact search (``phone = …``) use an ordinary index without
  decrypting; it is kept apart from the encryption keys and is not rotated by
  ``keys rotate`` (changing it means recomputing every index, ``keys reindex``).

Only under ``CANLIAN_ENV`` development or test, and only when the variables are unset, a
fixed key is *derived from a public development phrase*: data encrypted with it is
protected against nothing. Production refuses to encrypt or decrypt without the variables.

Stored form: ``enc1:<key id>:<urlsafe base64 of nonce ‖ ciphertext ‖ tag>``. The empty
string stays empty (so ``phone = ''`` still means "no phone").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"
AAD = b"canlian-field-v1"
DEV_PHRASE = "canlian development and test only - not a secret"


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # newest first
    index_key: bytes

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[0]

    def key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise ImproperlyConfigured(f"field key {key_id!r} is not in CANLIAN_FIELD_KEYS")


def _dev_key(label: str) -> bytes:
    return hashlib.sha256(f"{DEV_PHRASE}:{label}".encode()).digest()


def parse_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        kid, _, b64 = part.partition(":")
        key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        if not kid or ":" in kid or len(key) != 32:
            raise ImproperlyConfigured("CANLIAN_FIELD_KEYS: each entry is id:base64 of 32 bytes")
        keys.append((kid, key))
    return tuple(keys)


@cache
def ring() -> KeyRing:
    raw = os.environ.get("CANLIAN_FIELD_KEYS", "")
    index = os.environ.get("CANLIAN_INDEX_KEY", "")
    development = settings.ENV in ("development", "test")
    keys = parse_keys(raw) if raw else ()
    if not keys:
        if not development:
            raise ImproperlyConfigured("CANLIAN_FIELD_KEYS must be set in production")
        keys = (("dev", _dev_key("field")),)
    if index:
        index_key = base64.urlsafe_b64decode(index + "=" * (-len(index) % 4))
    elif development:
        index_key = _dev_key("index")
    else:
        raise ImproperlyConfigured("CANLIAN_INDEX_KEY must be set in production")
    return KeyRing(keys, index_key)


def new_key() -> str:
    """A fresh key, base64, for ``CANLIAN_FIELD_KEYS`` or ``CANLIAN_INDEX_KEY``."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode().rstrip("=")


def is_encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    return value[len(PREFIX):].split(":", 1)[0] if is_encrypted(value) else None


def encrypt(value: str) -> str:
    if value == "" or is_encrypted(value):
        return value
    kid, key = ring().current
    nonce = os.urandom(12)
    sealed = _cipher(key).encrypt(nonce, value.encode(), AAD)
    return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(value: str) -> str:
    """The clear value; a value never encrypted (before the migration) is returned as is."""
    if not is_encrypted(value):
        return value
    kid, _, b64 = value[len(PREFIX):].partition(":")
    blob = base64.urlsafe_b64decode(b64)
    return _cipher(ring().key(kid)).decrypt(blob[:12], blob[12:], AAD).decode()


@cache
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash for exact search; ``purpose`` separates columns (a phone's index does
    not match the same digits as a bank account). Empty stays empty."""
    if not value:
        return ""
    # hmac.digest: OpenSSL's one-shot HMAC, a third of hmac.new's cost (an import indexes
    # four columns of every row)
    return hmac.digest(ring().index_key, f"{purpose}:{value}".encode(), "sha256").hex()[:40]
