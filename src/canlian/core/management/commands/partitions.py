"""``canlian partitions convert audit|rolllines|surveys [--batch N]``: make the audit log,
the payment-roll ledger (by month) or the annual surveys (by year) partitioned on a live
PostgreSQL database (docs/scaling.md); ``canlian partitions ahead [TABLE]``: create the
coming periods' partitions now (the scheduled job ``partitions_ahead`` does it nightly for
every table); ``canlian partitions status``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from canlian.core import partitions


class Command(BaseCommand):
    help = ("Time partitions of the audit log, the roll ledger and the surveys on PostgreSQL "
            "(SQLite keeps plain tables).")

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["convert", "ahead", "status"])
        parser.add_argument("table", nargs="?", choices=sorted(partitions.TABLES))
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument("--ahead", type=int, default=3)

    def handle(self, *args, **opts):
        named = [opts["table"]] if opts["table"] else sorted(partitions.TABLES)
        if opts["verb"] == "status":
            for name in named:
                spec = partitions.TABLES[name]
                self.stdout.write(f"{spec.table}: "
                                  f"{'partitioned' if partitions.is_partitioned(spec) else 'plain'}")
            return
        if opts["verb"] == "ahead":
            for name in named:
                self.stdout.write(f"{name}: "
                                  f"{partitions.ensure_ahead(partitions.TABLES[name], opts['ahead'])}")
            return
        spec = partitions.TABLES[opts["table"] or "audit"]
        start = time.monotonic()
        result = partitions.convert(spec, batch=opts["batch"], ahead=opts["ahead"],
                                    report=lambda line: self.stdout.write(
                                        f"{time.monotonic() - start:8.1f} s  {line}"))
        self.stdout.write(f"{result} in {time.monotonic() - start:.1f} s")
