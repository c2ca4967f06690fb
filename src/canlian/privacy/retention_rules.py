"""Retention periods (保存期限) per record kind, read from ``data/retention.yaml``: pure rules.

Why data: how long a federation keeps a deceased person's contact details or a stopped
grant's bank account is set by its archive rules and may change; a changed period is a new
version with a later ``effective_from``. ``cutoff(kind, today)`` is the last day of the
event (death, stop) whose records have passed their period on ``today``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from canlian.core.rule_text import gettext_noop, translated

DATA = Path(__file__).resolve().parent / "data" / "retention.yaml"
Kind = Literal["deceased_contact", "stopped_bank", "first_application",
               "first_application_undecided"]


class RetentionError(ValueError):
    """A retention file that cannot be read: names the file, the entry and the field (in the
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
    years: int = Field(ge=1, le=100)
    note: str = ""


class _Period(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind
    versions: list[_Version] = Field(min_length=1)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: int
    periods: list[_Period]


def parse(raw: object, source: str) -> dict[str, tuple[_Version, ...]]:
    if isinstance(raw, dict):
        raw = {("schema_" if k == "schema" else k): v for k, v in raw.items()}
    try:
        data = _File.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        entry = "(file)"
        if len(loc) >= 2 and loc[0] == "periods" and isinstance(loc[1], int):
            periods = raw.get("periods") if isinstance(raw, dict) else None
            kind = periods[loc[1]].get("kind", "?") if isinstance(periods, list) else "?"
            entry, loc = f"periods[{loc[1]}] ({kind})", loc[2:]
        raise RetentionError(_problem(f"{source}: {entry}", ".".join(map(str, loc)) or "(entry)",
                                      "%(msg)s", msg=err["msg"])) from None
    result: dict[str, tuple[_Version, ...]] = {}
    for i, p in enumerate(data.periods):
        days = [v.effective_from for v in p.versions]
        if p.kind in result:
            raise RetentionError(_problem(f"{source}: periods[{i}] ({p.kind})", "kind",
                                          gettext_noop("duplicate")))
        if days != sorted(set(days)):
            raise RetentionError(_problem(f"{source}: periods[{i}] ({p.kind})", "versions",
                                          gettext_noop("must increase by effective_from")))
        result[p.kind] = tuple(p.versions)
    return result


@cache
def _periods(path: Path = DATA) -> dict[str, tuple[_Version, ...]]:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def years(kind: str, today: dt.date, path: Path = DATA) -> int | None:
    current = [v for v in _periods(path).get(kind, ()) if v.effective_from <= today]
    return current[-1].years if current else None


def cutoff(kind: str, today: dt.date, path: Path = DATA) -> dt.date | None:
    """Events on or before this day have passed their period on ``today`` (None: no rule)."""
    n = years(kind, today, path)
    if n is None:
        return None
    try:
        return today.replace(year=today.year - n) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - n, day=28) - dt.timedelta(days=1)
