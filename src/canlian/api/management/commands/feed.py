"""``canlian feed deaths|households|insurance FILE.(json|csv) --as USERNAME``."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from canlian.accounts.models import User
from canlian.api import feeds


def _row(feed: str, raw: dict) -> dict:
    item = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    if feed == "deaths" and isinstance(item.get("death_date"), str):
        try:
            item["death_date"] = dt.date.fromisoformat(item["death_date"])
        except ValueError:
            item["death_date"] = None
    if feed == "insurance":
        item["year"] = int(item.get("year") or 0)
        for key in ("pension_insured", "medical_insured"):
            value = item.get(key)
            if isinstance(value, str):
                item[key] = None if value == "" else value.lower() in ("1", "true", "是", "yes")
    return item


class Command(BaseCommand):
    help = "Apply a batch from another department (deaths, household status, insurance)."

    def add_arguments(self, parser):
        parser.add_argument("feed", choices=sorted(feeds.FEEDS))
        parser.add_argument("path", type=Path)
        parser.add_argument("--as", dest="username", required=True)

    def handle(self, *args, **opts):
        path: Path = opts["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        if path.suffix == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
        items = [_row(opts["feed"], r) for r in rows]
        bad = [i for i, item in enumerate(items) if opts["feed"] == "deaths"
               and item.get("death_date") is None]
        try:
            report = feeds.run(user, opts["feed"], [it for i, it in enumerate(items)
                                                    if i not in bad])
        except PermissionDenied:
            raise CommandError(f"{user.username} may not apply feeds") from None
        for i in bad:
            self.stdout.write(f"  row {i + 2}: rejected — death_date must be YYYY-MM-DD")
        self.stdout.write(f"{opts['feed']}: {report['applied']} applied, "
                          f"{report['unchanged']} unchanged, {report['rejected'] + len(bad)} rejected")
        for r in report["results"]:
            if r["outcome"] == "rejected":
                self.stdout.write(f"  record {r['index'] + 1} ({r['resident_id']}): {r['message']}")
