"""Privacy notices (个人信息处理告知) per purpose, read from ``data/notices.yaml``.

Why data: the wording of a notice is approved by the federation's legal adviser and changes
over time; a consent must name the exact version the citizen saw (个保法 art. 14, 17), so a
changed text is a new version with a later ``effective_from``, never an edit. Pure module:
no Django; the strict reader names the file, the entry and the field of any error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from canlian.core.rule_text import gettext_noop, translated

DATA = Path(__file__).resolve().parent / "data" / "notices.yaml"


class NoticeError(ValueError):
    """A notice file that cannot be read: names the file, the entry and the field (in the
    active language: staff read it when the deployment starts)."""


# "where, field …: problem", the problem itself a msgid (core.rule_text: no Django here).
WHERE_FIELD = gettext_noop("%(where)s field %(field)s: %(problem)s")


def _problem(where: str, field: str, msgid: str, **params: Any) -> str:
    """The message in the active language (English when Django is not loaded)."""
    return translated(WHERE_FIELD, {"where": where, "field": field,
                                    "problem": translated(msgid, params)})


class _Version(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    effective_from: dt.date
    title: str
    collected: str
    why: str
    shared_with: str
    kept: str
    note: str = ""


class _Purpose(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    basis: Literal["law", "consent"]
    department: str = ""
    versions: list[_Version]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: int
    purposes: list[_Purpose]


@dataclass(frozen=True)
class Notice:
    """The notice of one purpose in force on a day; ``version`` is its effective_from."""

    purpose: str
    basis: str
    department: str
    version: dt.date
    title: str
    collected: str
    why: str
    shared_with: str
    kept: str

    @property
    def needs_consent(self) -> bool:
        return self.basis == "consent"


def parse(raw: object, source: str) -> tuple[_Purpose, ...]:
    if isinstance(raw, dict) and "schema" in raw:
        raw = {("schema_" if k == "schema" else k): v for k, v in raw.items()}
    try:
        data = _File.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        entry = ""
        if len(loc) >= 2 and loc[0] == "purposes" and isinstance(loc[1], int):
            purposes = raw.get("purposes") if isinstance(raw, dict) else None
            code = purposes[loc[1]].get("code", "?") if isinstance(purposes, list) else "?"
            entry = f"purposes[{loc[1]}] ({code})"
            loc = loc[2:]
        field = ".".join(str(p) for p in loc)
        raise NoticeError(_problem(f"{source}: {entry or '(file)'}", field or "(entry)",
                                   "%(msg)s", msg=err["msg"])) from None
    seen: set[str] = set()
    for i, p in enumerate(data.purposes):
        where = f"{source}: purposes[{i}] ({p.code})"
        if p.code in seen:
            raise NoticeError(_problem(where, "code", gettext_noop("duplicate purpose")))
        seen.add(p.code)
        if p.basis == "consent" and not p.department:
            raise NoticeError(_problem(where, "department", gettext_noop(
                "a purpose needing consent must name the receiving department")))
        days = [v.effective_from for v in p.versions]
        if not days or days != sorted(set(days)):
            raise NoticeError(_problem(where, "versions", gettext_noop(
                "versions must be in increasing effective_from order, none twice")))
    return tuple(data.purposes)


@cache
def _purposes(path: Path = DATA) -> tuple[_Purpose, ...]:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def notices(day: dt.date, path: Path = DATA) -> list[Notice]:
    """Every purpose's notice in force on ``day`` (a purpose not yet in force is left out)."""
    result = []
    for p in _purposes(path):
        current = [v for v in p.versions if v.effective_from <= day]
        if current:
            v = current[-1]
            result.append(Notice(p.code, p.basis, p.department, v.effective_from, v.title,
                                 v.collected, v.why, v.shared_with, v.kept))
    return result


def notice(code: str, day: dt.date, path: Path = DATA) -> Notice | None:
    return next((n for n in notices(day, path) if n.purpose == code), None)


def consent_purposes(path: Path = DATA) -> list[str]:
    return [p.code for p in _purposes(path) if p.basis == "consent"]
