"""``canlian province collect [--city CODE]``: collect the cities' aggregates now (the
scheduled job ``province_collect`` does the same every hour); ``canlian province status``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from canlian.province import actions, queries
from canlian.province.cities import CitiesError


class Command(BaseCommand):
    help = "Province mode: collect the cities' aggregates, or show each city's status."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["collect", "status"])
        parser.add_argument("--city", help="only this city (its code in the cities file)")

    def handle(self, *args, **opts):
        try:
            config = actions.province()
            if opts["verb"] == "collect":
                result = actions.collect(opts["city"])
                self.stdout.write(f"received {result['received']}, failed {result['failed']}, "
                                  f"with problems {result['with_problems']}")
                return
        except (actions.NotProvince, CitiesError) as exc:
            raise CommandError(str(exc)) from None
        for row in queries.status(config):
            self.stdout.write(f"{row['city'].code}: {row['state']} "
                              f"last={row['last_ok'] or '-'} flags={','.join(row['flags']) or '-'}")
