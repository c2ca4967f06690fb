"""One-time sign-in codes (短信验证码): how they are made, kept and compared. No database code.

A code is six random digits, valid for five minutes, good for five tries. Only a keyed
hash is stored (HMAC with the site secret and the resident ID), so a database dump does
not reveal live codes, and a code for one ID cannot be replayed for another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

CODE_DIGITS = 6
VALID_FOR = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
# Sending limits: one code a minute per ID, five an hour per ID, twenty an hour per address.
RESEND_AFTER = dt.timedelta(seconds=60)
PER_ID_PER_HOUR = 5
PER_ADDRESS_PER_HOUR = 20


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def digest(secret: str, resident_id: str, code: str) -> str:
    message = f"{resident_id.upper()}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def matches(secret: str, resident_id: str, code: str, stored: str) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    return len(code) == CODE_DIGITS and hmac.compare_digest(digest(secret, resident_id, code), stored)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``: enough for the citizen to recognise the number."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
