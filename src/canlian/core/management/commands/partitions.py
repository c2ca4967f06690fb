"""``canlian partitions convert audit [--batch N]``: make the audit log partitioned by month
on a live PostgreSQL database (docs/scaling.md); ``canlian partitions ahead``: create the
coming months' partitions now (the scheduled job ``partitions_ahead`` does it nightly)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from canlian.core import partitions


class Command(BaseCommand):
    help = "Monthly partitions of the audit log on PostgreSQL (SQLite keeps plain tables)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["convert", "ahead", "status"])
        parser.add_argument("table", nargs="?", choices=sorted(partitions.TABLES), default="audit")
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument("--ahead", type=int, default=3)

    def handle(self, *args, **opts):
        spec = partitions.TABLES[opts["table"]]
        if opts["verb"] == "status":
            self.stdout.write(f"{spec.table}: "
                              f"{'partitioned' if partitions.is_partitioned(spec) else 'plain'}")
            return
        if opts["verb"] == "ahead":
            self.stdout.write(str(partitions.ensure_months(spec, opts["ahead"])))
            return
        start = time.monotonic()
        result = partitions.convert(spec, batch=opts["batch"], ahead=opts["ahead"],
                                    report=lambda line: self.stdout.write(
                                        f"{time.monotonic() - start:8.1f} s  {line}"))
        self.stdout.write(f"{result} in {time.monotonic() - start:.1f} s")
