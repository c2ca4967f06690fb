"""The province's cities (省级汇聚的城市清单): a YAML file named by
``CANLIAN_PROVINCE_CITIES``, read strictly. No Django here.

```yaml
province: 山东省
cities:
  - code: linzi                 # letters, digits, hyphens
    name: 临淄区
    url: https://canlian.linzi.example.cn   # the city deployment's base URL
    key_env: CANLIAN_PROVINCE_KEY_LINZI     # the environment variable holding its API key
    plan: linzi-14th            # the city's plan code
    years: [2024, 2025]         # the years to collect
```

A key may be given inline as ``key:`` (for tests); production keeps it in the environment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml


class CitiesError(ValueError):
    """The cities file is missing or wrong; the message names the file, entry and field."""


@dataclass(frozen=True)
class City:
    code: str
    name: str
    url: str
    key: str
    plan: str
    years: tuple[int, ...]


@dataclass(frozen=True)
class Province:
    name: str
    cities: tuple[City, ...]


def read(path: str | Path, environ: dict[str, str] | None = None) -> Province:
    environ = dict(os.environ) if environ is None else environ
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CitiesError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cities"), list) or not data["cities"]:
        raise CitiesError(f"{path}: needs a non-empty list `cities`")
    seen: set[str] = set()
    cities = []
    for n, entry in enumerate(data["cities"], 1):
        where = f"{path}: city {n}"
        if not isinstance(entry, dict):
            raise CitiesError(f"{where}: must be a mapping")
        for field in ("code", "name", "url", "plan"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise CitiesError(f"{where}: `{field}` is required")
        code = entry["code"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
            raise CitiesError(f"{where}: `code` {code!r} must be lower-case letters, digits, -")
        if code in seen:
            raise CitiesError(f"{where}: `code` {code!r} appears twice")
        seen.add(code)
        if not re.match(r"https?://", entry["url"]):
            raise CitiesError(f"{where}: `url` must start with http:// or https://")
        key = entry.get("key")
        if key is None and entry.get("key_env"):
            key = environ.get(entry["key_env"])
            if not key:
                raise CitiesError(f"{where}: the environment variable {entry['key_env']} is empty")
        if not isinstance(key, str) or not key:
            raise CitiesError(f"{where}: `key_env` (or `key`) is required")
        years = entry.get("years")
        if (not isinstance(years, list) or not years
                or not all(isinstance(y, int) and 2015 <= y <= 2100 for y in years)):
            raise CitiesError(f"{where}: `years` must be a list of years")
        cities.append(City(code=code, name=entry["name"], url=entry["url"].rstrip("/"), key=key,
                           plan=entry["plan"], years=tuple(sorted(set(years)))))
    return Province(name=str(data.get("province") or ""), cities=tuple(cities))
