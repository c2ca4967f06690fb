"""Load a deployment's regions from its data file (``data/<code>.yaml``).

Idempotent: re-loading updates names and adds what is missing. Villages the file does
not list are synthesised for the demo (``synthesise_villages``) with codes inside
their township's range, named as demo villages so nobody mistakes them for real ones.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from . import codes
from .models import Deployment, Kind, Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"

_COUNTY_KIND = {"county": Kind.COUNTY, "district": Kind.DISTRICT, "county_city": Kind.COUNTY_CITY}


def available() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def read(code: str) -> dict:
    path = DATA_DIR / f"{code}.yaml"
    if not path.exists():
        raise FileNotFoundError(
            f"no region file for deployment {code!r}; "
            f"available: {', '.join(available())}"
        )
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _kind_for(level: str, name: str, declared: str | None) -> str:
    if declared:
        return _COUNTY_KIND.get(declared, declared)
    if level == "province":
        return Kind.PROVINCE
    if level == "city":
        return Kind.CITY
    if level == "county":
        return Kind.DISTRICT if name.endswith("区") else (
            Kind.COUNTY_CITY if name.endswith("市") else Kind.COUNTY
        )
    if level == "township":
        return Kind.STREET if name.endswith("街道") else (
            Kind.TOWNSHIP if name.endswith("乡") else Kind.TOWN
        )
    return Kind.COMMUNITY if name.endswith("社区") else Kind.VILLAGE


def _upsert(code: str, name: str, level: str, parent: Region | None, kind: str | None) -> Region:
    code = codes.check(code)
    region, _ = Region.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "level": level,
            "kind": _kind_for(level, name, kind),
            "parent": parent,
        },
    )
    return region


@transaction.atomic
def load(code: str, *, villages_per_township: int = 8) -> Deployment:
    data = read(code)
    parent: Region | None = None
    for row in data["chain"]:
        parent = _upsert(row["code"], row["name"], row["level"], parent, row.get("kind"))
    root = parent
    assert root is not None and root.code == data["deployment"]["root"]
    for row in data["townships"]:
        township = _upsert(row["code"], row["name"], Level.TOWNSHIP, root, row.get("kind"))
        listed = row.get("villages") or []
        for village in listed:
            _upsert(village["code"], village["name"], Level.VILLAGE, township, village.get("kind"))
        synthesise_villages(township, villages_per_township - len(listed))
    deployment, _ = Deployment.objects.update_or_create(
        code=data["deployment"]["code"],
        defaults={"name": data["deployment"]["name"], "root": root},
    )
    return deployment


SYNTHETIC_NAMES = [
    "东山", "西岙", "南塘", "北垟", "中心", "前街", "后河", "新桥", "上湾", "下洋",
    "石门", "青山", "溪口", "桥头", "岭下", "湖滨",
]


def synthesise_villages(township: Region, count: int) -> None:
    """Add demo villages/communities numbered 201… (村) inside the township's range."""
    existing = set(township.children.values_list("code", flat=True))
    made = 0
    seq = 201
    while made < count and seq < 999:
        code = f"{township.code[:9]}{seq:03d}"
        if code not in existing:
            name = SYNTHETIC_NAMES[(seq - 201) % len(SYNTHETIC_NAMES)]
            suffix = "社区" if township.kind == Kind.STREET and made % 2 == 0 else "村"
            Region.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"{name}{suffix}",
                    "level": Level.VILLAGE,
                    "kind": Kind.COMMUNITY if suffix == "社区" else Kind.VILLAGE,
                    "parent": township,
                },
            )
            made += 1
        seq += 1
