"""Pure rules of satisfaction ratings and the evaluator's sample. No Django, no database.

- A rating is a whole number from 1 (very dissatisfied) to 5 (very satisfied); an item
  can be rated within ``RATING_WINDOW_DAYS`` of closing, once.
- A text-message reply is "<code> <score> [comment]" (spaces, commas or a full-width
  space between; the code is not case-sensitive), e.g. "K7P3Q 5 服务很好".
- The satisfaction rate (满意率) is the share of ratings of 4 or 5.
- Where results are shown to the public, a group with fewer than ``MIN_PUBLIC`` ratings
  shows no figures (the suppression rule of the public page, docs/plan-implementation.md).
- The evaluator's sample is drawn reproducibly: each record's key is the SHA-256 of
  "<seed>:<id>", and the sample is the ``size`` records with the smallest keys. The same
  seed over the same records gives the same sample; a record added or removed changes it
  by at most that one record, so a re-drawn sample can be compared with the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass

RATING_WINDOW_DAYS = 90  # demo value, unconfirmed: how long after closing a rating is taken
REPLY_DAYS = 30  # demo value, unconfirmed: how long a text-message reply code is valid
MIN_PUBLIC = 5
MAX_SAMPLE = 500
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed
CODE_LENGTH = 5
SCORES = (1, 2, 3, 4, 5)

_REPLY = re.compile(r"^\s*([A-Za-z0-9]{4,8})[\s,，、:：]+([1-5])(?:[\s,，、:：]+(.*))?\s*$", re.S)


@dataclass(frozen=True)
class Reply:
    code: str
    score: int
    comment: str


def parse_reply(text: str) -> Reply | None:
    """A citizen's text-message reply, or None when it is not "<code> <score> [comment]"."""
    match = _REPLY.match((text or "").replace("\u3000", " "))
    if match is None:
        return None
    return Reply(match.group(1).upper(), int(match.group(2)), (match.group(3) or "").strip()[:500])


def normalise_phone(phone: str) -> str:
    """The 11-digit mobile number, whatever the gateway adds (+86, 0086, spaces)."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if len(digits) > 11 and digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits


def can_rate(closed_on: dt.date, today: dt.date) -> bool:
    return closed_on <= today <= closed_on + dt.timedelta(days=RATING_WINDOW_DAYS)


def reply_expired(sent_on: dt.date, today: dt.date) -> bool:
    return today > sent_on + dt.timedelta(days=REPLY_DAYS)


def satisfaction_rate(satisfied: int, rated: int) -> float | None:
    """满意率: ratings of 4 or 5 ÷ all ratings, in percent (None without ratings)."""
    return None if rated == 0 else round(100 * satisfied / rated, 1)


def public_row(rated: int) -> bool:
    """Whether a group's figures may be published (at least ``MIN_PUBLIC`` ratings)."""
    return rated >= MIN_PUBLIC


def sample_key(seed: int, record_id: int) -> str:
    return hashlib.sha256(f"{seed}:{record_id}".encode()).hexdigest()


def draw_sample(ids: Iterable[int], seed: int, size: int) -> list[int]:
    """The ``size`` ids with the smallest keys for ``seed``, in key order (see above)."""
    if size < 1:
        return []
    prefix, sha = f"{seed}:".encode(), hashlib.sha256
    # The digest's bytes order as its hex does (``sample_key``); a heap keeps only ``size``.
    keyed = heapq.nsmallest(size, ((sha(prefix + str(i).encode()).digest(), i) for i in ids))
    return [i for _, i in keyed]


def pseudonym(seed: int, record_id: int) -> str:
    """A record's name in a sample: stable for the seed, says nothing about the person."""
    return "S" + sample_key(seed, record_id)[:10].upper()


def age_band(birth: dt.date, today: dt.date) -> str:
    """Ten-year age bands (0–9 … 80+): exact ages and birth dates identify persons."""
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age >= 80:
        return "80+"
    low = max(0, age) // 10 * 10
    return f"{low}–{low + 9}"
