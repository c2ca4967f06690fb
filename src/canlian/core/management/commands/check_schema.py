"""``canlian check_schema``: compare the database with what the models and migrations
declare (core/schema.py) and list anything missing; exits 1 when something is."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from canlian.core import schema


class Command(BaseCommand):
    help = "Verify the database schema: tables, keys, constraints, indexes, triggers, migrations."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **opts):
        started = time.perf_counter()
        items = schema.verify(opts["database"])
        seconds = time.perf_counter() - started
        if items:
            raise CommandError(schema.report(items, limit=len(items)))
        vendor = connections[opts["database"]].vendor
        count = len(schema.expected(vendor)) + len(schema.expected_migrations())
        self.stdout.write(f"schema complete: {count:,} objects verified "
                          f"in {seconds * 1000:.0f} ms")
