"""``canlian certificates expiring --within 90d`` and ``canlian certificates expire``.

``expiring`` lists valid certificates that expire within the window (renewal reminders);
``expire`` marks certificates past their validity as expired and announces each (run
daily from cron).
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from canlian.accounts import scoping
from canlian.certificates import actions
from canlian.certificates.models import Certificate
from canlian.people.idnumber import mask
from canlian.regions.models import Deployment


def parse_days(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(d|days?|m|months?|y|years?)?", text.strip().lower())
    if not match:
        raise CommandError(f"--within takes e.g. 90d, 3m or 1y, not {text!r}")
    n, unit = int(match.group(1)), (match.group(2) or "d")[0]
    return n * {"d": 1, "m": 30, "y": 365}[unit]


class Command(BaseCommand):
    help = "Certificate sweeps: list those expiring soon, or mark the expired ones."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["expiring", "expire"])
        parser.add_argument("--within", default="90d", help="window, e.g. 90d, 3m, 1y")

    def handle(self, *args, **opts):
        if opts["verb"] == "expire":
            count = actions.expire_overdue()
            self.stdout.write(f"{count} certificate(s) marked expired")
            return
        days = parse_days(opts["within"])
        qs = Certificate.objects.all()
        deployment = Deployment.current()
        if deployment is not None:
            qs = qs.filter(scoping.within(deployment.root, "person__village__code"))
        rows = actions.expiring(qs, days).select_related("person__village__parent")
        count = 0
        for c in rows.iterator():
            count += 1
            township = c.person.village.parent.name if c.person.village.parent else ""
            self.stdout.write(f"{c.valid_until}  {mask(c.number)}  {c.person.name}  "
                              f"{township}{c.person.village.name}")
        self.stdout.write(f"{count} certificate(s) expire within {days} days")
