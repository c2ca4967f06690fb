"""``canlian apiclient create NAME --user SERVICE_ACCOUNT --scopes persons:read,…``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from canlian.accounts.models import User
from canlian.api.actions import issue_client, revoke_client
from canlian.api.models import SCOPES, ApiClient


class Command(BaseCommand):
    help = "Issue an API key for another system (printed once), or list clients."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["create", "list", "revoke"])
        parser.add_argument("name", nargs="?")
        parser.add_argument("--user", help="service account (a staff user with a role and region)")
        parser.add_argument("--scopes", default=",".join(SCOPES))

    def handle(self, *args, **opts):
        if opts["verb"] == "list":
            for c in ApiClient.objects.select_related("user"):
                self.stdout.write(f"{c.name}: {c.user.username} {','.join(c.scopes)} "
                                  f"{'active' if c.active else 'revoked'}")
            return
        if not opts["name"]:
            raise CommandError("name the client")
        if opts["verb"] == "revoke":
            if not revoke_client(opts["name"]):
                raise CommandError(f"no client {opts['name']!r}")
            self.stdout.write(f"revoked {opts['name']}")
            return
        user = User.objects.filter(username=opts["user"] or "").first()
        if user is None:
            raise CommandError("--user must name an existing service account")
        try:
            _, key = issue_client(opts["name"], user, opts["scopes"].split(","))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"API key for {opts['name']} (shown once): {key}")
