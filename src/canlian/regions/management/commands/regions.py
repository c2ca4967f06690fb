"""``canlian regions load CODE`` / ``canlian regions list``: deployments' region data."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from canlian.regions import loader


class Command(BaseCommand):
    help = "Load a deployment's administrative regions from its data file, or list them."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["load", "list"])
        parser.add_argument("deployment", nargs="?")

    def handle(self, *args, **opts):
        if opts["verb"] == "list":
            for code in loader.available():
                data = loader.read(code)
                self.stdout.write(f"{code}: {data['deployment']['name']} "
                                  f"({len(data['townships'])} townships)")
            return
        if not opts["deployment"]:
            raise CommandError(f"name a deployment: {', '.join(loader.available())}")
        try:
            deployment = loader.load(opts["deployment"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        root = deployment.root
        self.stdout.write(f"{deployment.name}: {root.townships().count()} townships, "
                          f"{root.villages().count()} villages")
